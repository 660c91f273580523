/** Entra ID's OAuth error answers: `{error, error_description: "AADSTSnnnn: … Trace ID: …", error_codes, …}`. */
import type { ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { sendJson } from './http.js'

export interface EntraErrorBody {
  readonly error: string
  readonly error_description: string
  readonly error_codes: number[]
  readonly timestamp: string
  readonly trace_id: string
  readonly correlation_id: string
  readonly error_uri: string
}

/** Entra's timestamp format: `2025-07-07 10:30:48Z`. */
function entraTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}

/** Entra's "Current time: …" format: seven fractional digits, `Z`. */
export function entraInstant(date: Date): string {
  return date.toISOString().replace(/\.(\d+)Z$/, (_m, ms: string) => `.${ms.padEnd(7, '0')}Z`)
}

function entraErrorBody(
  authorityOrigin: string,
  error: string,
  code: number,
  message: string,
  correlationId: string = randomUUID()
): EntraErrorBody {
  const traceId = randomUUID()
  const timestamp = entraTimestamp()
  return {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${authorityOrigin}/error?code=${code}`
  }
}

/** HTTP status Entra uses with each OAuth error: client authentication failures are 401. */
function statusFor(error: string): number {
  return error === 'invalid_client' ? 401 : 400
}

export function sendEntraError(
  res: ServerResponse,
  authorityOrigin: string,
  error: string,
  code: number,
  message: string,
  correlationId?: string
): EntraErrorBody {
  const body = entraErrorBody(authorityOrigin, error, code, message, correlationId)
  sendJson(res, statusFor(error), body, { 'x-ms-request-id': body.trace_id })
  return body
}
