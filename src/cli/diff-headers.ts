/**
 * A file's header in a unified diff, read as git writes it whatever the user's git config: names
 * C-quoted (`core.quotePath`) or not, with any prefix pair (`a/ b/`, `diff.mnemonicPrefix`'s
 * `c/ i/ w/ o/ 1/ 2/` in either order, `--no-prefix`, `--src-prefix`/`--dst-prefix`), renames
 * and copies. `diff -u` headers (`---`/`+++` alone) too.
 *
 * Hand-written: jsdiff 9, gitdiff-parser 0.3.1 and parse-git-diff 0.0.20 each lose the names of
 * mnemonic-prefixed or prefixless binary files, misread quoted names, or throw on a
 * format-patch signature.
 */
import type { FileStatus } from '../pull-request.js'

/** Which file changed, and how, as GitHub lists it. */
export interface FileHeader {
  readonly path: string
  /** The source of a renamed or copied file. */
  readonly previousPath?: string
  readonly status: FileStatus
}

/** The rows git writes between `diff --git` and the first hunk (git-diff(1), "extended headers"). */
export const GIT_HEADER_ROW =
  /^(?:(?:old|new|deleted file|new file) mode |(?:copy|rename) (?:from|to) |(?:dis)?similarity index |index |--- |\+\+\+ |Binary files |GIT binary patch$)/

const NO_FILE = '/dev/null'

/**
 * A file's header rows (from its `diff --git` row, or its `---`/`+++` pair) → its path, the
 * path it was renamed or copied from, and its status; undefined when they name no file.
 */
export function readHeader(rows: readonly string[]): FileHeader | undefined {
  const field = (name: string): string | undefined =>
    rows.find((row) => row.startsWith(`${name} `))?.slice(name.length + 1)
  for (const [kind, status] of [
    ['rename', 'renamed'],
    ['copy', 'copied']
  ] as const) {
    // Unprefixed names: they tell the paths whatever the prefixes.
    const from = field(`${kind} from`)
    const to = field(`${kind} to`)
    if (from !== undefined && to !== undefined) {
      return { path: nameOf(to), previousPath: nameOf(from), status }
    }
  }
  const minus = field('---')
  const plus = field('+++')
  const from = minus === undefined ? undefined : nameOf(minus)
  const to = plus === undefined ? undefined : nameOf(plus)
  const status: FileStatus =
    field('new file mode') !== undefined || from === NO_FILE
      ? 'added'
      : field('deleted file mode') !== undefined || to === NO_FILE
        ? 'removed'
        : 'modified'
  const path = keptPath(rows[0] ?? '', from, to)
  return path ? { path, status } : undefined
}

/** The path of a file that kept its name: written on both sides, each with the diff's prefix. */
function keptPath(first: string, from?: string, to?: string): string | undefined {
  if (from !== undefined && to !== undefined && from !== NO_FILE && to !== NO_FILE) {
    return pathBetween(from, to)
  }
  if (first.startsWith('diff --git ')) return pathOfGitLine(first.slice('diff --git '.length))
  // One side of a `diff -u` without git's row: the other name, without the `a/` or `b/` of
  // the tools that write one (`hg diff`).
  if (to !== undefined && to !== NO_FILE) return to.replace(/^b\//, '')
  if (from !== undefined && from !== NO_FILE) return from.replace(/^a\//, '')
  return undefined
}

/**
 * `diff --git X Y` for a file that kept its name (X and Y differ by their prefixes only): each
 * name C-quoted, or both bare and split at the space that leaves them the longest path in
 * common (a path may hold spaces; git's prefixes hold none).
 */
function pathOfGitLine(names: string): string {
  const quoted = readQuoted(names)
  if (quoted) {
    const second = quoted.rest.slice(1)
    return pathBetween(quoted.name, readQuoted(second)?.name ?? second)
  }
  let best = { from: names, to: names, shared: -1 }
  for (let at = names.indexOf(' '); at !== -1; at = names.indexOf(' ', at + 1)) {
    const from = names.slice(0, at)
    const to = names.slice(at + 1)
    const shared = sharedPath(from, to).length
    if (shared > best.shared) best = { from, to, shared }
  }
  return pathBetween(best.from, best.to)
}

/**
 * The path two prefixed names share: `a/x/y` and `b/x/y` → `x/y`, `c/é.md` and `w/é.md` →
 * `é.md`, `x` and `x` (no prefix) → `x`. Names that share no path (`diff -u f.orig f`): the new
 * name.
 */
function pathBetween(from: string, to: string): string {
  return sharedPath(from, to) || to
}

/** The longest common ending of two names that starts a path in both: at its start or after a `/`. */
function sharedPath(from: string, to: string): string {
  let length = 0
  while (
    length < from.length &&
    length < to.length &&
    from[from.length - 1 - length] === to[to.length - 1 - length]
  ) {
    length += 1
  }
  const startsPath = (name: string, at: number): boolean => at === 0 || name[at - 1] === '/'
  while (
    length > 0 &&
    !(startsPath(from, from.length - length) && startsPath(to, to.length - length))
  ) {
    length -= 1
  }
  return to.slice(to.length - length)
}

/**
 * A name as a `---`, `+++`, `rename`, `copy` row writes it: C-quoted, or bare up to a tab (git
 * ends a name holding a space with one; `diff -u` puts its timestamp after it).
 */
function nameOf(value: string): string {
  return readQuoted(value)?.name ?? value.replace(/\t.*$/s, '')
}

const QUOTED = /^"((?:[^"\\]|\\.)*)"/s
/** A run of octal escapes (the UTF-8 bytes of one or more characters), or one other escape. */
const ESCAPE = /(?:\\[0-7]{3})+|\\(.)/gs
const ESCAPED: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r'
}

/**
 * A C-quoted name at the start of `text` (`"a/\303\251t\303\251.md"`, `"a/q\"uote"`) → the name
 * and the text after it; undefined when `text` starts with no quoted name. A run of octal
 * escapes is the UTF-8 of whole characters (git escapes every byte of one, or none with
 * `core.quotePath=false`, which quotes a name for its `"`, `\` or control characters only).
 */
function readQuoted(text: string): { name: string; rest: string } | undefined {
  const quoted = QUOTED.exec(text)
  if (!quoted) return undefined
  const name = (quoted[1] ?? '').replace(ESCAPE, (run, escaped: string | undefined) =>
    escaped === undefined
      ? Buffer.from(
          run
            .slice(1)
            .split('\\')
            .map((octal) => parseInt(octal, 8))
        ).toString('utf8')
      : (ESCAPED[escaped] ?? escaped)
  )
  return { name, rest: text.slice(quoted[0].length) }
}
