/**
 * The keyless chain in one place: GitHub ID token → Entra access token → Azure OpenAI, with
 * every failure marked by the stage it happened at (a StageError) for diagnosis/ to explain.
 */
import type { Model } from '../model.js'
import type { Config } from '../settings.js'
import { newIdentityTrace, type IdentityTrace } from './claims.js'
import { createCredential, GitHubAssertions, type EarlyIdToken } from './credential.js'
import { ModelClient } from './openai.js'
import { accessTokenProvider } from './token.js'

export interface KeylessChain {
  /** The non-secret claims of the tokens this run used, for logs and diagnoses. */
  readonly trace: IdentityTrace
  readonly assertions: GitHubAssertions
  /** The Entra access token for Azure OpenAI, fresh enough for one request. */
  readonly getToken: () => Promise<string>
  readonly model: Model
}

/** `early`: the ID token requested at start-up (early.ts), if any. */
export function openKeylessChain(config: Config, early?: EarlyIdToken): KeylessChain {
  const trace = newIdentityTrace()
  const assertions = new GitHubAssertions(config.azure.audience, trace, early)
  const credential = createCredential(config.azure, { trace, assertions })
  const getToken = accessTokenProvider(credential, config.azure.scope)
  return { trace, assertions, getToken, model: new ModelClient(config.model, getToken) }
}
