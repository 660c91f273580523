/**
 * An Azure API Management gateway in front of Azure OpenAI, set up as docs/gateway.md says: one
 * keyless gateway whose inbound policy validates the caller's Entra token for the gateway's own
 * app registration (validate-azure-ad-token: tenant, audiences, client-application-ids, a
 * required role), then forwards the request to the backend resource with a token of its own
 * managed identity (authentication-managed-identity resource="https://cognitiveservices.azure.com").
 * Its refusals are APIM's own bodies; the backend's answers pass through unchanged.
 */
import { request } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { jwtVerify, type JWTPayload } from 'jose'
import type { AzureOpenAIEmulator } from './azure-openai.js'
import { CLIENT_ID, COGNITIVE_RESOURCE, PRINCIPAL_ID, TENANT_ID } from './constants.js'
import type { EntraEmulator } from './entra.js'
import { bearer, header, readBody, requestUrl, safeHeaders, sendJson } from './http.js'
import { peekClaims, signJwt, type SigningKey } from './keys.js'

/** The gateway's app registration: the token audience its policy accepts. */
const GATEWAY_APP_ID = '5f0c3e2a-7b14-4d8e-9c61-2a4b8d9e0f37'
const GATEWAY_APP_ID_URI = `api://${GATEWAY_APP_ID}`
export const GATEWAY_SCOPE = `${GATEWAY_APP_ID_URI}/.default`
/** The app role of the gateway's app the review identity must hold. */
export const GATEWAY_ROLE = 'Reviews.Invoke'
/** Object id of the gateway's managed identity, which holds the OpenAI role on the backend. */
export const GATEWAY_PRINCIPAL_ID = 'c81e5d3b-0a47-4f29-b6d2-7e93a1c4f058'

/** APIM's default answers of validate-azure-ad-token / validate-jwt and of a subscription check. */
export const JWT_NOT_PRESENT = { statusCode: 401, message: 'JWT not present.' } as const
export const INVALID_JWT = { statusCode: 401, message: 'Invalid JWT.' } as const
export const MISSING_SUBSCRIPTION_KEY = {
  statusCode: 401,
  message:
    'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
} as const

export interface ApimGatewayConfig {
  /** validate-azure-ad-token's tenant-id. */
  tenantId: string
  /** <audiences>: the gateway app's ID URI (v1 tokens) and client id (v2 tokens). */
  audiences: string[]
  /** <client-application-ids>: the callers' app ids (`appid` / `azp`). */
  clientApplicationIds: string[]
  /** <required-claims><claim name="roles" match="any">; empty: no role required. */
  requiredRoles: string[]
  /** The API's "Subscription required": a keyless gateway turns it off. */
  subscriptionRequired: boolean
  /** The backend resource's origin; the world sets it. */
  backend: string
}

export interface GatewayRequestRecord {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  /** Claims of the caller's bearer token (decoded even when refused). */
  readonly claims: Record<string, unknown> | undefined
  readonly status: number
  /** Whether the request passed the policy and went on to the backend. */
  readonly forwarded: boolean
}

function defaultApimGatewayConfig(): ApimGatewayConfig {
  return {
    tenantId: TENANT_ID,
    audiences: [GATEWAY_APP_ID_URI, GATEWAY_APP_ID],
    clientApplicationIds: [CLIENT_ID],
    requiredRoles: [GATEWAY_ROLE],
    subscriptionRequired: false,
    backend: ''
  }
}

/**
 * The Entra and Azure OpenAI side of docs/gateway.md: the gateway's app is known to the tenant,
 * the review identity holds its role (unless `role: false`), and the gateway's managed identity
 * holds Cognitive Services OpenAI User on the backend.
 */
export function setUpGateway(
  world: { entra: EntraEmulator; openai: AzureOpenAIEmulator },
  { role = true }: { role?: boolean } = {}
): void {
  world.entra.config.knownResources.push(GATEWAY_APP_ID_URI)
  if (role) {
    world.entra.config.appRoleAssignments.push({
      resource: GATEWAY_APP_ID_URI,
      principalId: PRINCIPAL_ID,
      role: GATEWAY_ROLE
    })
  }
  world.openai.config.roleAssignments.push(GATEWAY_PRINCIPAL_ID)
}

export class ApimGatewayEmulator {
  config: ApimGatewayConfig = defaultApimGatewayConfig()
  readonly requests: GatewayRequestRecord[] = []
  /** Tokens the gateway's managed identity used toward the backend, for leak scans. */
  readonly issued: string[] = []

  constructor(
    /** Entra's signing key: the policy validates with it, and the managed identity's tokens are signed with it. */
    private readonly entraKey: SigningKey,
    /** The test CA, which the gateway trusts when calling the backend. */
    private readonly caPem: string
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req)
    const body = await readBody(req)
    const token = bearer(req)
    const record = (status: number, forwarded: boolean): void => {
      this.requests.push({
        at: Date.now(),
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        headers: safeHeaders(req),
        claims: token ? peekClaims(token) : undefined,
        status,
        forwarded
      })
    }
    const refusal = await this.inbound(req, token)
    if (refusal) {
      record(401, false)
      sendJson(res, 401, refusal, { 'www-authenticate': 'Bearer' })
      return
    }
    const answer = await this.forward(req, url, body)
    record(answer.status, true)
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
  }

  /** The inbound policy, in APIM's order: subscription, then validate-azure-ad-token. */
  private async inbound(
    req: IncomingMessage,
    token: string | undefined
  ): Promise<Record<string, unknown> | undefined> {
    const { config } = this
    if (config.subscriptionRequired && !header(req, 'ocp-apim-subscription-key')) {
      return MISSING_SUBSCRIPTION_KEY
    }
    if (!token) return JWT_NOT_PRESENT
    let claims: JWTPayload
    try {
      ;({ payload: claims } = await jwtVerify(token, this.entraKey.publicKey, {
        algorithms: ['RS256']
      }))
    } catch {
      return INVALID_JWT
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    const caller = typeof claims.appid === 'string' ? claims.appid : claims.azp
    const roles = Array.isArray(claims.roles) ? (claims.roles as unknown[]) : []
    const valid =
      claims.tid === config.tenantId &&
      audiences.some((a) => a !== undefined && config.audiences.includes(a)) &&
      typeof caller === 'string' &&
      config.clientApplicationIds.includes(caller) &&
      (config.requiredRoles.length === 0 ||
        roles.some((r) => typeof r === 'string' && config.requiredRoles.includes(r)))
    return valid ? undefined : INVALID_JWT
  }

  /** authentication-managed-identity, then the backend: its answer passes through unchanged. */
  private async forward(
    req: IncomingMessage,
    url: URL,
    body: string
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const identityToken = await this.managedIdentityToken()
    const target = new URL(url.pathname + url.search, this.config.backend)
    return new Promise((resolve, reject) => {
      const outgoing = request(
        target,
        {
          method: req.method ?? 'POST',
          ca: this.caPem,
          headers: {
            'content-type': header(req, 'content-type') ?? 'application/json',
            'content-length': Buffer.byteLength(body).toString(),
            authorization: `Bearer ${identityToken}`
          }
        },
        (incoming) => {
          const chunks: Buffer[] = []
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
          incoming.on('end', () => {
            const headers: Record<string, string> = {}
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (
                typeof value === 'string' &&
                !['connection', 'transfer-encoding'].includes(name)
              ) {
                headers[name] = value
              }
            }
            resolve({ status: incoming.statusCode ?? 502, headers, body: Buffer.concat(chunks) })
          })
          incoming.on('error', reject)
        }
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }

  private async managedIdentityToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const sts = `https://sts.windows.net/${this.config.tenantId}/`
    const jwt = await signJwt(this.entraKey, {
      aud: COGNITIVE_RESOURCE,
      iss: sts,
      iat: now,
      nbf: now,
      exp: now + 3600,
      idtyp: 'app',
      oid: GATEWAY_PRINCIPAL_ID,
      sub: GATEWAY_PRINCIPAL_ID,
      tid: this.config.tenantId,
      uti: randomUUID(),
      ver: '1.0'
    })
    this.issued.push(jwt)
    return jwt
  }
}
