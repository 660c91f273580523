/**
 * Makes model-written markdown safe to post on GitHub. The model is untrusted (the pull request
 * it reads may carry a prompt injection), so nothing it writes may ping people, reference issues,
 * start a bot command, forge our hidden markers, hide text in HTML, load remote images or exceed
 * the body limit.
 *
 * One technique throughout: a zero-width space (U+200B, written ‸ here) inserted where GitHub's
 * parser or a bot's pattern needs two characters to touch: `@‸user`, `#‸12`, `<‸img`, `‸/merge`. It
 * renders exactly like the original, reads naturally, and unlike wrapping in backticks it cannot
 * pair up with a stray backtick elsewhere and turn neighbouring text back into live markdown.
 * No pattern we neutralize matches across it, which also makes sanitizing idempotent.
 *
 * Code is left alone only where GitHub certainly renders code: fences we can delimit exactly
 * and code spans we can pair exactly. Wherever the parse is uncertain (containers, tables, link
 * destinations, URLs, lines after a stray backtick) the text is treated as prose; the only cost
 * is an invisible character inside what may render as code.
 */

import { MARKER_LOOKALIKE } from './markers.js'

const ZWSP = '\u200B'

/** GitHub rejects issue, comment and review bodies longer than this (UTF-16 code units). */
export const GITHUB_BODY_LIMIT = 65_536
/** Leaves room under the limit for the marker and separators publishing appends. */
export const DEFAULT_MAX_LENGTH = 65_000
export const DEFAULT_INLINE_LENGTH = 256

export interface SanitizeOptions {
  /** Longest result, truncation note included. Default 65,000. */
  maxLength?: number
}

/** Model markdown → markdown that is safe to post. Never throws; sanitizing twice changes nothing. */
export function sanitizeMarkdown(text: string, options: SanitizeOptions = {}): string {
  const limit = positive(options.maxLength, DEFAULT_MAX_LENGTH)
  try {
    return truncate(sanitizeBlocks(clean(text)), limit)
  } catch {
    // Unreachable by design; a failure must still not post the raw text nor fail the run.
    return '_(The generated text could not be made safe to post and was left out.)_'.slice(0, limit)
  }
}

// ---------------------------------------------------------------------------------------------
// Characters

const OUR_PLACEHOLDERS = '\uE000-\uE01F'
const REMOVED = new RegExp(
  `(?![\\t\\n])[\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069${OUR_PLACEHOLDERS}]`,
  'gu'
)

/**
 * Control characters and bidi overrides go (they can make a comment read differently from what
 * it says), and so do the private-use characters we use as placeholders for code spans.
 */
function clean(text: unknown): string {
  // Callers are typed, but a missing field from parsed model JSON must not throw here.
  const s = typeof text === 'string' ? text : ''
  return s.replace(/\r\n?/g, '\n').replace(REMOVED, '')
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.floor(value)
    : fallback
}

const isBlank = (line: string): boolean => /^[ \t]*$/.test(line)

/** Width of the leading spaces and tabs, tabs to the next multiple of 4 as CommonMark counts. */
function indentOf(line: string): number {
  let width = 0
  for (const c of line) {
    if (c === ' ') width++
    else if (c === '\t') width += 4 - (width % 4)
    else break
  }
  return width
}

// ---------------------------------------------------------------------------------------------
// Blocks: fenced code versus prose

interface Fence {
  indent: number
  char: string
  length: number
}

interface Block {
  code: boolean
  lines: string[]
}

function fenceOpener(line: string): Fence | undefined {
  const m = /^[ \t]*(`{3,}|~{3,})(.*)$/.exec(line)
  const run = m?.[1]
  if (run === undefined || (run.startsWith('`') && (m?.[2] ?? '').includes('`'))) return undefined
  return { indent: indentOf(line), char: run.charAt(0), length: run.length }
}

function closes(line: string, fence: Fence): boolean {
  const run = /^[ \t]*(`+|~+)[ \t]*$/.exec(line)?.[1]
  return run?.startsWith(fence.char) === true && run.length >= fence.length
}

/**
 * Where a fence ends: the index of its closing line, `null` for the end of the text, or
 * undefined when GitHub might end it earlier than we would (a content line indented less than
 * the opener leaves any list item it sits in, and GitHub would close the fence there).
 */
/** The line that made fenceEnd give up on the fence opened at `start`. */
function rejectedAt(lines: string[], start: number, fence: Fence): number {
  let j = start + 1
  while (j < lines.length && (isBlank(lines[j] ?? '') || indentOf(lines[j] ?? '') >= fence.indent))
    j++
  return j
}

function fenceEnd(lines: string[], start: number, fence: Fence): number | null | undefined {
  for (let j = start + 1; j < lines.length; j++) {
    const line = lines[j] ?? ''
    if (isBlank(line)) continue
    const indent = indentOf(line)
    // Any closing run GitHub could accept counts; we re-indent it to the opener's so it must.
    if (indent <= fence.indent + 3 && closes(line, fence)) return j
    if (indent < fence.indent) return undefined
  }
  return null
}

/**
 * Splits the text into fenced code we are sure of and prose. A fence indented 4+ columns is
 * only trusted after a blank line: after a paragraph line GitHub would read it as more
 * paragraph. Fences we do not trust stay prose and are broken there (see finishProseLine).
 */
function splitBlocks(lines: string[]): Block[] {
  const blocks: Block[] = []
  let prose: string[] = []
  let afterBreak = true
  // The last rejected fence of each character: a later opener it covers fails at the same line.
  // Without this, a run of unclosable openers costs quadratic time.
  const rejected = new Map<string, Fence & { until: number }>()
  let i = 0
  while (i < lines.length) {
    const line = lines[i] ?? ''
    const fence = fenceOpener(line)
    let end: number | null | undefined
    if (fence && (fence.indent <= 3 || afterBreak)) {
      const known = rejected.get(fence.char)
      const covered =
        known !== undefined &&
        i < known.until &&
        fence.indent === known.indent &&
        fence.length >= known.length
      end = covered ? undefined : fenceEnd(lines, i, fence)
      if (end === undefined && !covered) {
        rejected.set(fence.char, { ...fence, until: rejectedAt(lines, i, fence) })
      }
    }
    if (fence && end !== undefined) {
      if (prose.length > 0) blocks.push({ code: false, lines: prose })
      prose = []
      const closer =
        end === null ? fence.char.repeat(fence.length) : (lines[end] ?? '').replace(/[ \t]/g, '')
      // An unclosed fence runs to the end on GitHub too; closing it keeps whatever is appended
      // later (our marker, a truncation note) out of the code block.
      blocks.push({
        code: true,
        lines: [...lines.slice(i, end ?? lines.length), ' '.repeat(fence.indent) + closer]
      })
      i = end === null ? lines.length : end + 1
      afterBreak = true
      continue
    }
    prose.push(line)
    afterBreak = isBlank(line)
    i++
  }
  if (prose.length > 0) blocks.push({ code: false, lines: prose })
  return blocks
}

function sanitizeBlocks(text: string): string {
  const blocks = splitBlocks(text.split('\n')).map((b) =>
    b.code ? defuseCode(b.lines) : sanitizeProse(b.lines).join('\n')
  )
  // Prose has no comment left; this reaches copies of our marker inside code spans.
  return defuseMarkerComments(blocks.join('\n'))
}

// ---------------------------------------------------------------------------------------------
// Code: left as written, except what would act on GitHub from inside a code block

/**
 * Code keeps its text: it renders literally and suggestions commit it. Two things still act
 * from inside: bots that match a command line in the raw body, and a copy of our own marker
 * that a careless search for it would find.
 */
function defuseCode(block: string[]): string {
  const lines = block.map((line, i) =>
    i === 0 || i === block.length - 1 ? line : line.replace(BARE_COMMAND, `$1${ZWSP}`)
  )
  return defuseMarkerComments(lines.join('\n'))
}

// Only a lone `/word` first token: `/usr/bin/env` or a regex literal line stays untouched.
const BARE_COMMAND = /^([ \t]*)(?=\/[A-Za-z][\w-]*(?:[ \t]|$))/

/** `<!--` → `<‸!--` for each comment that names our marker. Linear: scans forward once. */
function defuseMarkerComments(text: string): string {
  let out = ''
  let at = 0
  let name = -2 // position of the next marker name at or after `at`; -2 = not looked up yet
  for (let s = text.indexOf('<!--'); s !== -1; s = text.indexOf('<!--', s + 4)) {
    if (name !== -1 && name < s) {
      MARKER_LOOKALIKE.lastIndex = s
      name = MARKER_LOOKALIKE.exec(text)?.index ?? -1
    }
    const end = text.indexOf('-->', s + 2)
    if (name !== -1 && (end === -1 || name < end)) {
      out += text.slice(at, s + 1) + ZWSP
      at = s + 1
    }
  }
  return out + text.slice(at)
}

// ---------------------------------------------------------------------------------------------
// Prose

function sanitizeProse(lines: string[]): string[] {
  const spans: string[] = []
  const masked = maskCodeSpans(lines, spans).join('\n')
  const restored = transformProse(masked).replace(
    PLACEHOLDER,
    (_, id: string) => spans[decodeId(id)] ?? ''
  )
  return restored.split('\n').map(finishProseLine)
}

/**
 * Per line, after everything else: a line that would start a bot command gets a zero-width
 * space before its slash (bots trim whitespace, and `trim` keeps U+200B); a fence we did not
 * trust is broken the same way so GitHub cannot open a code block we do not know about.
 */
function finishProseLine(line: string): string {
  return line
    .replace(/^([\s>]*)(?=\/\w)/, `$1${ZWSP}`)
    .replace(/^((?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*)(?=`{3,}[^`]*$|~{3,})/, `$1${ZWSP}`)
}

// Code spans are swapped for placeholders made of private-use characters, which no prose rule
// matches and which clean() removed from the input.
const PLACEHOLDER = /\uE000([\uE010-\uE01F]+)\uE001/g

function placeholder(id: number): string {
  let digits = ''
  for (const d of id.toString(16)) digits += String.fromCharCode(0xe010 + parseInt(d, 16))
  return `\uE000${digits}\uE001`
}

function decodeId(digits: string): number {
  let hex = ''
  for (let k = 0; k < digits.length; k++) hex += (digits.charCodeAt(k) - 0xe010).toString(16)
  return parseInt(hex, 16)
}

/**
 * Replaces the code spans GitHub certainly renders as code with placeholders. After a stray
 * backtick GitHub may pair it with one on a later line, so the rest of that paragraph counts as
 * prose; a blank line ends the paragraph.
 */
function maskCodeSpans(lines: string[], spans: string[]): string[] {
  let tainted = false
  return lines.map((line) => {
    if (isBlank(line)) {
      tainted = false
      return line
    }
    if (tainted) return line
    const found = certainSpans(line)
    tainted = found.taint
    let out = ''
    let at = 0
    for (const [start, end] of found.spans) {
      out += line.slice(at, start) + placeholder(spans.push(line.slice(start, end)) - 1)
      at = end
    }
    return out + line.slice(at)
  })
}

interface Scan {
  spans: [number, number][]
  /** GitHub's parse of what follows may differ from ours. */
  taint: boolean
}

/**
 * A table row is parsed cell by cell and a plain line as a whole; a line with pipes keeps its
 * spans only if both readings agree.
 */
function certainSpans(line: string): Scan {
  const whole = scanSpans(line, 0)
  if (!line.includes('|')) return whole
  const cells: Scan[] = []
  let offset = 0
  for (const cell of line.split('|')) {
    cells.push(scanSpans(cell, offset))
    offset += cell.length + 1
  }
  const split = cells.flatMap((c) => c.spans)
  const same =
    split.length === whole.spans.length &&
    split.every(([s, e], k) => {
      const span = whole.spans[k]
      return span?.[0] === s && span[1] === e
    })
  return same
    ? { spans: whole.spans, taint: whole.taint || cells.some((c) => c.taint) }
    : { spans: [], taint: true }
}

/**
 * CommonMark code spans within one line: a backtick run pairs with the next run of the same
 * length. We stop trusting the line where another construct could swallow a backtick first:
 * a link destination or title after `](`, math after `$`, an autolinked URL.
 */
function scanSpans(text: string, offset: number): Scan {
  const spans: [number, number][] = []
  let inUrl = false
  let i = 0
  while (i < text.length) {
    const c = text.charAt(i)
    if (c === '\\') {
      i += 2
      continue
    }
    if ((c === ']' && text.charAt(i + 1) === '(') || c === '$') return { spans, taint: true }
    // GitHub's autolinks end at ASCII whitespace only; any other separator keeps us cautious.
    if (c === ' ' || c === '\t') inUrl = false
    else if (text.startsWith('://', i) || (/[wW]/.test(c) && /^www\./i.test(text.slice(i, i + 4))))
      inUrl = true
    if (c !== '`') {
      i++
      continue
    }
    if (inUrl) return { spans, taint: true }
    let end = i
    while (text.charAt(end) === '`') end++
    const close = closingRun(text, end, end - i)
    if (close === -1) return { spans, taint: true }
    spans.push([offset + i, offset + close + (end - i)])
    i = close + (end - i)
  }
  return { spans, taint: false }
}

function closingRun(text: string, from: number, length: number): number {
  for (let k = text.indexOf('`', from); k !== -1;) {
    let end = k
    while (text.charAt(end) === '`') end++
    if (end - k === length) return k
    k = text.indexOf('`', end)
  }
  return -1
}

// Not preceded by an odd number of backslashes (which would escape the next character).
const UNESCAPED = String.raw`(?<!(?:^|[^\\])(?:\\\\)*\\)`
// Link text or image alt: escaped characters, anything but brackets, one level of nesting,
// no blank line (it would end the paragraph).
const TEXT_CHAR = String.raw`(?:\\.|[^\\\[\]\n]|\n(?![ \t]*\n))`
const LABEL = String.raw`((?:${TEXT_CHAR}|\[${TEXT_CHAR}{0,200}\]){0,500})`
// A destination on the same line, without code: `<…>` or balanced parentheses, then a title.
const DESTINATION = String.raw`\([ \t]*(<[^<>\n\`\uE000-\uE01F]*>|[^\s()<>\`\uE000-\uE01F]*(?:\([^\s()\`\uE000-\uE01F]*\)[^\s()<>\`\uE000-\uE01F]*)*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)`

const INLINE_IMAGE = new RegExp(`${UNESCAPED}!\\[${LABEL}\\]${DESTINATION}`, 'g')
const REFERENCE_IMAGE = new RegExp(
  `${UNESCAPED}!\\[${LABEL}\\](?:\\[(?:\\\\.|[^\\\\\\[\\]]){0,500}\\])?`,
  'g'
)
const ANY_IMAGE = new RegExp(`${UNESCAPED}!\\[`, 'g')
const INLINE_LINK = new RegExp(`${UNESCAPED}\\[${LABEL}\\]${DESTINATION}`, 'g')

const DANGEROUS_SCHEME = /^(?:javascript|vbscript|data|file):/i
const GITHUB_REFERENCE_URL =
  /^(?:https?:\/\/)?(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+\/(?:issues|pull|discussions)\/\d/i

const imageText = (alt: string): string => {
  const text = alt.trim()
  return text ? `\\[image: ${text}\\]` : '\\[image\\]'
}

function transformProse(text: string): string {
  return neutralizeText(
    removeComments(text)
      // Remote images are fetched for every reader (tracking) and can show anything.
      .replace(INLINE_IMAGE, (_, alt: string) => imageText(alt))
      .replace(REFERENCE_IMAGE, (_, alt: string) => imageText(alt))
      .replace(ANY_IMAGE, '!\\[')
      .replace(INLINE_LINK, rewriteLink)
      // Every tag, comment opener, declaration and autolink `<…>` renders as text.
      .replace(/<(?=[A-Za-z/!?])/g, `<${ZWSP}`)
  )
}

/**
 * All HTML comments go: they hide text from readers (instructions to later bots, forged
 * markers). Their line breaks stay so the lines around keep their block structure.
 */
function removeComments(text: string): string {
  let out = ''
  let at = 0
  for (let s = text.indexOf('<!--'); s !== -1; s = text.indexOf('<!--', at)) {
    // `<!-->` and `<!--->` are complete comments in CommonMark, hence the search from s + 2.
    const end = text.indexOf('-->', s + 2)
    if (end === -1) break
    out += text.slice(at, s) + text.slice(s, end).replace(/[^\n]/g, '')
    at = end + 3
  }
  return out + text.slice(at)
}

function rewriteLink(link: string, label: string, destination: string): string {
  // Links inside the text are judged in the same pass, or a second pass would find them.
  const text = label.replace(INLINE_LINK, rewriteLink)
  const url = destination.replace(/^<|>$/g, '').trim()
  // A scheme already broken by a zero-width space is left as it is: sanitizing stays idempotent.
  if (DANGEROUS_SCHEME.test(url)) return text
  // A link to an issue or pull request posts "mentioned this" on it; keep the address as text.
  if (GITHUB_REFERENCE_URL.test(url)) return `${text} (${defuseUrl(url)})`
  return `[${text}${link.slice(1 + label.length)}`
}

// Every scheme and `www.` in the token: the text after the first may be a URL of its own.
const defuseUrl = (url: string): string =>
  url.replace(/([a-z]+:)(?=\/\/)/gi, `$1${ZWSP}`).replace(/(www)(?=\.)/gi, `$1${ZWSP}`)

// What GitHub turns into a link on its own: `http(s)://` or `www.`, to whitespace or `<`.
const URL_TOKEN = /(?:https?:\/\/|www\.)[^\s<>`\uE000-\uE01F]*/gi
// GitHub only autolinks after whitespace, `*`, `_`, `~`, `(` and only a domain with a dot.
const AUTOLINKED = /^(?:https?:\/\/|www\.)(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/i
const SAFE_ENTITIES = new Set([
  'amp',
  'lt',
  'gt',
  'quot',
  'apos',
  'nbsp',
  'mdash',
  'ndash',
  'hellip'
])

/**
 * Mentions, references, entities and schemes, outside the URLs GitHub will autolink: inside a
 * link `@` and `#` neither ping nor reference, and a zero-width space would break the link.
 */
function neutralizeText(text: string): string {
  let out = ''
  let at = 0
  for (const m of text.matchAll(URL_TOKEN)) {
    const before = m.index === 0 ? ' ' : text.charAt(m.index - 1)
    const url = m[0]
    if (GITHUB_REFERENCE_URL.test(url)) {
      out += neutralizeWords(text.slice(at, m.index)) + neutralizeWords(defuseUrl(url))
    } else if (/[\s*_~(]/.test(before) && AUTOLINKED.test(url)) {
      out += neutralizeWords(text.slice(at, m.index)) + url
    } else continue
    at = m.index + url.length
  }
  return out + neutralizeWords(text.slice(at))
}

function neutralizeWords(text: string): string {
  return (
    text
      // `&#64;user` renders as `@user` and would ping; named entities are kept when harmless.
      .replace(
        /&(?:#\d{1,7}|#[xX][\da-fA-F]{1,6}|([A-Za-z][A-Za-z\d]{0,31}));/g,
        (entity, name: string | undefined) =>
          name !== undefined && SAFE_ENTITIES.has(name) ? entity : `&${ZWSP}${entity.slice(1)}`
      )
      // Reference-style links and anything the link pattern missed.
      .replace(/\b(javascript|vbscript|data|file)(?=:)/gi, `$1${ZWSP}`)
      // A letter or digit right before `@` is an email address, which never pings.
      .replace(/(?<![A-Za-z\d])@(?=[A-Za-z\d])/g, `@${ZWSP}`)
      .replace(/#(?=\d)/g, `#${ZWSP}`)
      .replace(/\b(GH-)(?=\d)/gi, `$1${ZWSP}`)
  )
}

// ---------------------------------------------------------------------------------------------
// Length

/**
 * Cuts at a line boundary (inside a line only when one line is most of the budget) and
 * sanitizes the cut text again: a prefix can parse differently (a fence left open, a backtick
 * left unpaired), and re-sanitizing closes the fence and re-judges the code spans.
 */
function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text
  let budget = limit - 48
  for (let attempt = 0; attempt < 8 && budget > 0; attempt++) {
    const cut = cutAt(text, budget)
    const note = `_… truncated: ${text.length - cut.length} characters omitted._`
    const body = sanitizeBlocks(cut).trimEnd()
    const out = body ? `${body}\n\n${note}` : note
    if (out.length <= limit) return out
    budget -= out.length - limit + 16
  }
  return ''
}

function cutAt(text: string, budget: number): string {
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
export function sanitizeInline(text: string, maxLength = DEFAULT_INLINE_LENGTH): string {
  const limit = positive(maxLength, DEFAULT_INLINE_LENGTH)
  try {
    // Code points, so a cut never splits a surrogate pair.
    const chars = Array.from(clean(text).replace(/\s+/g, ' ').trim())
    let out = ''
    for (let i = 0; i < chars.length; i++) {
      const span = codeSpan(chars, i)
      const piece = span ?? inlinePiece(chars, i)
      if (span !== undefined) i += Array.from(span).length - 1
      if (out.length + piece.length > limit - (i < chars.length - 1 ? 1 : 0)) return `${out}…`
      out += piece
    }
    return out
  } catch {
    return ''
  }
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
  if (c === '@' && alnum(next) && !alnum(prev)) return `@${ZWSP}`
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
 * A GitHub suggestion block for `code` (the replacement lines; '' deletes them). The fence is
 * longer than any backtick run in the code, so nothing inside can close it.
 */
export function suggestionBlock(code: string): string {
  const text = clean(code)
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)
  const fence = '`'.repeat(Math.max(3, longest + 1))
  // One trailing newline ends the last line; it is not an extra empty line.
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n')
  return defuseCode([`${fence}suggestion`, ...lines, fence])
}
