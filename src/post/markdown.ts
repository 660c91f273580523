/**
 * Markdown as GitHub reads it, from micromark's GFM parse (CommonMark and GFM, as cmark-gfm,
 * GitHub's parser, implements them): where the code, the raw HTML, the links and images are, and
 * the text GitHub renders outside code, character by character with the source offsets of each.
 * The sanitizer decides what to change; this module only reads.
 */
import { parse, postprocess, preprocess } from 'micromark'
import { gfm } from 'micromark-extension-gfm'

type Event = ReturnType<typeof postprocess>[number]
type Token = Event[1]

export interface Span {
  readonly start: number
  readonly end: number
}

/** Where a character of the rendered text comes from. */
type Origin = 'data' | 'escape' | 'reference' | 'literal' | 'code' | 'break'

/**
 * The text GitHub renders outside code, in order. Parallel arrays, one entry per character:
 * `from` and `to` are its source offsets (an escape `\@` spans two), `node` tells the text
 * nodes apart (every piece of markup between two characters starts a new one).
 */
export interface RenderedText {
  readonly chars: string
  readonly from: number[]
  readonly to: number[]
  readonly node: number[]
  readonly origin: Origin[]
}

/** A bare URL or address GitHub may turn into a link (GFM autolink literal). */
export interface Literal extends Span {
  readonly kind: 'http' | 'www' | 'email'
  /** The node of its characters in the rendered text. */
  readonly node: number
}

/** A link destination: its place in the source and its value (escapes resolved). */
export interface Destination extends Span {
  readonly value: string
}

export interface Link extends Span {
  readonly image: boolean
  readonly label?: Span
  /** Inline links only: `[text](destination)`. */
  readonly destination?: Destination
}

/** `&name;`, `&#…;`: `name` is undefined for a numeric one. */
interface Reference extends Span {
  readonly name?: string
}

export interface Reading {
  readonly text: RenderedText
  /** Raw HTML: blocks and inline tags, comments, declarations. */
  readonly html: readonly Span[]
  /** `<https://…>` and `<a@b.c>`. */
  readonly autolinks: readonly Span[]
  readonly literals: readonly Literal[]
  readonly links: readonly Link[]
  /** The destinations of link reference definitions. */
  readonly definitions: readonly Destination[]
  readonly references: readonly Reference[]
  /** The contents of code blocks and code spans. */
  readonly code: readonly Span[]
  /** The closing fence line a code block left open at the end of the text needs. */
  readonly closer?: string
}

/**
 * Emphasis and strikethrough only split text into nodes, which the sanitizer assumes anywhere
 * (see RenderedText); micromark resolves them in quadratic time, so they are not parsed.
 */
const OPTIONS = { extensions: [gfm(), { disable: { null: ['attention', 'strikethrough'] } }] }

export function readMarkdown(source: string): Reading {
  const events = postprocess(
    parse(OPTIONS)
      .document()
      .write(preprocess()(source, undefined, true))
  )
  const walk = new Walk(source)
  for (const [kind, token] of events) {
    if (kind === 'enter') walk.enter(token)
    else walk.exit(token)
  }
  return walk.finish()
}

/**
 * micromark walks back over its events at each `]`, at each setext heading underline and at
 * each change of container, so a text dense in them takes quadratic time (30,000 `]` take a
 * minute). Past these counts the sanitizer does not read the text at all.
 */
const MOST_BRACKETS_PER_BLOCK = 2_000
const MOST_UNDERLINES = 1_000
const MOST_CONTAINER_LINES = 2_000

export function tooComplexToRead(source: string): boolean {
  const underlines = source.match(/^ {0,3}(?:=+|-+)[ \t]*$/gm)?.length ?? 0
  const containers = source.match(/^[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))/gm)?.length ?? 0
  return (
    underlines > MOST_UNDERLINES ||
    containers > MOST_CONTAINER_LINES ||
    // Quotes nested deeper than anyone writes.
    /^(?:[ \t]*>){33}/m.test(source) ||
    source.split(/\n[ \t]*\n/).some((block) => count(block, ']') > MOST_BRACKETS_PER_BLOCK)
  )
}

function count(text: string, char: string): number {
  let n = 0
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++
  return n
}

// Not rendered as text: destinations, code block fences and info strings, and what the
// sanitizer replaces whole (raw HTML, autolinks, images). Code spans too, unless after a `$`.
const HIDDEN = new Set<string>([
  'resourceDestination',
  'definitionDestination',
  'codeFencedFence',
  'codeIndented',
  'htmlFlow',
  'htmlText',
  'autolink',
  'image'
])
// Text within one node: markup around these does not split it.
const INLINE = new Set<string>([
  'data',
  'lineEnding',
  'characterEscape',
  'escapeMarker',
  'characterEscapeValue',
  'characterReference',
  'characterReferenceMarker',
  'characterReferenceMarkerNumeric',
  'characterReferenceMarkerHexadecimal',
  'characterReferenceValue'
])
// Blocks of inline text; a table cell counts as one.
const BLOCKS = new Set<string>([
  'paragraph',
  'atxHeading',
  'setextHeading',
  'tableData',
  'tableHeader'
])
const LITERALS: Partial<Record<string, Literal['kind']>> = {
  literalAutolinkHttp: 'http',
  literalAutolinkWww: 'www',
  literalAutolinkEmail: 'email'
}
// The character references worth rendering as what they decode to; any other is defused.
export const HARMLESS_REFERENCES: Readonly<Partial<Record<string, string>>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  mdash: '—',
  ndash: '–',
  hellip: '…'
}

interface OpenLink {
  readonly image: boolean
  readonly start: number
  label?: Span
  destination?: Destination
}

/** One pass over micromark's events. */
class Walk {
  private readonly chars: string[] = []
  private readonly text: Omit<RenderedText, 'chars'> = { from: [], to: [], node: [], origin: [] }
  private readonly html: Span[] = []
  private readonly autolinks: Span[] = []
  private readonly literals: Literal[] = []
  private readonly links: Link[] = []
  private readonly definitions: Destination[] = []
  private readonly references: Reference[] = []
  private readonly code: Span[] = []
  private closer?: string

  private node = 0
  /** Depth inside tokens whose text is not rendered. */
  private hidden = 0
  private codeHidden = false
  /** A `$` earlier in the block: GitHub may read a code span after it as math, not code. */
  private dollar = false
  private readonly open: OpenLink[] = []
  private destination?: { start: number; end: number; value: string }
  private fence?: { sequences: number; closer: string }

  constructor(private readonly source: string) {}

  finish(): Reading {
    return {
      text: { chars: this.chars.join(''), ...this.text },
      html: this.html,
      autolinks: this.autolinks,
      literals: this.literals,
      links: this.links,
      definitions: this.definitions,
      references: this.references,
      code: this.code,
      ...(this.closer === undefined ? {} : { closer: this.closer })
    }
  }

  enter(token: Token): void {
    const type = token.type as string
    const { start, end } = span(token)
    if (!INLINE.has(type)) this.node++
    if (BLOCKS.has(type)) this.dollar = false
    this.record(type, start, end)
    const hides = type === 'codeText' ? !this.dollar : HIDDEN.has(type)
    if (type === 'codeText') this.codeHidden = hides
    if (hides && this.hidden++ === 0) this.push(start, start, ' ', 'break')
    if (this.hidden > 0) this.collectDestination(type, start, end)
    else this.collectText(type, start, end)
  }

  exit(token: Token): void {
    const type = token.type as string
    const { end } = span(token)
    if (!INLINE.has(type)) this.node++
    if (type === 'codeText' ? this.codeHidden : HIDDEN.has(type)) this.hidden--
    // A block ends with a line break, so no pattern runs from one block into the next.
    if (BLOCKS.has(type)) this.push(end, end, '\n', 'break')
    if (type === 'link' || type === 'image') this.closeLink(end)
    else if (type === 'resourceDestinationString') this.closeDestination(false)
    else if (type === 'definitionDestinationString') this.closeDestination(true)
    else if (type === 'codeFenced') this.closeFence(end)
  }

  /** Everything the sanitizer needs beyond the rendered text. */
  private record(type: string, start: number, end: number): void {
    if (type === 'htmlFlow' || type === 'htmlText') this.html.push({ start, end })
    else if (type === 'autolink') this.autolinks.push({ start, end })
    else if (type === 'codeFlowValue' || type === 'codeTextData') this.code.push({ start, end })
    else if (type === 'characterReference') this.references.push(this.reference(start, end))
    else if (type === 'link' || type === 'image') this.open.push({ image: type === 'image', start })
    else if (type === 'labelText') this.label({ start, end })
    else if (type === 'resourceDestinationString' || type === 'definitionDestinationString')
      this.destination = { start, end, value: '' }
    else if (type === 'codeFenced') this.fence = { sequences: 0, closer: '' }
    else if (type === 'codeFencedFenceSequence') this.fenceSequence(start, end)
    const kind = LITERALS[type]
    if (kind) this.literals.push({ start, end, kind, node: this.node })
  }

  private collectText(type: string, start: number, end: number): void {
    const source = this.source
    if (type === 'data' || type === 'codeTextData') {
      const origin = type === 'data' ? 'data' : 'code'
      if (origin === 'data' && source.slice(start, end).includes('$')) this.dollar = true
      for (let i = start; i < end; i++) this.push(i, i + 1, source.charAt(i), origin)
    } else if (type === 'characterEscape') {
      this.push(start, end, source.charAt(end - 1), 'escape')
    } else if (type === 'characterReference') {
      // One the sanitizer defuses stands for a character that is neither letter nor digit.
      const name = this.reference(start, end).name
      this.push(start, end, (name && HARMLESS_REFERENCES[name]) ?? '&', 'reference')
    } else if (type === 'lineEnding') {
      this.push(start, end, '\n', 'break')
    } else if (LITERALS[type]) {
      for (let i = start; i < end; i++) this.push(i, i + 1, source.charAt(i), 'literal')
    }
  }

  private collectDestination(type: string, start: number, end: number): void {
    const destination = this.destination
    if (!destination) return
    if (type === 'data' || type === 'characterReference')
      destination.value += this.source.slice(start, end)
    else if (type === 'characterEscapeValue') destination.value += this.source.charAt(start)
  }

  private push(from: number, to: number, char: string, origin: Origin): void {
    this.chars.push(char)
    this.text.from.push(from)
    this.text.to.push(to)
    this.text.node.push(this.node)
    this.text.origin.push(origin)
  }

  private reference(start: number, end: number): Reference {
    const name = /^&([A-Za-z\d]+);$/.exec(this.source.slice(start, end))?.[1]
    return name === undefined ? { start, end } : { start, end, name }
  }

  private label(label: Span): void {
    const link = this.open.at(-1)
    if (link && link.label === undefined) link.label = label
  }

  private closeLink(end: number): void {
    const link = this.open.pop()
    if (link) this.links.push({ ...link, end })
  }

  private closeDestination(definition: boolean): void {
    const destination = this.destination
    this.destination = undefined
    const link = this.open.at(-1)
    if (destination && definition) this.definitions.push(destination)
    else if (destination && link) link.destination = destination
  }

  private fenceSequence(start: number, end: number): void {
    const fence = this.fence
    if (!fence || fence.sequences++ > 0) return
    // The closing line repeats the opening line's containers: `>` stays, list markers become
    // the spaces that continue their item.
    const lineStart = this.source.lastIndexOf('\n', start - 1) + 1
    const prefix = this.source.slice(lineStart, start).replace(/[^ \t>]/g, ' ')
    fence.closer = prefix + this.source.slice(start, end)
  }

  /** A fence left open at the end of the text would swallow whatever is posted after it. */
  private closeFence(end: number): void {
    const fence = this.fence
    this.fence = undefined
    if (fence?.sequences === 1 && /^[ \t\n]*$/.test(this.source.slice(end))) {
      this.closer = fence.closer
    }
  }
}

function span(token: Token): Span {
  return { start: token.start.offset, end: token.end.offset }
}
