/**
 * A local diff (`git diff main`, a .patch file) as the files a pull request would list, and the
 * working tree as the files at its head: the CLI reviews a change before it is pushed with the
 * same planning, prompts and rendering as the action.
 */
import { readFile } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import { ConfigError } from '../errors.js'
import type { HeadFiles, PrFile } from '../pull-request.js'
import { changedFile, hunkRange } from '../review/diff.js'
import { GIT_HEADER_ROW, readHeader } from './diff-headers.js'

/** The colours of `git diff` with `color.ui=always`, which a pipe does not turn off. */
const COLOUR = /\x1b\[[0-9;]*m/g // eslint-disable-line no-control-regex

/**
 * Each file of a unified diff (git's in any config, `git format-patch`'s, or `diff -u`'s), with
 * its patch as GitHub sends it: the hunks as written, which the action's own patch parser reads
 * (review/diff.ts). Without hunks (a binary file, a mode change, a rename alone) there is no
 * patch, as GitHub sends none.
 */
export function filesOfDiff(text: string): PrFile[] {
  const rows = text.replace(COLOUR, '').replace(/\r\n/g, '\n').split('\n')
  const git = rows.some((row) => row.startsWith('diff --git '))
  const files: PrFile[] = []
  for (let at = 0; at < rows.length;) {
    const header = headerAt(rows, at, git)
    if (!header) {
      at += 1
      continue
    }
    const hunks = hunksAt(rows, at + header.length)
    at = hunks.end
    const file = readHeader(header)
    if (!file) continue
    files.push(
      changedFile({
        ...file,
        additions: hunks.additions,
        deletions: hunks.deletions,
        patch: hunks.patch
      })
    )
  }
  return onePerPath(files)
}

/**
 * The header rows of the file that starts at `at`: its `diff --git` row and git's header rows
 * after it (so that the mail of a format-patch series is none of them), or a `---`/`+++` pair
 * in a diff without git's rows.
 */
function headerAt(rows: readonly string[], at: number, git: boolean): string[] | undefined {
  const row = rows[at] ?? ''
  if (!git) {
    return row.startsWith('--- ') && (rows[at + 1] ?? '').startsWith('+++ ')
      ? rows.slice(at, at + 2)
      : undefined
  }
  if (!row.startsWith('diff --git ')) return undefined
  let end = at + 1
  while (GIT_HEADER_ROW.test(rows[end] ?? '')) end += 1
  return rows.slice(at, end)
}

interface Hunks {
  /** The row after the last hunk. */
  readonly end: number
  readonly patch: string | null
  readonly additions: number
  readonly deletions: number
}

/**
 * The hunks from `start`, each as long as its `@@` row counts, with its `\ No newline` markers:
 * what follows them (a format-patch signature, the next mail of a series) is not part of the
 * patch, and a `--- ` row inside a hunk is a removed line, not the next file.
 */
function hunksAt(rows: readonly string[], start: number): Hunks {
  let at = start
  let oldLeft = 0
  let newLeft = 0
  let additions = 0
  let deletions = 0
  for (; at < rows.length; at += 1) {
    const row = rows[at] ?? ''
    const range = hunkRange(row)
    if (range) {
      oldLeft = range.oldLines
      newLeft = range.newLines
      continue
    }
    if (at === start) break
    // An empty row is a blank context line whose space was stripped.
    const sign = row === '' ? ' ' : row[0]
    if (sign === '\\') continue
    if (sign === '-' && oldLeft > 0) {
      oldLeft -= 1
      deletions += 1
    } else if (sign === '+' && newLeft > 0) {
      newLeft -= 1
      additions += 1
    } else if (sign === ' ' && oldLeft > 0 && newLeft > 0) {
      oldLeft -= 1
      newLeft -= 1
    } else {
      break
    }
  }
  const patch = at === start ? null : rows.slice(start, at).join('\n')
  return { end: at, patch, additions, deletions }
}

/**
 * One entry per path, as GitHub lists them: git writes a type change (a file that becomes a
 * symlink) as a deletion and an addition of the same path, one modified file here. Any other
 * path listed twice comes from a series of patches, whose later ones number their lines in
 * files the working tree does not hold: refused.
 */
function onePerPath(files: readonly PrFile[]): PrFile[] {
  const listed: PrFile[] = []
  const paths = new Set<string>()
  for (const file of files) {
    const before = listed.at(-1)
    if (before?.path === file.path && before.status === 'removed' && file.status === 'added') {
      const patches = [before.patch, file.patch].filter((patch) => patch !== null)
      listed[listed.length - 1] = changedFile({
        path: file.path,
        status: 'modified',
        additions: before.additions + file.additions,
        deletions: before.deletions + file.deletions,
        patch: patches.length === 0 ? null : patches.join('\n')
      })
    } else if (paths.has(file.path)) {
      throw new ConfigError(
        `--diff: it changes ${file.path} more than once (a series of patches?), and a review reads one change from the base to the working tree.`,
        'git diff main | keyless-pr-review review --diff -'
      )
    } else {
      listed.push(file)
      paths.add(file.path)
    }
  }
  return listed
}

/**
 * The working tree under `root` as the head of the change (what `git diff` compares against):
 * a path outside `root` is never read.
 */
export function workingTree(root: string): HeadFiles {
  const base = resolve(root)
  let reads = 0
  const cache = new Map<string, Promise<readonly string[] | undefined>>()
  const read = async (path: string): Promise<readonly string[] | undefined> => {
    const full = resolve(base, path)
    if (!full.startsWith(base + sep)) return undefined
    reads += 1
    try {
      const text = await readFile(full, 'utf8')
      return text.includes('\0') ? undefined : text.split(/\r?\n/)
    } catch {
      return undefined
    }
  }
  return {
    lines(path) {
      let pending = cache.get(path)
      if (!pending) {
        pending = read(path)
        cache.set(path, pending)
      }
      return pending
    },
    get reads() {
      return reads
    }
  }
}
