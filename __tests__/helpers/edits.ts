/**
 * Changed files made from real code: a file at head (this repository's own sources) and a base
 * that differs every `every` lines, with the patch GitHub would send for base → head.
 */
import { readFileSync } from 'node:fs'
import { formatPatch, structuredPatch } from 'diff'
import type { PrFile } from '../../src/pull-request.js'
import { prFile } from './files.js'

export interface EditedFile {
  readonly file: PrFile
  /** The file at head, line by line. */
  readonly head: readonly string[]
}

/** `src/…` of this repository at head, its base edited every `every` lines from `first`. */
export function editedSource(path: string, every = 40, first = 10): EditedFile {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
  const head = text.replace(/\n$/, '').split('\n')
  const base = head.map((line, i) =>
    i >= first && (i - first) % every === 0 && line.trim() !== '' ? `${line} // was` : line
  )
  const patch = formatPatch(
    structuredPatch('a', 'b', `${base.join('\n')}\n`, `${head.join('\n')}\n`, '', '', {
      context: 3
    })
  )
  const hunks = patch.slice(patch.indexOf('@@')).replace(/\n$/, '')
  return { file: prFile(path, hunks), head }
}
