/**
 * Hidden HTML-comment markers by which the action finds its own comments again.
 *
 * Contract: a body we write carries exactly one marker, on its own line, at its very end
 * (`appendMarker`). Parsers read only that trailing marker and refuse a body holding more than
 * one, so text quoted or forged earlier in a body can never move our state. The sanitizer strips
 * every HTML comment from model output, so our bodies hold no other marker to begin with.
 */
import { createHash } from 'node:crypto'
import type { Side } from '../pull-request.js'

export const MARKER_PREFIX = 'keyless-pr-review'

/** What the summary comment remembers between runs (incremental review). */
export interface SummaryState {
  readonly head: string
  readonly base: string
  /** The overview it shows: a later push's summary updates it instead of rereading the PR. */
  readonly overview?: string
  /** Its walkthrough rows, likewise reused for the files a later push does not change. */
  readonly rows?: readonly { readonly path: string; readonly change: string }[]
}

const SUMMARY_VERSION = 2
/** Room the remembered rows may take in the comment (GitHub allows 65,536 characters in all). */
const ROWS_BUDGET = 18_000
const OVERVIEW_BUDGET = 4_000
// Full-length lowercase hex, as the REST API returns SHAs: anything shorter is ambiguous.
const SHA = /^[0-9a-f]{40}$/
const FINGERPRINT = /^[0-9a-f]{12}$/

// Any comment that opens with our prefix, however spaced or cased.
const ANY_OF_OURS = new RegExp(`<!--\\s*${MARKER_PREFIX}`, 'gi')

/**
 * Our name however punctuated (`keyless_pr-review`, `KEYLESS PR REVIEW`): the sanitizer
 * defuses any HTML comment holding it, so no near-copy of a marker survives in what we post.
 */
export const MARKER_LOOKALIKE = /keyless\W{0,3}pr\W{0,3}review/gi

/** Whether a text holds an HTML comment that opens like one of our markers. */
export function hasOurMarker(text: string): boolean {
  ANY_OF_OURS.lastIndex = 0
  return ANY_OF_OURS.test(text)
}

function assertSha(sha: string, what: string): void {
  if (!SHA.test(sha)) throw new TypeError(`${what} must be a 40-character lowercase hex SHA`)
}

/**
 * The state as one line of JSON in an HTML comment. `<`, `>` and `&` are written as JSON
 * escapes, so no text the model wrote can end the comment or open HTML; rows beyond the
 * budget are not remembered (a later push then shows fewer rows for unchanged files).
 */
export function summaryMarker(state: SummaryState): string {
  assertSha(state.head, 'head')
  assertSha(state.base, 'base')
  const rows: [string, string][] = []
  let used = 0
  for (const row of state.rows ?? []) {
    used += row.path.length + row.change.length + 8
    if (used > ROWS_BUDGET) break
    rows.push([row.path, row.change])
  }
  // Key order fixed by hand: the marker is compared as text when nothing changed.
  const json = JSON.stringify({
    version: SUMMARY_VERSION,
    head: state.head,
    base: state.base,
    ...(state.overview !== undefined ? { overview: state.overview.slice(0, OVERVIEW_BUDGET) } : {}),
    ...(state.rows ? { rows } : {})
  }).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `<!-- ${MARKER_PREFIX}:summary ${json} -->`
}

export function findingMarker(fingerprint: string): string {
  if (!FINGERPRINT.test(fingerprint)) throw new TypeError('fingerprint must be 12 lowercase hex')
  return `<!-- ${MARKER_PREFIX}:finding ${fingerprint} -->`
}

/** Marks an answer (to `/ask`, `/help` or a reply in a thread): so it is never taken for a question. */
export function answerMarker(kind: 'answer' | 'help'): string {
  return `<!-- ${MARKER_PREFIX}:${kind} -->`
}

export function reviewMarker(sha: string): string {
  assertSha(sha, 'sha')
  return `<!-- ${MARKER_PREFIX}:review ${sha} -->`
}

/** The body with the marker as its last line, as the parsers expect it. */
export function appendMarker(body: string, marker: string): string {
  const text = body.trimEnd()
  return text ? `${text}\n\n${marker}` : marker
}

/** The payload of our trailing `kind` marker, or undefined when the body does not end in one. */
function trailingPayload(body: string, kind: string): string | undefined {
  if (typeof body !== 'string') return undefined
  const text = body.trimEnd()
  const suffix = ' -->'
  const start = text.lastIndexOf('\n') + 1
  const line = text.slice(start)
  const head = `<!-- ${MARKER_PREFIX}:${kind} `
  if (!line.startsWith(head) || !line.endsWith(suffix)) return undefined
  // Exactly one marker of ours in the whole body: two mean someone pasted or forged one.
  if ((text.match(ANY_OF_OURS) ?? []).length !== 1) return undefined
  return line.slice(head.length, line.length - suffix.length)
}

export function parseSummaryMarker(body: string): SummaryState | undefined {
  const payload = trailingPayload(body, 'summary')
  if (payload === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(payload)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const { head, base, version, overview, rows, ...rest } = value as Record<string, unknown>
  if (Object.keys(rest).length > 0) return undefined
  if (typeof head !== 'string' || typeof base !== 'string') return undefined
  if (!SHA.test(head) || !SHA.test(base)) return undefined
  // Version 1 remembered the commits only.
  if (version === 1 && overview === undefined && rows === undefined) return { head, base }
  if (version !== SUMMARY_VERSION) return undefined
  if (overview !== undefined && typeof overview !== 'string') return undefined
  const pairs = rows === undefined ? undefined : readRows(rows)
  if (rows !== undefined && !pairs) return undefined
  return {
    head,
    base,
    ...(typeof overview === 'string' ? { overview } : {}),
    ...(pairs ? { rows: pairs } : {})
  }
}

function readRows(value: unknown): { path: string; change: string }[] | undefined {
  if (!Array.isArray(value)) return undefined
  const rows: { path: string; change: string }[] = []
  for (const item of value as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2) return undefined
    const [path, change] = item as unknown[]
    if (typeof path !== 'string' || typeof change !== 'string') return undefined
    rows.push({ path, change })
  }
  return rows
}

export function parseFindingMarker(body: string): string | undefined {
  const payload = trailingPayload(body, 'finding')
  return payload !== undefined && FINGERPRINT.test(payload) ? payload : undefined
}

export function parseReviewMarker(body: string): string | undefined {
  const payload = trailingPayload(body, 'review')
  return payload !== undefined && SHA.test(payload) ? payload : undefined
}

/**
 * A short, stable identity for an inline finding, so a re-run recognises what it already said.
 * Only the first line of the body counts, normalised, so rewording the explanation below it or
 * sanitizing (zero-width characters) does not make the same finding look new.
 */
export function fingerprint(path: string, line: number, side: Side, body: string): string {
  const firstLine =
    body
      .normalize('NFKC')
      .replace(/\p{Cf}/gu, '')
      .split('\n')
      .map((l) =>
        l
          .replace(/[*_`~\\]/g, '')
          .replace(/\s+/g, ' ')
          .trim()
          .toLowerCase()
      )
      .find((l) => l !== '') ?? ''
  // JSON keeps the fields apart even when a path contains the separator.
  const key = JSON.stringify([path, line, side, firstLine])
  return createHash('sha256').update(key).digest('hex').slice(0, 12)
}
