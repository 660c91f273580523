/**
 * The text we post: the summary comment, inline finding comments and the review body. Every
 * piece the model wrote is sanitized here; the fixed text around it is ours. Each renderer stays
 * within GitHub's 65,536-character body limit by dropping whole rows or items, never by
 * cutting through a table or a list.
 */
import type { Finding, Severity } from '../review/schema.js'
import { appendMarker, reviewMarker } from './markers.js'
import { sanitizeInline, sanitizeMarkdown, suggestionBlock } from './sanitize.js'

const BADGES: Record<Severity, string> = {
  critical: '🔴 Critical',
  major: '🟠 Major',
  minor: '🟡 Minor',
  nit: '⚪ Nit'
}

/** Room left under 65,536 for the marker, separators and the sanitizer's invisible characters. */
const BODY_BUDGET = 60_000
const OVERVIEW_LENGTH = 16_000
const WALKTHROUGH_BUDGET = 30_000
const NOT_REVIEWED_BUDGET = 8_000
const FINDING_BODY_LENGTH = 24_000
const SUGGESTION_LENGTH = 24_000
const BODY_ITEM_LENGTH = 1_000

export const badge = (severity: Severity): string =>
  `**${(BADGES[severity] as string | undefined) ?? BADGES.minor}**`

export const shortSha = (sha: string): string => sha.slice(0, 7)

export interface SummaryInput {
  overview: string
  walkthrough: { path: string; change: string }[]
  notReviewed: { path: string; reason: string }[]
  reviewedHead: string
  usage?: { requests: number; promptTokens: number; completionTokens: number }
}

/** Lines of fixed HTML the summary uses; publishing keeps exactly these lines as they are. */
export const SUMMARY_HTML = [
  /^<details>$/,
  /^<summary>Not reviewed \(\d+\)<\/summary>$/,
  /^<\/details>$/
]

export function renderSummary(input: SummaryInput): string {
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
  return parts.join('\n\n')
}

function footer(input: SummaryInput): string {
  let text = `Reviewed up to ${shortSha(input.reviewedHead)}`
  const u = input.usage
  if (u) {
    const n = (x: number): string => x.toLocaleString('en-US')
    text += ` · this summary: ${n(u.requests)} model ${u.requests === 1 ? 'request' : 'requests'}, ${n(u.promptTokens)} prompt and ${n(u.completionTokens)} completion tokens`
  }
  return `_${text}._`
}

/** The leading items whose lines fit in `budget` characters. */
function within(items: string[], budget: number): string[] {
  let used = 0
  const kept: string[] = []
  for (const item of items) {
    used += item.length + 1
    if (used > budget) break
    kept.push(item)
  }
  return kept
}

/** The text whose first line identifies a finding (see markers.fingerprint). */
export const headline = (f: Finding): string => [f.title ?? '', f.body].join('\n')

/** An inline comment: badge and title, the explanation, an optional suggestion, the marker. */
export function renderFindingComment(f: Finding, withSuggestion: boolean, marker: string): string {
  const title = f.title?.trim() ? ` ${sanitizeInline(f.title, 200)}` : ''
  const parts = [
    `${badge(f.severity)}${title}`,
    sanitizeMarkdown(f.body, { maxLength: FINDING_BODY_LENGTH })
  ]
  if (withSuggestion && f.suggestion !== undefined) {
    const block = suggestionBlock(f.suggestion)
    if (block.length <= SUGGESTION_LENGTH) parts.push(block)
  }
  return appendMarker(parts.filter((p) => p !== '').join('\n\n'), marker)
}

export interface BodySection {
  title: string
  findings: Finding[]
}

/** The review body: a one-line tally, findings not posted inline as lists, the marker. */
export function renderReviewBody(headSha: string, tally: string, sections: BodySection[]): string {
  const parts = [tally]
  let budget = BODY_BUDGET - tally.length
  for (const section of sections) {
    if (section.findings.length === 0) continue
    const items = section.findings.map(bodyItem)
    const kept = within(items, Math.max(0, budget - section.title.length - 100))
    const more = items.length - kept.length
    const text = [
      `**${section.title}** (${section.findings.length})`,
      '',
      ...kept,
      ...(more > 0 ? [`- … and ${more} more`] : [])
    ].join('\n')
    budget -= text.length + 2
    parts.push(text)
  }
  return appendMarker(parts.join('\n\n'), reviewMarker(headSha))
}

/** "- **🟠 Major** `path` line N — title: explanation", on one line. */
function bodyItem(f: Finding): string {
  const where =
    f.startLine !== undefined && f.startLine < f.line
      ? `lines ${f.startLine}–${f.line}`
      : `line ${f.line}`
  const side = f.side === 'LEFT' ? ' (old)' : ''
  const title = f.title?.trim() ? `${sanitizeInline(f.title, 200)}: ` : ''
  const text = sanitizeInline(f.body, BODY_ITEM_LENGTH)
  return `- ${badge(f.severity)} ${codePath(f.path)} ${where}${side} — ${title}${text}`
}

/** A path as a code span when it can be one exactly; escaped text otherwise. */
function codePath(path: string): string {
  return /^[^`\p{Cc}\p{Cf}]{1,300}$/u.test(path) && !/^\s|\s$/.test(path)
    ? `\`${path}\``
    : sanitizeInline(path, 300)
}
