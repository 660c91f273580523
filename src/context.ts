/** What the runner tells us about this run: event, repository, actor. Read once, from env. */
import { readFileSync } from 'node:fs'
import { EventFileError } from './errors.js'

/** Where the action's docs live when the runner does not say which copy of the action runs. */
const HOME_REPOSITORY = 'keyless-pr-review/keyless-pr-review'

export type Payload = Readonly<Record<string, unknown>>

export interface RunContext {
  readonly eventName: string
  readonly owner: string
  readonly repo: string
  readonly actor: string
  /** The event's payload as GitHub sent it: untrusted data. */
  readonly payload: Payload
  readonly serverUrl: string
  readonly runUrl: string
  /** docs/troubleshooting.md of the version of the action that runs, for links in errors. */
  readonly troubleshootingUrl: string
}

/** Throws EventFileError when the runner's event file gives no payload. */
export function readRunContext(): RunContext {
  const payload = runnerEvent()
  const env = (name: string): string => process.env[name] ?? ''
  const [owner = '', repo = ''] = env('GITHUB_REPOSITORY').split('/')
  const serverUrl = env('GITHUB_SERVER_URL') || 'https://github.com'
  return {
    eventName: env('GITHUB_EVENT_NAME'),
    owner,
    repo,
    actor: env('GITHUB_ACTOR'),
    payload,
    serverUrl,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${env('GITHUB_RUN_ID')}`,
    troubleshootingUrl: troubleshootingUrl()
  }
}

let event: { readonly payload: Payload } | { readonly error: EventFileError } | undefined

/**
 * The event payload, read once (early.ts reads it first, before the rest of the action loads).
 * @actions/github parses the same file when it loads, and throws on one that is not JSON with a
 * raw stack before anything could explain it: a broken file is hidden from it by removing
 * GITHUB_EVENT_PATH, and the EventFileError kept here explains it instead.
 */
export function runnerEvent(): Payload {
  if (!event) {
    try {
      event = { payload: readEventFile(process.env['GITHUB_EVENT_PATH'] ?? '') }
    } catch (error) {
      if (!(error instanceof EventFileError)) throw error
      delete process.env['GITHUB_EVENT_PATH']
      event = { error }
    }
  }
  if ('error' in event) throw event.error
  return event.payload
}

/** The JSON object in the event file at `path`; EventFileError when there is none. */
export function readEventFile(path: string): Payload {
  if (!path) throw new EventFileError('unset', path, 'not set')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw new EventFileError('unreadable', path, typeof code === 'string' ? code : String(error))
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // The parser's message quotes the file, which is untrusted: its size says enough.
    throw new EventFileError('not-json', path, `${Buffer.byteLength(text)} bytes that are not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
    throw new EventFileError('not-json', path, `JSON ${kind}, not an object`)
  }
  return value as Payload
}

/**
 * The runner names the action's repository and ref (GITHUB_ACTION_REPOSITORY / _REF) for
 * `uses: owner/name@ref`; a local `uses: ./` leaves them empty, and the home repository's main
 * branch is the best guess.
 */
export function troubleshootingUrl(): string {
  const repository = process.env['GITHUB_ACTION_REPOSITORY'] || HOME_REPOSITORY
  const ref = process.env['GITHUB_ACTION_REF'] || 'main'
  return `https://github.com/${repository}/blob/${ref}/docs/troubleshooting.md`
}

/** A pull request whose head lives in another repository (a fork). */
export function isForkPullRequest(payload: Payload): boolean {
  const pr = payload['pull_request'] as
    | { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
    | undefined
  if (!pr) return false
  const head = pr.head?.repo?.full_name
  return head === undefined || head !== pr.base?.repo?.full_name
}
