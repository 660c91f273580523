/**
 * Properties of the patch parser and of anchoring: whatever GitHub (or a mangled copy) sends,
 * nothing throws and every inline comment sits where GitHub accepts it. Two oracles, both
 * written here without the code under test: the truth of a generated diff (its model), and a
 * reading of the patch text by its line markers alone.
 */
import fc from 'fast-check'
import { buildReview, MAX_INLINE_COMMENTS } from '../../src/post/review.js'
import type { Hunk, PrFile, Side } from '../../src/pull-request.js'
import {
  anchor,
  changedFile,
  commentableLines,
  parsePatch,
  type LineRef
} from '../../src/review/diff.js'
import type { Finding } from '../../src/review/schema.js'

const RUNS = { numRuns: 2000 }

// ---------------------------------------------------------------------------------------------
// The oracle: line numbers per side, per hunk

type Lines = Record<Side, Set<number>>

const noLines = (): Lines => ({ LEFT: new Set(), RIGHT: new Set() })

/** A position as GitHub takes it for an inline comment. */
interface Position {
  line: number
  side: Side
  startLine?: number
  startSide?: Side
}

/** GitHub's rule: the line is on its side in a hunk, and a range starts before it in the same hunk. */
function accepts(hunks: readonly Lines[], at: Position): boolean {
  const { line, side, startLine, startSide } = at
  if (startLine === undefined && startSide !== undefined) return false
  return hunks.some(
    (h) =>
      h[side].has(line) &&
      (startLine === undefined ||
        (startSide === side && startLine < line && h[side].has(startLine)))
  )
}

const HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/

/**
 * The patch text read by its markers alone, its headers' counts ignored: after each `@@` header,
 * ` ` (or an empty row) is on both sides, `-` on the left, `+` on the right, `\` on neither, and
 * any other row ends the hunk. Only whole numbers from 1 are lines.
 */
function textOracle(patch: string): Lines[] {
  const hunks: Lines[] = []
  let hunk: { lines: Lines; old: number; new: number } | undefined
  const keep = (set: Set<number>, n: number): void => {
    if (n >= 1 && Number.isSafeInteger(n)) set.add(n)
  }
  for (const raw of patch.split('\n')) {
    const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const header = HEADER.exec(row)
    if (header) {
      hunk = { lines: noLines(), old: Number(header[1]), new: Number(header[2]) }
      hunks.push(hunk.lines)
      continue
    }
    if (!hunk || row.startsWith('\\')) continue
    const mark = row.charAt(0)
    const left = mark === '-' || mark === ' ' || mark === ''
    const right = mark === '+' || mark === ' ' || mark === ''
    if (left) keep(hunk.lines.LEFT, hunk.old++)
    if (right) keep(hunk.lines.RIGHT, hunk.new++)
    if (!left && !right) hunk = undefined
  }
  return hunks
}

/** The parser's hunks as line sets. */
function parsedLines(hunks: readonly Hunk[]): Lines[] {
  return hunks.map((h) => {
    const lines = noLines()
    for (const l of h.lines) {
      if (l.oldLine !== undefined) lines.LEFT.add(l.oldLine)
      if (l.newLine !== undefined) lines.RIGHT.add(l.newLine)
    }
    return lines
  })
}

const within = (a: Set<number>, b: Set<number>): boolean => [...a].every((n) => b.has(n))

/** Each parsed hunk lies within one reference hunk, on both sides. */
function eachWithinOne(parsed: readonly Lines[], reference: readonly Lines[]): boolean {
  return parsed.every((p) =>
    reference.some((r) => within(p.LEFT, r.LEFT) && within(p.RIGHT, r.RIGHT))
  )
}

const sorted = (lines: readonly Lines[]): { LEFT: number[]; RIGHT: number[] }[] =>
  lines.map((l) => ({
    LEFT: [...l.LEFT].sort((a, b) => a - b),
    RIGHT: [...l.RIGHT].sort((a, b) => a - b)
  }))

// ---------------------------------------------------------------------------------------------
// Generated diffs: a model, its patch text as git writes it, and its truth

type Op = ' ' | '-' | '+'

interface ModelHunk {
  /** Unchanged lines not shown before the hunk (beyond the one that separates two hunks). */
  readonly gap: number
  readonly rows: readonly { readonly op: Op; readonly code: string }[]
  readonly context: string
}

interface Model {
  readonly hunks: readonly ModelHunk[]
}

interface Generated {
  readonly patch: string
  readonly truth: Lines[]
}

/** `start,count` as git writes it: `,1` left out, an empty side starting at the line before. */
const span = (next: number, count: number): string =>
  count === 0 ? `${next - 1},0` : count === 1 ? `${next}` : `${next},${count}`

function render(model: Model): Generated {
  const rows: string[] = []
  const truth: Lines[] = []
  let old = 1
  let fresh = 1
  model.hunks.forEach((h, i) => {
    old += h.gap + (i > 0 ? 1 : 0)
    fresh += h.gap + (i > 0 ? 1 : 0)
    const olds = h.rows.filter((r) => r.op !== '+').length
    const news = h.rows.filter((r) => r.op !== '-').length
    rows.push(`@@ -${span(old, olds)} +${span(fresh, news)} @@${h.context && ` ${h.context}`}`)
    const lines = noLines()
    for (const r of h.rows) {
      rows.push(r.op + r.code)
      if (r.op !== '+') lines.LEFT.add(old++)
      if (r.op !== '-') lines.RIGHT.add(fresh++)
    }
    truth.push(lines)
  })
  return { patch: rows.join('\n'), truth }
}

const code = fc.string({
  unit: fc.constantFrom('a', 'z', ' ', '\t', '+', '-', '@', '\\', 'é', '漢', '😀', '\r', '\u200b'),
  maxLength: 8
})
const op = fc.constantFrom<Op>(' ', '-', '+')
const row = fc.record({ op, code })

const ordinary: fc.Arbitrary<Model> = fc.record({
  hunks: fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 30 }),
      rows: fc.array(row, { minLength: 1, maxLength: 12 }),
      context: fc.constantFrom('', 'function f() {', '@@ x @@', 'ünï cödé')
    }),
    { maxLength: 4 }
  )
})

/** An added (`+`) or deleted (`-`) file: one hunk of one kind of line from line 1. */
const whole = (kind: Op): fc.Arbitrary<Model> =>
  fc.array(code, { minLength: 1, maxLength: 20 }).map((codes) => ({
    hunks: [{ gap: 0, context: '', rows: codes.map((c) => ({ op: kind, code: c })) }]
  }))

/** One hunk of thousands of lines, its operations drawn from a seed (cheap to generate). */
const huge: fc.Arbitrary<Model> = fc
  .record({ size: fc.integer({ min: 500, max: 3000 }), seed: fc.integer(), gap: fc.nat(1000) })
  .map(({ size, seed, gap }) => ({
    hunks: [
      {
        gap,
        context: '',
        rows: Array.from({ length: size }, (_, i) => ({
          op: ([' ', '-', '+'] as const)[(Math.imul(seed ^ i, 2654435761) >>> 0) % 3] ?? ' ',
          code: `line ${i}`
        }))
      }
    ]
  }))

const small = fc.oneof({ arbitrary: ordinary, weight: 6 }, whole('+'), whole('-'))

const models: fc.Arbitrary<Model> = fc.oneof(
  { arbitrary: ordinary, weight: 12 },
  { arbitrary: whole('+'), weight: 2 },
  { arbitrary: whole('-'), weight: 2 },
  { arbitrary: fc.constant({ hunks: [] }), weight: 1 },
  { arbitrary: huge, weight: 1 }
)

// ---------------------------------------------------------------------------------------------
// Mutations, as data so that a counterexample reads plainly

type Mutation =
  | { readonly kind: 'crlf' | 'final newline' | 'git headers' | 'strip blanks' }
  | { readonly kind: 'no newline marker'; readonly at: number }
  | { readonly kind: 'lying counts'; readonly counts: readonly number[] }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly row: string }
  | { readonly kind: 'drop'; readonly at: number }

/** Rows inserted or removed, a final newline kept final (a row after it would be a blank line). */
function splice(patch: string, at: number, remove: number, ...add: string[]): string {
  const final = patch.endsWith('\n') ? '\n' : ''
  const rows = patch.slice(0, patch.length - final.length).split('\n')
  rows.splice(at % (rows.length + 1), remove, ...add)
  return rows.join('\n') + final
}

function mutate(patch: string, m: Mutation): string {
  switch (m.kind) {
    case 'crlf':
      return patch.replaceAll('\n', '\r\n')
    case 'final newline':
      return patch.endsWith('\n') ? patch : `${patch}\n`
    case 'git headers':
      return `diff --git a/f b/f\nindex 1a2b..3c4d 100644\n--- a/f\n+++ b/f\n${patch}`
    case 'strip blanks':
      return patch.replace(/^ (\r?)$/gm, '$1')
    case 'no newline marker':
      return splice(patch, m.at, 0, '\\ No newline at end of file')
    case 'lying counts': {
      let i = 0
      const next = (): number => m.counts[i++ % m.counts.length] ?? 0
      return patch.replace(
        new RegExp(HEADER.source, 'gm'),
        (_, o: string, n: string) => `@@ -${o},${next()} +${n},${next()} @@`
      )
    }
    case 'truncate':
      return patch.slice(0, m.at % (patch.length + 1))
    case 'insert':
      return splice(patch, m.at, 0, m.row)
    case 'drop':
      return splice(patch, m.at, 1)
  }
}

const at = fc.nat()

/** Changes of form only: the diff, and so its parse, stays exactly the same. */
const cosmetic: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<Mutation>({ kind: 'crlf' }, { kind: 'final newline' }, { kind: 'git headers' }),
  fc.record({ kind: fc.constant('no newline marker' as const), at })
)

/** Damage that keeps every line's number but may hide lines: none may appear that is not there. */
const lossy: fc.Arbitrary<Mutation> = fc.oneof(
  cosmetic,
  fc.constant<Mutation>({ kind: 'strip blanks' }),
  fc.record({
    kind: fc.constant('lying counts' as const),
    counts: fc.array(fc.nat(40), { minLength: 1, maxLength: 8 })
  }),
  fc.record({ kind: fc.constant('truncate' as const), at })
)

const junk = fc.oneof(
  fc.constantFrom(
    '@@ -0,3 +0,3 @@',
    '@@ -1 +1 @@',
    '@@ -3,0 +3,0 @@',
    '@@ -9007199254740990,5 +1,5 @@',
    '@@ -99999999999999999999 +1 @@',
    '@@  -1,2 +1,2 @@',
    'Binary files a/x.png and b/x.png differ',
    'diff --git a/x b/x',
    '--- a/x',
    '+++ b/x',
    '\\ No newline at end of file',
    '',
    ' ',
    'garbage'
  ),
  code.map((c) => `+${c}`),
  code.map((c) => `-${c}`),
  code.map((c) => ` ${c}`)
)

/** Anything: rows added or taken away change what the text says, so only the text can judge. */
const anyDamage: fc.Arbitrary<Mutation> = fc.oneof(
  lossy,
  fc.record({ kind: fc.constant('insert' as const), at, row: junk }),
  fc.record({ kind: fc.constant('drop' as const), at })
)

/** A generated diff and its truth, the patch then damaged. */
const damaged = (
  mutations: fc.Arbitrary<Mutation>,
  max: number,
  from = models
): fc.Arbitrary<Generated> =>
  fc
    .tuple(from.map(render), fc.array(mutations, { maxLength: max }))
    .map(([{ patch, truth }, ms]) => ({ patch: ms.reduce(mutate, patch), truth }))

/** A patch, with the truth when the damage keeps it. */
const anyPatch: fc.Arbitrary<{ patch: string; truth?: Lines[] }> = fc.oneof(
  damaged(lossy, 3),
  damaged(anyDamage, 4).map(({ patch }) => ({ patch }))
)

/** Text that only looks like a patch, and GitHub's placeholders for binary files. */
const patchLike = fc.oneof(
  fc.constantFrom('', 'Binary files a/logo.png and b/logo.png differ', '@@', '@@ -1 +1 @@'),
  fc
    .array(fc.oneof(junk, fc.constantFrom('@@ -1,2 +1,2 @@', '@@ -5 +7,3 @@ f()')), {
      maxLength: 20
    })
    .map((rows) => rows.join('\n')),
  fc.string({ maxLength: 200 })
)

// ---------------------------------------------------------------------------------------------

const same = (a: readonly Lines[], b: readonly Lines[]): boolean =>
  JSON.stringify(sorted(a)) === JSON.stringify(sorted(b))

// Each property is a predicate: a run fails when it returns false or throws.
describe('parsePatch on generated diffs', () => {
  it('reads every line of a well-formed patch, however its form changes', () => {
    fc.assert(
      fc.property(damaged(cosmetic, 3), ({ patch, truth }) =>
        same(parsedLines(parsePatch(patch)), truth)
      ),
      RUNS
    )
  })

  it('never numbers a line wrongly when counts lie, the patch is cut or blanks are stripped', () => {
    fc.assert(
      fc.property(damaged(lossy, 4), ({ patch, truth }) =>
        eachWithinOne(parsedLines(parsePatch(patch)), truth)
      ),
      RUNS
    )
  })

  it('never throws, and reads only lines the text has, whatever the text', () => {
    const text = fc.oneof(
      damaged(anyDamage, 6).map((g) => g.patch),
      patchLike
    )
    fc.assert(
      fc.property(text, (patch) => {
        const hunks = parsePatch(patch)
        return (
          hunks.every((h) => h.lines.length > 0) &&
          eachWithinOne(parsedLines(hunks), textOracle(patch))
        )
      }),
      RUNS
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Findings where a model might put them: on, next to and far from the diff's lines

interface Aim {
  readonly pick: number
  readonly offset: number
  readonly start?: { readonly pick: number; readonly offset: number }
  readonly side?: Side
}

const near = { pick: fc.nat(), offset: fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 3 })) }
const aim: fc.Arbitrary<Aim> = fc.record({
  ...near,
  start: fc.option(fc.record(near), { nil: undefined }),
  side: fc.option(fc.constantFrom<Side>('LEFT', 'RIGHT'), { nil: undefined })
})

/** Odd numbers a model may answer with, besides lines of the diff. */
const ODD = [0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1]

/** The line numbers of a diff on either side, to aim findings at, and odd numbers. */
const targets = (hunks: readonly Hunk[]): number[] => [
  ...parsedLines(hunks).flatMap((l) => [...l.LEFT, ...l.RIGHT]),
  ...ODD
]

const aimAt = (all: readonly number[], { pick, offset }: { pick: number; offset: number }) =>
  (all[pick % all.length] ?? 1) + offset

/** Where a model says a finding is, from an aim at the targets. */
const refOf = (all: readonly number[], a: Aim): LineRef => ({
  line: aimAt(all, a),
  ...(a.start && { startLine: aimAt(all, a.start) }),
  side: a.side
})

/** Where the finding says: never a nearby line or the other side; a range whole or its last line. */
const asSaid = (ref: LineRef, at: Position): boolean =>
  at.line === ref.line &&
  at.side === (ref.side ?? 'RIGHT') &&
  (at.startLine === undefined || at.startLine === ref.startLine)

const numerically = (set: Set<number>): number[] => [...set].sort((a, b) => a - b)

describe('anchor', () => {
  it('anchors only where GitHub accepts, and exactly where the finding says', () => {
    fc.assert(
      fc.property(anyPatch, fc.array(aim, { maxLength: 12 }), ({ patch, truth }, aimed) => {
        const file = { hunks: parsePatch(patch) }
        const text = textOracle(patch)
        const all = targets(file.hunks)
        return aimed.every((a) => {
          const ref = refOf(all, a)
          const at = anchor(file, ref)
          return !at || (accepts(text, at) && (!truth || accepts(truth, at)) && asSaid(ref, at))
        })
      }),
      RUNS
    )
  })

  it('anchors every line and every range of a well-formed patch', () => {
    /** Each line of a side (a sample of a huge hunk), and its first to its last line. */
    const anchorsAll = (file: { hunks: Hunk[] }, side: Side, numbers: number[], seed: number) => {
      const sample = numbers.filter((_, i) => i < 8 || (i + seed) % 97 === 0)
      const first = numbers[0] ?? 0
      const last = numbers[numbers.length - 1] ?? 0
      const range = anchor(file, { startLine: first, line: last, side })
      return (
        sample.every(
          (line) => JSON.stringify(anchor(file, { line, side })) === JSON.stringify({ line, side })
        ) &&
        (first >= last ||
          (range?.startLine === first && range.line === last && range.startSide === side))
      )
    }
    fc.assert(
      fc.property(damaged(cosmetic, 2), fc.nat(96), ({ patch, truth }, seed) => {
        const file = { hunks: parsePatch(patch) }
        const everyLine = truth.every((lines) =>
          (['LEFT', 'RIGHT'] as const).every((side) =>
            anchorsAll(file, side, numerically(lines[side]), seed)
          )
        )
        const all = commentableLines(file)
        const union = (side: Side): Set<number> => new Set(truth.flatMap((l) => [...l[side]]))
        return everyLine && same([all], [{ LEFT: union('LEFT'), RIGHT: union('RIGHT') }])
      }),
      RUNS
    )
  })
})

// ---------------------------------------------------------------------------------------------
// The review as posted: buildReview turns anchors into the comments GitHub receives

const path = fc.oneof(
  fc.constantFrom(
    'src/a b.ts',
    'ünïcødé/файл.md',
    '📁 docs/read me.txt',
    'with`tick.md',
    '-dash',
    ' spaced ',
    'a/b/c.js'
  ),
  fc.string({ unit: fc.constantFrom('a', '/', ' ', 'é', '😀', '.'), minLength: 1, maxLength: 6 })
)

/** A file as GitHub lists it: a (damaged) diff, no patch (binary, too large, a bare rename), or an empty one. */
const listedFile = fc.record({
  path,
  patch: fc.oneof(
    {
      // Huge hunks add nothing here that the properties of anchor have not shown.
      arbitrary: fc
        .oneof(damaged(lossy, 3, small), damaged(anyDamage, 3, small))
        .map((p) => p.patch),
      weight: 6
    },
    { arbitrary: fc.constantFrom(null, '', 'Binary files a/x and b/x differ'), weight: 1 }
  ),
  status: fc.constantFrom<PrFile['status']>('modified', 'added', 'removed', 'renamed')
})

const wantedFinding = fc.record({
  file: fc.nat(),
  elsewhere: fc.boolean(),
  aim,
  severity: fc.constantFrom<Finding['severity']>('critical', 'major', 'minor', 'nit'),
  body: fc.constantFrom('Off by one.', 'Same text.', '@team see #12'),
  suggestion: fc.option(fc.constantFrom('x', ''), { nil: undefined })
})

/** A few findings, and now and then more than the inline cap. */
const wantedFindings = fc.oneof(
  { arbitrary: fc.array(wantedFinding, { maxLength: 8 }), weight: 39 },
  { arbitrary: fc.array(wantedFinding, { minLength: 51, maxLength: 80 }), weight: 1 }
)

describe('buildReview', () => {
  it('posts inline only comments GitHub accepts, on files of the pull request', () => {
    const files = fc.uniqueArray(listedFile, {
      selector: (f) => f.path,
      minLength: 1,
      maxLength: 4
    })
    fc.assert(
      fc.property(files, wantedFindings, (listed, wanted) => {
        const prFiles = listed.map((f) => changedFile({ ...f, additions: 0, deletions: 0 }))
        const aimable = prFiles.map((f) => targets(f.hunks ?? []))
        const findings = wanted.map(({ file, elsewhere, aim: a, ...rest }): Finding => {
          const i = file % prFiles.length
          const path = prFiles[i]?.path ?? ''
          return { ...rest, ...refOf(aimable[i] ?? [], a), path: elsewhere ? `${path}~` : path }
        })
        const byPath = new Map(prFiles.map((f) => [f.path, f]))
        const draft = buildReview(findings, byPath, new Set(), 'a'.repeat(40))
        const oracles = new Map(listed.map((f) => [f.path, textOracle(f.patch ?? '')]))
        const onTheDiff = draft.comments.every((c) => {
          const hunks = oracles.get(c.path)
          const at = {
            line: c.line,
            side: c.side,
            startLine: c.start_line,
            startSide: c.start_side
          }
          return hunks !== undefined && accepts(hunks, at)
        })
        return (
          onTheDiff &&
          draft.comments.length <= MAX_INLINE_COMMENTS &&
          draft.findings + draft.duplicates === findings.length &&
          draft.comments.length === draft.findings - draft.inBody
        )
      }),
      RUNS
    )
  })
})

// ---------------------------------------------------------------------------------------------

describe('regressions the properties found (parse-diff read these)', () => {
  const lines = (patch: string) => sorted(parsedLines(parsePatch(patch)))

  it('does not throw on a "\\ No newline" marker right after a header', () => {
    expect(lines('@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b')).toEqual([
      { LEFT: [1], RIGHT: [1] }
    ])
  })

  it('starts a new hunk at a header even when the one before counted more lines', () => {
    expect(lines('@@ -1,5 +1,5 @@\n a\n-b\n+c\n@@ -10 +10 @@\n-x\n+y')).toEqual([
      { LEFT: [1, 2], RIGHT: [1, 2] },
      { LEFT: [10], RIGHT: [10] }
    ])
  })

  it('reads nothing into a hunk whose header counts no lines', () => {
    expect(lines('@@ -1,0 +1,0 @@\n \n@@ -3,0 +3 @@\n+x')).toEqual([{ LEFT: [], RIGHT: [3] }])
  })

  it('stops a hunk at a line its counts leave no room for', () => {
    expect(lines('@@ -1 +1 @@\n-a\n-b\n+c\n@@ -10 +10 @@\n-x')).toEqual([
      { LEFT: [1], RIGHT: [] },
      { LEFT: [10], RIGHT: [] }
    ])
  })

  it('counts a CRLF patch’s "\\ No newline" marker as no line', () => {
    expect(lines('@@ -1 +1,2 @@\r\n-a\r\n\\ No newline at end of file\r\n+b\r\n+c\r\n')).toEqual([
      { LEFT: [1], RIGHT: [1, 2] }
    ])
  })

  it('numbers no line 0 and no line beyond exact integers', () => {
    expect(lines('@@ -0,2 +1,2 @@\n a\n b')).toEqual([])
    expect(lines('@@ -9007199254740990,5 +1,5 @@\n a')).toEqual([])
  })
})
