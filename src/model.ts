/**
 * The model port: a chat request and its answer. A refusal of one request (too long, filtered,
 * no structured outputs) arrives as a ModelRefusal (errors.ts).
 * chain/openai.ts serves it from Azure OpenAI; the tasks in review/ call it without knowing the
 * Azure client. A broken chain (auth, role, deployment, network) arrives as a StageError
 * (errors.ts) instead, and stops the run.
 */

interface ChatMessage {
  readonly role: 'system' | 'user'
  readonly content: string
}

/** A strict JSON schema the answer must follow (structured outputs). */
export interface AnswerSchema {
  readonly name: string
  readonly schema: Readonly<Record<string, unknown>>
}

export interface ChatRequest {
  readonly deployment: string
  readonly messages: readonly ChatMessage[]
  readonly maxOutputTokens: number
  readonly temperature?: number
  /** `json_schema` with this schema; `'json_object'`: any JSON object (the schema is in the prompt). */
  readonly answer?: AnswerSchema | 'json_object'
}

export interface ChatResult {
  readonly content: string
  /** `stop`, `length` (cut at maxOutputTokens), `content_filter`… */
  readonly finishReason: string
  readonly model: string
  readonly promptTokens: number
  readonly completionTokens: number
}

export interface Model {
  complete(request: ChatRequest): Promise<ChatResult>
}
