/**
 * Signing in before anything is read: the GitHub ID token, exchanged at Entra for the access
 * token Azure OpenAI takes. The log shows the non-secret claims of both on every run, since a
 * subject that matches no federated credential is the first thing users debug.
 */
import * as core from '@actions/core'
import type { KeylessChain } from '../chain/chain.js'
import type { JwtClaims } from '../chain/claims.js'
import type { AuthKind } from '../settings.js'

export async function signIn(chain: KeylessChain, auth: AuthKind): Promise<void> {
  await core.group(`Signing in (${auth})`, async () => {
    await chain.getToken()
    if (auth === 'github-oidc')
      core.info(`GitHub ID token: ${describeIdToken(chain.trace.idToken)}`)
    core.info(`Entra access token: ${describeAccessToken(chain.trace.accessToken)}`)
  })
}

/** The claims a federated credential must match, and the workflow that asked. */
export function describeIdToken(claims: JwtClaims | undefined): string {
  if (!claims) return 'issued (claims unreadable)'
  const lifetime =
    typeof claims.exp === 'number' && typeof claims.iat === 'number'
      ? `, valid ${claims.exp - claims.iat} s`
      : ''
  const workflow =
    typeof claims['job_workflow_ref'] === 'string'
      ? `, job_workflow_ref=${claims['job_workflow_ref']}`
      : ''
  return `iss=${String(claims.iss)}, sub=${String(claims.sub)}, aud=${String(claims.aud)}${workflow}${lifetime}`
}

/** Who Azure OpenAI will see: the principal a role must be assigned to. */
export function describeAccessToken(claims: JwtClaims | undefined): string {
  if (!claims) return 'issued (claims unreadable)'
  const expires =
    typeof claims.exp === 'number'
      ? `, expires in ${Math.round(claims.exp - Date.now() / 1000)} s`
      : ''
  return `principal (oid)=${String(claims.oid)}, appid=${String(claims.appid ?? claims.azp)}, tenant=${String(claims.tid)}, aud=${String(claims.aud)}${expires}`
}
