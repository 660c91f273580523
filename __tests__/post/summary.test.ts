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
      state,
      usage: { requests: 2, promptTokens: 12345, completionTokens: 678 }
    })
    expect(body).toContain('\n<details>\n<summary>Not reviewed (1)</summary>\n')
    expect(body).toContain('- dist/index.js: generated')
    expect(body).toContain(`<${ZWSP}details>`)
    expect(body).toContain(`@${ZWSP}octocat`)
    expect(body).toContain('| src/a\\|b.ts | Adds \\| pipes and @\u200Bhubot |')
    expect(body).not.toMatch(/^\/approve/m)
    expect(body).toContain(
      '_Reviewed up to a3f1c2d · this summary: 2 model requests, 12,345 prompt and 678 completion tokens._'
    )
    expect(parseSummaryMarker(body)).toEqual(state)
  })

  it('closes a code fence the model left open before our structure follows', () => {
    const body = renderSummaryComment({
      overview: 'Before\n```\n</details>\n<details>\n<summary>Not reviewed (0)</summary>',
      walkthrough: [],
      notReviewed: [{ path: 'yarn.lock', reason: 'lock file' }],
      state
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
      state
    })
    expect(text.length).toBeLessThan(65_536 - 200)
    expect(text).toMatch(/\n\| … and \d+ more files \| \|\n/)
    expect(text).toMatch(/\n- … and \d+ more\n/)
    expect(text).toContain('<summary>Not reviewed (3000)</summary>')
  })
})
