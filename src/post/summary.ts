/**
 * The summary comment, exactly as it is posted: the model's overview and walkthrough rows
 * sanitized piece by piece, then our own structure around them (headings, the table, what was
 * not reviewed and why, the footer) and the hidden state marker last. Nothing sanitizes the
 * whole body again, so the structure we add stays ours and model text can never open or close
 * it. Rows and items are dropped whole to stay within GitHub's limit. When the comment is
 * posted again, notes people typed around our text are kept (mergeSummary).
 */
import { count, shortSha, thousands } from '../format.js'
import type { NotReviewed } from '../pull-request.js'
import {
  appendMarker,
  readSummaryMarker,
  summaryMarker,
  textSeal,
  type SummaryState,
  type TextSeal
} from './markers.js'
import { sanitizeInline, sanitizeMarkdown } from './sanitize.js'

/** The first line of our text: where it starts among notes people add before it. */
const SUMMARY_HEADING = '## Pull request summary'

/**
 * A file the run did not review, and why: `skipped` by the include/exclude rules or its kind
 * (never reviewed); left out by the token `budget`, or its part `failed` (both reviewed on the
 * next run, and remembered in the marker until then); or lines of it `filtered`, refused by
 * the content filter (named; not sent again unless a later push changes them).
 */
export interface Omission extends NotReviewed {
  readonly kind: 'skipped' | 'budget' | 'failed' | 'filtered'
}

const KIND_ORDER: Record<Omission['kind'], number> = {
  failed: 0,
  budget: 1,
  filtered: 2,
  skipped: 3
}

// With the marker's copy of the overview and rows, within GitHub's 65,536 characters.
const OVERVIEW_LENGTH = 6_000
const WALKTHROUGH_BUDGET = 18_000
const NOT_REVIEWED_BUDGET = 8_000

export interface SummaryInput {
  /** The model's overview: untrusted Markdown. */
  readonly overview: string
  /** One row per file, as the model described it: untrusted. */
  readonly walkthrough: readonly { readonly path: string; readonly change: string }[]
  /** One per path. */
  readonly notReviewed: readonly Omission[]
  /** What the run's token-budget left out, and the budget that would include it. */
  readonly overBudget?: { readonly files: number; readonly tokens: number; readonly budget: number }
  /**
   * The commits the summary describes; the marker records them with the overview, the rows and
   * the files still to review.
   */
  readonly commits: Pick<SummaryState, 'head' | 'base'>
  readonly usage?: { requests: number; promptTokens: number; completionTokens: number }
}

/** The comment body to post, hidden marker included. */
export function renderSummaryComment(input: SummaryInput): string {
  const overview = sanitizeMarkdown(input.overview, { maxLength: OVERVIEW_LENGTH })
  const parts = [SUMMARY_HEADING, overview]
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
  const pending = input.notReviewed.filter((n) => n.kind === 'failed' || n.kind === 'budget')
  if (pending.length > 0) parts.push(toReviewAgain(pending))
  if (input.notReviewed.length > 0) parts.push(notReviewedList(input))
  parts.push(footer(input))
  // The overview as shown (sanitized): no text the model wrote is kept unsanitized.
  const state = {
    ...input.commits,
    overview,
    rows: remembered,
    pending: pending.map((n) => n.path)
  }
  const ours = parts.join('\n\n')
  return appendMarker(ours, summaryMarker(state, textSeal(ours)))
}

/** Shown outside the list: what was left for a later run, and how to run it now. */
function toReviewAgain(pending: readonly Omission[]): string {
  const failed = pending.filter((n) => n.kind === 'failed').length
  const budget = pending.length - failed
  const why = [
    failed > 0 ? `${count(failed, 'file')} whose review failed` : '',
    budget > 0 ? `${count(budget, 'file')} over the token budget` : ''
  ]
  const them = pending.length === 1 ? 'it' : 'them'
  return `**Not reviewed yet:** ${why.filter(Boolean).join(' and ')}. The next push reviews ${them}; to review ${them} now, comment \`/review\` or re-run the job.`
}

/** Every file not reviewed with its reason, those to review again first, collapsed. */
function notReviewedList(input: SummaryInput): string {
  const sorted = [...input.notReviewed].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
  const items = sorted.map(
    (n) =>
      `- ${sanitizeInline(n.path, 300)}: ${n.kind === 'failed' ? 'review failed: ' : ''}${sanitizeInline(n.reason, 300)}`
  )
  const kept = within(items, NOT_REVIEWED_BUDGET)
  const more = items.length - kept.length
  const over = input.overBudget
  return [
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
}

function footer(input: SummaryInput): string {
  let text = `Reviewed up to ${shortSha(input.commits.head)}`
  const u = input.usage
  if (u) {
    text += ` · this run: ${count(u.requests, 'model request')}, ${thousands(u.promptTokens)} prompt and ${thousands(u.completionTokens)} completion tokens`
  }
  return `_${text}._`
}

/**
 * The body to post over our comment as it is now (`current`): `next`, with whatever people
 * typed around our text kept as they wrote it (before it, between it and the marker, after the
 * marker). Undefined when our text itself was edited, or the marker is gone: that is a
 * person's text too, and it is never overwritten.
 */
export function mergeSummary(current: string, next: string): string | undefined {
  const now = readSummaryMarker(current)
  const ours = now && ourText(now.before, now.seal)
  const fresh = readSummaryMarker(next)
  if (!now || !ours || !fresh) return undefined
  const before = now.before.slice(0, ours.start)
  const between = now.before.slice(ours.end)
  const marker = next.slice(fresh.before.length).trimEnd()
  return `${before}${fresh.before.trimEnd()}${gap(between)}${marker}${now.after}`
}

/**
 * Where our text sits in what precedes the marker: at a line that starts with our heading,
 * with the length and digest the marker recorded. A marker of an older version recorded
 * none: everything before it is ours (it never kept notes).
 */
function ourText(
  before: string,
  seal: TextSeal | undefined
): { start: number; end: number } | undefined {
  if (!seal) return { start: 0, end: before.trimEnd().length }
  for (let at = before.indexOf(SUMMARY_HEADING); at !== -1;) {
    const end = at + seal.length
    const lineStart = at === 0 || before[at - 1] === '\n'
    if (lineStart && textSeal(before.slice(at, end)).digest === seal.digest)
      return { start: at, end }
    at = before.indexOf(SUMMARY_HEADING, at + 1)
  }
  return undefined
}

/** What separates our text from the marker: a note someone typed there, or a blank line. */
function gap(between: string): string {
  if (between.trim() === '') return '\n\n'
  return between.endsWith('\n') ? between : `${between}\n`
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
