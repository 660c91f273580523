/** A local `git diff` as the files a pull request lists, and the working tree as its head. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { filesOfDiff, workingTree } from '../../src/cli/local-diff.js'

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
