/**
 * Microsoft Entra ID for one or more tenants: OIDC discovery and the v2.0 token endpoint's
 * client-credentials grant with a federated (GitHub) client assertion. Checks run in the
 * order Entra's answers reveal, and each refusal is Entra's AADSTS body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import { compactVerify, decodeProtectedHeader, type CryptoKey, type JWTPayload } from 'jose'
import {
  AI_RESOURCE,
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_RESOURCE,
  GITHUB_ISSUER,
  OWNER,
  PRINCIPAL_ID,
  REPO,
  TENANT_ID
} from './constants.js'
import { entraInstant, sendEntraError } from './entra-errors.js'
import { header, readBody, requestUrl, safeHeaders, sendJson, sleep } from './http.js'
import { peekClaims, signJwt, type SigningKey } from './keys.js'

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const FIC_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'

export interface FederatedCredential {
  name: string
  issuer: string
  subject: string
  audiences: string[]
}

export interface EntraApp {
  clientId: string
  /** Object id of the service principal: `oid`/`sub` of the access tokens. */
  principalId: string
  displayName: string
  federatedCredentials: FederatedCredential[]
  /** Token requests that still fail although a credential matches (a credential created moments ago). */
  propagationFailures: number
  /**
   * What a credential still propagating is refused with: AADSTS70021, or AADSTS700213 as if its
   * subject did not match (both seen right after a credential is created). Default 70021.
   */
  propagationCode?: 70021 | 700213
}

/** An app role of a resource app held by a principal: app-only tokens for it carry `roles`. */
interface AppRoleAssignment {
  /** The resource's application ID URI, as the scope names it (`api://…`). */
  resource: string
  /** Object id of the service principal holding the role. */
  principalId: string
  /** The role's value, as the `roles` claim lists it. */
  role: string
}

export interface EntraTenant {
  tenantId: string
  displayName: string
  /** Verified domains that also name the tenant in an authority URL. */
  domains: string[]
  apps: EntraApp[]
}

export interface EntraConfig {
  tenants: EntraTenant[]
  /** Resources (application ID URIs) a `/.default` scope may name. */
  knownResources: string[]
  /** App roles held by principals, put in the `roles` claim of their tokens for that resource. */
  appRoleAssignments: AppRoleAssignment[]
  accessTokenLifetimeSeconds: number
  /** Leeway on the assertion's nbf/exp. */
  clockSkewSeconds: number
  /** Signing keys Entra would fetch for an external issuer (via its OIDC discovery). */
  issuerKeys: (issuer: string) => CryptoKey[] | undefined
  /** One-shot HTTP statuses answered by the token endpoint before any check (e.g. 503). */
  failures: number[]
  /** How long the token endpoint takes to answer. */
  latencyMs: number
  /** Entra's clock ahead of everyone else's (negative: behind): its tokens' times, its checks. */
  clockOffsetSeconds: number
}

export interface EntraRequestRecord {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly tenant: string
  readonly headers: Record<string, string>
  /** Form fields, client_assertion excluded (it is in `assertion`). */
  readonly form: Record<string, string>
  readonly assertion: string | undefined
  readonly assertionClaims: Record<string, unknown> | undefined
  readonly status: number
  /** AADSTS code of a refusal. */
  readonly errorCode: number | undefined
}

export interface IssuedAccessToken {
  readonly at: number
  readonly jwt: string
  readonly claims: JWTPayload & Record<string, unknown>
  readonly assertionClaims: Record<string, unknown>
}

export function defaultFederatedCredential(
  subject = `repo:${OWNER}/${REPO}:pull_request`
): FederatedCredential {
  return { name: 'github-pr', issuer: GITHUB_ISSUER, subject, audiences: [AZURE_AUDIENCE] }
}

function defaultEntraConfig(): EntraConfig {
  return {
    tenants: [
      {
        tenantId: TENANT_ID,
        displayName: 'Octo Org',
        domains: ['octoorg.onmicrosoft.com'],
        apps: [
          {
            clientId: CLIENT_ID,
            principalId: PRINCIPAL_ID,
            displayName: 'keyless-pr-review',
            federatedCredentials: [defaultFederatedCredential()],
            propagationFailures: 0
          }
        ]
      }
    ],
    // Azure Resource Manager exists in every tenant: a wrong `scope` gets a token, for ARM.
    knownResources: [COGNITIVE_RESOURCE, AI_RESOURCE, 'https://management.azure.com'],
    appRoleAssignments: [],
    accessTokenLifetimeSeconds: 3599,
    clockSkewSeconds: 5,
    issuerKeys: () => undefined,
    failures: [],
    latencyMs: 0,
    clockOffsetSeconds: 0
  }
}

/** A refusal found while checking a token request. */
interface Refusal {
  readonly error: string
  readonly code: number
  readonly message: string
}

const refuse = (error: string, code: number, message: string): Refusal => ({
  error,
  code,
  message
})

const missing = (name: string): Refusal =>
  refuse(
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`
  )

export class EntraEmulator {
  config: EntraConfig = defaultEntraConfig()
  readonly requests: EntraRequestRecord[] = []
  readonly issued: IssuedAccessToken[] = []

  constructor(readonly key: SigningKey) {}

  get tokensIssued(): number {
    return this.issued.length
  }

  tenant(idOrDomain: string = TENANT_ID): EntraTenant | undefined {
    const wanted = idOrDomain.toLowerCase()
    return this.config.tenants.find(
      (t) =>
        t.tenantId.toLowerCase() === wanted || t.domains.some((d) => d.toLowerCase() === wanted)
    )
  }

  /** The app registration, for tests to reconfigure (credentials, propagation, principal). */
  app(clientId: string = CLIENT_ID, tenantId: string = TENANT_ID): EntraApp {
    const app = this.tenant(tenantId)?.apps.find((a) => a.clientId === clientId)
    if (!app) throw new Error(`No app ${clientId} in tenant ${tenantId}`)
    return app
  }

  /**
   * A delegated (user) access token as `az account get-access-token` hands one out after
   * `az login`: signed by this tenant, for `resource`, carrying the user's object id.
   */
  async userToken(
    oid: string,
    resource: string,
    lifetimeSeconds = 3600
  ): Promise<{ jwt: string; expiresOn: number }> {
    const now = Math.floor(Date.now() / 1000)
    const sts = `https://sts.windows.net/${TENANT_ID}/`
    const claims = {
      aud: resource,
      iss: sts,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      amr: ['pwd', 'mfa'],
      appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', // the Azure CLI's public client
      idtyp: 'user',
      oid,
      scp: 'user_impersonation',
      sub: oid,
      tid: TENANT_ID,
      upn: 'alice@contoso.com',
      ver: '1.0'
    }
    const jwt = await signJwt(this.key, claims)
    this.issued.push({ at: Date.now(), jwt, claims, assertionClaims: {} })
    return { jwt, expiresOn: claims.exp }
  }

  jwks(): { keys: unknown[] } {
    return { keys: [this.key.jwk] }
  }

  /** Epoch milliseconds on Entra's clock. */
  private now(): number {
    return Date.now() + this.config.clockOffsetSeconds * 1000
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req)
    const segments = url.pathname.split('/').filter(Boolean)
    const [tenantSegment = '', ...rest] = segments
    const route = rest.join('/')
    if (req.method === 'GET' && tenantSegment === 'common' && route === 'discovery/instance') {
      this.instanceDiscovery(res, url)
      return
    }
    if (req.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
      this.openIdConfiguration(req, res, url, tenantSegment)
      return
    }
    if (req.method === 'GET' && route === 'discovery/v2.0/keys') {
      sendJson(res, 200, this.jwks())
      return
    }
    if (req.method === 'POST' && route === 'oauth2/v2.0/token') {
      await this.token(req, res, url, tenantSegment)
      return
    }
    sendJson(res, 404, { error: 'not_found', error_description: `No route ${url.pathname}` })
  }

  private instanceDiscovery(res: ServerResponse, url: URL): void {
    // Only asked when the client does not disable discovery; answer as for a custom cloud.
    sendJson(res, 200, {
      tenant_discovery_endpoint: `${url.origin}/{tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: url.host, preferred_cache: url.host, aliases: [url.host] }]
    })
  }

  private openIdConfiguration(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenantSegment: string
  ): void {
    const tenant = this.tenant(tenantSegment)
    if (!tenant) {
      sendEntraError(
        res,
        url.origin,
        'invalid_tenant',
        90002,
        tenantNotFound(tenantSegment),
        header(req, 'client-request-id')
      )
      return
    }
    const base = `${url.origin}/${tenant.tenantId}`
    sendJson(res, 200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic'
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'ver'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net'
    })
  }

  private async token(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenantSegment: string
  ): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)))
    const assertion = form.client_assertion
    const recordedForm = Object.fromEntries(
      Object.entries(form).filter(([name]) => name !== 'client_assertion')
    )
    const assertionClaims = assertion ? peekClaims(assertion) : undefined
    const correlationId = header(req, 'client-request-id') ?? randomUUID()
    if (this.config.latencyMs > 0) await sleep(this.config.latencyMs)
    const record = (status: number, errorCode?: number): void => {
      this.requests.push({
        at: Date.now(),
        method: req.method ?? 'POST',
        path: url.pathname,
        tenant: tenantSegment,
        headers: safeHeaders(req),
        form: recordedForm,
        assertion,
        assertionClaims,
        status,
        errorCode
      })
    }

    const failure = this.config.failures.shift()
    if (failure !== undefined) {
      record(failure)
      sendJson(res, failure, {
        error: 'temporarily_unavailable',
        error_description: 'Injected failure'
      })
      return
    }

    const outcome = await this.check(tenantSegment, form)
    if ('error' in outcome) {
      const body = sendEntraError(
        res,
        url.origin,
        outcome.error,
        outcome.code,
        outcome.message,
        correlationId
      )
      record(body.error === 'invalid_client' ? 401 : 400, outcome.code)
      return
    }
    const { tenant, app, resource, claims } = outcome
    const now = Math.floor(this.now() / 1000)
    const lifetime = this.config.accessTokenLifetimeSeconds
    const sts = `https://sts.windows.net/${tenant.tenantId}/`
    const roles = this.config.appRoleAssignments
      .filter((a) => a.resource === resource && a.principalId === app.principalId)
      .map((a) => a.role)
    const accessClaims = {
      aud: resource,
      iss: sts,
      iat: now,
      nbf: now,
      exp: now + lifetime,
      aio: randomBytes(24).toString('base64url'),
      appid: app.clientId,
      appidacr: '2',
      idp: sts,
      idtyp: 'app',
      oid: app.principalId,
      rh: `0.${randomBytes(18).toString('base64url')}.`,
      ...(roles.length > 0 ? { roles } : {}),
      sub: app.principalId,
      tid: tenant.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_ftd: randomBytes(24).toString('base64url')
    }
    const jwt = await signJwt(this.key, accessClaims)
    this.issued.push({ at: Date.now(), jwt, claims: accessClaims, assertionClaims: claims })
    record(200)
    sendJson(
      res,
      200,
      {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        ...(lifetime >= 7200 ? { refresh_in: Math.floor(lifetime / 2) } : {}),
        access_token: jwt
      },
      { 'client-request-id': correlationId, 'x-ms-request-id': randomUUID() }
    )
  }

  /** Every check of a client-credentials request with a federated assertion, in Entra's order. */
  private async check(
    tenantSegment: string,
    form: Record<string, string>
  ): Promise<
    | Refusal
    | { tenant: EntraTenant; app: EntraApp; resource: string; claims: Record<string, unknown> }
  > {
    const tenant = this.tenant(tenantSegment)
    if (!tenant) return refuse('invalid_tenant', 90002, tenantNotFound(tenantSegment))
    if (!form.grant_type) return missing('grant_type')
    if (form.grant_type !== 'client_credentials') {
      return refuse(
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.grant_type}'.`
      )
    }
    if (!form.client_id) return missing('client_id')
    const app = tenant.apps.find((a) => a.clientId.toLowerCase() === form.client_id?.toLowerCase())
    if (!app) {
      return refuse(
        'unauthorized_client',
        700016,
        `Application with identifier '${form.client_id}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      )
    }
    if (!form.scope) return missing('scope')
    const scopes = form.scope.split(' ').filter(Boolean)
    const [scope] = scopes
    if (scopes.length !== 1 || !scope?.endsWith('/.default')) {
      return refuse(
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
      )
    }
    if (form.client_secret) {
      return refuse(
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`
      )
    }
    const assertion = form.client_assertion
    if (!assertion || form.client_assertion_type !== JWT_BEARER) {
      return refuse(
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      )
    }

    const claims = peekClaims(assertion)
    if (!claims) return refuse('invalid_request', 50027, 'JWT token is invalid or malformed.')
    const issuer = typeof claims.iss === 'string' ? claims.iss : ''
    const byIssuer = app.federatedCredentials.filter((c) => c.issuer === issuer)
    const keys = this.config.issuerKeys(issuer)
    if (!keys && byIssuer.length === 0) return noIssuer(issuer)
    const signature = await verifySignature(assertion, keys ?? [])
    if (signature) return signature

    const now = this.now()
    const skew = this.config.clockSkewSeconds
    const exp = typeof claims.exp === 'number' ? claims.exp : 0
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0
    if (now / 1000 > exp + skew || now / 1000 < nbf - skew) {
      return refuse(
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${entraInstant(new Date(now))}, assertion valid from ${entraInstant(new Date(nbf * 1000))}, expiry time of assertion ${entraInstant(new Date(exp * 1000))}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`
      )
    }

    if (byIssuer.length === 0) return noIssuer(issuer)
    const subject = typeof claims.sub === 'string' ? claims.sub : ''
    const bySubject = byIssuer.filter((c) => c.subject === subject)
    if (bySubject.length === 0) {
      const ignoringCase = byIssuer.some((c) => c.subject.toLowerCase() === subject.toLowerCase())
      return ignoringCase
        ? refuse(
            'invalid_client',
            7002138,
            `No matching federated identity record found for presented assertion subject '${subject}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: ${FIC_DOCS}.`
          )
        : subjectNotFound(subject)
    }
    const audiences = Array.isArray(claims.aud)
      ? claims.aud.filter((a): a is string => typeof a === 'string')
      : typeof claims.aud === 'string'
        ? [claims.aud]
        : []
    const match = bySubject.find((c) => c.audiences.some((a) => audiences.includes(a)))
    if (!match) {
      return refuse(
        'invalid_client',
        700212,
        `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FIC_DOCS}`
      )
    }
    if (app.propagationFailures > 0) {
      app.propagationFailures -= 1
      return app.propagationCode === 700213
        ? subjectNotFound(subject)
        : refuse(
            'invalid_request',
            70021,
            `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audiences.join(',')}'. ${FIC_DOCS}`
          )
    }

    const resource = scope.slice(0, -'/.default'.length)
    if (!this.config.knownResources.includes(resource)) {
      return refuse(
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`
      )
    }
    return { tenant, app, resource, claims }
  }
}

function tenantNotFound(tenant: string): string {
  return `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`
}

function subjectNotFound(subject: string): Refusal {
  return refuse(
    'invalid_client',
    700213,
    `No matching federated identity record found for presented assertion subject '${subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FIC_DOCS}`
  )
}

function noIssuer(issuer: string): Refusal {
  return refuse(
    'invalid_client',
    700211,
    `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FIC_DOCS}`
  )
}

async function verifySignature(
  jwt: string,
  keys: readonly CryptoKey[]
): Promise<Refusal | undefined> {
  let kid: string
  try {
    kid = decodeProtectedHeader(jwt).kid ?? ''
  } catch {
    return refuse('invalid_request', 50027, 'JWT token is invalid or malformed.')
  }
  for (const key of keys) {
    try {
      await compactVerify(jwt, key, { algorithms: ['RS256'] })
      return undefined
    } catch {
      // Try the issuer's next key, as Entra does across a JWKS.
    }
  }
  return refuse(
    'invalid_client',
    50013,
    `Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${kid}']`
  )
}
