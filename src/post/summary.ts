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

const OVERVIEW_LENGTH = 16_000
const WALKTHROUGH_BUDGET = 30_000
const NOT_REVIEWED_BUDGET = 8_000

export interface SummaryInput {
  /** The model's overview: untrusted Markdown. */
  readonly overview: string
  /** One row per file, as the model described it: untrusted. */
  readonly walkthrough: readonly { readonly path: string; readonly change: string }[]
  readonly notReviewed: readonly NotReviewed[]
  /** What the hidden marker records for the next run. */
  readonly state: SummaryState
  readonly usage?: { requests: number; promptTokens: number; completionTokens: number }
}

/** The comment body to post, hidden marker included. */
export function renderSummaryComment(input: SummaryInput): string {
  const parts = [
    '## Pull request summary',
    sanitizeMarkdown(input.overview, { maxLength: OVERVIEW_LENGTH })
  ]
  if (input.walkthrough.length > 0) {
    const rows = input.walkthrough.map(
      (w) => `| ${sanitizeInline(w.path, 300)} | ${sanitizeInline(w.change, 600)} |`
    )
    const kept = within(rows, WALKTHROUGH_BUDGET)
    const more = rows.length - kept.length
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
    parts.push(
      [
        '<details>',
        `<summary>Not reviewed (${input.notReviewed.length})</summary>`,
        '',
        ...kept,
        ...(more > 0 ? [`- … and ${more} more`] : []),
        '',
        '</details>'
      ].join('\n')
    )
  }
  parts.push(footer(input))
  return appendMarker(parts.join('\n\n'), summaryMarker(input.state))
}

function footer(input: SummaryInput): string {
  let text = `Reviewed up to ${shortSha(input.state.head)}`
  const u = input.usage
  if (u) {
    text += ` · this summary: ${count(u.requests, 'model request')}, ${thousands(u.promptTokens)} prompt and ${thousands(u.completionTokens)} completion tokens`
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
