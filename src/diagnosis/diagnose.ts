/**
 * The one dispatcher: every error of a run (check, review, summary, commands) becomes a short
 * cause, the facts that matter and the exact fix, explained with the run's actual token claims
 * and settings (never a token), and a link to its entry in docs/troubleshooting.md. Each reader
 * below recognises its own errors anywhere on the `cause` chain, in this order, and words its
 * diagnosis from catalogue.ts, which the page is generated from.
 */
import type { IdentityTrace } from '../chain/claims.js'
import { isForkPullRequest, type RunContext } from '../context.js'
import {
  ActionError,
  EventFileError,
  AuthError,
  causeChain,
  ConfigError,
  StageError,
  type Stage
} from '../errors.js'
import type { Config } from '../settings.js'
import { diagnoseAzureCli } from './azure-cli.js'
import { say, type EntryId } from './catalogue.js'
import { diagnoseEntra } from './entra.js'
import {
  links,
  seeMore,
  stringField,
  unexpected,
  untrusted,
  whereOf,
  type Diagnosis,
  type DiagnosisContext,
  type Where
} from './facts.js'
import { diagnoseGitHubApi, diagnoseIdToken } from './github.js'
import { diagnoseNetwork } from './network.js'
import { diagnoseOpenAI } from './openai.js'

export { CLI_EVENT } from './facts.js'
export type { Diagnosis, DiagnosisContext, Where } from './facts.js'

export function diagnose(error: unknown, context: DiagnosisContext): Diagnosis {
  return (
    // The ID token request fails inside MSAL's assertion callback too, so it comes first.
    diagnoseIdToken(error, context) ??
    // Before Entra's: the Azure CLI's words carry AADSTS codes that a new sign-in fixes.
    diagnoseAzureCli(error, context) ??
    diagnoseEntra(error, context) ??
    diagnoseOpenAI(error, context) ??
    diagnoseGitHubApi(error, context) ??
    diagnoseNetwork(error, context) ??
    unexpected(error, context)
  )
}

/** What a run knows to explain a failure: its settings, tokens and event. */
export type RunFacts = Omit<DiagnosisContext, 'stage' | 'doing' | 'authorityProbe' | 'entraRetries'>

export function runFacts(config: Config, run: RunContext, trace: IdentityTrace): RunFacts {
  return {
    azure: config.azure,
    model: config.model,
    trace,
    eventName: run.eventName,
    repository: `${run.owner}/${run.repo}`,
    isFork: isForkPullRequest(run.payload),
    actor: run.actor
  }
}

/**
 * Any error → an ActionError whose `describe()` is what the log shows. Errors that carry their
 * fix already (an input problem) pass through; everything else is diagnosed at the stage it
 * failed at (a StageError says so; otherwise the error's own kind does). `where` matters only
 * before the run's facts are known: they say it themselves.
 */
export function explain(
  error: unknown,
  run: RunFacts | undefined,
  troubleshooting: string,
  where: Where = whereOf(run?.eventName)
): ActionError {
  if (error instanceof ConfigError) {
    return new ConfigError(error.message, withLink(error.fix, troubleshooting, 'inputs'), {
      cause: error
    })
  }
  if (error instanceof ActionError) return error
  if (error instanceof EventFileError) {
    const d = eventFile(error)
    return new ActionError(statement(d), withLink(d.fix, troubleshooting, d.entry), {
      cause: error
    })
  }
  if (!run) {
    // Before the inputs were read there is nothing to explain it with.
    const text = error instanceof Error ? error.message : String(error)
    return new AuthError(
      `Unexpected error: ${text}`,
      withLink(seeMore(where), troubleshooting, 'unexpected-errors'),
      { cause: error }
    )
  }
  const marked = [...causeChain(error)].find((e): e is StageError => e instanceof StageError)
  const context: DiagnosisContext = {
    ...run,
    ...(marked
      ? { stage: marked.stage, doing: marked.doing, ...marked.details }
      : stageOf(error)
        ? { stage: stageOf(error) }
        : {})
  }
  const d = diagnose(error, context)
  return new AuthError(statement(d), withLink(d.fix, troubleshooting, d.entry), { cause: error })
}

/** The runner's event file gave nothing to run for: read before anything else, so no facts. */
function eventFile(error: EventFileError): Diagnosis {
  return {
    ...say('event-file', error.problem, { path: untrusted(error.path, 200), reason: error.reason }),
    facts: []
  }
}

/** The service an unmarked error came from, by its kind. */
function stageOf(error: unknown): Stage | undefined {
  const names = links(error).map((e) => stringField(e, 'name') ?? '')
  if (names.includes('HttpError')) return 'github'
  if (names.some((n) => /^(API\w*Error|\w+APIError)$/.test(n))) return 'openai'
  if (names.some((n) => /^(AuthenticationRequiredError|CredentialUnavailableError)$/.test(n))) {
    return 'entra'
  }
  return undefined
}

function withLink(fix: string, troubleshooting: string, entry: EntryId): string {
  return `${fix}\nMore: ${troubleshooting}#${entry}`
}

/** The cause and the facts: what AuthError carries as its message. */
function statement(d: Diagnosis): string {
  const facts = d.facts.map(([name, value]) => `  ${name}: ${value}`)
  return [d.title, d.cause, ...facts].join('\n')
}
