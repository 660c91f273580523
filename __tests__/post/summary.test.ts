/**
 * The summary comment as posted: the model's text sanitized piece by piece, our own structure
 * (table, collapsible list, footer, marker) around it, within GitHub's limit.
 */
import { parseSummaryMarker } from '../../src/post/markers.js'
import { renderSummaryComment } from '../../src/post/summary.js'
import { BASE_SHA, HEAD_SHA } from '../emulators/constants.js'

const ZWSP = '\u200B'
const state = { head: HEAD_SHA, base: BASE_SHA }

describe('renderSummaryComment', () => {
  it('keeps our collapsible list live and sanitizes what the model wrote', () => {
    const body = renderSummaryComment({
      overview: 'Thanks @octocat!\n<details><summary>hidden</summary>x</details>\n/approve',
      walkthrough: [{ path: 'src/a|b.ts', change: 'Adds | pipes and @hubot' }],
      notReviewed: [{ path: 'dist/index.js', reason: 'generated' }],
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
      notReviewed: [{ path: 'src/z.ts', reason: "over the run's token-budget (300,000)" }],
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
      notReviewed: [{ path: 'yarn.lock', reason: 'lock file' }],
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
    const notReviewed = walkthrough.map((w) => ({ path: w.path, reason: 'over the token budget' }))
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
