/**
 * Non-secret facts about the tokens of this run, kept so that a failure can be explained
 * with the token's actual subject or principal instead of a guess. Never holds a token.
 */
export interface JwtClaims {
  readonly [claim: string]: unknown
  readonly iss?: string
  readonly sub?: string
  readonly aud?: string | string[]
  readonly exp?: number
  readonly iat?: number
  readonly nbf?: number
  readonly oid?: string
  readonly appid?: string
  readonly azp?: string
  readonly tid?: string
}

/** Decodes a JWT's payload without verifying it (we only read claims to explain things). */
export function decodeClaims(jwt: string): JwtClaims | undefined {
  const payload = jwt.split('.')[1]
  if (!payload) return undefined
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null ? (parsed as JwtClaims) : undefined
  } catch {
    return undefined
  }
}

/** Filled in as the chain runs; read by diagnose.ts and the check-mode checklist. */
export interface IdentityTrace {
  /** Claims of the last GitHub ID token presented to Entra as a client assertion. */
  idToken?: JwtClaims
  /** Claims of the last Entra access token handed to Azure OpenAI. */
  accessToken?: JwtClaims
}

export function newIdentityTrace(): IdentityTrace {
  return {}
}
