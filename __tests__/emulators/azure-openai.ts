/**
 * An Azure OpenAI resource with local auth disabled: chat completions on the v1 and the
 * classic (deployments + api-version) paths, Entra bearer tokens checked for signature,
 * expiry, audience, tenant and role, and the refusals the real service answers with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import { jwtVerify, type JWTPayload } from 'jose'
import {
  AI_RESOURCE,
  COGNITIVE_RESOURCE,
  DEPLOYMENT,
  PRINCIPAL_ID,
  REASONING_DEPLOYMENT,
  TENANT_ID
} from './constants.js'
import { bearer, header, readBody, requestUrl, safeHeaders, sendJson, sleep } from './http.js'
import { peekClaims, type SigningKey } from './keys.js'
import * as shapes from './openai-shapes.js'
import { exampleFromSchema } from './schema-example.js'

export interface DeploymentSpec {
  /** Base model, e.g. `gpt-4o`, `o4-mini`. */
  model: string
  /** What the `model` field of answers says; defaults to a dated version of `model`. */
  modelVersion?: string
  /** Reasoning models refuse `max_tokens` and any temperature but 1. */
  reasoning?: boolean
  contextWindow?: number
  supportsJsonSchema?: boolean
}

export type Fault =
  | { kind: 'rate-limit'; retryAfterMs?: number }
  | { kind: 'server-error'; status?: 500 | 502 | 503 }
  | { kind: 'context-length' }
  | { kind: 'prompt-filter'; category?: string }
  | { kind: 'completion-filter'; category?: string }
  /** The connection is cut without an answer, as a reset between client and service does. */
  | { kind: 'reset' }
  /** No answer at all, until the client gives up and closes the connection. */
  | { kind: 'hang' }
  /** Answered 200 with this content instead of the responder's (JSON the schema refuses). */
  | { kind: 'answer'; content: unknown }

/** Every request answered with a redirect, before anything is checked (a proxy or a moved host). */
interface Redirect {
  status: 301 | 302 | 303 | 307 | 308
  location: string
}

export interface ChatMessage {
  role: string
  content?: unknown
  [key: string]: unknown
}

export interface ChatBody {
  model?: string
  messages?: ChatMessage[]
  temperature?: number
  max_tokens?: number
  max_completion_tokens?: number
  response_format?: { type: string; json_schema?: { name?: string; schema?: unknown } }
  stream?: boolean
  [key: string]: unknown
}

/** What a responder sees of one chat completion request. */
export interface ChatRequest {
  readonly deployment: string
  readonly spec: DeploymentSpec
  readonly api: 'v1' | 'classic'
  readonly apiVersion: string | undefined
  readonly body: ChatBody
  readonly messages: readonly ChatMessage[]
  /** Text of the system and user messages, concatenated per role. */
  readonly system: string
  readonly user: string
  readonly claims: JWTPayload
  /** 1-based index among successful-path requests, for deterministic varied answers. */
  readonly index: number
}

/** The assistant's content: a string is sent as is, anything else as JSON. */
export type Responder = (request: ChatRequest) => unknown

export interface AzureOpenAIConfig {
  deployments: Record<string, DeploymentSpec>
  /** Principal (object) ids holding "Cognitive Services OpenAI User" on the resource. */
  roleAssignments: string[]
  /** Accepted `aud` values of bearer tokens. */
  audiences: string[]
  /** The resource's tenant: tokens from any other are refused. */
  tenantId: string
  /** Classic-path api-versions the resource knows. */
  apiVersions: string[]
  /**
   * How an unknown classic api-version is answered: 404 "Resource not found" (the route is not
   * found), or 400 "API version not supported" as some resources and gateways answer.
   */
  unknownApiVersion: 'not-found' | 'not-supported'
  /**
   * The resource has a custom subdomain: without one (a regional endpoint, or a gateway whose
   * backend is one) an Entra token is refused with 400 "Please provide a custom subdomain…".
   */
  customSubdomain: boolean
  /** Local (key) auth disabled, as recommended; with it enabled these keys work. */
  localAuthDisabled: boolean
  apiKeys: string[]
  publicNetworkAccess: boolean
  firewallBlocked: boolean
  latencyMs: number | ((request: ChatRequest) => number)
  respond: Responder
  /** One-shot faults, taken in order by the next requests that pass auth and validation. */
  faults: Fault[]
  /** A fault for a request that finds `faults` empty (a fault on every third request). */
  faultFor: (request: ChatRequest) => Fault | undefined
  redirect: Redirect | undefined
  /**
   * Leeway on a bearer token's nbf and exp, for another service's clock. 0 by default: an
   * expired token is refused at once; Microsoft's services allow up to five minutes.
   */
  clockToleranceSeconds: number
  region: string
  countTokens: (text: string) => number
}

export interface OpenAIRequestRecord {
  readonly at: number
  readonly method: string
  readonly path: string
  api: 'v1' | 'classic' | undefined
  readonly apiVersion: string | undefined
  deployment: string | undefined
  readonly headers: Record<string, string>
  body: ChatBody | undefined
  /** Claims of the bearer token (decoded even when refused). */
  readonly claims: Record<string, unknown> | undefined
  status: number
  /** `error.code` of a refusal. */
  errorCode: string | undefined
  promptTokens: number
  completionTokens: number
  durationMs: number
  /** The assistant's content as sent, for a completion answered 200. */
  content: string | undefined
}

/** About four characters per token: close enough to test packing logic against. */
function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

const KNOWN_API_VERSIONS = [
  '2024-02-01',
  '2024-06-01',
  '2024-08-01-preview',
  '2024-10-21',
  '2024-12-01-preview',
  '2025-01-01-preview',
  '2025-03-01-preview',
  '2025-04-01-preview'
]

function defaultResponder(request: ChatRequest): unknown {
  const format = request.body.response_format
  if (format?.type === 'json_schema') return exampleFromSchema(format.json_schema?.schema)
  if (format?.type === 'json_object') return {}
  return `Deterministic answer from ${request.deployment} (#${request.index}).`
}

export function defaultAzureOpenAIConfig(): AzureOpenAIConfig {
  return {
    deployments: {
      [DEPLOYMENT]: {
        model: 'gpt-4o',
        modelVersion: 'gpt-4o-2024-11-20',
        contextWindow: 128000,
        supportsJsonSchema: true
      },
      [REASONING_DEPLOYMENT]: {
        model: 'o4-mini',
        modelVersion: 'o4-mini-2025-04-16',
        reasoning: true,
        contextWindow: 200000,
        supportsJsonSchema: true
      }
    },
    roleAssignments: [PRINCIPAL_ID],
    audiences: [COGNITIVE_RESOURCE, AI_RESOURCE],
    tenantId: TENANT_ID,
    apiVersions: [...KNOWN_API_VERSIONS],
    unknownApiVersion: 'not-found',
    customSubdomain: true,
    localAuthDisabled: true,
    apiKeys: [],
    publicNetworkAccess: true,
    firewallBlocked: false,
    latencyMs: 0,
    respond: defaultResponder,
    faults: [],
    faultFor: () => undefined,
    redirect: undefined,
    clockToleranceSeconds: 0,
    region: 'Sweden Central',
    countTokens: approximateTokens
  }
}

/** A request left without an answer, the connection cut or held open. */
class NoAnswer extends Error {
  constructor(readonly kind: 'reset' | 'hang') {
    super(kind)
  }
}

/** A request is answered with this; thrown inside the handler to stop at the first refusal. */
class Answer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {}
  ) {
    super(`HTTP ${status}`)
  }
}

function errorCodeOf(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | undefined)?.error
  if (error && (typeof error.code === 'string' || error.code === null))
    return error.code ?? undefined
  const status = (body as { statusCode?: unknown } | undefined)?.statusCode
  return typeof status === 'number' ? String(status) : undefined
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''
      )
      .join('')
  }
  return ''
}

export class AzureOpenAIEmulator {
  config: AzureOpenAIConfig = defaultAzureOpenAIConfig()
  readonly requests: OpenAIRequestRecord[] = []
  /** Chat completions answered 200. */
  completions = 0
  promptTokens = 0
  completionTokens = 0
  /** Most model requests being worked on at the same moment (during the latency). */
  maxInFlight = 0
  private inFlight = 0
  private served = 0

  constructor(readonly entraKey: SigningKey) {}

  get calls(): number {
    return this.requests.length
  }

  /** Queues one-shot faults for the next requests. */
  pushFault(...faults: Fault[]): void {
    this.config.faults.push(...faults)
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const url = requestUrl(req)
    const raw = await readBody(req)
    const token = bearer(req)
    const record: OpenAIRequestRecord = {
      at: started,
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      api: undefined,
      apiVersion: url.searchParams.get('api-version') ?? undefined,
      deployment: undefined,
      headers: safeHeaders(req),
      body: undefined,
      claims: token ? peekClaims(token) : undefined,
      status: 0,
      errorCode: undefined,
      promptTokens: 0,
      completionTokens: 0,
      durationMs: 0,
      content: undefined
    }
    this.requests.push(record)
    const requestId = randomUUID()
    const common: Record<string, string> = {
      'apim-request-id': requestId,
      'x-request-id': requestId,
      'x-ms-region': this.config.region,
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=31536000; includeSubDomains; preload'
    }
    const clientRequestId = header(req, 'x-ms-client-request-id')
    if (clientRequestId) common['x-ms-client-request-id'] = clientRequestId
    let answer: Answer
    try {
      answer = await this.process(req, url, raw, token, record)
    } catch (thrown) {
      if (thrown instanceof NoAnswer) {
        await this.leaveUnanswered(thrown.kind, req, res, record, started)
        return
      }
      if (!(thrown instanceof Answer)) throw thrown
      answer = thrown
    }
    record.status = answer.status
    record.errorCode = answer.status === 200 ? undefined : errorCodeOf(answer.body)
    record.durationMs = Date.now() - started
    sendJson(res, answer.status, answer.body, { ...common, ...answer.headers })
  }

  /** A reset cuts the connection at once; a hang holds it until the client closes it. */
  private async leaveUnanswered(
    kind: 'reset' | 'hang',
    req: IncomingMessage,
    res: ServerResponse,
    record: OpenAIRequestRecord,
    started: number
  ): Promise<void> {
    record.errorCode = kind
    if (kind === 'reset') req.socket.destroy()
    else await new Promise((resolve) => res.once('close', resolve))
    record.durationMs = Date.now() - started
  }

  private async process(
    req: IncomingMessage,
    url: URL,
    raw: string,
    token: string | undefined,
    record: OpenAIRequestRecord
  ): Promise<Answer> {
    const { config } = this
    if (config.redirect) {
      throw new Answer(
        config.redirect.status,
        { message: 'Moved' },
        { location: config.redirect.location }
      )
    }
    if (!config.publicNetworkAccess) throw new Answer(403, shapes.PUBLIC_ACCESS_DISABLED)
    if (config.firewallBlocked) throw new Answer(403, shapes.FIREWALL_DENIED)

    const apiKey = header(req, 'api-key')
    let claims: JWTPayload = {}
    if (apiKey === undefined && !config.customSubdomain) {
      throw new Answer(400, shapes.CUSTOM_SUBDOMAIN_REQUIRED)
    }
    if (apiKey !== undefined) {
      if (config.localAuthDisabled) throw new Answer(401, shapes.KEY_AUTH_DISABLED)
      if (!config.apiKeys.includes(apiKey)) throw new Answer(401, shapes.INVALID_KEY)
    } else {
      claims = await this.verifyBearer(token)
    }

    const route = this.route(req, url)
    record.api = route.api
    if (apiKey === undefined) {
      const oid = typeof claims.oid === 'string' ? claims.oid : ''
      if (!config.roleAssignments.includes(oid)) throw new Answer(401, shapes.PERMISSION_DENIED)
    }

    let body: ChatBody
    try {
      body = JSON.parse(raw) as ChatBody
    } catch {
      throw new Answer(
        400,
        shapes.modelError('We could not parse the JSON body of your request.', null, null)
      )
    }
    record.body = body
    const deployment = route.deployment ?? body.model
    record.deployment = deployment
    if (!deployment) {
      throw new Answer(
        400,
        shapes.modelError(
          "Missing required parameter: 'model'.",
          'model',
          'missing_required_parameter'
        )
      )
    }
    const spec = config.deployments[deployment]
    if (!spec) throw new Answer(404, shapes.DEPLOYMENT_NOT_FOUND)
    const request = this.validate(body, deployment, spec, route, claims)

    const promptTokens = this.countPrompt(request.messages)
    const fault = config.faults.shift() ?? config.faultFor(request)
    const latency =
      typeof config.latencyMs === 'function' ? config.latencyMs(request) : config.latencyMs
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (latency > 0) await sleep(latency)
    } finally {
      this.inFlight -= 1
    }
    const window = spec.contextWindow ?? 128000
    const requested = body.max_completion_tokens ?? body.max_tokens ?? 0
    if (fault?.kind === 'context-length') {
      throw new Answer(400, shapes.contextLengthExceeded(window, window + promptTokens, 0))
    }
    if (promptTokens + requested > window) {
      throw new Answer(400, shapes.contextLengthExceeded(window, promptTokens, requested))
    }
    if (fault) this.throwFault(fault, route.apiVersion ?? 'v1')

    const answer = fault?.kind === 'answer' ? fault.content : await config.respond(request)
    const content = this.contentFor(request, answer)
    const filtered = fault?.kind === 'completion-filter'
    const finalContent = filtered ? content.slice(0, Math.floor(content.length / 2)) : content
    const reasoningTokens = spec.reasoning ? 64 : 0
    const completionTokens = config.countTokens(finalContent) + reasoningTokens
    record.promptTokens = promptTokens
    record.completionTokens = completionTokens
    record.content = finalContent
    this.completions += 1
    this.promptTokens += promptTokens
    this.completionTokens += completionTokens
    return new Answer(
      200,
      this.completion(
        request,
        finalContent,
        filtered ? (fault.category ?? 'violence') : undefined,
        {
          promptTokens,
          completionTokens,
          reasoningTokens
        }
      ),
      {
        'x-ratelimit-limit-requests': '1000',
        'x-ratelimit-limit-tokens': '1000000',
        'x-ratelimit-remaining-requests': '999',
        'x-ratelimit-remaining-tokens': String(1000000 - promptTokens - completionTokens),
        'x-ms-deployment-name': deployment,
        'x-envoy-upstream-service-time': String(latency + 5)
      }
    )
  }

  private async verifyBearer(token: string | undefined): Promise<JWTPayload> {
    if (!token) throw new Answer(401, shapes.UNAUTHORIZED)
    let payload: JWTPayload
    try {
      // No clock tolerance unless configured: an expired token is refused at once.
      ;({ payload } = await jwtVerify(token, this.entraKey.publicKey, {
        algorithms: ['RS256'],
        clockTolerance: this.config.clockToleranceSeconds
      }))
    } catch {
      throw new Answer(401, shapes.UNAUTHORIZED)
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
    if (!audiences.some((a) => a !== undefined && this.config.audiences.includes(a))) {
      throw new Answer(401, shapes.UNAUTHORIZED)
    }
    if (payload.tid !== this.config.tenantId) throw new Answer(401, shapes.UNAUTHORIZED)
    return payload
  }

  private route(
    req: IncomingMessage,
    url: URL
  ): { api: 'v1' | 'classic'; deployment: string | undefined; apiVersion: string | undefined } {
    const apiVersion = url.searchParams.get('api-version') ?? undefined
    if (req.method === 'POST' && url.pathname === '/openai/v1/chat/completions') {
      // The v1 API takes no dated version.
      if (apiVersion !== undefined) throw new Answer(400, shapes.API_VERSION_NOT_SUPPORTED)
      return { api: 'v1', deployment: undefined, apiVersion: undefined }
    }
    const classic = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname)
    if (req.method === 'POST' && classic?.[1] && apiVersion) {
      if (this.config.apiVersions.includes(apiVersion)) {
        return { api: 'classic', deployment: decodeURIComponent(classic[1]), apiVersion }
      }
      if (this.config.unknownApiVersion === 'not-supported') {
        throw new Answer(400, shapes.API_VERSION_NOT_SUPPORTED)
      }
    }
    throw new Answer(404, shapes.NOT_FOUND)
  }

  private validate(
    body: ChatBody,
    deployment: string,
    spec: DeploymentSpec,
    route: { api: 'v1' | 'classic'; apiVersion: string | undefined },
    claims: JWTPayload
  ): ChatRequest {
    if (body.stream) {
      throw new Answer(
        400,
        shapes.modelError('Emulator: streaming is not supported.', 'stream', null)
      )
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw new Answer(
        400,
        shapes.modelError(
          "Missing required parameter: 'messages'.",
          'messages',
          'missing_required_parameter'
        )
      )
    }
    if (spec.reasoning && body.max_tokens !== undefined) {
      throw new Answer(
        400,
        shapes.modelError(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          'max_tokens',
          'unsupported_parameter'
        )
      )
    }
    if (spec.reasoning && body.temperature !== undefined && body.temperature !== 1) {
      throw new Answer(
        400,
        shapes.modelError(
          `Unsupported value: 'temperature' does not support ${body.temperature} with this model. Only the default (1) value is supported.`,
          'temperature',
          'unsupported_value'
        )
      )
    }
    if (body.response_format?.type === 'json_schema') {
      if (route.api === 'classic' && (route.apiVersion ?? '') < '2024-08-01-preview') {
        throw new Answer(
          400,
          shapes.gatewayError(
            'BadRequest',
            'response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later'
          )
        )
      }
      if (spec.supportsJsonSchema === false) {
        throw new Answer(
          400,
          shapes.modelError(
            "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
            null,
            null
          )
        )
      }
    }
    const messages = body.messages
    const join = (role: string): string =>
      messages
        .filter((m) => m.role === role)
        .map((m) => textOf(m.content))
        .join('\n\n')
    this.served += 1
    return {
      deployment,
      spec,
      api: route.api,
      apiVersion: route.apiVersion,
      body,
      messages,
      system: [join('system'), join('developer')].filter(Boolean).join('\n\n'),
      user: join('user'),
      claims,
      index: this.served
    }
  }

  /** Per-message overhead as OpenAI counts it: 3 tokens a message, 3 to prime the reply. */
  private countPrompt(messages: readonly ChatMessage[]): number {
    return messages.reduce((sum, m) => sum + 3 + this.config.countTokens(textOf(m.content)), 3)
  }

  private throwFault(fault: Fault, apiVersion: string): void {
    switch (fault.kind) {
      case 'rate-limit': {
        const ms = fault.retryAfterMs ?? 100
        const seconds = Math.max(1, Math.ceil(ms / 1000))
        throw new Answer(429, shapes.rateLimited(apiVersion, seconds), {
          'retry-after': String(seconds),
          'retry-after-ms': String(ms),
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-remaining-tokens': '0'
        })
      }
      case 'server-error': {
        const status = fault.status ?? 500
        throw new Answer(status, shapes.serverError(status))
      }
      case 'prompt-filter':
        throw new Answer(400, shapes.promptFiltered(fault.category))
      case 'reset':
      case 'hang':
        throw new NoAnswer(fault.kind)
      default:
        return
    }
  }

  private contentFor(request: ChatRequest, result: unknown): string {
    if (typeof result === 'string') return result
    return JSON.stringify(result ?? defaultResponder(request))
  }

  private completion(
    request: ChatRequest,
    content: string,
    filteredCategory: string | undefined,
    usage: { promptTokens: number; completionTokens: number; reasoningTokens: number }
  ): unknown {
    return {
      id: `chatcmpl-${randomBytes(22).toString('base64url').replace(/[-_]/g, 'x')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.spec.modelVersion ?? request.spec.model,
      system_fingerprint: 'fp_ee1d74bde0',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: shapes.filterResults() }],
      choices: [
        {
          index: 0,
          finish_reason: filteredCategory ? 'content_filter' : 'stop',
          logprobs: null,
          message: { role: 'assistant', content, refusal: null, annotations: [] },
          content_filter_results: shapes.filterResults(filteredCategory)
        }
      ],
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
        prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
        completion_tokens_details: {
          accepted_prediction_tokens: 0,
          audio_tokens: 0,
          reasoning_tokens: usage.reasoningTokens,
          rejected_prediction_tokens: 0
        }
      }
    }
  }
}
