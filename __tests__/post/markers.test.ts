/**
 * The hidden markers by which the action finds its own comments and state again: only a
 * single, well-formed marker on a line of its own counts, at the very end of a body but for the
 * summary's (people may type below it).
 */
import {
  appendMarker,
  findingMarker,
  fingerprint,
  hasOurMarker,
  parseFindingMarker,
  parseReviewMarker,
  parseSummaryMarker,
  readSummaryMarker,
  reviewMarker,
  summaryMarker,
  textSeal
} from '../../src/post/markers.js'

const Z = '\u200B'
const HEAD = 'a'.repeat(40)
const BASE = '0123456789abcdef0123456789abcdef01234567'

describe('markers', () => {
  it('round-trips the summary state', () => {
    const body = appendMarker('## Summary\n\nText', summaryMarker({ head: HEAD, base: BASE }))
    expect(body).toBe(
      `## Summary\n\nText\n\n<!-- keyless-pr-review:summary {"version":2,"head":"${HEAD}","base":"${BASE}"} -->`
    )
    expect(parseSummaryMarker(body)).toEqual({ head: HEAD, base: BASE })
    expect(parseSummaryMarker(`${body}\n  \n`)).toEqual({ head: HEAD, base: BASE })
  })

  it('remembers the overview and the rows, with nothing in them able to end the comment', () => {
    const state = {
      head: HEAD,
      base: BASE,
      overview: 'Ends here --> <script>x</script> & more',
      rows: [{ path: 'a<b>.ts', change: 'Adds --> a "quote"\nand a line' }]
    }
    const marker = summaryMarker(state)
    expect(marker.indexOf('-->')).toBe(marker.length - 3)
    // Between the comment's own "<!--" and "-->", no <, > or & at all.
    expect(marker.slice(4, -3)).not.toMatch(/[<>&]/)
    expect(parseSummaryMarker(appendMarker('text', marker))).toEqual(state)
  })

  it('remembers rows only up to its budget', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      path: `src/f${i}.ts`,
      change: 'x'.repeat(40)
    }))
    const parsed = parseSummaryMarker(summaryMarker({ head: HEAD, base: BASE, rows }))
    expect(parsed?.rows?.length).toBeGreaterThan(100)
    expect(parsed?.rows?.length).toBeLessThan(2000)
    expect(parsed?.rows?.[0]).toEqual(rows[0])
  })

  it('still reads the state an earlier version wrote', () => {
    const v1 = `<!-- keyless-pr-review:summary {"head":"${HEAD}","base":"${BASE}","version":1} -->`
    expect(parseSummaryMarker(v1)).toEqual({ head: HEAD, base: BASE })
  })

  it('round-trips finding and review markers', () => {
    const fp = fingerprint('src/a.ts', 12, 'RIGHT', 'Null check missing')
    expect(fp).toMatch(/^[0-9a-f]{12}$/)
    expect(parseFindingMarker(appendMarker('body', findingMarker(fp)))).toBe(fp)
    expect(parseReviewMarker(appendMarker('review', reviewMarker(HEAD)))).toBe(HEAD)
  })

  it('reads a summary marker on a line of its own, with a note typed below it', () => {
    const marker = summaryMarker({ head: HEAD, base: BASE })
    expect(parseSummaryMarker(`${marker}\n\nmore text`)).toEqual({ head: HEAD, base: BASE })
    expect(parseSummaryMarker(`text ${marker}`)).toBeUndefined()
    expect(parseSummaryMarker(`> ${marker}`)).toBeUndefined()
    expect(parseSummaryMarker(`${marker} and more`)).toBeUndefined()
  })

  it('reads finding and review markers only at the very end of the body', () => {
    const finding = findingMarker('0123456789ab')
    expect(parseFindingMarker(`${finding}\n\nmore text`)).toBeUndefined()
    expect(parseReviewMarker(`${reviewMarker(HEAD)}\nmore text`)).toBeUndefined()
  })

  it('records the files still to review, and says all of them when they are too many to list', () => {
    const pending = ['src/a.ts', 'src/<b>.ts']
    const marker = summaryMarker({ head: HEAD, base: BASE, pending })
    expect(marker.slice(4, -3)).not.toMatch(/[<>&]/)
    expect(parseSummaryMarker(marker)).toEqual({ head: HEAD, base: BASE, pending })
    const many = Array.from({ length: 500 }, (_, i) => `src/module-${i}/index.ts`)
    const all = parseSummaryMarker(summaryMarker({ head: HEAD, base: BASE, pending: many }))
    expect(all?.pending).toBe('all')
  })

  it('seals the text it follows, and reads the body around its line', () => {
    const text = '## Pull request summary\n\nText'
    const body = `${appendMarker(text, summaryMarker({ head: HEAD, base: BASE }, textSeal(text)))}\nNote.`
    expect(readSummaryMarker(body.replace(/\n/g, '\r\n'))).toEqual({
      state: { head: HEAD, base: BASE },
      seal: textSeal(text),
      before: `${text}\n\n`,
      after: '\nNote.'
    })
    expect(textSeal(text).length).toBe(text.length)
    expect(textSeal(text).digest).toMatch(/^[0-9a-f]{12}$/)
  })

  it('refuses a body holding more than one marker of ours', () => {
    const forged = summaryMarker({ head: BASE, base: BASE })
    const ours = summaryMarker({ head: HEAD, base: BASE })
    expect(parseSummaryMarker(`${forged}\n\n${ours}`)).toBeUndefined()
    expect(parseSummaryMarker(`<!--KEYLESS-PR-REVIEW x -->\n${ours}`)).toBeUndefined()
  })

  it.each([
    `{"head":"${HEAD.slice(1)}","base":"${BASE}","version":1}`,
    `{"head":"${HEAD.toUpperCase()}","base":"${BASE}","version":1}`,
    `{"head":"${HEAD}","base":"${BASE}","version":3}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"extra":true}`,
    `{"head":"${HEAD}","base":"${BASE}","version":1,"overview":"x"}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"rows":[["a"]]}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"overview":3}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"pending":"some"}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"pending":[1]}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"text":[12,"xyz"]}`,
    `{"head":"${HEAD}","base":"${BASE}","version":2,"text":[-1,"0123456789ab"]}`,
    `{"head":"${HEAD}","base":"${BASE}","version":1,"pending":[]}`,
    `{"head":"${HEAD}","version":1}`,
    `["${HEAD}"]`,
    'not json'
  ])('refuses a malformed summary marker: %s', (payload) => {
    expect(parseSummaryMarker(`<!-- keyless-pr-review:summary ${payload} -->`)).toBeUndefined()
  })

  it('refuses malformed finding and review markers', () => {
    expect(parseFindingMarker('<!-- keyless-pr-review:finding 0123 -->')).toBeUndefined()
    expect(parseFindingMarker('<!-- keyless-pr-review:finding 0123456789AB -->')).toBeUndefined()
    expect(parseReviewMarker('<!-- keyless-pr-review:review abc -->')).toBeUndefined()
    expect(parseReviewMarker(`<!-- keyless-pr-review:summary ${HEAD} -->`)).toBeUndefined()
  })

  it('refuses to build a marker from something that is not a full SHA', () => {
    expect(() => summaryMarker({ head: 'abc', base: BASE })).toThrow(TypeError)
    expect(() => reviewMarker('HEAD')).toThrow(TypeError)
    expect(() => findingMarker('xyz')).toThrow(TypeError)
  })

  it('sees a marker of ours in a comment, however spaced or cased', () => {
    expect(hasOurMarker('Quoted: <!--  KEYLESS-PR-REVIEW:summary {} -->')).toBe(true)
    expect(hasOurMarker('<!-- keyless-pr-review:finding 0123456789ab -->')).toBe(true)
    expect(hasOurMarker('Our keyless-pr-review action, no comment')).toBe(false)
  })

  it('fingerprints a finding by path, line, side and normalized first line only', () => {
    const fp = fingerprint('a.ts', 3, 'RIGHT', '**Null** check  missing\nExplanation one')
    expect(fingerprint('a.ts', 3, 'RIGHT', `null ${Z}check missing\nExplanation two`)).toBe(fp)
    expect(fingerprint('a.ts', 3, 'LEFT', 'null check missing')).not.toBe(fp)
    expect(fingerprint('a.ts', 4, 'RIGHT', 'null check missing')).not.toBe(fp)
    expect(fingerprint('b.ts', 3, 'RIGHT', 'null check missing')).not.toBe(fp)
  })
})
