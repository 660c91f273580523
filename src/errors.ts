/**
 * The errors of a run, every one of them declared here. An ActionError carries its cause and the
 * exact fix, and main.ts prints it as it is. A StageError says where something failed but not
 * why: diagnosis/ explains it (into an AuthError) with the run's actual tokens and settings.
 * EventFileError: the runner's event file is missing or broken. ModelRefusal and
 * InvalidAnswerError stay with the one model request they concern. Anything else that escapes
 * is diagnosed too, by the stage it surfaced in.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    /** What to change, as a command or a YAML line where one exists. */
    readonly fix: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = new.target.name
  }

  /** One paragraph for the log: the cause, then the fix. */
  describe(): string {
    return this.fix ? `${this.message}\nFix: ${this.fix}` : this.message
  }
}

/** An input is missing or malformed. Nothing has touched the network yet. */
export class ConfigError extends ActionError {}

/** A link of the keyless chain (GitHub OIDC → Entra → Azure OpenAI) or the GitHub API failed, explained. */
export class AuthError extends ActionError {}

/** The services a run talks to, in the order a run meets them. */
export type Stage = 'github-oidc' | 'entra' | 'openai' | 'github'

/** What the chain learned while failing, for the diagnosis. */
export interface StageDetails {
  /** Entra's own words about its authority, probed after MSAL could not resolve it. */
  readonly authorityProbe?: string
  /** How many times AADSTS70021 or AADSTS700213 (propagation) was retried before giving up. */
  readonly entraRetries?: number
}

/**
 * A service failed at `stage` while the run was doing `doing` ("post the summary comment").
 * Thrown by the chain and the GitHub client; diagnosis/ turns it into an AuthError. A
 * StageError from the chain also tells the model tasks that the chain is broken, so the run
 * stops instead of failing every request the same way.
 */
export class StageError extends Error {
  constructor(
    readonly stage: Stage,
    readonly doing: string,
    cause: unknown,
    readonly details: StageDetails = {}
  ) {
    super(`${doing}: ${errorText(cause)}`, { cause })
    this.name = 'StageError'
  }
}

/** The error and its causes, outermost first (bounded: causes can be cyclic). */
export function* causeChain(error: unknown): Generator {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    yield e
    e = (e as { cause?: unknown }).cause
  }
}

/** The HTTP status of an octokit or openai error (duck-typed: a class may come in two copies). */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** An error's message for a log line, with its HTTP status when it has one. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const status = httpStatus(error)
  return status === undefined || message.includes(String(status))
    ? message
    : `HTTP ${status}: ${message}`
}

/** Why the event file gave no payload: not named, not readable, or not a JSON object. */
export type EventProblem = 'unset' | 'unreadable' | 'not-json'

/** The runner's event file gave no payload: the run cannot tell what it was triggered for. */
export class EventFileError extends Error {
  constructor(
    readonly problem: EventProblem,
    /** GITHUB_EVENT_PATH as the runner set it ('' when unset). */
    readonly path: string,
    /** Why: an error code, or what the file holds instead. */
    readonly reason: string
  ) {
    super(`GITHUB_EVENT_PATH ${path ? `'${path}'` : 'unset'}: ${reason}`)
    this.name = 'EventFileError'
  }
}

/**
 * Why the model refused one request: the prompt is longer than its context window, the
 * content filter blocked the prompt, or the deployment does not do structured outputs.
 * Other requests of the run may still succeed.
 */
export type RefusalKind = 'too-long' | 'filtered' | 'no-json-schema'

export class ModelRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'ModelRefusal'
  }
}

/** The answer was not the JSON asked for at all (as opposed to single bad items). */
export class InvalidAnswerError extends Error {
  override name = 'InvalidAnswerError'
}
