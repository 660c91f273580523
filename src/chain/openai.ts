/**
 * The model port (model.ts) over Azure OpenAI chat completions with an Entra bearer token. The
 * v1 API by default (`{endpoint}/openai/v1/`, deployment as `model`); the classic deployments
 * API when an api-version is set. Both through the plain `OpenAI` client with every option
 * explicit, so ambient OPENAI_* / AZURE_OPENAI_* variables can neither redirect nor re-key it.
 * The prompt (the pull request's code) and the token go to the https endpoint and nowhere
 * else: a redirect is not followed but fails the request, for diagnosis/openai.ts to explain.
 */
import * as core from '@actions/core'
import OpenAI, { APIError } from 'openai'
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources'
import { causeChain, ConfigError, ModelRefusal, StageError, type RefusalKind } from '../errors.js'
import type { ChatRequest, ChatResult, Model } from '../model.js'
import type { ModelConfig } from '../settings.js'

/** The SDK retries 408/409/429/5xx and connection errors, honouring retry-after-ms/retry-after. */
const MAX_RETRIES = 4
/** Headers that must never leave: this action is keyless, whatever the environment says. */
const FORBIDDEN_HEADERS = ['api-key', 'openai-organization', 'openai-project'] as const

export class ModelClient implements Model {
  private readonly clients = new Map<string, OpenAI>()
  /** Deployments found to be reasoning models: they take no temperature. */
  private readonly reasoning = new Set<string>()

  constructor(
    private readonly model: ModelConfig,
    private readonly getToken: () => Promise<string>
  ) {
    // inputs.ts refuses such an endpoint already; this client never relies on it.
    if (!/^https:\/\//i.test(model.endpoint)) {
      throw new ConfigError(
        `endpoint: got '${model.endpoint}'; the model client sends the prompt and the token over https only.`,
        'Set the `endpoint` input to the resource’s https address, e.g. https://NAME.openai.azure.com.'
      )
    }
  }

  async complete(request: ChatRequest): Promise<ChatResult> {
    try {
      return await this.send(request)
    } catch (error) {
      if (isTemperatureRefusal(error) && !this.reasoning.has(request.deployment)) {
        core.info(
          `Deployment '${request.deployment}' is a reasoning model: sending no temperature.`
        )
        this.reasoning.add(request.deployment)
        return this.complete(request)
      }
      const refusal = refusalOf(error)
      if (refusal) throw new ModelRefusal(refusal, refusalText(refusal), { cause: error })
      // The token provider's own failure (Entra, the ID token) is already a StageError.
      const stage = [...causeChain(error)].find((e) => e instanceof StageError)
      throw stage ?? new StageError('openai', `call deployment '${request.deployment}'`, error)
    }
  }

  private async send(request: ChatRequest): Promise<ChatResult> {
    const params: ChatCompletionCreateParamsNonStreaming = {
      model: request.deployment,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      // max_completion_tokens works for every current model; max_tokens is refused by reasoning ones.
      max_completion_tokens: request.maxOutputTokens
    }
    if (request.temperature !== undefined && !this.reasoning.has(request.deployment)) {
      params.temperature = request.temperature
    }
    if (request.answer === 'json_object') params.response_format = { type: 'json_object' }
    else if (request.answer) {
      params.response_format = {
        type: 'json_schema',
        json_schema: {
          name: request.answer.name,
          strict: true,
          schema: { ...request.answer.schema }
        }
      }
    }
    const completion = await this.client(request.deployment).chat.completions.create(params)
    const choice = completion.choices[0]
    return {
      content: choice?.message.content ?? '',
      finishReason: choice?.finish_reason ?? 'unknown',
      model: completion.model,
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0
    }
  }

  private client(deployment: string): OpenAI {
    const key = this.model.apiVersion ? deployment : ''
    let client = this.clients.get(key)
    if (!client) {
      client = this.newClient(deployment)
      this.clients.set(key, client)
    }
    return client
  }

  private newClient(deployment: string): OpenAI {
    const { endpoint, apiVersion, requestTimeoutMs } = this.model
    return new OpenAI({
      baseURL: apiVersion
        ? `${endpoint}/openai/deployments/${encodeURIComponent(deployment)}`
        : `${endpoint}/openai/v1`,
      ...(apiVersion ? { defaultQuery: { 'api-version': apiVersion } } : {}),
      // Called for every request, retries included: the provider caches and refreshes.
      apiKey: this.getToken,
      organization: null,
      project: null,
      webhookSecret: null,
      timeout: requestTimeoutMs,
      maxRetries: MAX_RETRIES,
      logLevel: 'warn',
      logger: {
        debug: (message: string) => core.debug(message),
        info: (message: string) => core.debug(message),
        warn: (message: string) => core.warning(message),
        error: (message: string) => core.error(message)
      },
      fetch: keylessFetch
    })
  }
}

/**
 * Strips key headers (OPENAI_CUSTOM_HEADERS could add one), follows no redirect (fetch would
 * send the prompt again to wherever a 307 points; the SDK turns the 3xx into an APIError that
 * it does not retry), and logs what the SDK will retry.
 */
const keylessFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const headers = new Headers(init?.headers)
  for (const name of FORBIDDEN_HEADERS) headers.delete(name)
  const response = await fetch(url, { ...init, headers, redirect: 'manual' })
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    const wait = response.headers.get('retry-after-ms') ?? response.headers.get('retry-after')
    core.info(
      `Azure OpenAI answered ${response.status}${wait ? ` (retry after ${wait}${response.headers.has('retry-after-ms') ? ' ms' : ' s'})` : ''}.`
    )
  }
  return response
}

function isTemperatureRefusal(error: unknown): boolean {
  return error instanceof APIError && error.status === 400 && error.param === 'temperature'
}

/** A 400 that concerns this request only; the chain itself works. */
function refusalOf(error: unknown): RefusalKind | undefined {
  if (!(error instanceof APIError) || error.status !== 400) return undefined
  if (error.code === 'context_length_exceeded') return 'too-long'
  if (error.code === 'content_filter') return 'filtered'
  // A deployment (or api-version) without structured outputs names the parameter it refuses.
  if (error.param === 'response_format' || /response_format|json_schema/i.test(error.message)) {
    return 'no-json-schema'
  }
  return undefined
}

function refusalText(kind: RefusalKind): string {
  switch (kind) {
    case 'too-long':
      return 'too long for the model’s context window'
    case 'filtered':
      return 'the prompt was blocked by the content filter'
    case 'no-json-schema':
      return 'the deployment does not support structured outputs (json_schema)'
  }
}
