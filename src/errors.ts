/**
 * Errors a user can act on. Each carries the cause and the exact fix; main.ts turns it into
 * core.setFailed. Anything else that escapes is diagnosed by azure/diagnose.ts first.
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

/** A link of the keyless chain (GitHub OIDC → Entra → Azure OpenAI) is broken. */
export class AuthError extends ActionError {}

/** The error and its causes, outermost first (bounded: causes can be cyclic). */
export function* causeChain(error: unknown): Generator {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    yield e
    e = (e as { cause?: unknown }).cause
  }
}
