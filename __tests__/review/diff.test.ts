import { readFileSync } from 'node:fs'
import type { Hunk, PrFile } from '../../src/pull-request.js'
import { enclosingContext } from '../../src/review/context.js'
import {
  anchor,
  commentableLines,
  contextLinesShown,
  hunkRange,
  parsePatch,
  renderForPrompt,
  wholeFile
} from '../../src/review/diff.js'
import { fixturePatch, prFile } from '../helpers/files.js'

function file(
  name: string,
  path: string,
  overrides: Partial<Omit<PrFile, 'path' | 'hunks'>> = {}
): PrFile & { hunks: readonly Hunk[] } {
  const parsed = prFile(path, fixturePatch(name), overrides)
  return { ...parsed, hunks: parsed.hunks ?? [] }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

const sorted = (set: Set<number>): number[] => [...set].sort((a, b) => a - b)

const cart = file('multi-hunk', 'cart.js')
const added = file('added', 'retry.ts', { status: 'added' })
const deleted = file('deleted', 'legacy.py', { status: 'removed' })
const noNewline = file('no-newline', 'notes.txt')
const renamed = file('renamed', 'src/settings.ts', {
  status: 'renamed',
  previousPath: 'config.ts'
})
const single = file('single-line', 'VERSION')

describe('parsePatch', () => {
  it('reads every hunk of a modification with its header and ranges', () => {
    expect(cart.path).toBe('cart.js')
    expect(
      cart.hunks.map((h) => [h.header, h.oldStart, h.oldLines, h.newStart, h.newLines])
    ).toEqual([
      ['@@ -2,17 +2,14 @@', 2, 17, 2, 14],
      ['@@ -22,7 +19,7 @@ function tax(items) {', 22, 7, 19, 7],
      ['@@ -31,7 +28,11 @@ function describe(items) {', 31, 7, 28, 11]
    ])
  })

  it('numbers added lines on the new side, removed on the old, context on both', () => {
    expect(cart.hunks[1]?.lines).toEqual([
      { kind: 'context', line: ' function total(items) {', oldLine: 22, newLine: 19 },
      { kind: 'context', line: '   const s = subtotal(items)', oldLine: 23, newLine: 20 },
      { kind: 'context', line: '   const t = tax(items)', oldLine: 24, newLine: 21 },
      { kind: 'del', line: '-  return s + t', oldLine: 25 },
      { kind: 'add', line: '+  return round(s + t)', newLine: 22 },
      { kind: 'context', line: ' }', oldLine: 26, newLine: 23 },
      { kind: 'context', line: ' ', oldLine: 27, newLine: 24 },
      { kind: 'context', line: ' function describe(items) {', oldLine: 28, newLine: 25 }
    ])
  })

  it('drops "\\ No newline at end of file" markers instead of repeating a line', () => {
    expect(noNewline.hunks).toHaveLength(1)
    expect(noNewline.hunks[0]?.lines).toEqual([
      { kind: 'context', line: ' line one', oldLine: 1, newLine: 1 },
      { kind: 'del', line: '-line two', oldLine: 2 },
      { kind: 'del', line: '-last line without newline', oldLine: 3 },
      { kind: 'add', line: '+line 2', newLine: 2 },
      { kind: 'add', line: '+last line, still without newline', newLine: 3 }
    ])
  })

  it('reads single-line hunks whose header omits the counts', () => {
    expect(single.hunks).toHaveLength(1)
    expect(single.hunks[0]).toMatchObject({ header: '@@ -1 +1 @@', oldLines: 1, newLines: 1 })
    expect(single.hunks[0]?.lines).toEqual([
      { kind: 'del', line: '-v1.2.3', oldLine: 1 },
      { kind: 'add', line: '+v1.3.0', newLine: 1 }
    ])
  })

  it('reads the hunks of a renamed file', () => {
    expect(renamed.hunks[0]?.header).toBe('@@ -6,10 +6,10 @@ export interface Settings {')
  })

  it('gives an empty patch no hunks', () => {
    expect(parsePatch('')).toEqual([])
  })
})

describe('commentableLines', () => {
  it('allows added and context lines on the RIGHT, removed and context on the LEFT', () => {
    const lines = commentableLines(cart)
    expect(sorted(lines.RIGHT)).toEqual([...range(2, 15), ...range(19, 25), ...range(28, 38)])
    expect(sorted(lines.LEFT)).toEqual([...range(2, 18), ...range(22, 28), ...range(31, 37)])
  })

  it('has only RIGHT lines for an added file and only LEFT lines for a deleted one', () => {
    expect(sorted(commentableLines(added).RIGHT)).toEqual(range(1, 11))
    expect(commentableLines(added).LEFT.size).toBe(0)
    expect(commentableLines(deleted).RIGHT.size).toBe(0)
    expect(sorted(commentableLines(deleted).LEFT)).toEqual(range(1, 4))
  })

  it('counts the last line without a newline once', () => {
    expect(sorted(commentableLines(noNewline).RIGHT)).toEqual([1, 2, 3])
    expect(sorted(commentableLines(noNewline).LEFT)).toEqual([1, 2, 3])
  })

  it('covers the hunk of a renamed file and a single-line change', () => {
    expect(sorted(commentableLines(renamed).RIGHT)).toEqual(range(6, 15))
    expect(sorted(commentableLines(renamed).LEFT)).toEqual(range(6, 15))
    expect(sorted(commentableLines(single).RIGHT)).toEqual([1])
    expect(sorted(commentableLines(single).LEFT)).toEqual([1])
  })
})

describe('anchor', () => {
  it('anchors a finding on a context line to the RIGHT side by default', () => {
    expect(anchor(cart, { line: 20 })).toEqual({ line: 20, side: 'RIGHT' })
  })

  it('anchors a removed line on the LEFT side with its old number', () => {
    expect(anchor(cart, { line: 25, side: 'LEFT' })).toEqual({ line: 25, side: 'LEFT' })
  })

  it('refuses lines outside every hunk rather than snapping to a nearby one', () => {
    expect(anchor(cart, { line: 17 })).toBeUndefined()
    expect(anchor(cart, { line: 1 })).toBeUndefined()
    expect(anchor(cart, { line: 39 })).toBeUndefined()
    expect(anchor(cart, { line: 20, side: 'LEFT' })).toBeUndefined()
  })

  it('refuses LEFT for lines that exist only as additions', () => {
    expect(anchor(cart, { line: 38 })).toEqual({ line: 38, side: 'RIGHT' })
    expect(anchor(cart, { line: 38, side: 'LEFT' })).toBeUndefined()
    expect(anchor(added, { line: 3, side: 'LEFT' })).toBeUndefined()
  })

  it('refuses RIGHT on a deleted file', () => {
    expect(anchor(deleted, { line: 2 })).toBeUndefined()
    expect(anchor(deleted, { line: 2, side: 'LEFT' })).toEqual({ line: 2, side: 'LEFT' })
  })

  it('keeps a range whose ends are in the same hunk on the same side', () => {
    expect(anchor(cart, { startLine: 11, line: 13 })).toEqual({
      line: 13,
      side: 'RIGHT',
      startLine: 11,
      startSide: 'RIGHT'
    })
    expect(anchor(cart, { startLine: 11, line: 15, side: 'LEFT' })).toEqual({
      line: 15,
      side: 'LEFT',
      startLine: 11,
      startSide: 'LEFT'
    })
  })

  it('shrinks a range spanning two hunks to its last line', () => {
    expect(anchor(cart, { startLine: 12, line: 20 })).toEqual({ line: 20, side: 'RIGHT' })
  })

  it('shrinks a range whose start is outside the diff or after its end', () => {
    expect(anchor(cart, { startLine: 17, line: 20 })).toEqual({ line: 20, side: 'RIGHT' })
    expect(anchor(cart, { startLine: 14, line: 12 })).toEqual({ line: 12, side: 'RIGHT' })
    expect(anchor(cart, { startLine: 12, line: 12 })).toEqual({ line: 12, side: 'RIGHT' })
  })

  it('refuses a range whose end is outside the diff even if its start is inside', () => {
    expect(anchor(cart, { startLine: 15, line: 17 })).toBeUndefined()
  })

  it('refuses a line that is not a whole number', () => {
    expect(anchor(cart, { line: 12.5 })).toBeUndefined()
    expect(anchor(cart, { line: Number.NaN })).toBeUndefined()
  })
})

describe('renderForPrompt', () => {
  it('numbers each changed line with the one number valid for it, then its marker, then the code', () => {
    expect(renderForPrompt(noNewline)).toBe(
      [
        '## notes.txt',
        '@@ -1,3 +1,3 @@',
        ' line one',
        '2-line two',
        '3-last line without newline',
        '2+line 2',
        '3+last line, still without newline'
      ].join('\n')
    )
  })

  it('names the previous path of a renamed file and keeps the function context', () => {
    const text = renderForPrompt(renamed)
    expect(text.split('\n').slice(0, 5)).toEqual([
      '## src/settings.ts (renamed from config.ts)',
      '@@ -6,10 +6,10 @@ export interface Settings {',
      ' ',
      ' export const defaults: Settings = {',
      '   retries: 3,'
    ])
    expect(text).toContain('9-  timeoutMs: 10000,')
  })

  it('renders some hunks under a heading that says which', () => {
    const part = renderForPrompt(cart, [
      { hunk: 1, from: 0, to: cart.hunks[1]?.lines.length ?? 0 },
      { hunk: 2, from: 0, to: cart.hunks[2]?.lines.length ?? 0 }
    ])
    expect(part.split('\n')[0]).toBe('## cart.js (part of it: hunks 2-3 of 3)')
    expect(part).not.toContain('@@ -2,17')
    expect(part).toContain('@@ -22,7 +19,7 @@ function tax(items) {')
  })

  it('gives a run of a hunk’s lines a header with its own ranges', () => {
    const part = renderForPrompt(cart, [{ hunk: 2, from: 3, to: 9 }]).split('\n')
    expect(part[0]).toBe('## cart.js (part of it: hunk 3 of 3)')
    const lines = cart.hunks[2]?.lines.slice(3, 9) ?? []
    const olds = lines.filter((l) => l.oldLine !== undefined).length
    const news = lines.filter((l) => l.newLine !== undefined).length
    expect(part[1]).toBe(
      `@@ -${lines.find((l) => l.oldLine)?.oldLine},${olds} +${lines.find((l) => l.newLine)?.newLine},${news} @@ function describe(items) { (part of a longer hunk)`
    )
    expect(part).toHaveLength(2 + lines.length)
  })

  it('says the status of a file that is not simply modified', () => {
    expect(renderForPrompt(added).split('\n')[0]).toBe('## retry.ts (added)')
    expect(renderForPrompt(deleted).split('\n')[0]).toBe('## legacy.py (removed)')
  })

  it.each([cart, added, deleted, noNewline, renamed, single])(
    'numbers every changed line, each with a number that anchors ($path)',
    (diff) => {
      const rows = renderForPrompt(diff)
        .split('\n')
        .filter((row) => /^\d/.test(row))
      const changed = diff.hunks.reduce(
        (n, h) => n + h.lines.filter((l) => l.kind !== 'context').length,
        0
      )
      expect(rows).toHaveLength(changed)
      for (const row of rows) {
        const [, number, marker] = /^(\d+)([+ -]?)/.exec(row) ?? []
        const side = marker === '-' ? 'LEFT' : 'RIGHT'
        const line = Number(number)
        expect(anchor(diff, { line, side })).toEqual({ line, side })
      }
    }
  )
})

describe('the code around the hunks in the rendering', () => {
  const head = readFileSync(new URL('../fixtures/heads/totals.js.txt', import.meta.url), 'utf8')
    .replace(/\n$/, '')
    .split('\n')
  const withContext: PrFile = { ...cart, context: enclosingContext(head, cart.hunks) }

  it('shows it as `~` lines before the hunk’s header and after its last line, once', () => {
    const text = renderForPrompt(withContext)
    const rows = text.split('\n')
    expect(rows.slice(0, 3)).toEqual([
      '## cart.js',
      '~// Totals of a shopping cart, tax included.',
      '@@ -2,17 +2,14 @@'
    ])
    // The small file is shown whole: the lines between hunks appear once each, as `~` lines.
    const around = rows.filter((r) => r.startsWith('~')).map((r) => r.slice(1))
    expect(around).toEqual([
      '// Totals of a shopping cart, tax included.',
      '  return subtotal(items) * TAX_RATE',
      '}',
      '',
      '  const names = items.map((item) => item.name)',
      "  return names.join(', ')"
    ])
    expect(text).toContain(
      'function tax(items) {\n~  return subtotal(items) * TAX_RATE\n~}\n~\n@@ -22,7 +19,7 @@'
    )
  })

  it('puts the code before a split hunk on its first part and after it on its last', () => {
    const hunk = 1
    const length = cart.hunks[hunk]?.lines.length ?? 0
    const first = renderForPrompt(withContext, [{ hunk, from: 0, to: 3 }])
    const last = renderForPrompt(withContext, [{ hunk, from: 3, to: length }])
    const around = withContext.context?.[hunk]
    const before = around?.before?.lines.length ?? 0
    const after = around?.after?.lines.length ?? 0
    expect(before + after).toBeGreaterThan(0)
    expect(first.split('\n').filter((r) => r.startsWith('~'))).toHaveLength(before)
    expect(last.split('\n').filter((r) => r.startsWith('~'))).toHaveLength(after)
  })

  it('knows which head lines a rendering showed as code around the hunks', () => {
    expect(sorted(contextLinesShown(withContext, wholeFile(withContext)))).toEqual([
      1, 16, 17, 18, 26, 27
    ])
    expect(sorted(contextLinesShown(cart, wholeFile(cart)))).toEqual([])
    // None of them is a line a comment could sit on.
    const right = commentableLines(cart).RIGHT
    expect([1, 16, 17, 18, 26, 27].some((n) => right.has(n))).toBe(false)
  })
})

describe('hunkRange', () => {
  it('reads the four numbers of an @@ row, a count left out being 1', () => {
    expect(hunkRange('@@ -10,7 +12,9 @@ function tax(items) {')).toEqual({
      oldStart: 10,
      oldLines: 7,
      newStart: 12,
      newLines: 9
    })
    expect(hunkRange('@@ -3 +0,0 @@')).toEqual({
      oldStart: 3,
      oldLines: 1,
      newStart: 0,
      newLines: 0
    })
  })

  it.each(['@@ -1,2 +1,2', '-@@ -1 +1 @@', 'diff --git a/x b/x', '@@@ -1 -1 +1 @@@'])(
    'reads no hunk header in %j',
    (row) => {
      expect(hunkRange(row)).toBeUndefined()
    }
  )
})
