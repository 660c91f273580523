/** A local `git diff` as the files a pull request lists, and the working tree as its head. */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  mkdtempSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { filesOfDiff, workingTree } from '../../src/cli/local-diff.js'
import { ConfigError } from '../../src/errors.js'
import type { PrFile } from '../../src/pull-request.js'

/** git as this suite sets it, whatever the machine's or the developer's config. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com'
}

const DIFF = `diff --git a/src/cart.ts b/src/cart.ts
index 3b18e51..a9c2f4e 100644
--- a/src/cart.ts
+++ b/src/cart.ts
@@ -1,3 +1,4 @@
 import { round } from './money.js'
+const MAX = 99
 
 export function total(items) {
diff --git a/src/old.ts b/src/new.ts
similarity index 92%
rename from src/old.ts
rename to src/new.ts
index 1..2 100644
--- a/src/old.ts
+++ b/src/new.ts
@@ -5 +5 @@ export const a = 1
-export const b = 2
+export const b = 3
diff --git a/src/same.ts b/src/moved.ts
similarity index 100%
rename from src/same.ts
rename to src/moved.ts
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..e69de29
Binary files /dev/null and b/logo.png differ
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 1..0000000
--- a/gone.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-bye
-now
diff --git a/NOTES b/NOTES
new file mode 100644
--- /dev/null
+++ b/NOTES
@@ -0,0 +1 @@
+hello
\\ No newline at end of file
`

describe('filesOfDiff', () => {
  it('lists each file with its status, counts and GitHub-style patch', () => {
    const files = filesOfDiff(DIFF)
    expect(files.map((f) => [f.path, f.status, f.previousPath, f.additions, f.deletions])).toEqual([
      ['src/cart.ts', 'modified', undefined, 1, 0],
      ['src/new.ts', 'renamed', 'src/old.ts', 1, 1],
      ['src/moved.ts', 'renamed', 'src/same.ts', 0, 0],
      ['logo.png', 'added', undefined, 0, 0],
      ['gone.txt', 'removed', undefined, 0, 2],
      ['NOTES', 'added', undefined, 1, 0]
    ])
    expect(files[0]?.patch).toBe(
      "@@ -1,3 +1,4 @@\n import { round } from './money.js'\n+const MAX = 99\n \n export function total(items) {"
    )
    // No hunks, no patch: as GitHub sends none for a binary file or a pure rename.
    expect(files[2]?.patch).toBeNull()
    expect(files[3]?.patch).toBeNull()
    expect(files[1]?.hunks?.[0]?.lines.map((l) => l.line)).toEqual([
      '-export const b = 2',
      '+export const b = 3'
    ])
    expect(files[5]?.hunks?.[0]?.lines).toHaveLength(1)
  })

  it('reads CRLF diffs and finds nothing in text that is not a diff', () => {
    expect(filesOfDiff(DIFF.replace(/\n/g, '\r\n')).map((f) => f.path)).toHaveLength(6)
    expect(filesOfDiff('just some text\n')).toEqual([])
  })

  it('reads diff -u output (no git headers, timestamps after the paths)', () => {
    const plain = [
      '--- lib/a.c\t2026-11-30 09:00:00.000000000 +0000',
      '+++ lib/a.c\t2026-11-30 09:05:00.000000000 +0000',
      '@@ -1,2 +1,2 @@',
      ' int a;',
      '--- int b;',
      '+int c;',
      ''
    ].join('\n')
    expect(filesOfDiff(plain).map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['lib/a.c', 'modified', 1, 1]
    ])
  })

  it('reads hg diff output: a/ and b/ without git rows, /dev/null for a new or deleted file', () => {
    const hg = [
      '--- /dev/null\tThu Jan 01 00:00:00 1970 +0000',
      '+++ b/lib/new.c\tMon Nov 30 09:05:00 2026 +0000',
      '@@ -0,0 +1,1 @@',
      '+int n;',
      '--- a/lib/old.c\tMon Nov 30 09:00:00 2026 +0000',
      '+++ /dev/null\tThu Jan 01 00:00:00 1970 +0000',
      '@@ -1,1 +0,0 @@',
      '-int o;',
      '--- a/lib/a.c\tMon Nov 30 09:00:00 2026 +0000',
      '+++ b/lib/a.c\tMon Nov 30 09:05:00 2026 +0000',
      '@@ -1 +1 @@',
      '-int b;',
      '+int c;',
      ''
    ].join('\n')
    expect(filesOfDiff(hg).map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['lib/new.c', 'added', 1, 0],
      ['lib/old.c', 'removed', 0, 1],
      ['lib/a.c', 'modified', 1, 1]
    ])
  })

  it('keeps a file whose hunk begins with a no-newline marker (parse-diff threw on it)', () => {
    const odd = [
      'diff --git a/x.txt b/x.txt',
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -1 +1 @@',
      '\\ No newline at end of file',
      '-a',
      '+b',
      ''
    ].join('\n')
    const [file] = filesOfDiff(odd)
    expect(file?.path).toBe('x.txt')
    expect(file?.hunks?.[0]?.lines.map((l) => l.line)).toEqual(['-a', '+b'])
  })
})

/**
 * Real git output: a repository built here, with a change holding every case below, diffed
 * with each prefix and quoting config. Whatever the config, the files are the same.
 */
describe('filesOfDiff on real git output', () => {
  /** Quotes, a backslash, a tab, a newline, a space and a non-ASCII letter in one name. */
  const ODD = 'odd "q" \\ \t \n é.txt'
  const lines = (count: number, word: string): string =>
    Array.from({ length: count }, (_, i) => `${word} ${i + 1}\n`).join('')
  /** path → status, previous path, additions, deletions, hunks (null: no patch). */
  type Row = [string, string | undefined, number, number, number | null]
  const CHANGES: Record<string, Row> = {
    'a/a/x': ['modified', undefined, 1, 1, 1],
    'added.bin': ['added', undefined, 0, 0, null],
    'b/edited é.txt': ['renamed', 'edit.txt', 1, 1, 1],
    'b/y': ['modified', undefined, 1, 1, 1],
    'copy.txt': ['added', undefined, 40, 0, 1],
    'crlf.txt': ['modified', undefined, 1, 1, 1],
    'gone.txt': ['removed', undefined, 0, 2, 1],
    link: ['modified', undefined, 1, 1, 2],
    'logo.bin': ['modified', undefined, 0, 0, null],
    'mode.sh': ['modified', undefined, 0, 0, null],
    'moved big.txt': ['renamed', 'big.txt', 0, 0, null],
    'my file.txt': ['modified', undefined, 1, 1, 1],
    'new é file.md': ['added', undefined, 1, 0, 1],
    'nonl.txt': ['modified', undefined, 1, 1, 1],
    [ODD]: ['modified', undefined, 1, 1, 1],
    'été.md': ['modified', undefined, 1, 1, 1]
  }
  /** Each changed line with its numbers: `old:new code` for context, `old- code`, `new+ code`. */
  const HUNKS: Record<string, string[][]> = {
    'été.md': [['1:1 one', '2- two', '2+ TWO', '3:3 three']],
    'nonl.txt': [['1:1 one', '2- two', '2+ TWO']],
    'crlf.txt': [['1:1 a', '2- b', '2+ B', '3:3 c']],
    'b/edited é.txt': [
      [
        '7:7 line 7',
        '8:8 line 8',
        '9:9 line 9',
        '10- line 10',
        '10+ ten',
        '11:11 line 11',
        '12:12 line 12',
        '13:13 line 13'
      ]
    ],
    'gone.txt': [['1- bye', '2- now']],
    link: [['1- plain'], ['1+ été.md']]
  }

  let repo: string
  const diffs = new Map<string, string>()
  const git = (args: readonly string[], cwd = repo): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV })
  const write = (path: string, content: string | Buffer): void => {
    mkdirSync(dirname(join(repo, path)), { recursive: true })
    writeFileSync(join(repo, path), content)
  }

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'kpr-git-diff-'))
    git(['init', '-q', '-b', 'main'])
    write('été.md', 'one\ntwo\nthree\n')
    write('my file.txt', 'x\ny\n')
    write('a/a/x', 'a\n')
    write('b/y', 'b\n')
    write(ODD, 'odd\n')
    write('big.txt', lines(30, 'big'))
    write('edit.txt', lines(20, 'line'))
    write('mode.sh', 'echo hi\n')
    write('crlf.txt', 'a\r\nb\r\nc\r\n')
    write('nonl.txt', 'one\ntwo')
    write('logo.bin', Buffer.from([0, 1, 2, 3]))
    write('gone.txt', 'bye\nnow\n')
    write('src.txt', lines(40, 'source'))
    write('link', 'plain\n')
    git(['add', '-A'])
    git(['commit', '-q', '-m', 'base'])

    write('été.md', 'one\nTWO\nthree\n')
    write('my file.txt', 'x\nY\n')
    write('a/a/x', 'A\n')
    write('b/y', 'B\n')
    write(ODD, 'ODD\n')
    renameSync(join(repo, 'big.txt'), join(repo, 'moved big.txt'))
    rmSync(join(repo, 'edit.txt'))
    write('b/edited é.txt', lines(20, 'line').replace('line 10\n', 'ten\n'))
    chmodSync(join(repo, 'mode.sh'), 0o755)
    write('crlf.txt', 'a\r\nB\r\nc\r\n')
    write('nonl.txt', 'one\nTWO')
    write('logo.bin', Buffer.from([0, 1, 2, 4]))
    rmSync(join(repo, 'gone.txt'))
    write('copy.txt', lines(40, 'source').replace('source 20\n', 'twenty\n'))
    write('new é file.md', 'hello\n')
    write('added.bin', Buffer.from([0, 9, 9]))
    rmSync(join(repo, 'link'))
    symlinkSync('été.md', join(repo, 'link'))

    // The index against the work tree (`i/ w/`): the base in the index, new files intended.
    git(['read-tree', 'HEAD'])
    git([
      'add',
      '-N',
      '--',
      'moved big.txt',
      'b/edited é.txt',
      'copy.txt',
      'new é file.md',
      'added.bin'
    ])
    diffs.set('git diff (mnemonic i/ w/)', git(['-c', 'diff.mnemonicPrefix=true', 'diff']))
    git(['add', '-A'])
    const variants: Record<string, string[]> = {
      'git diff --cached (a/ b/, core.quotePath=true)': [
        '-c',
        'core.quotePath=true',
        'diff',
        '--cached'
      ],
      'git diff --cached -M (core.quotePath=false)': [
        '-c',
        'core.quotePath=false',
        'diff',
        '--cached',
        '-M'
      ],
      'git diff --cached (mnemonic c/ i/)': ['-c', 'diff.mnemonicPrefix=true', 'diff', '--cached'],
      'git diff HEAD (mnemonic c/ w/, core.quotePath=false)': [
        '-c',
        'diff.mnemonicPrefix=true',
        '-c',
        'core.quotePath=false',
        'diff',
        'HEAD'
      ],
      'git diff HEAD --no-prefix': ['diff', 'HEAD', '--no-prefix'],
      'git diff HEAD --src-prefix=before/ --dst-prefix=after/': [
        'diff',
        'HEAD',
        '--src-prefix=before/',
        '--dst-prefix=after/'
      ],
      'git diff --cached --binary': ['diff', '--cached', '--binary'],
      'git diff HEAD (color.ui=always, diff.colorMoved)': [
        '-c',
        'color.ui=always',
        '-c',
        'diff.colorMoved=zebra',
        'diff',
        'HEAD'
      ]
    }
    for (const [name, args] of Object.entries(variants)) diffs.set(name, git(args))
    git(['commit', '-q', '-m', 'change'])
    diffs.set('git format-patch', git(['format-patch', '-1', '--stdout']))
    diffs.set(
      'git diff, saved with CRLF line ends',
      git(['diff', 'HEAD~1', 'HEAD']).replace(/\n/g, '\r\n')
    )
  })

  afterAll(() => {
    rmSync(repo, { recursive: true, force: true })
  })

  const table = (files: readonly PrFile[]): Record<string, Row> =>
    Object.fromEntries(
      files.map((f) => [
        f.path,
        [f.status, f.previousPath, f.additions, f.deletions, f.hunks?.length ?? null]
      ])
    )
  const numbered = (file: PrFile | undefined): string[][] | undefined =>
    file?.hunks?.map((hunk) =>
      hunk.lines.map((l) => {
        const code = l.line.slice(1)
        if (l.kind === 'add') return `${l.newLine ?? '?'}+ ${code}`
        if (l.kind === 'del') return `${l.oldLine ?? '?'}- ${code}`
        return `${l.oldLine ?? '?'}:${l.newLine ?? '?'} ${code}`
      })
    )

  it.each([
    'git diff --cached (a/ b/, core.quotePath=true)',
    'git diff --cached -M (core.quotePath=false)',
    'git diff --cached (mnemonic c/ i/)',
    'git diff HEAD (mnemonic c/ w/, core.quotePath=false)',
    'git diff (mnemonic i/ w/)',
    'git diff HEAD --no-prefix',
    'git diff HEAD --src-prefix=before/ --dst-prefix=after/',
    'git diff --cached --binary',
    'git diff HEAD (color.ui=always, diff.colorMoved)',
    'git format-patch',
    'git diff, saved with CRLF line ends'
  ])('%s: every file with its path, status, counts and numbered hunks', (name) => {
    const files = filesOfDiff(diffs.get(name) ?? '')
    expect(table(files)).toEqual(CHANGES)
    for (const [path, hunks] of Object.entries(HUNKS)) {
      expect([path, numbered(files.find((f) => f.path === path))]).toEqual([path, hunks])
    }
    // The counts are those of the hunks the action's own parser reads.
    for (const file of files) {
      const parsed = (file.hunks ?? []).flatMap((h) => h.lines)
      expect([file.path, file.additions, file.deletions]).toEqual([
        file.path,
        parsed.filter((l) => l.kind === 'add').length,
        parsed.filter((l) => l.kind === 'del').length
      ])
    }
  })

  it('the diffs above are what they claim: octal-quoted or raw names, each prefix pair', () => {
    expect(diffs.get('git diff --cached (a/ b/, core.quotePath=true)')).toContain(
      'diff --git "a/\\303\\251t\\303\\251.md" "b/\\303\\251t\\303\\251.md"'
    )
    expect(diffs.get('git diff --cached -M (core.quotePath=false)')).toContain(
      'diff --git a/été.md b/été.md'
    )
    expect(diffs.get('git diff --cached (mnemonic c/ i/)')).toContain('diff --git c/b/y i/b/y')
    expect(diffs.get('git diff HEAD (mnemonic c/ w/, core.quotePath=false)')).toContain(
      'diff --git c/my file.txt w/my file.txt'
    )
    expect(diffs.get('git diff (mnemonic i/ w/)')).toContain('diff --git i/a/a/x w/a/a/x')
    expect(diffs.get('git diff HEAD --no-prefix')).toContain('diff --git a/a/x a/a/x')
    expect(diffs.get('git diff --cached --binary')).toContain('GIT binary patch')
    expect(diffs.get('git diff HEAD (color.ui=always, diff.colorMoved)')).toContain(
      '\x1b[1mdiff --git'
    )
    expect(diffs.get('git format-patch')).toMatch(/^-- \n\d+\.\d+/m)
  })

  it('-C --find-copies-harder: a copy as GitHub lists it, copied from its source with its changes', () => {
    const files = filesOfDiff(git(['diff', 'HEAD~1', 'HEAD', '-C', '--find-copies-harder']))
    const copy = files.find((f) => f.path === 'copy.txt')
    expect([copy?.status, copy?.previousPath, copy?.additions, copy?.deletions]).toEqual([
      'copied',
      'src.txt',
      1,
      1
    ])
    expect(numbered(copy)).toEqual([
      [
        '17:17 source 17',
        '18:18 source 18',
        '19:19 source 19',
        '20- source 20',
        '20+ twenty',
        '21:21 source 21',
        '22:22 source 22',
        '23:23 source 23'
      ]
    ])
    // The source is still there: it is not listed.
    expect(files.map((f) => f.path)).not.toContain('src.txt')
  })

  it('-R with mnemonic prefixes (w/ c/): the change read backwards', () => {
    const files = filesOfDiff(git(['-c', 'diff.mnemonicPrefix=true', 'diff', '-R', 'HEAD~1']))
    expect(table(files)).toMatchObject({
      'big.txt': ['renamed', 'moved big.txt', 0, 0, null],
      'gone.txt': ['added', undefined, 2, 0, 1],
      'new é file.md': ['removed', undefined, 0, 1, 1],
      'été.md': ['modified', undefined, 1, 1, 1]
    })
    expect(numbered(files.find((f) => f.path === 'été.md'))).toEqual([
      ['1:1 one', '2- TWO', '2+ two', '3:3 three']
    ])
  })

  it('an object against a work tree file (o/ w/), and two files outside git (1/ 2/)', () => {
    const object = git(['-c', 'diff.mnemonicPrefix=true', 'diff', 'HEAD~1:été.md', 'été.md'])
    expect(object).toContain('"o/\\303\\251t\\303\\251.md" "w/\\303\\251t\\303\\251.md"')
    expect(table(filesOfDiff(object))).toEqual({ 'été.md': ['modified', undefined, 1, 1, 1] })

    const outside = mkdtempSync(join(tmpdir(), 'kpr-no-index-'))
    mkdirSync(join(outside, 'before'))
    mkdirSync(join(outside, 'after'))
    writeFileSync(join(outside, 'before', 'my é.md'), 'one\ntwo\n')
    writeFileSync(join(outside, 'after', 'my é.md'), 'one\n2\n')
    // --no-index exits 1 when the files differ.
    const noIndex = spawnSync(
      'git',
      ['-c', 'diff.mnemonicPrefix=true', 'diff', '--no-index', 'before', 'after'],
      { cwd: outside, encoding: 'utf8', env: GIT_ENV }
    ).stdout
    rmSync(outside, { recursive: true, force: true })
    expect(noIndex).toContain('"1/before/my \\303\\251.md" "2/after/my \\303\\251.md"')
    expect(table(filesOfDiff(noIndex))).toEqual({ 'my é.md': ['modified', undefined, 1, 1, 1] })
  })

  it('diff -ru output (no git rows, timestamps after the names, Only in lines)', () => {
    const outside = mkdtempSync(join(tmpdir(), 'kpr-diff-u-'))
    for (const side of ['old', 'new']) mkdirSync(join(outside, side, 'b'), { recursive: true })
    writeFileSync(join(outside, 'old', 'my file.txt'), 'x\ny\n')
    writeFileSync(join(outside, 'new', 'my file.txt'), 'x\nY\n')
    writeFileSync(join(outside, 'old', 'b', 'y'), '-- b\n')
    writeFileSync(join(outside, 'new', 'b', 'y'), '++ b\n')
    writeFileSync(join(outside, 'new', 'only-new.txt'), 'n\n')
    const plain = spawnSync('diff', ['-ru', 'old', 'new'], {
      cwd: outside,
      encoding: 'utf8'
    }).stdout
    rmSync(outside, { recursive: true, force: true })
    // A removed `-- b` and an added `++ b` read as `--- b` and `+++ b` rows: counted as lines.
    expect(plain).toContain('\n--- b\n+++ b\n')
    expect(table(filesOfDiff(plain))).toEqual({
      'b/y': ['modified', undefined, 1, 1, 1],
      'my file.txt': ['modified', undefined, 1, 1, 1]
    })
  })

  it('refuses a series of patches that changes a file twice, with the command that fixes it', () => {
    write('été.md', 'one\nTWO\nTHREE\n')
    git(['commit', '-q', '-am', 'again'])
    const series = git(['format-patch', '-2', '--stdout'])
    git(['reset', '-q', '--hard', 'HEAD~1'])
    expect(() => filesOfDiff(series)).toThrow(ConfigError)
    expect(() => filesOfDiff(series)).toThrow(/changes été\.md more than once/)
    try {
      filesOfDiff(series)
    } catch (error) {
      expect((error as ConfigError).fix).toBe('git diff main | keyless-pr-review review --diff -')
    }
  })
})

describe('workingTree', () => {
  it('reads files under its root once each, and nothing outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kpr-tree-'))
    mkdirSync(join(root, 'src'))
    writeFileSync(join(root, 'src', 'a.ts'), 'one\ntwo\n')
    writeFileSync(join(root, 'bin.dat'), Buffer.from([1, 0, 2]))
    writeFileSync(join(root, '..', 'kpr-outside.txt'), 'secret\n')
    const tree = workingTree(root)
    expect(await tree.lines('src/a.ts')).toEqual(['one', 'two', ''])
    expect(await tree.lines('src/a.ts')).toEqual(['one', 'two', ''])
    expect(await tree.lines('bin.dat')).toBeUndefined()
    expect(await tree.lines('missing.ts')).toBeUndefined()
    expect(await tree.lines('../kpr-outside.txt')).toBeUndefined()
    expect(tree.reads).toBe(3)
  })
})
