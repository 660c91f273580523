import {
  DEFAULT_MAX_LENGTH,
  GITHUB_BODY_LIMIT,
  sanitizeInline,
  sanitizeMarkdown,
  suggestionBlock
} from '../../src/post/sanitize.js'
import { MARKER_PREFIX, parseSummaryMarker } from '../../src/post/markers.js'

const Z = '\u200B'
const HEAD = 'a'.repeat(40)
const BASE = '0123456789abcdef0123456789abcdef01234567'

/** A live mention: `@` + name, not right after a letter or digit (that is an email address). */
const LIVE_MENTION = /(?<![A-Za-z\d])@[A-Za-z\d]/

describe('sanitizeMarkdown: mentions and references', () => {
  it('neutralizes @mentions with a zero-width space so they render but cannot ping', () => {
    expect(sanitizeMarkdown('Thanks @octocat!')).toBe(`Thanks @${Z}octocat!`)
  })

  it('neutralizes team mentions', () => {
    expect(sanitizeMarkdown('cc @github/security-team')).toBe(`cc @${Z}github/security-team`)
  })

  it.each(['**@a**', '_@b_', '(@c)', '\\@d', 'a.@e', '[@f](https://example.com)', '@g'])(
    'neutralizes a mention whatever markdown surrounds it: %s',
    (input) => {
      expect(sanitizeMarkdown(input)).not.toMatch(LIVE_MENTION)
    }
  )

  it('leaves email addresses untouched', () => {
    const text = 'Mail a@b.com or first.last+tag@example.org.'
    expect(sanitizeMarkdown(text)).toBe(text)
  })

  it('neutralizes issue references: #123, owner/repo#123, GH-123', () => {
    expect(sanitizeMarkdown('fixes #123, owner/repo#45 and GH-7, gh-8')).toBe(
      `fixes #${Z}123, owner/repo#${Z}45 and GH-${Z}7, gh-${Z}8`
    )
  })

  it('leaves headings and colours alone', () => {
    expect(sanitizeMarkdown('# Summary\n\ncolour #fff')).toBe('# Summary\n\ncolour #fff')
  })

  it('defuses entities that would decode to a mention or a reference, keeps harmless ones', () => {
    const out = sanitizeMarkdown('&#64;octocat &commat;hubot &#35;12 a &amp; b &lt;T&gt;')
    expect(out).toBe(`&${Z}#${Z}64;octocat &${Z}commat;hubot &${Z}#${Z}35;12 a &amp; b &lt;T&gt;`)
  })

  it('breaks bare links to GitHub issues and pull requests so they post no backlink', () => {
    expect(
      sanitizeMarkdown('see https://github.com/o/r/issues/1 and www.github.com/o/r/pull/2')
    ).toBe(`see https:${Z}//github.com/o/r/issues/1 and www${Z}.github.com/o/r/pull/2`)
  })

  it('turns a markdown link to an issue into its text and the address as plain text', () => {
    expect(sanitizeMarkdown('[the PR](https://github.com/o/r/pull/2)')).toBe(
      `the PR (https:${Z}//github.com/o/r/pull/2)`
    )
  })

  it('keeps other links, and URLs containing @ or # intact', () => {
    const text =
      '[docs](https://example.com/a#1) https://www.npmjs.com/package/@types/node (https://x.org/@me)'
    expect(sanitizeMarkdown(text)).toBe(text)
  })

  it.each([
    // GitHub links no domain with `_` in its last two labels.
    ['http://a_b.c_d/@user', `http://a_b.c_d/@${Z}user`],
    ['http://a.b_c.d_e/@org/team #1', `http://a.b_c.d_e/@${Z}org/team #${Z}1`],
    ['http://a_b.c_d/#123 GH-1 o/r#2', `http://a_b.c_d/#${Z}123 GH-${Z}1 o/r#${Z}2`],
    // Nor a URL right after a bracket, nor `WWW.` in capitals (github/cmark-gfm#278, #280).
    [']https://a.com/@user', `]https://a.com/@${Z}user`],
    ['WWW.A.COM/@user', `WWW.A.COM/@${Z}user`]
  ])('neutralizes what follows a URL GitHub does not link: %s', (input, expected) => {
    expect(sanitizeMarkdown(input)).toBe(expected)
  })

  it('keeps a URL GitHub links after any non-letter intact', () => {
    // GitHub's parser does not look before the scheme (a letter would make it another scheme).
    expect(sanitizeMarkdown('x-https://a.com/@user (https://b.com/#1)')).toBe(
      'x-https://a.com/@user (https://b.com/#1)'
    )
  })

  it('neutralizes a mention right after an email address GitHub links', () => {
    expect(sanitizeMarkdown('a@b.com@user')).toBe(`a@b.com@${Z}user`)
  })

  it('neutralizes mentions in table cells, which split code spans at `|`', () => {
    expect(sanitizeMarkdown('| a | b |\n|---|---|\n| `x|@user` | @org/team |')).toBe(
      `| a | b |\n|---|---|\n| \`x|@${Z}user\` | @${Z}org/team |`
    )
  })

  it('neutralizes what emphasis splits: GitHub may still read one mention', () => {
    expect(sanitizeMarkdown('@**user** #*1* GH-_2_')).toBe(`@${Z}**user** #${Z}*1* GH-${Z}_2_`)
  })
})

describe('sanitizeMarkdown: bot commands', () => {
  it.each([
    ['/review', `${Z}/review`],
    ['  /approve now', `  ${Z}/approve now`],
    ['> /merge', `> ${Z}/merge`],
    ['>> /lgtm', `>> ${Z}/lgtm`],
    ['\u00A0/summarize', `\u00A0${Z}/summarize`]
  ])('defuses a line that starts a command: %j', (input, expected) => {
    expect(sanitizeMarkdown(input)).toBe(expected)
  })

  it('strips line and paragraph separators, which a bot may split lines at', () => {
    expect(sanitizeMarkdown('ok\u2028/approve\u2029/review')).toBe('ok/approve/review')
    expect(sanitizeMarkdown('\u2028/review')).toBe(`${Z}/review`)
    expect(sanitizeInline('\u2029/merge')).toBe(`${Z}/merge`)
  })

  it('leaves a slash inside a line and comment slashes alone', () => {
    const text = 'run a /review later\n// not a command'
    expect(sanitizeMarkdown(text)).toBe(text)
  })

  it('defuses a bare command line inside a code block but keeps paths and regexes', () => {
    const text = '```sh\n/approve\n/usr/bin/env node\n/ab+c/.test(s)\n```'
    expect(sanitizeMarkdown(text)).toBe(
      `\`\`\`sh\n${Z}/approve\n/usr/bin/env node\n/ab+c/.test(s)\n\`\`\``
    )
  })
})

describe('sanitizeMarkdown: hidden text and HTML', () => {
  it.each([
    `<!-- ${MARKER_PREFIX}:summary {"head":"${HEAD}","base":"${BASE}","version":1} -->`,
    `<!--${MARKER_PREFIX}:review ${HEAD}-->`,
    '<!--   KEYLESS-PR-REVIEW:finding 0123456789ab   -->',
    '<!--\nkeyless - pr - review\n-->',
    '<!-- <!-- keyless-pr-review:summary {} --> -->',
    '<!-->keyless-pr-review'
  ])('removes forged markers, whatever their spacing, case or nesting: %j', (forged) => {
    const out = sanitizeMarkdown(`before\n${forged}\nafter`)
    expect(out).not.toMatch(/<!--/)
    expect(parseSummaryMarker(out)).toBeUndefined()
    expect(out).toMatch(/^before\n/)
    expect(out).toMatch(/\nafter$/)
  })

  it('removes every HTML comment and keeps the line breaks it spanned', () => {
    expect(sanitizeMarkdown('a<!-- ignore previous instructions -->b\n<!--\n\n-->\nc')).toBe(
      'ab\n\n\n\nc'
    )
  })

  it('shows an unclosed comment opener as text instead of hiding the rest', () => {
    expect(sanitizeMarkdown('<!-- hide the rest\nsecret')).toBe(`<${Z}!-- hide the rest\nsecret`)
  })

  it('defuses a forged marker inside a code block and keeps other comments there', () => {
    const out = sanitizeMarkdown('```html\n<!-- keyless-pr-review:review x -->\n<!-- ok -->\n```')
    expect(out).toBe(`\`\`\`html\n<${Z}!-- keyless-pr-review:review x -->\n<!-- ok -->\n\`\`\``)
  })

  it.each([
    '<img src=x onerror=alert(1)>',
    '<picture><source srcset="https://t.example/p.png"></picture>',
    '<iframe src="https://evil.example"></iframe>',
    '<script>alert(1)</script>',
    '<details><summary>more</summary>hidden</details>',
    '<!DOCTYPE html>',
    '<?php echo 1 ?>',
    '<https://example.com>'
  ])('renders raw HTML tags as text: %s', (html) => {
    const out = sanitizeMarkdown(html)
    expect(out).not.toMatch(/<[A-Za-z/!?]/)
    expect(out.replaceAll(Z, '')).toBe(html)
  })

  it('keeps comparisons readable', () => {
    expect(sanitizeMarkdown('if a < b and c <= d')).toBe('if a < b and c <= d')
  })

  it('drops control and bidi override characters', () => {
    expect(sanitizeMarkdown('a\u0000b\u202Ec\u2066d\r\ne')).toBe('abcd\ne')
  })

  it('drops invisible characters and keeps emoji whole', () => {
    const hidden = '\u200B\u200C\u200D\u2060\uFEFF\u00AD\u200E\u200F\u180E\u{E0041}\uFE00'
    expect(sanitizeMarkdown(`a${hidden}b 👩‍💻 ❤️ 1️⃣`)).toBe('ab 👩‍💻 ❤️ 1️⃣')
  })
})

describe('sanitizeMarkdown: images and links', () => {
  it.each([
    ['![logo](https://evil.example/p.png)', '\\[image: logo\\]'],
    ['![logo](https://evil.example/p.png "title")', '\\[image: logo\\]'],
    ['![](<https://evil.example/a b.png>)', '\\[image\\]'],
    ['![a (b)](https://e.example/x_(1).png)', '\\[image: a (b)\\]'],
    [
      '[![build](https://e.example/b.svg)](https://e.example)',
      '[\\[image: build\\]](https://e.example)'
    ]
  ])('turns an inline image into text: %s', (input, expected) => {
    expect(sanitizeMarkdown(input)).toBe(expected)
  })

  it.each([
    [
      '![alt][ref]\n\n[ref]: https://e.example/p.png',
      '\\[image: alt\\]\n\n[ref]: https://e.example/p.png'
    ],
    // Without a definition these render as text; escaped, no definition can complete them.
    ['![alt][]', '!\\[alt][]'],
    ['![alt]', '!\\[alt]']
  ])('turns a reference-style image into text: %j', (input, expected) => {
    expect(sanitizeMarkdown(input)).toBe(expected)
  })

  it('breaks any image syntax the patterns could not delimit', () => {
    expect(sanitizeMarkdown('![unclosed [alt')).toBe('!\\[unclosed [alt')
  })

  it('leaves an escaped exclamation mark and its link alone', () => {
    expect(sanitizeMarkdown('\\![not an image](https://e.example)')).toBe(
      '\\![not an image](https://e.example)'
    )
  })

  it.each([
    ['[click](javascript:alert(1))', 'click'],
    ['[x](JavaScript:void(0))', 'x'],
    ['[x](<vbscript:msgbox>)', 'x'],
    ['[x](data:text/html,hi)', 'x']
  ])('reduces a link with a dangerous scheme to its text: %s', (input, expected) => {
    expect(sanitizeMarkdown(input)).toBe(expected)
  })

  it('breaks a dangerous scheme in a reference definition', () => {
    expect(sanitizeMarkdown('[x][a]\n\n[a]: javascript:alert(1)')).toBe(
      `[x][a]\n\n[a]: javascript${Z}:alert(1)`
    )
  })
})

describe('sanitizeMarkdown: code', () => {
  it('leaves code spans intact: a mention inside code stays literal', () => {
    expect(sanitizeMarkdown('Use `@types/node`, `Array<T>`, `#1` and ``a`b`` — ask @me')).toBe(
      `Use \`@types/node\`, \`Array<T>\`, \`#1\` and \`\`a\`b\`\` — ask @${Z}me`
    )
  })

  it('leaves fenced code blocks intact', () => {
    const text =
      "```ts\nconst a = '@user' // <b> #1 ![x](y) <!-- c -->\n```\n\n~~~\n@x\n~~~\n\n1. step\n   ```js\n   x<y\n   ```"
    expect(sanitizeMarkdown(text)).toBe(text)
  })

  it('closes an unclosed fence so text appended later stays out of it', () => {
    expect(sanitizeMarkdown('```js\nconst a = 1')).toBe('```js\nconst a = 1\n```')
  })

  it('closes a fence left open in a container with the container around the closing line', () => {
    expect(sanitizeMarkdown('> - ```\n>   @x')).toBe('> - ```\n>   @x\n>   ```')
  })

  it('reads a closing fence where GitHub does: indented up to three spaces', () => {
    expect(sanitizeMarkdown('```\nx\n  ```\n@user')).toBe(`\`\`\`\nx\n  \`\`\`\n@${Z}user`)
  })

  it('pairs backticks across the lines of a paragraph as GitHub does', () => {
    // The stray backtick pairs with the first one on the next line; `@user` is code again.
    const text = 'a ` b\n` `@user` @x'
    expect(sanitizeMarkdown(text)).toBe(`a \` b\n\` \`@user\` @${Z}x`)
  })

  it('reads code spans after a `$` as text: GitHub may read math there', () => {
    expect(sanitizeMarkdown('$x$ `@user`')).toBe(`$x$ \`@${Z}user\``)
  })

  it('treats a code span cut by a table cell pipe as prose', () => {
    expect(sanitizeMarkdown('| a | b |\n|---|---|\n| `@user|x` | y |')).not.toMatch(LIVE_MENTION)
  })

  it('treats backticks after a link destination as prose', () => {
    expect(sanitizeMarkdown('[a](x`) @user `')).not.toMatch(LIVE_MENTION)
  })

  it('reads fences in list items and block quotes as GitHub does', () => {
    // The first fence closes at the second; `@user` is prose; the third fence runs to the end.
    expect(sanitizeMarkdown('- ```\n  a\n  ```\n  @user\n  ```')).toBe(
      `- \`\`\`\n  a\n  \`\`\`\n  @${Z}user\n  \`\`\`\n  \`\`\``
    )
    // The quote's fence ends with the quote; the next fence holds `@y`.
    const quoted = '> ```\n> @x\n```\n@y\n```'
    expect(sanitizeMarkdown(quoted)).toBe(quoted)
  })

  it('reads fence-like lines inside a paragraph as the code span they make', () => {
    const text = 'para\n    ```\n    @x\n    ```'
    expect(sanitizeMarkdown(text)).toBe(text)
    const nested = '- a\n\n    ```\n    @x\n    ```'
    expect(sanitizeMarkdown(nested)).toBe(nested)
  })

  it('leaves model-written HTML inside a fence as code and closes the fence', () => {
    const text = 'Before\n```\n</details>\n<details>\n<summary>Not reviewed (0)</summary>'
    expect(sanitizeMarkdown(text)).toBe(`${text}\n\`\`\``)
  })

  it('does not trust a fence whose content leaves the list item it sits in', () => {
    expect(sanitizeMarkdown('- a\n  ```\n@x\n  ```')).not.toMatch(LIVE_MENTION)
  })
})

describe('sanitizeMarkdown: length', () => {
  const note = /\n\n_… truncated: \d+ characters omitted\._$/

  it('truncates within 65,000 characters by default at a line boundary, with a note', () => {
    const out = sanitizeMarkdown('line of text\n'.repeat(10_000))
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH)
    expect(out).toMatch(note)
    expect(
      out
        .replace(note, '')
        .split('\n')
        .every((l) => l === 'line of text')
    ).toBe(true)
  })

  it('closes a fence when truncation falls inside it, within 65,536 characters', () => {
    const out = sanitizeMarkdown(`intro\n\n\`\`\`ts\n${'const x = 1\n'.repeat(10_000)}\`\`\``, {
      maxLength: GITHUB_BODY_LIMIT
    })
    expect(out.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT)
    expect(out).toMatch(/\nconst x = 1\n```\n\n_… truncated: \d+ characters omitted\._$/)
  })

  it('counts the characters it omitted', () => {
    const text = 'x'.repeat(50) + '\n' + 'y'.repeat(200)
    const out = sanitizeMarkdown(text, { maxLength: 120 })
    expect(out).toBe(`${'x'.repeat(50)}\n\n_… truncated: 201 characters omitted._`)
  })

  it('cuts inside one enormous line when it must', () => {
    const out = sanitizeMarkdown('@a '.repeat(40_000))
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH)
    expect(out).toMatch(note)
    expect(out).not.toMatch(LIVE_MENTION)
  })

  it('re-judges a code span whose closing backtick was cut off', () => {
    const out = sanitizeMarkdown(`\`${'a '.repeat(100)}@user ${'b'.repeat(200)}\``, {
      maxLength: 260
    })
    expect(out.length).toBeLessThanOrEqual(260)
    expect(out).not.toMatch(LIVE_MENTION)
  })
})

describe('sanitizeMarkdown: robustness', () => {
  const samples = [
    'Thanks @octocat, see #12 and https://github.com/o/r/pull/3',
    '<!-- x --><img src=y>![i](z) [j](javascript:k) /review',
    '```\n/approve\n<!-- keyless-pr-review -->\n',
    '- ```\n  a\n  ```\n  @user\n  ```',
    '<!-- a -->```\n@b\n```\n@c\n```',
    '&#64;x &amp; `@y` ``` `z`'
  ]

  it.each(samples)('is idempotent: %j', (text) => {
    const once = sanitizeMarkdown(text)
    expect(sanitizeMarkdown(once)).toBe(once)
  })

  it('reads a field missing from the model’s JSON as empty text, and a length it cannot use as the default', () => {
    expect(sanitizeMarkdown(undefined as unknown as string)).toBe('')
    expect(sanitizeMarkdown({} as unknown as string)).toBe('')
    expect(sanitizeInline(undefined as unknown as string)).toBe('')
    expect(sanitizeMarkdown('x', { maxLength: -1 })).toBe('x')
    expect(sanitizeMarkdown('x'.repeat(100), { maxLength: 5 }).length).toBeLessThanOrEqual(5)
  })

  it('finishes quickly on adversarial input', () => {
    const start = Date.now()
    for (const piece of ['![', '[', '<!--', '`', '\\', '](', '@', '``` ', '  ```a\n', '` ']) {
      sanitizeMarkdown(piece.repeat(20_000 / piece.length))
    }
    expect(Date.now() - start).toBeLessThan(5_000)
  })

  it.each([']', '=\n', 'a\n-\n', '>', '>\n>>\n', '- a\n  '])(
    'posts text the parser would read in quadratic time as one code block: %j',
    (piece) => {
      const start = Date.now()
      const out = sanitizeMarkdown(`@user\n/approve\n${piece.repeat(60_000 / piece.length)}`)
      expect(Date.now() - start).toBeLessThan(2_000)
      expect(out).toMatch(new RegExp(`^\`\`\`\n@user\n${Z}/approve\n`))
      expect(out).toMatch(/\n```$/)
      expect(sanitizeMarkdown(out)).toBe(out)
    }
  )
})

describe('sanitizeInline', () => {
  it('cuts before an emoji sequence rather than leave its joiner dangling (found by fast-check)', () => {
    const text = '@user![img](https://t.example/p.png)````````````````````https://a.com/👩‍💻'
    for (let max = 20; max <= 100; max++) {
      expect(sanitizeInline(text, max)).not.toMatch(/\u200d…$|\u200d$/u)
    }
  })

  it('keeps a field on one line', () => {
    expect(sanitizeInline('a\nb\r\n\tc  d ')).toBe('a b c d')
  })

  it('escapes what would end a table cell or start markup', () => {
    expect(sanitizeInline('a|b `c *d* <e> [f] ![g] ~h~ \\')).toBe(
      'a\\|b \\`c \\*d\\* \\<e\\> \\[f\\] \\!\\[g\\] \\~h\\~ \\\\'
    )
  })

  it('keeps code spans, where nothing pings, links or renders', () => {
    expect(sanitizeInline('Reads `PAYMENT_RETRIES` with `Number(x) || 3`')).toBe(
      'Reads `PAYMENT_RETRIES` with \\`Number(x) \\|\\| 3\\`'
    )
    expect(sanitizeInline('`@team` and `#12` stay code')).toBe('`@team` and `#12` stay code')
    expect(sanitizeInline('`<!-- keyless-pr-review:summary -->`')).toBe(
      '\\`\\<\\!-- keyless-pr-review:summary --\\>\\`'
    )
    expect(sanitizeInline('a ` ` b')).toBe('a \\` \\` b')
    expect(sanitizeInline('an `unclosed span')).toBe('an \\`unclosed span')
  })

  it('never keeps a code span that the length limit would cut', () => {
    expect(sanitizeInline('ab `cdefgh`', 6)).toBe('ab …')
  })

  it('neutralizes mentions, references, autolinks and a leading command', () => {
    expect(sanitizeInline('/merge @me #1 GH-2 https://github.com/o/r/issues/3 a@b.co')).toBe(
      `${Z}/merge @${Z}me #${Z}1 GH-${Z}2 https:${Z}//github.com/o/r/issues/3 a@b.co`
    )
  })

  it('neutralizes a mention right after an email address, which GitHub links apart', () => {
    expect(sanitizeInline('a@b.co@user first.last+tag@example.org')).toBe(
      `a@b.co@${Z}user first.last+tag@example.org`
    )
  })

  it('bounds the length and marks the cut', () => {
    const out = sanitizeInline('x'.repeat(500))
    expect(out).toHaveLength(256)
    expect(out.endsWith('…')).toBe(true)
    expect(sanitizeInline('😀'.repeat(10), 5)).toBe('😀😀…')
  })
})

describe('suggestionBlock', () => {
  it('renders a suggestion fence around the replacement lines', () => {
    expect(suggestionBlock('const a = 1\nconst b = 2\n')).toBe(
      '```suggestion\nconst a = 1\nconst b = 2\n```'
    )
  })

  it('uses a fence longer than any backtick run inside the code', () => {
    expect(suggestionBlock('const md = "```js"')).toBe('````suggestion\nconst md = "```js"\n````')
    expect(suggestionBlock('x = `````')).toBe('``````suggestion\nx = `````\n``````')
  })

  it('suggests deleting the lines for empty code and an empty line for a newline', () => {
    expect(suggestionBlock('')).toBe('```suggestion\n```')
    expect(suggestionBlock('\n')).toBe('```suggestion\n\n```')
  })

  it('suggests nothing it would have to alter: one click commits it as it is', () => {
    expect(suggestionBlock('x = 1\n/approve')).toBe('')
    expect(suggestionBlock('<!-- keyless-pr-review:summary -->')).toBe('')
    expect(suggestionBlock('/usr/bin/env node')).toBe('```suggestion\n/usr/bin/env node\n```')
  })

  it('strips invisible characters from the suggested code', () => {
    expect(suggestionBlock('a\u200B = "\u202Eb"\u2028;\uFEFF')).toBe('```suggestion\na = "b";\n```')
  })

  it('survives sanitizing the body it is part of', () => {
    const body = `Rename it.\n\n${suggestionBlock('const a = `@x` < 1')}`
    expect(sanitizeMarkdown(body)).toBe(body)
  })
})
