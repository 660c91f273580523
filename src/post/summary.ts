/**
 * The summary comment, exactly as it is posted: the model's overview and walkthrough rows
 * sanitized piece by piece, then our own structure around them (headings, the table, the
 * collapsible list of what was not reviewed, the footer) and the hidden state marker last.
 * Nothing sanitizes the whole body again, so the structure we add stays ours and model text
 * can never open or close it. Rows and items are dropped whole to stay within GitHub's limit.
 */
import { count, shortSha, thousands } from '../format.js'
import type { NotReviewed } from '../pull-request.js'
import { appendMarker, summaryMarker, type SummaryState } from './markers.js'
import { sanitizeInline, sanitizeMarkdown } from './sanitize.js'

// With the marker's copy of the overview and rows, within GitHub's 65,536 characters.
const OVERVIEW_LENGTH = 6_000
const WALKTHROUGH_BUDGET = 18_000
const NOT_REVIEWED_BUDGET = 8_000

export interface SummaryInput {
  /** The model's overview: untrusted Markdown. */
  readonly overview: string
  /** One row per file, as the model described it: untrusted. */
  readonly walkthrough: readonly { readonly path: string; readonly change: string }[]
  readonly notReviewed: readonly NotReviewed[]
  /** What the run's token-budget left out, and the budget that would include it. */
  readonly overBudget?: { readonly files: number; readonly tokens: number; readonly budget: number }
  /** The commits the summary describes; the marker records them with the overview and rows. */
  readonly commits: Pick<SummaryState, 'head' | 'base'>
  readonly usage?: { requests: number; promptTokens: number; completionTokens: number }
}

/** The comment body to post, hidden marker included. */
export function renderSummaryComment(input: SummaryInput): string {
  const overview = sanitizeMarkdown(input.overview, { maxLength: OVERVIEW_LENGTH })
  const parts = ['## Pull request summary', overview]
  let remembered = input.walkthrough
  if (input.walkthrough.length > 0) {
    const rows = input.walkthrough.map(
      (w) => `| ${sanitizeInline(w.path, 300)} | ${sanitizeInline(w.change, 600)} |`
    )
    const kept = within(rows, WALKTHROUGH_BUDGET)
    const more = rows.length - kept.length
    // The marker remembers the rows the table shows.
    remembered = input.walkthrough.slice(0, kept.length)
    parts.push(
      ['### Walkthrough', '', '| File | Change |', '| --- | --- |', ...kept].join('\n') +
        (more > 0 ? `\n| … and ${more} more files | |` : '')
    )
  }
  if (input.notReviewed.length > 0) {
    const items = input.notReviewed.map(
      (n) => `- ${sanitizeInline(n.path, 300)}: ${sanitizeInline(n.reason, 300)}`
    )
    const kept = within(items, NOT_REVIEWED_BUDGET)
    const more = items.length - kept.length
    const over = input.overBudget
    parts.push(
      [
        '<details>',
        `<summary>Not reviewed (${input.notReviewed.length})</summary>`,
        '',
        ...(over
          ? [
              `Reviewing the ${count(over.files, 'file')} over the token budget would cost about ${thousands(over.tokens)} more prompt tokens: set \`token-budget: ${over.budget}\` to include ${over.files === 1 ? 'it' : 'them'}.`,
              ''
            ]
          : []),
        ...kept,
        ...(more > 0 ? [`- … and ${more} more`] : []),
        '',
        '</details>'
      ].join('\n')
    )
  }
  parts.push(footer(input))
  // The overview as shown (sanitized): no text the model wrote is kept unsanitized.
  const state = { ...input.commits, overview, rows: remembered }
  return appendMarker(parts.join('\n\n'), summaryMarker(state))
}

function footer(input: SummaryInput): string {
  let text = `Reviewed up to ${shortSha(input.commits.head)}`
  const u = input.usage
  if (u) {
    text += ` · this run: ${count(u.requests, 'model request')}, ${thousands(u.promptTokens)} prompt and ${thousands(u.completionTokens)} completion tokens`
  }
  return `_${text}._`
}

/** The leading items whose lines fit in `budget` characters. */
export function within(items: readonly string[], budget: number): string[] {
  let used = 0
  const kept: string[] = []
  for (const item of items) {
    used += item.length + 1
    if (used > budget) break
    kept.push(item)
  }
  return kept
}
