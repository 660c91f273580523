/**
 * The edits that make model Markdown safe to post (post/defuse.ts), on data: which edits each
 * reading calls for, in which of the three groups (structure, closing, in the text), and how
 * they are made. `‸` in the expectations stands for the zero-width space the edits insert.
 */
import {
  applyEdits,
  commandLines,
  defusals,
  markerComments,
  ZWSP,
  type Edit
} from '../../src/post/defuse.js'
import { readMarkdown } from '../../src/post/markdown.js'

const show = (text: string): string => text.replaceAll(ZWSP, '‸')

/** The source with one group of the edits its reading calls for made, `‸` for ZWSP. */
function edited(source: string, group: 'structure' | 'closing' | 'inText'): string {
  return show(applyEdits(source, defusals(source, readMarkdown(source))[group]))
}

const untouched = (source: string): void => {
  expect(defusals(source, readMarkdown(source))).toEqual({ structure: [], closing: [], inText: [] })
}

it('marks its edits with a zero-width space', () => {
  expect(ZWSP).toBe('\u200B')
})

describe('defusals: the structure GitHub would parse', () => {
  it.each([
    ['<b>bold</b>', '<‸b>bold<‸/b>'],
    ['<img src=x onerror=alert(1)>', '<‸img src=x onerror=alert(1)>'],
    ['<div>\n@a\n</div>', '<‸div>\n@a\n<‸/div>'],
    ['<?php echo 1 ?>', '<‸?php echo 1 ?>'],
    ['<!DOCTYPE html>', '<‸!DOCTYPE html>']
  ])('renders raw HTML as text, each tag opening with `<‸`: %j', (source, expected) => {
    expect(edited(source, 'structure')).toBe(expected)
  })

  it('removes HTML comments, keeping the line breaks they spanned', () => {
    expect(edited('a <!-- ignore\nthe rest --> b', 'structure')).toBe('a \n b')
    expect(edited('<div><!-- x --></div>', 'structure')).toBe('<‸div><‸/div>')
  })

  it('reads `<!-->` and `<!--->` as whole comments, as CommonMark does', () => {
    expect(edited('a <!--> b', 'structure')).toBe('a  b')
    expect(edited('a <!---> b', 'structure')).toBe('a  b')
  })

  it('shows a comment that never closes as text', () => {
    expect(edited('<!-- hide\n\nthe rest', 'structure')).toBe('<‸!-- hide\n\nthe rest')
  })

  it('turns autolinks into text', () => {
    expect(edited('<https://a.b/c> <d@e.fg>', 'structure')).toBe('<‸https://a.b/c> <‸d@e.fg>')
  })

  it.each([
    ['![a cat](https://t.example/c.png "t")', '\\[image: a cat\\]'],
    ['![  ](https://t.example/c.png)', '\\[image\\]'],
    [
      '![r][def]\n\n[def]: https://t.example/p.png',
      '\\[image: r\\]\n\n[def]: https://t.example/p.png'
    ]
  ])(
    'replaces an image, which every reader would fetch, by its alt text: %j',
    (source, expected) => {
      expect(edited(source, 'structure')).toBe(expected)
    }
  )

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'vbscript:msgbox',
    'data:text/html,x',
    'file:///etc/passwd'
  ])('reduces a link with a dangerous scheme to its text: %s', (url) => {
    expect(edited(`see [the docs](${url}) now`, 'structure')).toBe('see the docs now')
  })

  it.each(['issues/1', 'pull/22', 'discussions/333'])(
    'shows a link to a GitHub %s as its text and its address, which posts no backlink',
    (path) => {
      expect(edited(`[it](https://github.com/o/r/${path})`, 'structure')).toBe(
        `it (https:‸//github.com/o/r/${path})`
      )
    }
  )

  it('breaks every scheme and `www.` of such an address, lest the rest be a URL of its own', () => {
    expect(edited('[it](http://www.github.com/o/r/pull/2?next=https://x.y)', 'structure')).toBe(
      'it (http:‸//www‸.github.com/o/r/pull/2?next=https:‸//x.y)'
    )
  })

  it('keeps other links', () => {
    untouched('[code](https://github.com/o/r/blob/main/a.ts) [site](https://example.com/#1)')
  })

  it('breaks the destination of a definition with a dangerous scheme or to an issue', () => {
    expect(edited('[a]: javascript:alert(1)\n\n[a]', 'structure')).toBe(
      '[a]: javascript‸:alert(1)\n\n[a]'
    )
    expect(edited('[b]: https://github.com/o/r/issues/9\n\n[b]', 'structure')).toBe(
      '[b]: https:‸//github.com/o/r/issues/9\n\n[b]'
    )
    untouched('[c]: https://example.com\n\n[c]')
  })

  it('breaks character references but the harmless ones', () => {
    expect(edited('&#64;a &commat;b &#x23;1 &amp; &lt;T&gt; &mdash;', 'structure')).toBe(
      '&‸#64;a &‸commat;b &‸#x23;1 &amp; &lt;T&gt; &mdash;'
    )
  })

  it('escapes an image start left over, so that no definition added later completes it', () => {
    expect(edited('![x] and ![y', 'structure')).toBe('!\\[x] and !\\[y')
    untouched('!\\[x]')
  })

  it('breaks a bare link to an issue or pull request, so that it is not one', () => {
    expect(
      edited('see https://github.com/o/r/issues/1 and www.github.com/o/r/pull/2', 'structure')
    ).toBe('see https:‸//github.com/o/r/issues/1 and www‸.github.com/o/r/pull/2')
  })

  it('leaves the text patterns for later, when the structure stays', () => {
    const source = '<b>@a</b> #1'
    const { structure, inText } = defusals(source, readMarkdown(source))
    expect(show(applyEdits(source, structure))).toBe('<‸b>@a<‸/b> #1')
    // Found on this reading too, but made only once the structure no longer changes.
    expect(inText.length).toBeGreaterThan(0)
  })
})

describe('defusals: closing a code block left open at the end', () => {
  it.each([
    ['```js\nconst a = 1', '```js\nconst a = 1\n```'],
    ['```js\nconst a = 1\n', '```js\nconst a = 1\n```'],
    ['> ~~~\n> a', '> ~~~\n> a\n> ~~~']
  ])('closes %j on a line of its own', (source, expected) => {
    expect(edited(source, 'closing')).toBe(expected)
  })

  it('closes nothing that is closed', () => {
    untouched('```\na\n```\n\n> ```\n> b\n\nafter')
  })
})

describe('defusals: mentions and references in the text', () => {
  it.each([
    ['@octocat', '@‸octocat'],
    ['cc @org/team', 'cc @‸org/team'],
    ['@**bold**', '@‸**bold**'],
    ['(@a) \\@b', '(@‸a) \\@‸b'],
    ['x.@y', 'x.@‸y']
  ])('breaks a mention after a non-word character: %j', (source, expected) => {
    expect(edited(source, 'inText')).toBe(expected)
  })

  it('leaves email addresses and a lone `@`', () => {
    untouched('a@b.co first.last+tag@example.org x@y @ z @-w')
  })

  it('judges the character before `@` within its own text node', () => {
    // The link's text `a` is a node of its own: GitHub sees `@user` after markup, a mention.
    expect(edited('[a]@user and a@user\n\n[a]: https://x.y', 'inText')).toBe(
      '[a]@‸user and a@user\n\n[a]: https://x.y'
    )
  })

  it.each([
    ['#12', '#‸12'],
    ['owner/repo#12', 'owner/repo#‸12'],
    ['#*3*', '#‸*3*'],
    ['GH-4 gh-5', 'GH-‸4 gh-‸5'],
    ['G*H*-6', 'G*H*-‸6']
  ])('breaks an issue reference: %j', (source, expected) => {
    expect(edited(source, 'inText')).toBe(expected)
  })

  it('leaves what is not a reference', () => {
    untouched('colour #fff, #x, GH-x, GHz-1')
  })

  it('leaves code alone', () => {
    untouched('`@a #1 GH-2 <b`\n\n```\n@c #3\n```\n\n    @d #4')
  })

  it('leaves what is inside a bare URL GitHub links', () => {
    untouched('https://a.com/@user#1 www.b.com/@team (https://c.org/@me)')
  })

  it.each([
    [']https://a.com/@user', ']https://a.com/@‸user'],
    ['WWW.A.COM/@user', 'WWW.A.COM/@‸user']
  ])('breaks what follows a URL GitHub does not link: %j', (source, expected) => {
    expect(edited(source, 'inText')).toBe(expected)
  })

  it('breaks a `<` before a letter in plain text, which GitHub may read as HTML', () => {
    expect(edited('a <b c', 'inText')).toBe('a <‸b c')
    untouched('a \\<b c &lt;d e < f')
  })
})

describe('commandLines: lines a bot would read as a command', () => {
  it.each([
    ['/merge', '‸/merge'],
    ['  /approve now', '  ‸/approve now'],
    ['> /lgtm', '> ‸/lgtm'],
    ['>> /review', '>> ‸/review'],
    ['a\n/usr/bin/env', 'a\n‸/usr/bin/env']
  ])('breaks a line starting with a slash: %j', (source, expected) => {
    expect(show(applyEdits(source, commandLines(source, [])))).toBe(expected)
  })

  it('leaves a slash inside a line', () => {
    expect(commandLines('run a /merge later', [])).toEqual([])
  })

  it('in code, breaks only a lone command word: paths and regular expressions stay', () => {
    const source = '/approve\n/label bug\n/usr/bin/env node\n/ab+c/.test(s)\n/'
    const code = [{ start: 0, end: source.length }]
    expect(show(applyEdits(source, commandLines(source, code)))).toBe(
      '‸/approve\n‸/label bug\n/usr/bin/env node\n/ab+c/.test(s)\n/'
    )
  })

  it('is part of every reading, in code blocks too', () => {
    expect(edited('text\n\n```sh\n/approve\n```', 'inText')).toBe('text\n\n```sh\n‸/approve\n```')
  })
})

describe('markerComments: copies of our hidden marker', () => {
  it.each([
    '<!-- keyless-pr-review:summary {} -->',
    '<!--KEYLESS PR REVIEW-->',
    '<!--\nkeyless_pr-review\n-->',
    '<!-- keyless-pr-review, never closed'
  ])('breaks the comment opener of %j', (source) => {
    expect(show(applyEdits(source, markerComments(source)))).toBe(`<‸${source.slice(1)}`)
  })

  it('breaks only the comments that hold our name before they close', () => {
    const source = '<!-- a --> keyless-pr-review <!-- b --><!-- keyless-pr-review -->'
    expect(markerComments(source)).toEqual([{ start: 40, end: 40, text: ZWSP }])
  })

  it('finds nothing in comments without our name', () => {
    expect(markerComments('<!-- a --> <!-- b --> keyless')).toEqual([])
  })

  it('is part of every reading, in code blocks too', () => {
    expect(edited('```html\n<!-- keyless-pr-review:review x -->\n```', 'inText')).toBe(
      '```html\n<‸!-- keyless-pr-review:review x -->\n```'
    )
  })
})

describe('applyEdits', () => {
  const at = (start: number, text: string, end = start): Edit => ({ start, end, text })

  it('makes the edits in source order, whatever order they come in', () => {
    expect(applyEdits('abc', [at(2, 'Y'), at(0, 'X'), at(1, 'B', 2)])).toBe('XaBYc')
  })

  it('makes a repeated edit once', () => {
    expect(applyEdits('ab', [at(1, ZWSP), at(1, ZWSP)])).toBe(`a${ZWSP}b`)
  })

  it('makes different insertions at one place in one order, whatever order they come in', () => {
    expect(applyEdits('ab', [at(1, 'y'), at(1, 'x')])).toBe('axyb')
    expect(applyEdits('ab', [at(1, 'x'), at(1, 'y')])).toBe('axyb')
  })

  it('leaves an edit inside a span another replaces for the next pass', () => {
    expect(applyEdits('abcd', [at(0, 'X', 3), at(1, ZWSP), at(2, 'Y', 4)])).toBe('Xd')
  })

  it('returns the source when there is nothing to edit', () => {
    expect(applyEdits('abc', [])).toBe('abc')
  })
})

describe('what defusing leaves', () => {
  it.each([
    '@a #1 GH-2 o/r#3 <b',
    '/merge\n> /approve',
    '```\n/approve\n<!-- keyless-pr-review -->\n```',
    'see https://github.com/o/r/issues/1'
  ])('calls for no more edits: no pattern matches across the zero-width space: %j', (source) => {
    let text = source
    for (const group of ['structure', 'inText'] as const) {
      text = applyEdits(text, defusals(text, readMarkdown(text))[group])
    }
    expect(text).not.toBe(source)
    untouched(text)
  })
})
