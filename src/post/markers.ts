/**
 * Hidden HTML-comment markers by which the action finds its own comments again.
 *
 * Contract: a body we write carries exactly one marker, on its own line, at its very end
 * (`appendMarker`). Parsers refuse a body holding more than one, so text quoted or forged in a
 * body can never move our state; they read only that trailing marker, but for the summary's,
 * which may have notes people typed after it (the comment is found by our identity first,
 * github/identity.ts). The sanitizer strips every HTML comment from model output, so our
 * bodies hold no other marker to begin with.
 */
import { createHash } from 'node:crypto'
import type { Side } from '../pull-request.js'

export const MARKER_PREFIX = 'keyless-pr-review'

/** What the summary comment remembers between runs (incremental review). */
export interface SummaryState {
  /** The head reviewed: every file of the pull request at it but the `pending` ones. */
  readonly head: string
  readonly base: string
  /** The overview it shows: a later push's summary updates it instead of rereading the PR. */
  readonly overview?: string
  /** Its walkthrough rows, likewise reused for the files a later push does not change. */
  readonly rows?: readonly { readonly path: string; readonly change: string }[]
  /**
   * Files not reviewed at `head` (their part failed, or token-budget left them out): the next
   * run reviews them whatever it changes. 'all': more than the marker holds, so the next run
   * reviews the whole pull request. Undefined in the state of an older version.
   */
  readonly pending?: readonly string[] | 'all'
}

/**
 * Our text in the summary comment, everything before the marker as we posted it: its length
 * and digest tell it apart from notes people type around it (post/summary.ts).
 */
export interface TextSeal {
  readonly length: number
  readonly digest: string
}

/** Our summary marker as found in a body, and the body around its line. */
export interface SummaryMarker {
  readonly state: SummaryState
  /** Undefined in the marker of an older version. */
  readonly seal: TextSeal | undefined
  /** The body before the marker's line, and after it (newlines as `\n`). */
  readonly before: string
  readonly after: string
}

// Still 2: the new keys are optional, and an older version refuses unknown keys either way.
const SUMMARY_VERSION = 2
/** Room the remembered rows may take in the comment (GitHub allows 65,536 characters in all). */
const ROWS_BUDGET = 18_000
const OVERVIEW_BUDGET = 4_000
/** Room for the pending paths; beyond it the marker says 'all'. */
const PENDING_BUDGET = 4_000
// Full-length lowercase hex, as the REST API returns SHAs: anything shorter is ambiguous.
const SHA = /^[0-9a-f]{40}$/
const FINGERPRINT = /^[0-9a-f]{12}$/

// Any comment that opens with our prefix, however spaced or cased.
const ANY_OF_OURS = new RegExp(`<!--\\s*${MARKER_PREFIX}`, 'gi')

/**
 * Our name however punctuated (`keyless_pr-review`, `KEYLESS PR REVIEW`): the sanitizer
 * defuses any HTML comment holding it, so no near-copy of a marker survives in what we post.
 */
export const MARKER_LOOKALIKE = /keyless[\W_]{0,3}pr[\W_]{0,3}review/gi

/** Whether a text holds an HTML comment that opens like one of our markers. */
export function hasOurMarker(text: string): boolean {
  ANY_OF_OURS.lastIndex = 0
  return ANY_OF_OURS.test(text)
}

function assertSha(sha: string, what: string): void {
  if (!SHA.test(sha)) throw new TypeError(`${what} must be a 40-character lowercase hex SHA`)
}

/** A short digest of a text: which text we posted, not a secret. */
export function textSeal(text: string): TextSeal {
  return {
    length: text.length,
    digest: createHash('sha256').update(text).digest('hex').slice(0, 12)
  }
}

/**
 * The state as one line of JSON in an HTML comment. `<`, `>` and `&` are written as JSON
 * escapes, so no text the model wrote can end the comment or open HTML; rows beyond the
 * budget are not remembered (a later push then shows fewer rows for unchanged files), and
 * pending paths beyond theirs make it 'all' (the next run reviews everything: none is lost).
 */
export function summaryMarker(state: SummaryState, seal?: TextSeal): string {
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
    ...(seal ? { text: [seal.length, seal.digest] } : {}),
    ...(state.pending !== undefined ? { pending: pendingWithin(state.pending) } : {}),
    ...(state.overview !== undefined ? { overview: state.overview.slice(0, OVERVIEW_BUDGET) } : {}),
    ...(state.rows ? { rows } : {})
  }).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `<!-- ${MARKER_PREFIX}:summary ${json} -->`
}

function pendingWithin(pending: readonly string[] | 'all'): readonly string[] | 'all' {
  if (pending === 'all') return pending
  let used = 0
  for (const path of pending) {
    used += JSON.stringify(path).length + 1
    if (used > PENDING_BUDGET) return 'all'
  }
  return pending
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
  return readSummaryMarker(body)?.state
}

/**
 * Our summary marker: the one marker of ours in the body, on a line of its own. Text after it
 * is allowed (a note someone typed below it). Line endings are read as `\n` (GitHub keeps the
 * `\r\n` of a body edited in the browser).
 */
export function readSummaryMarker(body: string): SummaryMarker | undefined {
  if (typeof body !== 'string') return undefined
  const text = body.replace(/\r\n?/g, '\n')
  if ((text.match(ANY_OF_OURS) ?? []).length !== 1) return undefined
  const head = `<!-- ${MARKER_PREFIX}:summary `
  const start = text.startsWith(head) ? 0 : text.indexOf(`\n${head}`) + 1
  if (start === 0 && !text.startsWith(head)) return undefined
  const newline = text.indexOf('\n', start)
  const end = newline === -1 ? text.length : newline
  const line = text.slice(start, end).trimEnd()
  if (!line.endsWith(' -->')) return undefined
  const parsed = summaryPayload(line.slice(head.length, -' -->'.length))
  return parsed && { ...parsed, before: text.slice(0, start), after: text.slice(end) }
}

function summaryPayload(payload: string): Pick<SummaryMarker, 'state' | 'seal'> | undefined {
  let value: unknown
  try {
    value = JSON.parse(payload)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const { head, base, version, text, pending, overview, rows, ...rest } = value as Record<
    string,
    unknown
  >
  if (Object.keys(rest).length > 0) return undefined
  if (typeof head !== 'string' || typeof base !== 'string') return undefined
  if (!SHA.test(head) || !SHA.test(base)) return undefined
  // Version 1 remembered the commits only.
  if (version === 1) {
    const more = [text, pending, overview, rows].some((v) => v !== undefined)
    return more ? undefined : { state: { head, base }, seal: undefined }
  }
  if (version !== SUMMARY_VERSION) return undefined
  if (overview !== undefined && typeof overview !== 'string') return undefined
  const pairs = rows === undefined ? undefined : readRows(rows)
  const paths = pending === undefined ? undefined : readPending(pending)
  const seal = text === undefined ? undefined : readSeal(text)
  const unreadable = (raw: unknown, read: unknown): boolean =>
    raw !== undefined && read === undefined
  if (unreadable(rows, pairs) || unreadable(pending, paths) || unreadable(text, seal)) {
    return undefined
  }
  return {
    state: {
      head,
      base,
      ...(typeof overview === 'string' ? { overview } : {}),
      ...(pairs ? { rows: pairs } : {}),
      ...(paths ? { pending: paths } : {})
    },
    seal
  }
}

function readPending(value: unknown): string[] | 'all' | undefined {
  if (value === 'all') return value
  if (!Array.isArray(value)) return undefined
  const paths = value as unknown[]
  return paths.every((p) => typeof p === 'string') ? paths : undefined
}

function readSeal(value: unknown): TextSeal | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined
  const [length, digest] = value as unknown[]
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) return undefined
  return typeof digest === 'string' && FINGERPRINT.test(digest) ? { length, digest } : undefined
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
