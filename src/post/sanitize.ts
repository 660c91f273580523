/**
 * Makes model-written Markdown safe to post on GitHub. The model is untrusted (the pull request
 * it reads may carry a prompt injection), so nothing it writes may ping people, reference issues,
 * start a bot command, forge our hidden markers, hide text in HTML or invisible characters, load
 * remote images, leave a construct open that would swallow what we post after it, or exceed the
 * body limit.
 *
 * The text is read as GitHub reads it (markdown.ts, micromark's GFM parse), defused where GitHub
 * would make something live (defuse.ts), and read again until nothing is left to defuse: making
 * raw HTML text can turn what it held into Markdown. Sanitizing twice changes nothing.
 */

import { applyEdits, commandLines, defusals, markerComments, ZWSP } from './defuse.js'
import { readMarkdown, tooComplexToRead } from './markdown.js'

/** GitHub rejects issue, comment and review bodies longer than this (UTF-16 code units). */
export const GITHUB_BODY_LIMIT = 65_536
/** Leaves room under the limit for the marker and separators publishing appends. */
export const DEFAULT_MAX_LENGTH = 65_000
const DEFAULT_INLINE_LENGTH = 256

export interface SanitizeOptions {
  /** Longest result, truncation note included. Default 65,000. */
  maxLength?: number
}

/**
 * Model markdown → markdown that is safe to post; sanitizing twice changes nothing. A failure
 * here is a bug: it fails the run (nothing is posted) rather than post a placeholder.
 */
export function sanitizeMarkdown(text: string, options: SanitizeOptions = {}): string {
  const limit = positive(options.maxLength, DEFAULT_MAX_LENGTH)
  const input = stripInvisible(text)
  // Reading costs time with length; what is beyond the limit could not be shown anyway.
  const head = cutAt(input, limit)
  return truncate(sanitizeText(head), limit, input.length - head.length)
}

// ---------------------------------------------------------------------------------------------
// Characters

// Kept inside emoji: the joiner between pictographs (👩‍💻) and the emoji-style selector.
const EMOJI = String.raw`\p{Extended_Pictographic}\uFE0F?[\u{1F3FB}-\u{1F3FF}]?(?:\u200D\p{Extended_Pictographic}\uFE0F?[\u{1F3FB}-\u{1F3FF}]?)*|[#*\d]\uFE0F\u20E3`
const INVISIBLE = String.raw`(?![\t\n])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]`
const STRIPPED = new RegExp(`(${EMOJI})|${INVISIBLE}`, 'gu')

/**
 * Line endings become `\n`; control characters, line and paragraph separators (a bot that
 * splits lines on them would see a command) and invisible characters go: zero-width spaces and
 * joiners, bidi controls (text that reads differently from what it says), soft hyphens, BOMs,
 * variation selectors and tags (text smuggled past readers). One click commits a suggestion
 * with whatever it holds, so suggestions go through here too.
 */
export function stripInvisible(text: unknown): string {
  // Callers are typed, but a missing field from parsed model JSON must not throw here.
  const s = typeof text === 'string' ? text : ''
  return s.replace(/\r\n?/g, '\n').replace(STRIPPED, (_, emoji?: string) => emoji ?? '')
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.floor(value)
    : fallback
}

// ---------------------------------------------------------------------------------------------
// Reading and defusing until nothing is left

/** Each pass can reveal one more level: raw HTML made text may hold Markdown. */
const MOST_PASSES = 8
const MOST_ROUNDS = 4

/**
 * Sanitized text, self-contained: every fence closed, no raw HTML left open. Sanitizing it
 * again strips the zero-width spaces and must put each back: when the edits changed more than
 * those (a comment removed can turn what follows into code), the result is sanitized again.
 */
function sanitizeText(text: string): string {
  let source = stripInvisible(text)
  if (tooComplexToRead(source)) return asCode(source)
  for (let round = 0; round < MOST_ROUNDS; round++) {
    const out = defuse(source)
    if (out === undefined) break
    const next = stripInvisible(out)
    if (next === source) return out
    source = next
  }
  return asCode(stripInvisible(text))
}

/**
 * Reads and edits until the structure no longer changes, then closes what is left open and
 * defuses the text, which changes nothing GitHub parses; undefined when that does not settle.
 */
function defuse(text: string): string | undefined {
  let source = text
  for (let pass = 0; pass < MOST_PASSES; pass++) {
    const { structure, closing, inText } = defusals(source, readMarkdown(source))
    if (structure.length === 0) return applyEdits(source, [...closing, ...inText])
    source = applyEdits(source, structure)
  }
  return undefined
}

/**
 * Text we cannot read in reasonable time (or that does not settle) is posted as one code block,
 * where nothing is live; only its command lines and marker copies are defused. Such a block,
 * sanitized again or cut short, is closed as it was.
 */
function asCode(text: string): string {
  const fence = /^`{3,}(?=\n)/.exec(text)?.[0]
  if (fence) {
    const inner = text.slice(fence.length).replace(new RegExp(`\\n${fence}$`), '')
    if (longestRun(inner) < fence.length) return defuseCode(`${fence}${inner}\n${fence}`)
  }
  const ours = '`'.repeat(Math.max(3, longestRun(text) + 1))
  return defuseCode(`${ours}\n${text}\n${ours}`)
}

const longestRun = (text: string): number =>
  (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)

function defuseCode(block: string): string {
  const code = [{ start: 0, end: block.length }]
  return applyEdits(block, [...commandLines(block, code), ...markerComments(block)])
}

// ---------------------------------------------------------------------------------------------
// Length

/**
 * Cuts at a line boundary (inside a line only when one line is most of the budget) and
 * sanitizes the cut text again: a prefix can read differently (a fence left open, a backtick
 * left unpaired), and sanitizing closes the fence and judges the code spans again.
 */
function truncate(text: string, limit: number, dropped: number): string {
  if (text.length <= limit && dropped === 0) return text
  let budget = Math.min(text.length, limit - 48)
  for (let attempt = 0; attempt < 8 && budget > 0; attempt++) {
    const cut = cutAt(text, budget)
    const note = `_… truncated: ${text.length + dropped - cut.length} characters omitted._`
    const body = (cut === text ? text : sanitizeText(cut)).trimEnd()
    const out = body ? `${body}\n\n${note}` : note
    if (out.length <= limit) return out
    budget -= out.length - limit + 16
  }
  return ''
}

function cutAt(text: string, budget: number): string {
  if (text.length <= budget) return text
  const newline = text.lastIndexOf('\n', budget)
  if (newline >= budget / 2) return text.slice(0, newline)
  // Never between the two halves of a surrogate pair.
  const code = text.charCodeAt(budget - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? budget - 1 : budget)
}

// ---------------------------------------------------------------------------------------------
// Single-line fields and suggestions

/**
 * A short single-line field the model echoes (a file path, a title), for prose or a table
 * cell, not for inside a code span. Whitespace collapses to one line, markdown punctuation is
 * backslash-escaped (`|` cannot end a cell, `<` cannot open a tag) except in harmless code
 * spans, mentions and references
 * are neutralized, URLs do not autolink, and the result is at most `maxLength` long.
 */
/** Zero-width joiners and variation selectors that end a text cut inside an emoji sequence. */
const TRAILING_JOINERS = /(?:\u200d|\ufe0e|\ufe0f)+$/u

export function sanitizeInline(text: string, maxLength = DEFAULT_INLINE_LENGTH): string {
  const limit = positive(maxLength, DEFAULT_INLINE_LENGTH)
  // Code points, so a cut never splits a surrogate pair.
  const chars = Array.from(stripInvisible(text).replace(/\s+/g, ' ').trim())
  let out = ''
  for (let i = 0; i < chars.length; i++) {
    const span = codeSpan(chars, i)
    const piece = span ?? inlinePiece(chars, i)
    if (span !== undefined) i += Array.from(span).length - 1
    if (out.length + piece.length > limit - (i < chars.length - 1 ? 1 : 0)) {
      // A cut inside an emoji sequence must not leave its joiner dangling (an invisible char).
      return `${out.replace(TRAILING_JOINERS, '')}…`
    }
    out += piece
  }
  return out
}

/**
 * A code span starting at `i`, kept as it is: nothing inside one pings, links or renders. Only
 * contents that cannot end a table cell (`|`), hold a forged marker (`<`) or escape the span.
 */
function codeSpan(chars: string[], i: number): string | undefined {
  if (chars[i] !== '`') return undefined
  const end = chars.indexOf('`', i + 1)
  if (end === -1) return undefined
  const span = chars.slice(i, end + 1).join('')
  return /^`[^`|<>\\]*[^`|<>\\ ][^`|<>\\]*`$/.test(span) ? span : undefined
}

function inlinePiece(chars: string[], i: number): string {
  const c = chars[i] ?? ''
  const prev = chars[i - 1] ?? ''
  const next = chars[i + 1] ?? ''
  const alnum = (s: string): boolean => /^[A-Za-z\d]$/.test(s)
  if ('\\`*_[]<>|~!&'.includes(c)) return `\\${c}`
  if (c === '@' && alnum(next) && !(alnum(prev) && !atBefore(chars, i))) return `@${ZWSP}`
  if (c === '#' && /\d/.test(next)) return `#${ZWSP}`
  if (c === '-' && /\d/.test(next) && /gh$/i.test(chars.slice(Math.max(0, i - 2), i).join('')))
    return `-${ZWSP}`
  if (c === ':' && next === '/' && chars[i + 2] === '/') return `:${ZWSP}`
  if (c === '.' && /(?:^|[^A-Za-z\d])www$/i.test(chars.slice(Math.max(0, i - 4), i).join('')))
    return `${ZWSP}.`
  if (c === '/' && i === 0) return `${ZWSP}/`
  return c
}

/**
 * Whether the word before `i` holds an `@`. A letter or digit before `@` makes an email address
 * unless it does: GitHub links `a@b.co` in `a@b.co@user`, and the rest starts a text node.
 * Linear overall: the scan stops at the previous `@`.
 */
function atBefore(chars: string[], i: number): boolean {
  for (let k = i - 1; k >= 0 && chars[k] !== ' '; k--) if (chars[k] === '@') return true
  return false
}

/**
 * A GitHub suggestion block for `code` (the replacement lines; '' deletes them), or '' when
 * the code cannot be posted as it is. The fence is longer than any backtick run in the code, so
 * nothing inside can close it. One click commits a suggestion verbatim, so nothing is inserted:
 * code with a line a bot would read as a command, or a copy of our marker, is not suggested.
 */
export function suggestionBlock(code: string): string {
  const text = stripInvisible(code)
  const whole = [{ start: 0, end: text.length }]
  if (commandLines(text, whole).length > 0 || markerComments(text).length > 0) return ''
  const fence = '`'.repeat(Math.max(3, longestRun(text) + 1))
  // One trailing newline ends the last line; it is not an extra empty line.
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n')
  return [`${fence}suggestion`, ...lines, fence].join('\n')
}
