/**
 * The review, exactly as it is posted: one COMMENT review whose inline comments sit only on
 * lines the diff contains, each finding rendered once (badge, title, sanitized explanation, a
 * suggestion where it is safe), findings already posted left out by their fingerprint, and the
 * rest listed in the body. The all-in-the-body variant for GitHub's 422 is rendered here too,
 * so whatever reaches GitHub was rendered in this one place.
 */
import { count } from '../format.js'
import type { PrFile, Side } from '../pull-request.js'
import { anchor, type Anchor } from '../review/diff.js'
import { SEVERITIES, type Finding, type Severity } from '../review/schema.js'
import { appendMarker, findingMarker, fingerprint, reviewMarker } from './markers.js'
import { sanitizeInline, sanitizeMarkdown, suggestionBlock } from './sanitize.js'
import { within } from './summary.js'

/**
 * Most inline comments one review posts. GitHub accepts far more, but a flood buries the
 * findings that matter; the most severe are kept inline and the rest listed in the body.
 */
export const MAX_INLINE_COMMENTS = 50

const BADGES: Record<Severity, string> = {
  critical: '🔴 Critical',
  major: '🟠 Major',
  minor: '🟡 Minor',
  nit: '⚪ Nit'
}

/** Room left under 65,536 for the marker, separators and the sanitizer's invisible characters. */
const BODY_BUDGET = 60_000
const FINDING_BODY_LENGTH = 24_000
const SUGGESTION_LENGTH = 24_000
const BODY_ITEM_LENGTH = 1_000

/** One inline comment of `POST /pulls/{n}/reviews`, body final. */
interface ReviewComment {
  readonly path: string
  readonly line: number
  readonly side: Side
  readonly start_line?: number
  readonly start_side?: Side
  readonly body: string
}

export interface ReviewDraft {
  /** The head the findings were anchored against: the review's `commit_id`. */
  readonly commitId: string
  readonly body: string
  readonly comments: readonly ReviewComment[]
  /** The same review with every finding in the body, for when GitHub refuses an inline line (422). */
  readonly bodyOnly: string
  /** Findings to post (0: post no review), of them listed in the body, and left out as already posted. */
  readonly findings: number
  readonly inBody: number
  readonly duplicates: number
}

interface Placed {
  readonly finding: Finding
  readonly at: Anchor
  readonly fingerprint: string
}

interface Sorted {
  readonly headSha: string
  readonly inline: readonly Placed[]
  /** Anchored findings beyond MAX_INLINE_COMMENTS. */
  readonly overflow: readonly Finding[]
  /** Findings with no line in the diff. */
  readonly unanchored: readonly Finding[]
  readonly duplicates: number
}

const rank = (f: Finding): number => {
  const i = SEVERITIES.indexOf(f.severity)
  return i === -1 ? SEVERITIES.length : i
}

const byPosition = (a: Finding, b: Finding): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line

/**
 * Anchors each finding on the file it names, skips those already posted (`alreadyPosted`
 * fingerprints, and repeats within this run), keeps the most severe inline and renders it all.
 */
export function buildReview(
  findings: readonly Finding[],
  files: ReadonlyMap<string, PrFile>,
  alreadyPosted: ReadonlySet<string>,
  headSha: string
): ReviewDraft {
  const seen = new Set(alreadyPosted)
  const placed: Placed[] = []
  const unanchored: Finding[] = []
  let duplicates = 0
  for (const finding of findings) {
    const file = files.get(finding.path)
    const at = file && anchor(file, finding)
    if (!at) {
      unanchored.push(finding)
      continue
    }
    const fp = fingerprint(finding.path, at.line, at.side, headline(finding))
    if (seen.has(fp)) {
      duplicates++
      continue
    }
    seen.add(fp)
    placed.push({ finding, at, fingerprint: fp })
  }
  // Stable sort: the most severe first, so the cap drops nits before criticals.
  const bySeverity = [...placed].sort((a, b) => rank(a.finding) - rank(b.finding))
  const sorted: Sorted = {
    headSha,
    inline: bySeverity
      .slice(0, MAX_INLINE_COMMENTS)
      .sort((a, b) => byPosition(a.finding, b.finding)),
    overflow: bySeverity
      .slice(MAX_INLINE_COMMENTS)
      .map((p) => p.finding)
      .sort(byPosition),
    unanchored: unanchored.sort(byPosition),
    duplicates
  }
  const total = placed.length + unanchored.length
  return {
    commitId: headSha,
    body: reviewBody(sorted, false),
    comments: sorted.inline.map(toComment),
    bodyOnly: reviewBody(sorted, true),
    findings: total,
    inBody: total - sorted.inline.length,
    duplicates
  }
}

function toComment({ finding, at, fingerprint: fp }: Placed): ReviewComment {
  // A suggestion replaces exactly the new lines it sits on: only on the RIGHT, and only when
  // the anchor kept the range the model meant (a range shrunk to one line would misplace it).
  const sameRange = (finding.startLine ?? finding.line) === (at.startLine ?? at.line)
  const withSuggestion = at.side === 'RIGHT' && sameRange
  return {
    path: finding.path,
    line: at.line,
    side: at.side,
    ...(at.startLine !== undefined && { start_line: at.startLine, start_side: at.startSide }),
    body: findingComment(finding, withSuggestion, findingMarker(fp))
  }
}

const badge = (severity: Severity): string =>
  `**${(BADGES[severity] as string | undefined) ?? BADGES.minor}**`

/** The text whose first line identifies a finding (see markers.fingerprint). */
const headline = (f: Finding): string => [f.title ?? '', f.body].join('\n')

/** An inline comment: badge and title, the explanation, an optional suggestion, the marker. */
function findingComment(f: Finding, withSuggestion: boolean, marker: string): string {
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

/** The body: a one-line tally, the findings not posted inline as lists, the marker. */
function reviewBody(r: Sorted, allInBody: boolean): string {
  const inlineFindings = r.inline.map((p) => p.finding)
  const all = [...inlineFindings, ...r.overflow, ...r.unanchored]
  const counts = SEVERITIES.map((s) => [s, all.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  const inline = allInBody ? 0 : r.inline.length
  const below = all.length - inline
  let tally = `**Keyless PR Review** · ${count(all.length, 'finding')}`
  if (counts.length > 0) tally += ` (${counts.join(', ')})`
  tally += below === 0 ? ', all inline.' : `: ${inline} inline, ${below} below.`
  if (r.duplicates > 0) tally += ` ${r.duplicates} already posted, not repeated.`
  const sections = allInBody
    ? [{ title: 'Findings', findings: [...inlineFindings, ...r.overflow].sort(byPosition) }]
    : [{ title: `Beyond the ${MAX_INLINE_COMMENTS} inline comments`, findings: r.overflow }]
  sections.push({ title: 'Not on a line of the diff', findings: [...r.unanchored] })

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
  return appendMarker(parts.join('\n\n'), reviewMarker(r.headSha))
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
