/**
 * The shape of a diagnosis and the careful readers that build one: walking `cause` chains,
 * reading fields of unknown errors, and turning untrusted text and claims into printable facts.
 * Nothing here may ever print a token: only decoded claims and configuration values.
 */
import type { IdentityTrace, JwtClaims } from '../chain/claims.js'
import { causeChain, type Stage } from '../errors.js'
import type { AzureConfig, ModelConfig } from '../settings.js'
import { say, type EntryId } from './catalogue.js'
import { DEBUG_FIX, VERBOSE_FIX } from './wording/common.js'

export interface DiagnosisContext {
  /** The service the run was talking to; undefined when nothing says which. */
  readonly stage?: Stage
  /** What the run was doing when it failed ("post the summary comment"), when known. */
  readonly doing?: string
  readonly azure: AzureConfig
  readonly model: ModelConfig
  readonly trace: IdentityTrace
  /** GITHUB_EVENT_NAME */
  readonly eventName?: string
  /** owner/repo */
  readonly repository?: string
  readonly isFork?: boolean
  readonly actor?: string
  /** Text learned by probing the authority's openid-configuration after MSAL failed to resolve it (an AADSTS description, or a network error), if any. */
  readonly authorityProbe?: string
  /** How many times 70021 was retried before giving up. */
  readonly entraRetries?: number
  /** Epoch milliseconds to compare token lifetimes with; defaults to the clock. */
  readonly now?: number
}

export type Fact = readonly [string, string]

/** The event name of a run from a terminal (`npx keyless-pr-review`). */
export const CLI_EVENT = 'cli'

/** Where a run happens: a workflow job, or the command line; each has its own fixes. */
export type Where = 'workflow' | 'cli'

export function whereOf(eventName: string | undefined): Where {
  return eventName === CLI_EVENT ? 'cli' : 'workflow'
}

/** How to see more of a failure nothing here explains: debug logging, or --verbose. */
export function seeMore(where: Where): string {
  return where === 'cli' ? VERBOSE_FIX : DEBUG_FIX
}

export interface Diagnosis {
  /** Its entry in the catalogue and docs/troubleshooting.md (the anchor), for the link printed under the fix. */
  readonly entry: EntryId
  readonly title: string
  readonly cause: string
  /** What to change; commands and YAML sit on their own lines, indented by two spaces. */
  readonly fix: string
  readonly facts: readonly Fact[]
}

/** The error, its causes, and the members of any AggregateError among them (undici's ECONNREFUSED). */
export function links(error: unknown): unknown[] {
  const all: unknown[] = []
  for (const link of causeChain(error)) {
    all.push(link)
    const members = field(link, 'errors')
    if (Array.isArray(members)) all.push(...(members as unknown[]).slice(0, 5))
  }
  return all
}

export function field(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  try {
    return (value as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

export function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key)
  return typeof v === 'string' ? v : undefined
}

export function numberField(value: unknown, key: string): number | undefined {
  const v = field(value, key)
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** The raw message of one link (untrusted; pass it through `untrusted` before printing). */
export function messageOf(value: unknown): string {
  if (typeof value === 'string') return value
  return stringField(value, 'message') ?? ''
}

/** Every message of the chain, joined: what the pattern matching below reads. */
export function allMessages(error: unknown): string {
  return links(error).map(messageOf).join('\n')
}

const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g
const BEARER = /\b(bearer)\s+[\w.~+/=-]{16,}/gi
const SECRET_PAIRS =
  /\b(client_assertion|client_secret|access_token|api-key|authorization)(["']?\s*[:=]\s*["']?)[^\s"'&,]+/gi

/**
 * Error text is untrusted but printable: tokens are redacted, whitespace collapsed (so nothing
 * can start a log line with a workflow command) and the length capped.
 */
export function untrusted(text: string, max = 300): string {
  const clean = text
    .replace(JWT, '[token redacted]')
    .replace(BEARER, '$1 [redacted]')
    .replace(SECRET_PAIRS, '$1$2[redacted]')
    .replace(/\s+/g, ' ')
    .trim()
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

/** A claim as printable text: strings and string arrays only, never a nested object. */
export function claim(claims: JwtClaims | undefined, name: string): string | undefined {
  const value = claims?.[name]
  if (typeof value === 'string') return untrusted(value)
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return untrusted(value.join(', '))
  }
  if (typeof value === 'number') return String(value)
  return undefined
}

/** The first audience of a token (an `aud` claim may be an array). */
export function firstAudience(claims: JwtClaims | undefined): string | undefined {
  const aud = claims?.aud
  const first = Array.isArray(aud) ? aud[0] : aud
  return typeof first === 'string' ? untrusted(first) : undefined
}

/** A NumericDate claim as an ISO time. */
export function claimTime(claims: JwtClaims | undefined, name: string): string | undefined {
  const value = claims?.[name]
  return typeof value === 'number' ? isoTime(value * 1000) : undefined
}

export function isoTime(ms: number): string {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString()
}

/** Facts with a known value; an unknown value is left out rather than guessed. */
export function facts(...pairs: (readonly [string, string | number | undefined])[]): Fact[] {
  return pairs.flatMap(([name, value]) =>
    value === undefined || value === '' ? [] : [[name, String(value)] as const]
  )
}

/** Quotes a value for a POSIX shell only when it needs it. */
export function shellArg(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

/** The hostname of a URL, or undefined when it is not one. */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).hostname.toLowerCase()
  } catch {
    return undefined
  }
}

export function unexpected(error: unknown, context: DiagnosisContext): Diagnosis {
  const name = stringField(error, 'name') ?? typeof error
  const text =
    messageOf(error) ||
    (typeof error === 'number' || typeof error === 'boolean' ? String(error) : '')
  const code = field(error, 'code')
  const status = field(error, 'status')
  const message = untrusted(text || '(no message)', 500)
  const values = { message, 'see-more': seeMore(whereOf(context.eventName)) }
  const wording = context.doing
    ? say('unexpected-errors', 'doing', { ...values, doing: context.doing })
    : context.stage
      ? say('unexpected-errors', 'stage', { ...values, stage: context.stage })
      : say('unexpected-errors', 'plain', values)
  return {
    ...wording,
    facts: facts(
      ['error', untrusted(name, 80)],
      [
        'code',
        typeof code === 'string' || typeof code === 'number' ? untrusted(String(code)) : undefined
      ],
      ['status', typeof status === 'number' ? status : undefined]
    )
  }
}
