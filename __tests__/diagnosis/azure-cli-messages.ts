/**
 * azure-cli's own stderr for the failures a new sign-in fixes: Entra's refusal, then its
 * recommendation (azure/cli/core/auth/util.py, aad_error_handler), as `az account
 * get-access-token` prints them.
 */
const IDS =
  'Trace ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 Correlation ID: 12345678-90ab-cdef-1234-567890abcdef Timestamp: 2026-09-01 12:00:00Z'

export const AZURE_OPENAI_SCOPE = 'https://cognitiveservices.azure.com/.default'

const interactionNeeded = (description: string): string =>
  `ERROR: ${description} ${IDS}\nInteractive authentication is needed. Please run:\naz login --scope ${AZURE_OPENAI_SCOPE}\n`

/** A user's sign-in unused for 90 days. */
export const REFRESH_TOKEN_EXPIRED = interactionNeeded(
  'AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-03-04T10:15:22.5306104Z and was inactive for 90.00:00:00.'
)

/** azure/login's GitHub ID token, presented again after it expired. */
export const ASSERTION_EXPIRED = interactionNeeded(
  'AADSTS700024: Client assertion is not within its valid time range. Current time: 2026-09-01T12:00:00.0000000Z, assertion valid from 2026-09-01T10:50:00.0000000Z, expiry time of assertion 2026-09-01T11:00:00.0000000Z.'
)
