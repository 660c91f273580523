/**
 * A local diff (`git diff main`, a .patch file) as the files a pull request would list, and the
 * working tree as the files at its head: the CLI reviews a change before it is pushed with the
 * same planning, prompts and rendering as the action.
 */
import { readFile } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import parseDiff from 'parse-diff'
import type { FileStatus, HeadFiles, PrFile } from '../pull-request.js'
import { changedFile } from '../review/diff.js'

export function filesOfDiff(text: string): PrFile[] {
  return parseDiff(text.replace(/\r\n/g, '\n')).flatMap((file): PrFile[] => {
    const path = clean(file.to) ?? clean(file.from)
    if (!path) return []
    const previous = clean(file.from)
    const status: FileStatus = file.new
      ? 'added'
      : file.deleted
        ? 'removed'
        : previous && previous !== path
          ? 'renamed'
          : 'modified'
    // Without hunks (a binary file, a rename alone) there is no patch, as GitHub sends none.
    const patch =
      file.chunks.length === 0
        ? null
        : file.chunks
            .map((chunk) => [chunk.content, ...chunk.changes.map((c) => c.content)].join('\n'))
            .join('\n')
    return [
      changedFile({
        path,
        ...(status === 'renamed' && previous ? { previousPath: previous } : {}),
        status,
        additions: file.additions,
        deletions: file.deletions,
        patch
      })
    ]
  })
}

function clean(path: string | undefined): string | undefined {
  if (!path || path === '/dev/null') return undefined
  return path.replace(/^[ab]\//, '')
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
