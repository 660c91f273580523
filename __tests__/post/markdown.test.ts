/**
 * GitHub's reading of Markdown (post/markdown.ts), on data: the text rendered outside code,
 * character by character with its source offsets, origins and text nodes; where the raw HTML,
 * autolinks, bare URLs, links, definitions, character references and code are; the fence a code
 * block left open needs; and which texts are too costly to read at all.
 */
import {
  HARMLESS_REFERENCES,
  readMarkdown,
  tooComplexToRead,
  type Span
} from '../../src/post/markdown.js'

/** Each rendered character as [char, from, to, origin]. */
function rendered(source: string): [string, number, number, string][] {
  const { chars, from, to, origin } = readMarkdown(source).text
  return Array.from({ length: chars.length }, (_, i) => [
    chars.charAt(i),
    from[i] ?? -1,
    to[i] ?? -1,
    origin[i] ?? '?'
  ])
}

const textOf = (source: string): string => readMarkdown(source).text.chars

const slices = (source: string, spans: readonly Span[]): string[] =>
  spans.map((s) => source.slice(s.start, s.end))

describe('readMarkdown: the rendered text', () => {
  it('maps each character to the source it comes from: an escape spans two, a reference its name', () => {
    expect(rendered('a\\@b &amp;c')).toEqual([
      ['a', 0, 1, 'data'],
      ['@', 1, 3, 'escape'],
      ['b', 3, 4, 'data'],
      [' ', 4, 5, 'data'],
      ['&', 5, 10, 'reference'],
      ['c', 10, 11, 'data'],
      ['\n', 11, 11, 'break']
    ])
  })

  it.each([
    ['amp', '&'],
    ['lt', '<'],
    ['gt', '>'],
    ['quot', '"'],
    ['apos', "'"],
    ['nbsp', '\u00A0'],
    ['mdash', '—'],
    ['ndash', '–'],
    ['hellip', '…']
  ])('renders the harmless reference &%s; as the character it stands for', (name, char) => {
    expect(HARMLESS_REFERENCES[name]).toBe(char)
    expect(textOf(`&${name};`)).toBe(`${char}\n`)
  })

  it('renders any other reference as `&`, a character that is neither letter nor digit', () => {
    expect(textOf('&commat;a &#64;b &#x40;c &copy;')).toBe('&a &b &c &\n')
  })

  it('ends every block with a line break, so that no pattern runs from one block into the next', () => {
    expect(rendered('# a\n\n> b')).toEqual([
      ['a', 2, 3, 'data'],
      ['\n', 3, 3, 'break'],
      ['\n', 3, 4, 'break'],
      ['b', 7, 8, 'data'],
      ['\n', 8, 8, 'break']
    ])
    expect(rendered('a\nb')[1]).toEqual(['\n', 1, 2, 'break'])
  })

  it('reads each table cell as a block of its own', () => {
    expect(textOf('| a | b |\n|---|---|\n| c | d |')).toBe('a\nb\n\n\nc\nd\n')
  })

  it('hides code, raw HTML, autolinks, images and link destinations, leaving one space where each was', () => {
    const source = 'a`@x`b<i>c<https://d.e>f![@g](h)i[j](https://@k)l'
    expect(textOf(source)).toBe('a b c f ij l\n')
    const spaces = rendered(source).filter(([char]) => char === ' ')
    expect(spaces.map(([, from, to, origin]) => [source.charAt(from), to - from, origin])).toEqual([
      ['`', 0, 'break'],
      ['<', 0, 'break'],
      ['<', 0, 'break'],
      ['!', 0, 'break'],
      ['h', 0, 'break']
    ])
  })

  it('hides a code block whole: fences, info string and contents', () => {
    expect(textOf('```js @a\nconst b = "@c"\n```\nd')).toMatch(/^\s+d\n$/)
  })

  it('renders a code span after a `$` in the same block as text, since GitHub may read it as math', () => {
    expect(rendered('$a `b`').slice(3, 4)).toEqual([['b', 4, 5, 'code']])
    expect(textOf('$a\n\n`b`')).not.toContain('b')
  })

  it('renders emphasis and strikethrough markers as the characters they are', () => {
    expect(textOf('*a* _b_ ~~c~~ **d**')).toBe('*a* _b_ ~~c~~ **d**\n')
  })

  it('renders a bare URL as text of its own origin', () => {
    expect(rendered('see https://a.b').slice(4, 6)).toEqual([
      ['h', 4, 5, 'literal'],
      ['t', 5, 6, 'literal']
    ])
  })
})

describe('readMarkdown: text nodes', () => {
  const nodes = (source: string): number[] => readMarkdown(source).text.node

  it('keeps data, escapes and references between two pieces of markup in one node', () => {
    const [a, escape, b, reference, c] = nodes('a\\@b&amp;c')
    expect(new Set([a, escape, b, reference, c]).size).toBe(1)
  })

  it('starts a new node at any markup between two characters', () => {
    for (const source of ['[a](https://x.y)b', 'a<i>b', 'a`x`b', 'a<https://x.y>b']) {
      const text = readMarkdown(source).text
      const a = text.chars.indexOf('a')
      const b = text.chars.lastIndexOf('b')
      expect([source, text.node[a]]).not.toEqual([source, text.node[b]])
    }
  })

  it('puts a bare URL in a node of its own, the one its literal names', () => {
    const source = 'a https://b.c d'
    const { text, literals } = readMarkdown(source)
    const url = text.chars.indexOf('h')
    expect(literals.map((l) => l.node)).toEqual([text.node[url]])
    expect(text.node[url]).not.toBe(text.node[0])
  })
})

describe('readMarkdown: what the sanitizer edits beyond the text', () => {
  it('finds raw HTML: inline tags, comments, declarations and HTML blocks', () => {
    const source = 'a <b>c</b> <!-- d --> <?x?>\n\n<div>\ne\n</div>\n\n<!DOCTYPE html>'
    expect(slices(source, readMarkdown(source).html)).toEqual([
      '<b>',
      '</b>',
      '<!-- d -->',
      '<?x?>',
      '<div>\ne\n</div>',
      '<!DOCTYPE html>'
    ])
  })

  it('finds autolinks to URLs and to email addresses', () => {
    const source = '<https://a.b/c> and <d@e.fg>'
    expect(slices(source, readMarkdown(source).autolinks)).toEqual(['<https://a.b/c>', '<d@e.fg>'])
  })

  it('finds the bare URLs and addresses GFM links, with their kind', () => {
    const source = 'https://a.b/c www.d.ef g@h.ij'
    const { literals } = readMarkdown(source)
    expect(literals.map((l) => [source.slice(l.start, l.end), l.kind])).toEqual([
      ['https://a.b/c', 'http'],
      ['www.d.ef', 'www'],
      ['g@h.ij', 'email']
    ])
  })

  it('finds inline links with their label and destination, escapes resolved', () => {
    const source = '[a *b*](https://c.d/\\(e "title")'
    const [link] = readMarkdown(source).links
    expect(link).toMatchObject({ image: false, start: 0, end: source.length })
    expect(source.slice(link?.label?.start, link?.label?.end)).toBe('a *b*')
    expect(link?.destination).toEqual({ start: 8, end: 23, value: 'https://c.d/(e' })
    expect(source.slice(link?.destination?.start, link?.destination?.end)).toBe('https://c.d/\\(e')
  })

  it('finds images, and reference links, which have no destination of their own', () => {
    const source = '![alt](u.png) [r][def]\n\n[def]: https://x.y'
    const links = readMarkdown(source).links
    expect(links.map((l) => [l.image, slices(source, l.label ? [l.label] : [])])).toEqual([
      [true, ['alt']],
      [false, ['r']]
    ])
    expect(links[1]?.destination).toBeUndefined()
  })

  it('finds an image inside a link as well as the link, the inner one first', () => {
    const source = '[![i](p.png)](https://x.y)'
    const links = readMarkdown(source).links
    expect(links.map((l) => [l.image, source.slice(l.start, l.end)])).toEqual([
      [true, '![i](p.png)'],
      [false, source]
    ])
    expect(links[1]?.destination?.value).toBe('https://x.y')
  })

  it('finds the destinations of link reference definitions, escapes resolved', () => {
    const source = '[a]: <https://b.c/d\\)> "t"\n[e]: javascript:f\n\n[a] [e]'
    const { definitions } = readMarkdown(source)
    expect(definitions.map((d) => [source.slice(d.start, d.end), d.value])).toEqual([
      ['https://b.c/d\\)', 'https://b.c/d)'],
      ['javascript:f', 'javascript:f']
    ])
  })

  it('finds character references, naming the named ones', () => {
    const source = '&amp; &#64; &#x40; &commat;'
    const { references } = readMarkdown(source)
    expect(references.map((r) => [source.slice(r.start, r.end), r.name])).toEqual([
      ['&amp;', 'amp'],
      ['&#64;', undefined],
      ['&#x40;', undefined],
      ['&commat;', 'commat']
    ])
  })

  it('finds the contents of code blocks, line by line, and of code spans', () => {
    const source = '```\na\nb\n```\n\n    c\n\nd `e f` g'
    expect(slices(source, readMarkdown(source).code)).toEqual(['a', 'b', 'c', 'e f'])
  })
})

describe('readMarkdown: the fence an open code block needs', () => {
  it.each([
    ['```js\ncode', '```'],
    ['````\ncode\n\n  \n', '````'],
    ['~~~\ncode', '~~~'],
    ['> ```\n> code', '> ```'],
    ['- ```\n  code', '  ```'],
    ['> 1. ~~~\n>    code', '>    ~~~']
  ])('closes %j with %j, its containers repeated', (source, closer) => {
    expect(readMarkdown(source).closer).toBe(closer)
    // Closed so, what follows is no longer code.
    expect(textOf(`${source}\n${closer}\nafter`)).toMatch(/after\n$/)
  })

  it.each([
    ['a closed block', '```\ncode\n```'],
    ['a block its container ended, text following', '> ```\n> code\n\nafter'],
    ['no code block', 'text']
  ])('needs none for %s', (_, source) => {
    expect(readMarkdown(source).closer).toBeUndefined()
  })
})

describe('tooComplexToRead: text micromark would take quadratic time on', () => {
  const lines = (line: string, n: number): string => `${line}\n`.repeat(n)

  it.each([
    ['setext heading underlines', (n: number) => lines('a\n==', n), 1000],
    ['setext underlines of dashes', (n: number) => lines('a\n  ---', n), 1000],
    ['quote lines', (n: number) => lines('> a', n), 2000],
    ['list items', (n: number) => lines('- a', n), 2000],
    ['ordered list items', (n: number) => lines('1) a', n), 2000],
    ['`]` in one block', (n: number) => ']'.repeat(n), 2000]
  ])('reads up to the limit of %s, and no more', (_, make, limit) => {
    expect(tooComplexToRead(make(limit))).toBe(false)
    expect(tooComplexToRead(make(limit + 1))).toBe(true)
  })

  it('counts `]` per block: blank lines between blocks reset the count', () => {
    const block = ']'.repeat(2000)
    expect(tooComplexToRead(`${block}\n\n${block}\n \t\n${block}`)).toBe(false)
    expect(tooComplexToRead(`${block}\n${block}`)).toBe(true)
  })

  it('refuses quotes nested deeper than 32', () => {
    expect(tooComplexToRead(`${'> '.repeat(32)}a`)).toBe(false)
    expect(tooComplexToRead(`${'>'.repeat(33)} a`)).toBe(true)
    expect(tooComplexToRead(`text\n  ${'> '.repeat(33)}a`)).toBe(true)
  })

  it('reads long ordinary text', () => {
    expect(tooComplexToRead('A [link](https://a.b), `code` and *stress*.\n\n'.repeat(4000))).toBe(
      false
    )
  })
})
