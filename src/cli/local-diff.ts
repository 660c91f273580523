/**
 * A local diff (`git diff main`, a .patch file) as the files a pull request would list, and the
 * working tree as the files at its head: the CLI reviews a change before it is pushed with the
 * same planning, prompts and rendering as the action.
 */
import { readFile } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import type { FileStatus, HeadFiles, PrFile } from '../pull-request.js'
import { changedFile } from '../review/diff.js'

/**
 * Each file of a unified diff (git's, or `diff -u`'s), with its patch as GitHub sends it: the
 * hunks as written, which the action's own patch parser reads (review/diff.ts).
 */
export function filesOfDiff(text: string): PrFile[] {
  return sections(text.replace(/\r\n/g, '\n').split('\n')).flatMap(fileOf)
}

/** The lines of each file: from each `diff --git`, or from each `---`/`+++` pair without them. */
function sections(lines: readonly string[]): string[][] {
  const git = lines.some((line) => line.startsWith('diff --git '))
  const starts = (at: number): boolean =>
    git
      ? (lines[at] ?? '').startsWith('diff --git ')
      : (lines[at] ?? '').startsWith('--- ') && (lines[at + 1] ?? '').startsWith('+++ ')
  const found: string[][] = []
  lines.forEach((line, at) => {
    if (starts(at)) found.push([])
    found.at(-1)?.push(line)
  })
  return found
}

function fileOf(section: readonly string[]): PrFile[] {
  const hunkAt = section.findIndex((line) => line.startsWith('@@'))
  const header = hunkAt === -1 ? section : section.slice(0, hunkAt)
  const value = (prefix: string): string | undefined =>
    header.find((line) => line.startsWith(prefix))?.slice(prefix.length)
  const [fromHeader, toHeader] = gitHeaderPaths(header[0] ?? '')
  const from = value('rename from ') ?? pathOf(value('--- ')) ?? fromHeader
  const to = value('rename to ') ?? pathOf(value('+++ ')) ?? toHeader
  const added = value('new file mode') !== undefined || value('--- ') === '/dev/null'
  const removed = value('deleted file mode') !== undefined || value('+++ ') === '/dev/null'
  const path = removed ? from : to
  if (!path) return []
  const status: FileStatus = added
    ? 'added'
    : removed
      ? 'removed'
      : from && from !== path
        ? 'renamed'
        : 'modified'
  // Without hunks (a binary file, a rename alone) there is no patch, as GitHub sends none.
  const hunks = hunkAt === -1 ? [] : trimEnd(section.slice(hunkAt))
  const count = (sign: string): number =>
    hunks.filter((line) => line.startsWith(sign) && !line.startsWith('@@')).length
  return [
    changedFile({
      path,
      ...(status === 'renamed' && from ? { previousPath: from } : {}),
      status,
      additions: count('+'),
      deletions: count('-'),
      patch: hunks.length === 0 ? null : hunks.join('\n')
    })
  ]
}

/** `diff --git a/X b/Y`: the two paths when they can be told apart (always when equal). */
function gitHeaderPaths(line: string): [string | undefined, string | undefined] {
  const match = /^diff --git a\/(.+) b\/(.+)$/.exec(line)
  return match ? [match[1], match[2]] : [undefined, undefined]
}

/** The path of a `---`/`+++` line: no `a/`/`b/` prefix, no `diff -u` timestamp. */
function pathOf(value: string | undefined): string | undefined {
  const path = value?.split('\t')[0]
  if (!path || path === '/dev/null') return undefined
  return path.replace(/^[ab]\//, '')
}

function trimEnd(lines: readonly string[]): string[] {
  let end = lines.length
  while (end > 0 && lines[end - 1] === '') end -= 1
  return lines.slice(0, end)
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
