/**
 * The TokenCredential for each `auth` kind. For `github-oidc` every client assertion is a
 * GitHub ID token that still has a comfortable life left, so a long run never presents an
 * expired one (AADSTS700024). Every token is masked before anything could print it, and the
 * non-secret claims are recorded in the IdentityTrace so a failure can be explained exactly.
 */
import * as core from '@actions/core'
import {
  AzureCliCredential,
  ClientAssertionCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential
} from '@azure/identity'
import { ActionError, causeChain, StageError } from '../errors.js'
import type { AzureConfig } from '../settings.js'
import { decodeClaims, type IdentityTrace } from './claims.js'

/** A cached ID token is reused only while it has at least this long to live. */
const ID_TOKEN_MIN_REMAINING_SECONDS = 60

/**
 * The one retry policy for a federated credential created moments ago: until it propagates,
 * Entra refuses it with AADSTS70021, and sometimes with AADSTS700213 as if its subject did not
 * match. Each code's waits before each retry; a 700213 is more often a real mismatch, so it gets
 * fewer and shorter ones (its diagnosis then says both).
 */
export const PROPAGATION_RETRY_DELAYS_MS: Readonly<Partial<Record<number, readonly number[]>>> = {
  70021: [2000, 4000, 8000],
  700213: [2000, 3000]
}

/** The waits before each retry of this refusal: none unless propagation can explain it. */
export function propagationDelays(error: unknown): readonly number[] {
  const code = entraErrorCode(error)
  return (code === undefined ? undefined : PROPAGATION_RETRY_DELAYS_MS[code]) ?? []
}

/** The GitHub ID token that early.ts requests at start-up, before the bundle loads. */
export interface EarlyIdToken {
  readonly audience: string
  /** The token, or undefined when it could not be had early. */
  readonly token: Promise<string | undefined>
  /** Settles once the request is on the wire (or after a short while): loading may start. */
  readonly sent: Promise<void>
}

/** Fetches GitHub ID tokens for the client assertion, reusing one only while it is fresh. */
export class GitHubAssertions {
  private cached: { token: string; exp: number } | undefined

  constructor(
    private readonly audience: string,
    private readonly trace: IdentityTrace,
    /** The token requested at start-up, used first when it is for this audience. */
    private early?: EarlyIdToken
  ) {}

  async get(): Promise<string> {
    const now = Date.now() / 1000
    if (this.cached && this.cached.exp - now >= ID_TOKEN_MIN_REMAINING_SECONDS) {
      return this.cached.token
    }
    const early = this.early?.audience === this.audience ? await this.early.token : undefined
    this.early = undefined
    let token: string
    try {
      // getIDToken masks the token itself (::add-mask::) before returning it.
      token = early ?? (await core.getIDToken(this.audience))
    } catch (error) {
      // Marked as GitHub's failure, so it is not taken for Entra's when MSAL passes it on.
      throw new StageError('github-oidc', 'request the GitHub ID token', error)
    }
    const claims = decodeClaims(token)
    this.trace.idToken = claims
    this.cached = { token, exp: typeof claims?.exp === 'number' ? claims.exp : 0 }
    core.debug(`GitHub ID token: sub=${claims?.sub ?? '?'} aud=${String(claims?.aud ?? '?')}`)
    return token
  }
}

/**
 * Wraps a credential: masks and traces every access token, retries what propagation can explain
 * (PROPAGATION_RETRY_DELAYS_MS), and marks any failure with its stage for the diagnosis
 * (github-oidc when the ID token could not be had, entra otherwise).
 */
class TracedCredential implements TokenCredential {
  private lastToken: string | undefined

  constructor(
    private readonly inner: TokenCredential,
    private readonly azure: AzureConfig,
    private readonly trace: IdentityTrace,
    private readonly sleep: (ms: number) => Promise<void>
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    for (let attempt = 0; ; attempt++) {
      try {
        const token = await this.inner.getToken(scopes, options)
        if (!token) throw new Error('the credential returned no token')
        this.record(token.token)
        return token
      } catch (error) {
        const delays = propagationDelays(error)
        const delay = delays[attempt]
        if (delay === undefined) throw await this.failure(error, attempt)
        core.info(
          `Entra found no matching federated credential (AADSTS${String(entraErrorCode(error))}); a new one can take minutes to apply. Retrying in ${delay / 1000} s (${attempt + 1}/${delays.length}).`
        )
        await this.sleep(delay)
      }
    }
  }

  private async failure(error: unknown, retries: number): Promise<StageError> {
    const idToken = [...causeChain(error)].find(
      (e): e is StageError => e instanceof StageError && e.stage === 'github-oidc'
    )
    if (idToken) return idToken
    // MSAL says only "endpoints_resolution_error"; the authority's own answer says why.
    const unresolved = [...causeChain(error)].some(
      (e) => e instanceof Error && /endpoints_resolution_error/i.test(e.message)
    )
    const authorityProbe = unresolved ? await probeAuthority(this.azure) : undefined
    return new StageError('entra', 'get an access token from Microsoft Entra ID', error, {
      entraRetries: retries,
      ...(authorityProbe ? { authorityProbe } : {})
    })
  }

  private record(token: string): void {
    core.setSecret(token)
    if (token === this.lastToken) return
    this.lastToken = token
    this.trace.accessToken = decodeClaims(token)
  }
}

export interface CredentialOptions {
  readonly trace: IdentityTrace
  /** The ID token source for `github-oidc` (shared so check mode can show the token's claims). */
  readonly assertions: GitHubAssertions
  /** Waits between retries; tests pass one that records instead of waiting. */
  readonly sleep?: (ms: number) => Promise<void>
}

export function createCredential(azure: AzureConfig, options: CredentialOptions): TokenCredential {
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  return new TracedCredential(
    innerCredential(azure, options.assertions),
    azure,
    options.trace,
    sleep
  )
}

function innerCredential(azure: AzureConfig, assertions: GitHubAssertions): TokenCredential {
  const authority = {
    authorityHost: azure.authorityHost,
    disableInstanceDiscovery: !azure.knownAuthority
  }
  switch (azure.auth) {
    case 'github-oidc': {
      const { tenantId, clientId } = required(azure)
      return new ClientAssertionCredential(tenantId, clientId, () => assertions.get(), authority)
    }
    case 'workload-identity': {
      const { tenantId, clientId } = required(azure)
      return new WorkloadIdentityCredential({ tenantId, clientId, ...authority })
    }
    case 'managed-identity':
      return azure.clientId
        ? new ManagedIdentityCredential({ clientId: azure.clientId })
        : new ManagedIdentityCredential()
    case 'azure-cli':
      return new AzureCliCredential(azure.tenantId ? { tenantId: azure.tenantId } : {})
  }
}

/** The AADSTS number of an Entra refusal: MSAL's `errorNo`, or the code in a message, anywhere on the cause chain. */
export function entraErrorCode(error: unknown): number | undefined {
  for (const link of causeChain(error)) {
    const errorNo = (link as { errorNo?: unknown } | null)?.errorNo
    // Typed string by MSAL, but it holds whatever JSON `error_codes[0]` was: a number.
    if (typeof errorNo === 'number' && Number.isInteger(errorNo)) return errorNo
    if (typeof errorNo === 'string' && /^\d+$/.test(errorNo.trim())) return Number(errorNo)
    const message = link instanceof Error ? link.message : typeof link === 'string' ? link : ''
    const inText = /AADSTS(\d+)/.exec(message)?.[1]
    if (inText) return Number(inText)
  }
  return undefined
}

function required(azure: AzureConfig): { tenantId: string; clientId: string } {
  // config.ts guarantees both for these auth kinds; this guards the type, not the user.
  if (!azure.tenantId || !azure.clientId) {
    throw new ActionError(
      `auth '${azure.auth}' needs both client-id and tenant-id.`,
      'Set the client-id and tenant-id inputs.'
    )
  }
  return { tenantId: azure.tenantId, clientId: azure.clientId }
}

/**
 * When MSAL cannot resolve the authority it says only "endpoints_resolution_error". Asking the
 * metadata document ourselves yields Entra's own words (AADSTS90002 for an unknown tenant) or
 * the network error, which is what the user needs to see.
 */
async function probeAuthority(azure: AzureConfig): Promise<string> {
  const url = `${azure.authorityHost}/${azure.tenantId ?? 'organizations'}/v2.0/.well-known/openid-configuration`
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    const text = await response.text()
    if (response.ok) return `${url} answered ${response.status}.`
    const body = safeJson(text)
    const description =
      body && typeof body.error_description === 'string' ? body.error_description : text
    return `${url} answered ${response.status}: ${description.slice(0, 500)}`
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const code = (cause as { code?: unknown } | undefined)?.code
    return `${url} could not be reached: ${typeof code === 'string' ? `${code} ` : ''}${cause instanceof Error ? cause.message : String(cause)}`
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
