/**
 * Properties of what the sanitizer lets through, over random hostile Markdown. The oracle is
 * independent of the sanitizer's own reading: the output is rendered to HTML by micromark with
 * GFM (allowing raw HTML, as GitHub does before its own filters), and the HTML is inspected.
 *
 * What must hold of the output, rendered with our structure appended as the summary posts it:
 * - our structure renders as it does alone (nothing is left open to swallow it);
 * - no raw HTML (rendering with and without raw HTML allowed agrees), no image, no comment;
 * - mentions and references: in the rendered text outside `<code>`, `<pre>`, footnote calls
 *   and links GitHub makes of bare URLs, no `@` after a character other than a letter or digit
 *   (or at the start of a text node) is followed by a letter or digit, and no `#` or `GH-` is
 *   followed by a digit. Text nodes are judged one by one, as GitHub does, and joined across
 *   inline markup (`@<em>user</em>`), which is stricter than GitHub's rule; no link or bare URL
 *   GitHub would link points at an issue or pull request;
 * - in the raw text: no line, at any line break a bot might split on, starts a command, no
 *   comment holds our name, and the only invisible characters are the zero-width spaces the
 *   sanitizer puts where they break a pattern and the joiners inside emoji.
 */
import fc from 'fast-check'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { hasOurMarker } from '../../src/post/markers.js'
import {
  DEFAULT_MAX_LENGTH,
  sanitizeInline,
  sanitizeMarkdown,
  stripInvisible,
  suggestionBlock
} from '../../src/post/sanitize.js'

const RUNS = 2_000

// ---------------------------------------------------------------------------------------------
// Hostile input

const FRAGMENTS = [
  ...['@user', '@org/team', '@a-b', ' @x', 'a@b.com', '_@x', 'x-@y.co', '@@u', '@**u**'],
  ...['#123', '#1', ' #9', 'GH-1', 'gh-42', 'owner/repo#1', '&#64;u', '&commat;u', '&#35;1'],
  ...['http://a_b.c_d/', 'http://a.b_c.d_e/', 'https://a.com/', 'x-https://a.com/', 'www.x.com/'],
  ...['WWW.X.COM/', '[https://a.com/', ']www.a.com/', '(https://a.com/', 'https://a.com/x)'],
  ...['https://github.com/o/r/issues/3', 'www.github.com/o/r/pull/2', '<https://a.com/@u>'],
  ...['|', ' | ', '\n| a | b |\n| --- | --- |\n| ', '\\|', '`', '``', '```', '````', '~~~'],
  ...['\n```\n', '\n~~~~\n', '\n```js\n', '\n  ```\n', '\n    ', '\t', '$', '$$'],
  ...['<details>', '</details>', '<summary>Not reviewed (0)</summary>', '<img src=x>', '<b>'],
  ...['<a href="https://e.example">', '</a>', '<script>', '<!--', '-->', '<', '<a@b.co>'],
  ...['<!-- keyless-pr-review:summary {} -->', '<!--keyless_pr_review-->', '<?x', '?>', '<!X'],
  ...['<pre>', '<style>', '</script>', '<textarea>', '<![CDATA[', ']]>', '&#x40;u', '\\@u'],
  ...['[a](u "t @x")', '\n[e]: u "@t"\n', '<b>@x</b>', '\n   ', '\n\t', '*@*u', '@\\_u'],
  ...['![img](https://t.example/p.png)', '![b][c]', '\n[c]: https://t.example/p.png\n', '!'],
  ...['[l](javascript:x)', '[l](https://github.com/o/r/pull/1)', '\n[d]: javascript:x\n'],
  ...['[x][d]', '[', ']', '(', ')', '](', '[^1]', '\n[^1]: n\n'],
  ...['/review', '/summarize', '/ask', '/approve', '\n/review', '\n> /merge', '\n  /ask x'],
  ...['\u2028', '\u2029', '\u200B', '\u200D', '\u2060', '\uFEFF', '\u202E', '\u2066', '\u200E'],
  ...['\u00AD', '\u180E', '\u{E0041}', '\uFE00', '\u0085', '\u000B', '\f', '\r', '\r\n'],
  ...['\n', '\n\n', '> ', '- ', '1. ', '  ', '    ', '- [ ] ', '# ', '\n===\n', '\n---\n'],
  ...['😀', '👩‍💻', '❤️', '1️⃣', '*', '**', '_', '~', '~~', '\\', '&', '&amp;', 'text', ' ']
]

const runs = fc
  .tuple(fc.constantFrom(...'`~*_>-[]\\|@#<! \n'.split('')), fc.integer({ min: 2, max: 30 }))
  .map(([c, n]) => c.repeat(n))

const hostile = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 1, arbitrary: runs },
      { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'binary' }) }
    ),
    { maxLength: 20 }
  )
  .map((parts) => parts.join(''))

const limits = fc.oneof(
  { weight: 3, arbitrary: fc.constant(DEFAULT_MAX_LENGTH) },
  { weight: 1, arbitrary: fc.integer({ min: 40, max: 400 }) }
)

// ---------------------------------------------------------------------------------------------
// The oracle

const extensions = [gfm()]
const htmlExtensions = [gfmHtml()]
const render = (markdown: string, allowDangerousHtml = true): string =>
  micromark(markdown, { extensions, htmlExtensions, allowDangerousHtml })

const decode = (html: string): string =>
  html.replace(
    /&(amp|lt|gt|quot);/g,
    (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name] ?? '"'
  )

const unescapeUri = (href: string): string =>
  href.replace(/(?:%[\dA-F]{2})+/gi, (s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  })

/**
 * Whether an `<a>` is a link GitHub itself makes of a bare URL (its text is its address): text
 * inside one is not a mention. Not after a bracket, nor `WWW.` in capitals: GitHub links neither
 * (github/cmark-gfm#278, #280, which micromark fixes). An email address is judged as text.
 */
function isBareUrlLink(
  open: string,
  text: string | undefined,
  close: string | undefined,
  before: string
): boolean {
  if (close !== '</a>' || text === undefined || text.startsWith('<')) return false
  const href = unescapeUri(decode(/href="([^"]*)"/.exec(open)?.[1] ?? ''))
  const shown = decode(text)
  if ('[]'.includes(before || ' ') || /^www\./i.test(shown) !== shown.startsWith('www.'))
    return false
  return !href.startsWith('mailto:') && (href === shown || href === `http://${shown}`)
}

const INLINE_TAGS = new Set(['a', 'em', 'strong', 'del'])
const OPAQUE_TAGS = new Set(['code', 'pre', 'sup'])

/** The rendered text GitHub could link in: node by node, and joined across inline markup. */
function linkableText(html: string): { nodes: string[]; joined: string; hrefs: string[] } {
  const tokens = html.match(/<[^>]*>|[^<]+/g) ?? []
  const nodes: string[] = []
  const hrefs: string[] = []
  let joined = ''
  let opaque = 0
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const tag = /^<(\/?)([a-z][a-z\d]*)/.exec(token)
    if (!tag) {
      if (opaque === 0) nodes.push(decode(token))
      if (opaque === 0) joined += decode(token)
      continue
    }
    const [, closing, name = ''] = tag
    const href = /href="([^"]*)"/.exec(token)?.[1]
    if (href !== undefined) hrefs.push(decode(href))
    if (
      name === 'a' &&
      !closing &&
      isBareUrlLink(token, tokens[i + 1], tokens[i + 2], joined.slice(-1))
    ) {
      joined += ' '
      i += 2
    } else if (OPAQUE_TAGS.has(name)) {
      opaque += closing ? -1 : 1
      joined += ' '
    } else if (!INLINE_TAGS.has(name)) joined += '\n'
  }
  return { nodes, joined, hrefs }
}

const LIVE_MENTION = /(?<![A-Za-z\d])@[A-Za-z\d]/
const LIVE_REFERENCE = /#\d|GH-\d/i
// GitHub links `www.` only after a space, `*`, `_`, `~` or `(`; a scheme after anything.
const ISSUE_URL =
  /(?:https?:\/\/|(?<![^\s*_~(])www\.)(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+\/(?:issues|pull|discussions)\/\d/i
const ISSUE_HREF =
  /^(?:https?:\/\/)?(?:www\.)?github\.com\/[^/]+\/[^/]+\/(?:issues|pull|discussions)\/\d/i
// A comment holding our name, however spaced or cased, as a forged marker would.
const OUR_NAME = /<!--(?:(?!-->)[^])*keyless\W{0,3}pr\W{0,3}review/i
const COMMAND_LINE = /^[\s>]*\/[A-Za-z][\w-]*(?:\s|$)/
const ANY_LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/
const INVISIBLE = /(?![\t\n])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/u
// The joiners inside emoji, and the zero-width spaces the sanitizer puts where they break a pattern.
const ALLOWED_INVISIBLE =
  /(?<=\p{Extended_Pictographic}\uFE0F?[\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})|(?<=\p{Extended_Pictographic}|[#*\d])\uFE0F|(?<=[@#<&:-]|www|javascript|vbscript|data|file)\u200B|\u200B(?=\/)/giu

// Our own structure, as the summary appends it after the model's text.
const TAIL =
  '<details>\n<summary>Not reviewed (1)</summary>\n\n- `yarn.lock`: lock file\n\n</details>'
// Line breaks between tags are left out of comparisons: micromark's HTML drops one after a
// definition.
const flat = (html: string): string => html.replace(/\n/g, '')
const TAIL_HTML = flat(render(TAIL))

interface Inspection {
  /** What GitHub would act on, one entry per kind of problem. */
  readonly problems: string[]
  /** The Markdown's own HTML. */
  readonly html: string
}

/**
 * What GitHub would act on in the Markdown, one entry per kind of problem, and its HTML. With
 * `tail`, our structure is appended as the summary posts it, and must render as it does alone:
 * nothing the Markdown left open may swallow it.
 */
function inspect(markdown: string, tail = true): Inspection {
  const page = render(tail ? `${markdown}\n\n${TAIL}` : markdown)
  const start = tail ? page.indexOf('<details>') : -1
  const end = page.indexOf('</details>', start) + '</details>'.length
  const html = start === -1 ? page : page.slice(0, start) + page.slice(end)
  const { nodes, joined, hrefs } = linkableText(html)
  const problems = [
    tail && (start === -1 || flat(page.slice(start, end)) !== TAIL_HTML) && 'left open',
    flat(html) !== flat(render(markdown, false)) && 'raw HTML',
    html.includes('<img') && 'an image',
    html.includes('<!--') && 'a comment',
    [...nodes, joined].some((t) => LIVE_MENTION.test(t)) && 'a mention',
    LIVE_REFERENCE.test(joined) && 'a reference',
    (ISSUE_URL.test(joined) || hrefs.some((h) => ISSUE_HREF.test(h))) && 'an issue link',
    ...textProblems(markdown)
  ]
  return { problems: problems.filter((p): p is string => typeof p === 'string'), html }
}

/** What bots and readers see in the raw text. */
const textProblems = (markdown: string): (string | false)[] => [
  markdown.split(ANY_LINE_BREAK).some((l) => COMMAND_LINE.test(l)) && 'a command line',
  INVISIBLE.test(markdown.replace(ALLOWED_INVISIBLE, '')) && 'an invisible character',
  (hasOurMarker(markdown) || OUR_NAME.test(markdown)) && 'a marker'
]

// ---------------------------------------------------------------------------------------------
// Properties

const settings = { numRuns: RUNS }

describe('sanitizeMarkdown over hostile Markdown', () => {
  it('posts nothing live, leaves nothing open, stays bounded and is idempotent', () => {
    fc.assert(
      fc.property(hostile, limits, (input, limit) => {
        const out = sanitizeMarkdown(input, { maxLength: limit })
        expect(inspect(out).problems).toEqual([])
        expect(out.length).toBeLessThanOrEqual(limit)
        expect(sanitizeMarkdown(out, { maxLength: limit })).toBe(out)
      }),
      settings
    )
  })
})

describe('sanitizeInline over hostile text', () => {
  it('fills one table cell, on one line, with nothing live', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const row = `| ${sanitizeInline(a, 100)} | ${sanitizeInline(b, 100)} |`
        const { problems, html } = inspect(`| File | Change |\n| --- | --- |\n${row}`, false)
        expect(row).not.toMatch(/\n/)
        expect(problems).toEqual([])
        expect(html.match(/<td>/g)).toHaveLength(2)
      }),
      settings
    )
  })
})

describe('suggestionBlock over hostile code', () => {
  it('suggests the code verbatim, minus invisible characters, or not at all', () => {
    fc.assert(
      fc.property(hostile, (code) => {
        const block = suggestionBlock(code)
        if (block === '') return
        // One code block holding exactly the code leaves room for nothing live.
        const page = render(`${block}\n\n${TAIL}`)
        const shown = /^<pre><code class="language-suggestion">([^]*?)<\/code><\/pre>\n/.exec(page)
        expect(textProblems(block).filter(Boolean)).toEqual([])
        expect(decode(shown?.[1] ?? '(not one code block)').replace(/\n$/, '')).toBe(
          stripInvisible(code).replace(/\n$/, '')
        )
        expect(flat(page.slice(shown?.[0].length))).toBe(TAIL_HTML)
      }),
      settings
    )
  })
})
