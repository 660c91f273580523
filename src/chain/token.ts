/**
 * The access token for every model request. MSAL's own cache (inside the credential) answers
 * while a token has more than five minutes to live and fetches a new one otherwise, so each
 * request carries a token with its whole margin. (@azure/identity's getBearerTokenProvider
 * hands out a cached token until one second before it expires; a request that then takes a
 * second to arrive carries an expired token.) Callers arriving while a token is being fetched
 * share that one request.
 */
import type { TokenCredential } from '@azure/identity'

export function accessTokenProvider(
  credential: TokenCredential,
  scope: string
): () => Promise<string> {
  let pending: Promise<string> | undefined
  return () => {
    pending ??= credential
      .getToken(scope)
      .then((token) => {
        if (!token) throw new Error('the credential returned no token')
        return token.token
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }
}
