/**
 * Pull requests that look like the field, for `npm run bench`: real code and prose (sources,
 * tests, READMEs, changelogs of the packages in node_modules, pinned by the lock file) changed
 * the way pull requests change them, as GitHub's files API would list them. Deterministic: the
 * same size and seed give the same pull request on every machine with the same lock file.
 *
 * The mix, per 100 files: ~55 modified sources of varied sizes, ~10 added ones, ~12 tests
 * (modified and added), ~5 docs, ~5 renames (some changed), ~5 deletions, ~3 images GitHub
 * sends no patch for, and ~5 generated files (a lock file, a minified bundle, dist/ output);
 * every pull request also carries a 100 KB changelog hunk and a 5,000-line file with edits
 * spread over it. Beside them: one shaped like a framework's major release
 * (majorReleasePullRequest), and a real one from a local clone (gitPullRequest).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { structuredPatch } from 'diff'
import type { FileStatus, PullFileState } from '../../__tests__/emulators/github-state.js'
import { selectFiles } from '../../src/review/select.js'

export interface BenchFile extends PullFileState {
  /** Whether the action should send it to the model by default (not excluded, not deleted). */
  readonly reviewable: boolean
  /** The file at the pull request's head (absent for deletions and binaries). */
  readonly head?: string
}

const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`

const MODULES = 'node_modules'

/** Mulberry32: small, fast and the same everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Material {
  sources: string[]
  tests: string[]
  docs: string[]
  changelogs: string[]
}

let material: Material | undefined

/** Source files of the installed packages, sorted: the raw material of every pull request. */
function gather(): Material {
  if (material) return material
  const found: Material = { sources: [], tests: [], docs: [], changelogs: [] }
  const walk = (dir: string, depth: number): void => {
    if (depth > 6) return
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      const stat = statSync(path, { throwIfNoEntry: false })
      if (!stat) continue
      if (stat.isDirectory()) {
        if (name !== '.bin' && name !== 'node' && !name.startsWith('node-linux')) {
          walk(path, depth + 1)
        }
        continue
      }
      if (stat.size < 1_500 || stat.size > 80_000) {
        if (/^CHANGELOG\.md$/i.test(name) && stat.size > 20_000) found.changelogs.push(path)
        continue
      }
      if (/\.(test|spec)\.[cm]?[jt]s$/.test(name)) found.tests.push(path)
      else if (/^README\.md$/i.test(name)) found.docs.push(path)
      else if (/^CHANGELOG\.md$/i.test(name)) found.changelogs.push(path)
      else if (/\.[cm]?[jt]s$/.test(name) && !/\.(d|min)\.[cm]?[jt]s$/.test(name)) {
        found.sources.push(path)
      }
    }
  }
  walk(MODULES, 0)
  material = found
  return found
}

const readLines = (path: string): string[] =>
  readFileSync(path, 'utf8').replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n')

/** Minified or generated code is not what people write: keep readable files only. */
const readable = (lines: string[]): boolean =>
  lines.length >= 20 && lines.every((l) => l.length <= 240)

/** GitHub's `patch`: the hunks of a unified diff, without the file headers. */
function patchOf(before: string[], after: string[]): string {
  const { hunks } = structuredPatch(
    'a',
    'b',
    `${before.join('\n')}\n`,
    `${after.join('\n')}\n`,
    '',
    '',
    {
      context: 3
    }
  )
  return hunks
    .map((h) =>
      [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n')
    )
    .join('\n')
}

/** Edits the way people do: reworded lines, inserted blocks, deleted lines, spread over the file. */
function edit(lines: string[], rand: () => number, sites: number): string[] {
  const out = [...lines]
  for (let s = 0; s < sites; s++) {
    const at = Math.floor(rand() * out.length)
    const op = rand()
    if (op < 0.5) {
      const n = 1 + Math.floor(rand() * 3)
      for (let i = at; i < Math.min(out.length, at + n); i++) {
        out[i] = reword(out[i] ?? '', rand)
      }
    } else if (op < 0.85) {
      const from = Math.floor(rand() * out.length)
      const block = out.slice(from, from + 2 + Math.floor(rand() * 8)).map((l) => reword(l, rand))
      out.splice(at, 0, ...block)
    } else {
      out.splice(at, 1 + Math.floor(rand() * 4))
    }
  }
  return out
}

const WORDS = ['value', 'result', 'options', 'config', 'request', 'token', 'limit', 'entry']

function reword(line: string, rand: () => number): string {
  const word = WORDS[Math.floor(rand() * WORDS.length)] ?? 'value'
  if (/\b\d+\b/.test(line) && rand() < 0.4)
    return line.replace(/\b\d+\b/, String(Math.floor(rand() * 1000)))
  if (/\b[a-z][A-Za-z]{3,}\b/.test(line)) return line.replace(/\b[a-z][A-Za-z]{3,}\b/, word)
  return `${line} // ${word}`
}

function pick<T>(list: readonly T[], rand: () => number): T {
  const item = list[Math.floor(rand() * list.length)]
  if (item === undefined) throw new Error('nothing to pick from: run npm install first')
  return item
}

/** A readable file of the pool, its lines. */
function readablePick(pool: readonly string[], rand: () => number): string[] {
  for (let tries = 0; tries < 50; tries++) {
    const lines = readLines(pick(pool, rand))
    if (readable(lines)) return lines
  }
  throw new Error('no readable file found in node_modules')
}

function modified(path: string, lines: string[], rand: () => number): BenchFile {
  const sites = Math.max(1, Math.round((lines.length / 40) * (0.5 + rand())))
  const after = edit(lines, rand, sites)
  return {
    filename: path,
    status: 'modified',
    patch: patchOf(lines, after),
    reviewable: true,
    head: text(after)
  }
}

function added(path: string, lines: string[]): BenchFile {
  return {
    filename: path,
    status: 'added',
    patch: patchOf([], lines),
    reviewable: true,
    head: text(lines)
  }
}

/** The hunk a release adds at the top of its changelog (100 KB by default). */
function changelog(m: Material, filename = 'CHANGELOG.md', bytes = 100_000): BenchFile {
  const before = ['# Changelog', '', 'All notable changes to this project are documented here.', '']
  const entries: string[] = []
  let length = 0
  for (const path of m.changelogs) {
    for (const line of readLines(path)) {
      entries.push(line)
      length += line.length + 1
      if (length >= bytes) break
    }
    if (length >= bytes) break
  }
  const after = [...before.slice(0, 4), ...entries, '']
  return {
    filename,
    status: 'modified',
    patch: patchOf(before, after),
    reviewable: true,
    head: text(after)
  }
}

/** A 5,000-line source file with edits spread over it. */
function largeFile(rand: () => number): BenchFile {
  const lines = readLines(join(MODULES, 'acorn', 'dist', 'acorn.js')).slice(0, 5000)
  const after = edit(lines, rand, 40)
  return {
    filename: 'src/parser/acorn.js',
    status: 'modified',
    patch: patchOf(lines, after),
    reviewable: true,
    head: text(after)
  }
}

/** The generated files every real change drags along. */
function generated(index: number, rand: () => number): BenchFile {
  switch (index % 3) {
    case 0: {
      const lock = readLines('package-lock.json')
      return {
        ...modified(
          index === 0 ? 'package-lock.json' : `packages/p${index}/package-lock.json`,
          lock.slice(0, 4000),
          rand
        ),
        reviewable: false
      }
    }
    case 1: {
      const bundle = Array.from({ length: 12 }, (_, i) =>
        readablePick(gather().sources, rand)
          .join(' ')
          .replace(/\s+/g, ' ')
          .slice(0, 30_000 + i)
      )
      return {
        filename: `public/assets/app-${index}.min.js`,
        status: 'modified',
        patch: patchOf(bundle.slice(1), bundle.slice(0, -1)),
        reviewable: false
      }
    }
    default: {
      const lines = readablePick(gather().sources, rand)
      return { ...modified(`dist/chunk-${index}.js`, lines, rand), reviewable: false }
    }
  }
}

/** A pull request of `size` files. */
export function generatePullRequest(size: number, seed = 7): BenchFile[] {
  const m = gather()
  const rand = random(seed * 1_000_003 + size)
  const files: BenchFile[] = [changelog(m), largeFile(rand)]
  for (let i = 0; files.length < size; i++) {
    const roll = rand()
    const dir = `src/module-${Math.floor(i / 12)}`
    if (roll < 0.55) {
      files.push(modified(`${dir}/file-${i}.ts`, readablePick(m.sources, rand), rand))
    } else if (roll < 0.65) {
      files.push(
        added(
          `${dir}/new-${i}.ts`,
          readablePick(m.sources, rand).slice(0, 60 + Math.floor(rand() * 300))
        )
      )
    } else if (roll < 0.77) {
      const lines = readablePick(m.tests.length > 0 ? m.tests : m.sources, rand)
      files.push(
        rand() < 0.6
          ? modified(`${dir}/file-${i}.test.ts`, lines, rand)
          : added(`${dir}/new-${i}.test.ts`, lines.slice(0, 150))
      )
    } else if (roll < 0.82) {
      files.push(modified(`docs/guide-${i}.md`, readablePick(m.docs, rand), rand))
    } else if (roll < 0.87) {
      const lines = readablePick(m.sources, rand)
      const changed = rand() < 0.5
      const after = changed ? edit(lines, rand, 1) : lines
      files.push({
        filename: `${dir}/renamed-${i}.ts`,
        previousFilename: `lib/old-${i}.ts`,
        status: 'renamed',
        // GitHub sends no patch for a rename without changes.
        patch: changed ? patchOf(lines, after) : undefined,
        additions: 0,
        deletions: 0,
        reviewable: changed,
        head: text(after)
      })
    } else if (roll < 0.92) {
      files.push({
        filename: `${dir}/gone-${i}.ts`,
        status: 'removed',
        patch: patchOf(readablePick(m.sources, rand).slice(0, 200), []),
        reviewable: false
      })
    } else if (roll < 0.95) {
      files.push({
        filename: `assets/image-${i}.png`,
        status: 'added',
        patch: undefined,
        additions: 0,
        deletions: 0,
        reviewable: false
      })
    } else {
      files.push(generated(i, rand))
    }
  }
  return files.slice(0, size)
}

/** A file rewritten the way a major release rewrites one: an edit every `every` lines. */
function rewritten(path: string, lines: string[], rand: () => number, every = 8): BenchFile {
  const after = edit(lines, rand, Math.max(2, Math.round(lines.length / every)))
  return {
    filename: path,
    status: 'modified',
    patch: patchOf(lines, after),
    reviewable: true,
    head: text(after)
  }
}

function removed(path: string, lines: string[]): BenchFile {
  return { filename: path, status: 'removed', patch: patchOf(lines, []), reviewable: false }
}

function binary(path: string): BenchFile {
  return {
    filename: path,
    status: 'added',
    patch: undefined,
    additions: 0,
    deletions: 0,
    reviewable: false
  }
}

/**
 * A pull request shaped like a framework's major release, express 4.0.0 → 5.2.1 (whose diff the
 * bench reads with --git-pr when a clone is at hand; no other project's code is kept here): 265
 * files, 124 modified, 79 added, 56 removed, 6 renamed, about 225,000 diff tokens: an 86 KB
 * History.md hunk, the library rewritten, a test suite rewritten and grown, examples removed,
 * renamed and reworked, CI files added, a lock file and binaries.
 */
export function majorReleasePullRequest(seed = 15): BenchFile[] {
  const m = gather()
  const rand = random(seed)
  const source = (): string[] => readablePick(m.sources, rand)
  const test = (): string[] => readablePick(m.tests.length > 0 ? m.tests : m.sources, rand)
  const doc = (): string[] => readablePick(m.docs, rand)
  const lock = readLines('package-lock.json').slice(0, 400)
  const files: BenchFile[] = [
    changelog(m, 'History.md', 86_000),
    rewritten('Readme.md', doc().slice(0, 400), rand),
    modified('package.json', source().slice(0, 90), rand),
    modified('index.js', source().slice(0, 40), rand),
    modified('LICENSE', doc().slice(0, 25), rand),
    modified('.gitignore', doc().slice(0, 20), rand),
    removed('Makefile', doc().slice(0, 30)),
    removed('.travis.yml', doc().slice(0, 10)),
    removed('.npmignore', doc().slice(0, 5)),
    { ...added('package-lock.json', lock), reviewable: false },
    added('SECURITY.md', doc().slice(0, 60)),
    added('.eslintrc.yml', source().slice(0, 15)),
    added('.eslintignore', source().slice(0, 3)),
    added('.editorconfig', source().slice(0, 10)),
    added('.github/dependabot.yml', source().slice(0, 30)),
    ...['ci', 'codeql', 'scorecard', 'legacy'].map((n) =>
      added(`.github/workflows/${n}.yml`, source().slice(0, 60 + Math.floor(rand() * 40)))
    )
  ]
  files.push(added('benchmarks/run.js', source().slice(0, 35)))
  for (let i = 0; i < 3; i++) files.push(modified(`benchmarks/bench-${i}.js`, source(), rand))
  for (let i = 0; i < 6; i++)
    files.push(rewritten(`lib/module-${i}.js`, source().slice(0, 500), rand, 2))
  for (let i = 0; i < 5; i++) files.push(removed(`lib/old-${i}.js`, source().slice(0, 100)))
  for (let i = 0; i < 2; i++) files.push(removed(`support/tool-${i}.js`, source().slice(0, 20)))
  for (let i = 0; i < 36; i++) {
    files.push(added(`test/suite-${String(i).padStart(2, '0')}.js`, test().slice(0, 140)))
  }
  for (let i = 0; i < 70; i++) {
    files.push(
      rewritten(`test/rewritten-${String(i).padStart(2, '0')}.js`, test().slice(0, 160), rand, 6)
    )
  }
  for (let i = 0; i < 10; i++)
    files.push(removed(`test/support/old-${i}.js`, source().slice(0, 25)))
  files.push(
    binary('test/acceptance/fixtures/grey.png'),
    binary('test/fixtures/favicon.ico'),
    binary('test/fixtures/logo.gif')
  )
  const lines = source().slice(0, 60)
  const after = edit(lines, rand, 1)
  files.push({
    filename: 'test/support/env.js',
    previousFilename: 'test/support/setup.js',
    status: 'renamed',
    patch: patchOf(lines, after),
    reviewable: true,
    head: text(after)
  })
  for (let i = 0; i < 36; i++) {
    const view = i % 3 === 0
    files.push(
      removed(
        `examples/ex-${Math.floor(i / 4)}/${view ? `views/page-${i}.jade` : `part-${i}.js`}`,
        (view ? doc() : source()).slice(0, 12)
      )
    )
  }
  for (let i = 0; i < 5; i++) {
    const before = source().slice(0, 80)
    const moved = edit(before, rand, 4)
    files.push({
      filename: `examples/moved-${i}/index.js`,
      previousFilename: `examples/moved-${i}/app.js`,
      status: 'renamed',
      patch: patchOf(before, moved),
      reviewable: true,
      head: text(moved)
    })
  }
  for (let i = 0; i < 39; i++) {
    files.push(modified(`examples/kept-${i}/index.js`, source().slice(0, 60), rand))
  }
  for (let i = 0; i < 29; i++) {
    files.push(added(`examples/new-${i}/index.js`, source().slice(0, 15)))
  }
  // The files API lists files by path.
  return files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed'
}

/**
 * A real pull request from a local clone: `git diff base head` as GitHub's files API lists it
 * (statuses with renames, patches without their file headers, none for binaries), each file's
 * text at head, and which files the action reviews by default.
 */
export function gitPullRequest(dir: string, base: string, head: string): BenchFile[] {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
  const fields = git('diff', '--name-status', '-M', '-z', base, head).split('\0')
  const files: BenchFile[] = []
  for (let i = 0; i < fields.length - 1;) {
    const code = fields[i++] ?? ''
    const status = STATUS[code[0] ?? ''] ?? 'modified'
    const previous = status === 'renamed' || status === 'copied' ? fields[i++] : undefined
    const filename = fields[i++] ?? ''
    const diff = git('diff', '-M', base, head, '--', ...(previous ? [previous] : []), filename)
    const at = diff.indexOf('\n@@')
    const patch = at === -1 ? undefined : diff.slice(at + 1).replace(/\n$/, '')
    const file: PullFileState = {
      filename,
      status,
      patch,
      ...(previous ? { previousFilename: previous } : {}),
      ...(patch === undefined ? { additions: 0, deletions: 0 } : {})
    }
    const headText =
      status === 'removed' || patch === undefined ? undefined : git('show', `${head}:${filename}`)
    files.push({
      ...file,
      reviewable: false,
      ...(headText === undefined ? {} : { head: headText })
    })
  }
  const { selected } = selectFiles(
    files.map((f) => ({
      path: f.filename,
      status: f.status,
      additions: 0,
      deletions: 0,
      patch: f.patch ?? null
    })),
    { include: [], exclude: [] }
  )
  const reviewable = new Set(selected.map((f) => f.path))
  return files
    .map((f) => ({ ...f, reviewable: reviewable.has(f.filename) && f.status !== 'removed' }))
    .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
}
