/**
 * The summary comment as posted: the model's text sanitized piece by piece, our own structure
 * (table, what was not reviewed and why, footer, marker) around it, within GitHub's limit; and
 * posted again over our comment with the notes people typed around it kept.
 */
import { parseSummaryMarker } from '../../src/post/markers.js'
import { mergeSummary, renderSummaryComment } from '../../src/post/summary.js'
import { BASE_SHA, HEAD_SHA } from '../emulators/constants.js'

const ZWSP = '\u200B'
const state = { head: HEAD_SHA, base: BASE_SHA }

describe('renderSummaryComment', () => {
  it('keeps our collapsible list live and sanitizes what the model wrote', () => {
    const body = renderSummaryComment({
      overview: 'Thanks @octocat!\n<details><summary>hidden</summary>x</details>\n/approve',
      walkthrough: [{ path: 'src/a|b.ts', change: 'Adds | pipes and @hubot' }],
      notReviewed: [{ path: 'dist/index.js', reason: 'generated', kind: 'skipped' }],
      commits: state,
      usage: { requests: 2, promptTokens: 12345, completionTokens: 678 }
    })
    expect(body).toContain('\n<details>\n<summary>Not reviewed (1)</summary>\n')
    expect(body).toContain('- dist/index.js: generated')
    expect(body).toContain(`<${ZWSP}details>`)
    expect(body).toContain(`@${ZWSP}octocat`)
    expect(body).toContain('| src/a\\|b.ts | Adds \\| pipes and @\u200Bhubot |')
    expect(body).not.toMatch(/^\/approve/m)
    expect(body).toContain(
      '_Reviewed up to a3f1c2d · this run: 2 model requests, 12,345 prompt and 678 completion tokens._'
    )
    // The marker remembers the overview as shown, and the rows as the model wrote them.
    const remembered = parseSummaryMarker(body)
    expect(remembered).toMatchObject({
      ...state,
      rows: [{ path: 'src/a|b.ts', change: 'Adds | pipes and @hubot' }]
    })
    expect(body).toContain(remembered?.overview ?? '(missing)')
    expect(remembered?.overview).toContain(`@${ZWSP}octocat`)
  })

  it('says what the budget left out and the token-budget that would include it', () => {
    const body = renderSummaryComment({
      overview: 'Big.',
      walkthrough: [],
      notReviewed: [
        { path: 'src/z.ts', reason: "over the run's token-budget (300,000)", kind: 'budget' }
      ],
      overBudget: { files: 1, tokens: 41_000, budget: 350_000 },
      commits: state
    })
    expect(body).toContain(
      'Reviewing the 1 file over the token budget would cost about 41,000 more prompt tokens: set `token-budget: 350000` to include it.'
    )
  })

  it('closes a code fence the model left open before our structure follows', () => {
    const body = renderSummaryComment({
      overview: 'Before\n```\n</details>\n<details>\n<summary>Not reviewed (0)</summary>',
      walkthrough: [],
      notReviewed: [{ path: 'yarn.lock', reason: 'lock file', kind: 'skipped' }],
      commits: state
    })
    // Lines outside code fences, as GitHub reads them: only ours are live HTML.
    let fenced = false
    const live = body.split('\n').filter((line) => {
      if (/^ {0,3}```/.test(line)) fenced = !fenced
      return !fenced && /^<\/?(details|summary)>/.test(line)
    })
    expect(live).toEqual(['<details>', '<summary>Not reviewed (1)</summary>', '</details>'])
    expect(fenced).toBe(false)
  })

  it('stays within GitHub’s limit by dropping whole table rows and list items', () => {
    const walkthrough = Array.from({ length: 3000 }, (_, i) => ({
      path: `src/module-${i}/index.ts`,
      change: 'Reworks the module. '.repeat(10)
    }))
    const notReviewed = walkthrough.map((w) => ({
      path: w.path,
      reason: 'over the token budget',
      kind: 'budget' as const
    }))
    const text = renderSummaryComment({
      overview: 'x'.repeat(70_000),
      walkthrough,
      notReviewed,
      commits: state
    })
    expect(text.length).toBeLessThan(65_536 - 200)
    expect(text).toMatch(/\n\| … and \d+ more files \| \|\n/)
    expect(text).toMatch(/\n- … and \d+ more\n/)
    expect(text).toContain('<summary>Not reviewed (3000)</summary>')
  })
})

describe('what was not reviewed', () => {
  const body = renderSummaryComment({
    overview: 'Partly.',
    walkthrough: [{ path: 'src/ok.ts', change: 'Fine.' }],
    notReviewed: [
      { path: 'package-lock.json', reason: 'lock file', kind: 'skipped' },
      { path: 'src/big.ts', reason: "over the run's token-budget (1,000)", kind: 'budget' },
      { path: 'src/a.ts', reason: 'the answer was blocked by the content filter', kind: 'failed' },
      { path: 'src/b.ts', reason: 'the answer was blocked by the content filter', kind: 'failed' }
    ],
    commits: state
  })

  it('says which files failed or did not fit, that the next push reviews them, and how to now', () => {
    expect(body).toContain(
      '**Not reviewed yet:** 2 files whose review failed and 1 file over the token budget. The next push reviews them; to review them now, comment `/review` or re-run the job.'
    )
    // Failed first, with the reason; then the budget; then what the rules skip.
    expect(body).toContain(
      [
        '- src/a.ts: review failed: the answer was blocked by the content filter',
        '- src/b.ts: review failed: the answer was blocked by the content filter',
        "- src/big.ts: over the run's token-budget (1,000)",
        '- package-lock.json: lock file'
      ].join('\n')
    )
  })

  it('remembers in the marker the files to review again, not those the rules skip', () => {
    expect(parseSummaryMarker(body)?.pending).toEqual(['src/big.ts', 'src/a.ts', 'src/b.ts'])
  })

  it('remembers none pending, and says nothing of it, when every file was reviewed', () => {
    const all = renderSummaryComment({
      overview: 'All.',
      walkthrough: [],
      notReviewed: [{ path: 'yarn.lock', reason: 'lock file', kind: 'skipped' }],
      commits: state
    })
    expect(parseSummaryMarker(all)?.pending).toEqual([])
    expect(all).not.toContain('Not reviewed yet')
  })
})

describe('mergeSummary', () => {
  const render = (overview: string): string =>
    renderSummaryComment({ overview, walkthrough: [], notReviewed: [], commits: state })
  const first = render('First.')
  const next = render('Next.')
  const split = (b: string): [string, string] => {
    const at = b.lastIndexOf('\n\n<!-- ')
    return [b.slice(0, at), b.slice(at + 2)]
  }
  const [ours, marker] = split(first)
  const [nextOurs, nextMarker] = split(next)

  it('is the new body over an untouched comment', () => {
    expect(mergeSummary(first, next)).toBe(next)
  })

  it.each([
    ['before our text', (t: string, m: string) => `Read #12 first.\n\n${t}\n\n${m}`],
    ['between our text and the marker', (t: string, m: string) => `${t}\n\nLooks right.\n${m}`],
    ['after the marker', (t: string, m: string) => `${t}\n\n${m}\n\nThanks!`]
  ])('keeps a note typed %s, as it was typed', (_where, edit) => {
    expect(mergeSummary(edit(ours, marker), next)).toBe(edit(nextOurs, nextMarker))
  })

  it('reads a body the browser saved with CRLF line endings', () => {
    const edited = `${first}\n\nThanks!`.replace(/\n/g, '\r\n')
    expect(mergeSummary(edited, next)).toBe(`${next}\n\nThanks!`)
  })

  it('refuses to overwrite our text once a person edited it, or a comment without our marker', () => {
    expect(mergeSummary(first.replace('First.', 'First, corrected.'), next)).toBeUndefined()
    expect(mergeSummary(ours, next)).toBeUndefined()
  })

  it('takes everything before the marker of an earlier version as ours', () => {
    const old = `## Pull request summary\n\nOld.\n\n<!-- keyless-pr-review:summary {"version":1,"head":"${state.head}","base":"${state.base}"} -->\nNote.`
    expect(mergeSummary(old, next)).toBe(`${next}\nNote.`)
  })
})
