/**
 * The edits that make model Markdown safe to post, found on GitHub's reading of it
 * (markdown.ts). One technique throughout: a zero-width space (U+200B, written ‸ here) where
 * GitHub or a bot needs two characters to touch: `@‸user`, `#‸12`, `<‸img`, `‸/merge`. It renders
 * like the original, and no pattern below matches across it.
 *
 * What is live is decided as GitHub decides it: a mention is `@` after a non-word character
 * (or the start of a text node) followed by a login, in text outside code and links; GitHub's
 * references are `#12`, `owner/repo#12` and `GH-12`, and a bare issue or pull request URL. In
 * code nothing is live, and only what acts on the raw text is changed there: a line a bot would
 * read as a command, and a copy of our hidden marker.
 */
import { replaceHtmlComments } from '../format.js'
import { MARKER_LOOKALIKE } from './markers.js'
import {
  HARMLESS_REFERENCES,
  type Destination,
  type Link,
  type Literal,
  type Reading,
  type RenderedText,
  type Span
} from './markdown.js'

export const ZWSP = '\u200B'

/** Replace `start`..`end` of the source by `text` (an insertion when they are equal). */
export interface Edit {
  readonly start: number
  readonly end: number
  readonly text: string
}

const insert = (at: number, text = ZWSP): Edit => ({ start: at, end: at, text })

/**
 * The edits a reading calls for. `structure` changes what GitHub parses (HTML and autolinks
 * become text, images and some links are rewritten, a reference or URL stops being one) and
 * calls for a new reading before anything else. Once the structure stays, `closing` closes a
 * fence left open at the end, and `inText` breaks patterns within the text as read: made any
 * earlier, a zero-width space could land where a later reading finds code, and sanitizing
 * again would not put it back.
 */
export function defusals(
  source: string,
  reading: Reading
): { structure: Edit[]; closing: Edit[]; inText: Edit[] } {
  const structure = [
    ...html(source, reading.html),
    ...reading.autolinks.map((a) => insert(a.start + 1)),
    ...reading.links.flatMap((link) => defuseLink(source, link)),
    ...reading.definitions.flatMap((d) => defuseDefinition(source, d)),
    ...reading.references
      .filter((r) => r.name === undefined || HARMLESS_REFERENCES[r.name] === undefined)
      .map((r) => insert(r.start + 1)),
    ...textStructure(reading.text)
  ]
  const closing = reading.closer === undefined ? [] : [closeFence(source, reading.closer)]
  const inText = [
    ...textPatterns(source, reading),
    ...commandLines(source, reading.code),
    ...markerComments(source)
  ]
  return { structure, closing, inText }
}

/** The source with the edits made; an edit inside a span another replaces waits a pass. */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.text < b.text ? -1 : +(a.text > b.text))
  )
  let out = ''
  let at = 0
  let last: Edit | undefined
  for (const edit of sorted) {
    const repeated = last?.start === edit.start && last.end === edit.end && last.text === edit.text
    if (edit.start < at || repeated) continue
    out += source.slice(at, edit.start) + edit.text
    at = edit.end
    last = edit
  }
  return out + source.slice(at)
}

// ---------------------------------------------------------------------------------------------
// HTML, links, images

const TAG_OPEN = /<(?=[A-Za-z/!?])/g

/**
 * Raw HTML renders as text: comments go (they hide text from readers: instructions to later
 * bots, forged markers), keeping their line breaks; every other tag gets `<‸`.
 */
function html(source: string, spans: readonly Span[]): Edit[] {
  return spans.flatMap(({ start, end }) => {
    const raw = source.slice(start, end)
    // A comment keeps its line breaks: the lines around it stay where they were.
    const text = replaceHtmlComments(raw, (comment) => comment.replace(/[^\n]/g, '')).replace(
      TAG_OPEN,
      `<${ZWSP}`
    )
    return text === raw ? [] : [{ start, end, text }]
  })
}

const DANGEROUS_SCHEME = /^(?:javascript|vbscript|data|file):/i
const GITHUB_REFERENCE = String.raw`(?:https?:\/\/|www\.)(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+\/(?:issues|pull|discussions)\/\d`
// A link to an issue or pull request posts "mentioned this" on it.
const GITHUB_REFERENCE_URL = new RegExp(`^${GITHUB_REFERENCE}`, 'i')
const GITHUB_REFERENCE_IN_TEXT = new RegExp(GITHUB_REFERENCE, 'gi')

// Every scheme and `www.` in it: the text after the first may be a URL of its own.
const defuseUrl = (url: string): string =>
  url.replace(/([a-z]+:)(?=\/\/)/gi, `$1${ZWSP}`).replace(/(www)(?=\.)/gi, `$1${ZWSP}`)

/**
 * Remote images are fetched for every reader (tracking) and can show anything: each becomes
 * `[image: alt]`. A link with a dangerous scheme is reduced to its text, and one to an issue
 * or pull request shows the address as text.
 */
function defuseLink(source: string, link: Link): Edit[] {
  const label = link.label ? source.slice(link.label.start, link.label.end) : ''
  if (link.image) {
    const alt = label.trim()
    return [{ ...link, text: alt ? `\\[image: ${alt}\\]` : '\\[image\\]' }]
  }
  const destination = link.destination
  const url = destination?.value.trim() ?? ''
  if (DANGEROUS_SCHEME.test(url)) return [{ ...link, text: label }]
  if (destination && GITHUB_REFERENCE_URL.test(url)) {
    const address = defuseUrl(source.slice(destination.start, destination.end))
    return [{ ...link, text: `${label} (${address})` }]
  }
  return []
}

/** The same for the destination of `[label]: destination`, which reference links use. */
function defuseDefinition(source: string, destination: Destination): Edit[] {
  const url = destination.value.trim()
  const raw = source.slice(destination.start, destination.end)
  if (DANGEROUS_SCHEME.test(url)) return [insert(destination.start + raw.indexOf(':'))]
  if (GITHUB_REFERENCE_URL.test(url)) return [{ ...destination, text: defuseUrl(raw) }]
  return []
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * GitHub links a mention or reference within one text node, but emphasis (`@**user**`) or a
 * text node boundary (`<em>a</em>@b`) must not make us think otherwise: emphasis markers may
 * sit anywhere in a match, and a letter before `@` only makes an email address when it is in
 * the same node.
 */
const MENTION = /@(?=[*_~]*[A-Za-z\d])/g
const ISSUE = /#(?=[*_~]*\d)/g
const GH_ISSUE = /G[*_~]*H[*_~]*-(?=[*_~]*\d)/gi
const IMAGE_OPEN = /!\[/g
const WORD = /[A-Za-z\d]/

function textPatterns(source: string, reading: Reading): Edit[] {
  const { chars, to, node, origin } = reading.text
  const linked = new Set(
    reading.literals.filter((l) => linkedByGitHub(source, l)).map((l) => l.node)
  )
  const live = (i: number): boolean => !linked.has(node[i] ?? -1)
  const after = (i: number): Edit => insert(to[i] ?? 0)
  const edits: Edit[] = []
  for (const { index: i } of chars.matchAll(MENTION)) {
    const email = WORD.test(chars.charAt(i - 1)) && node[i - 1] === node[i]
    if (live(i) && !email) edits.push(after(i))
  }
  for (const { index: i } of chars.matchAll(ISSUE)) if (live(i)) edits.push(after(i))
  for (const m of chars.matchAll(GH_ISSUE)) {
    if (live(m.index)) edits.push(after(m.index + m[0].length - 1))
  }
  // What GitHub's parser may read as HTML even where micromark does not (its version differs).
  for (const { index: i } of chars.matchAll(TAG_OPEN)) {
    if (origin[i] === 'data') edits.push(after(i))
  }
  return edits
}

/** Text that stops being a construct, which the next reading must see. */
function textStructure(text: RenderedText): Edit[] {
  const { chars, from, to, origin } = text
  const edits: Edit[] = []
  // An image start left over: no definition added later may complete it.
  for (const { index: i } of chars.matchAll(IMAGE_OPEN)) {
    if (origin[i + 1] === 'data' || origin[i + 1] === 'literal') {
      edits.push(insert(from[i + 1] ?? 0, '\\'))
    }
  }
  // A bare issue URL: text it held (`@`, `#`) is text once it is no longer a link.
  for (const m of chars.matchAll(GITHUB_REFERENCE_IN_TEXT)) {
    for (const part of m[0].matchAll(/[a-z]+:(?=\/\/)|www(?=\.)/gi)) {
      edits.push(insert(to[m.index + part.index + part[0].length - 1] ?? 0))
    }
  }
  return edits
}

/**
 * Whether GitHub links a bare URL micromark links, so that `@` and `#` inside it are part of
 * a link, not mentions. GitHub does not link after a bracket, nor `WWW.` in upper case
 * (github/cmark-gfm#278, #280, which micromark fixes); an email address is judged as text,
 * where a letter before `@` keeps it from being a mention anyway.
 */
function linkedByGitHub(source: string, literal: Literal): boolean {
  if ('[]'.includes(source.charAt(literal.start - 1) || ' ')) return false
  if (literal.kind === 'www') return source.startsWith('www.', literal.start)
  return literal.kind === 'http'
}

// ---------------------------------------------------------------------------------------------
// Lines, markers, fences: the raw text, which bots and our own marker search read

const LINE_START = /^(?:[^\S\n]|>)*(?=\/)/gm
// In code only a lone `/word` first token: `/usr/bin/env` or a regex literal line stays.
const BARE_COMMAND = /\/[A-Za-z][\w-]*(?=[ \t]|$)/my
const ANY_COMMAND = /\/\w/y

/**
 * A line that would start a bot command gets a zero-width space before its slash (bots trim
 * whitespace and `>`, and `trim` keeps U+200B).
 */
export function commandLines(source: string, code: readonly Span[]): Edit[] {
  const edits: Edit[] = []
  let k = 0
  for (const m of source.matchAll(LINE_START)) {
    const at = m.index + m[0].length
    while (k < code.length && (code[k]?.end ?? 0) <= at) k++
    const command = (code[k]?.start ?? Infinity) <= at ? BARE_COMMAND : ANY_COMMAND
    command.lastIndex = at
    if (command.test(source)) edits.push(insert(at))
  }
  return edits
}

/**
 * `<!--` → `<‸!--` for each comment that names our marker, in code too, where comments stay:
 * a search for our marker must find none but ours. Linear: scans forward once.
 */
export function markerComments(source: string): Edit[] {
  const edits: Edit[] = []
  let name = -2 // the next marker name at or after the comment; -2: not looked up yet
  let end = -2 // the next `-->` after the comment's start; -1: none
  for (let s = source.indexOf('<!--'); s !== -1; s = source.indexOf('<!--', s + 4)) {
    if (name < s) {
      MARKER_LOOKALIKE.lastIndex = s
      name = MARKER_LOOKALIKE.exec(source)?.index ?? -1
    }
    if (name === -1) break
    if (end !== -1 && end < s + 2) end = source.indexOf('-->', s + 2)
    if (end === -1 || name < end) edits.push(insert(s + 1))
  }
  return edits
}

/** A fence left open at the end runs to the end on GitHub too; closed, what follows is not code. */
function closeFence(source: string, closer: string): Edit {
  return insert(source.length, (source.endsWith('\n') ? '' : '\n') + closer)
}
