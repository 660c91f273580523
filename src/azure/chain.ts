/**
 * The keyless chain in one place: GitHub ID token → Entra access token → Azure OpenAI client,
 * with every failure diagnosed against the run's actual tokens and settings.
 */
import { getBearerTokenProvider } from '@azure/identity'
import { CredentialUnavailableError } from '@azure/identity'
import type { Config } from '../config.js'
import { isForkPullRequest, type RunContext } from '../context.js'
import { AuthError, causeChain } from '../errors.js'
import { newIdentityTrace, type IdentityTrace } from './claims.js'
import { createCredential, GitHubAssertions, IdTokenError, probeAuthority } from './credential.js'
import { entraErrorCode, toAuthError, type DiagnosisContext, type Stage } from './diagnose.js'
import { ModelClient } from './openai.js'

export interface KeylessChain {
  readonly trace: IdentityTrace
  readonly assertions: GitHubAssertions
  /** The Entra access token for Azure OpenAI, cached and refreshed before it expires. */
  readonly getToken: () => Promise<string>
  readonly model: ModelClient
  /** Diagnoses a failure at a stage of the chain (used for GitHub API failures too). */
  readonly diagnose: (error: unknown, stage: Stage) => AuthError
}

export function openKeylessChain(config: Config, run: RunContext): KeylessChain {
  const trace = newIdentityTrace()
  const context = (stage: Stage): DiagnosisContext => ({
    stage,
    azure: config.azure,
    model: config.model,
    trace,
    eventName: run.eventName,
    repository: `${run.owner}/${run.repo}`,
    isFork: isForkPullRequest(run.payload),
    actor: run.actor
  })
  const diagnose = (error: unknown, stage: Stage): AuthError =>
    findAuthError(error) ?? toAuthError(error, context(stage))

  const assertions = new GitHubAssertions(config.azure.audience, trace)
  const credential = createCredential(config.azure, {
    trace,
    assertions,
    isPropagationError: (error) => entraErrorCode(error) === 70021,
    onFailure: async (error, retries) => {
      if (hasCause(error, (e) => e instanceof IdTokenError)) return diagnose(error, 'github-oidc')
      const authorityProbe = hasCause(error, isEndpointResolutionError)
        ? await probeAuthority(config.azure)
        : undefined
      return toAuthError(error, {
        ...context('entra'),
        entraRetries: retries,
        ...(authorityProbe ? { authorityProbe } : {})
      })
    }
  })
  const getToken = getBearerTokenProvider(credential, config.azure.scope)
  const model = new ModelClient(config.model, getToken, (error) => diagnose(error, 'openai'))
  return { trace, assertions, getToken, model, diagnose }
}

function isEndpointResolutionError(error: unknown): boolean {
  return (
    error instanceof CredentialUnavailableError && /endpoints_resolution_error/i.test(error.message)
  )
}

function hasCause(error: unknown, test: (e: unknown) => boolean): boolean {
  return [...causeChain(error)].some(test)
}

/** A failure already diagnosed deeper down (the token provider inside the OpenAI client). */
function findAuthError(error: unknown): AuthError | undefined {
  return [...causeChain(error)].find((e): e is AuthError => e instanceof AuthError)
}
