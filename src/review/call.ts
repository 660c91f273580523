/**
 * One call to the model, the same for every request a run makes (a part of the review, the
 * overview's composition, a question): the system and user prompts at one temperature, timed.
 * A refusal of this one request (ModelRefusal: too long, filtered, no structured outputs) comes
 * back as data, for the caller to handle as that request's; a broken chain (StageError) and
 * anything else throw.
 */
import { ModelRefusal } from '../errors.js'
import type { AnswerSchema, ChatResult, Model } from '../model.js'

/** Reviews and answers want the model's most likely reading, with a little room. */
const TEMPERATURE = 0.2

export interface Call {
  readonly deployment: string
  readonly system: string
  readonly user: string
  readonly maxOutputTokens: number
  /** The answer's shape; plain text (Markdown) when left out. */
  readonly answer?: AnswerSchema | 'json_object'
}

export type Called =
  | { readonly result: ChatResult; readonly durationMs: number }
  | { readonly refused: ModelRefusal; readonly durationMs: number }

export async function callModel(model: Model, call: Call): Promise<Called> {
  const started = Date.now()
  try {
    const result = await model.complete({
      deployment: call.deployment,
      messages: [
        { role: 'system', content: call.system },
        { role: 'user', content: call.user }
      ],
      maxOutputTokens: call.maxOutputTokens,
      temperature: TEMPERATURE,
      ...(call.answer ? { answer: call.answer } : {})
    })
    return { result, durationMs: Date.now() - started }
  } catch (error) {
    if (!(error instanceof ModelRefusal)) throw error
    return { refused: error, durationMs: Date.now() - started }
  }
}

/** What a run's requests cost, summed over their parts (a part may have made several calls). */
export function usageOf(
  parts: readonly {
    readonly promptTokens: number
    readonly completionTokens: number
    readonly requests: number
  }[]
): { promptTokens: number; completionTokens: number; requests: number } {
  const sum = (key: 'promptTokens' | 'completionTokens' | 'requests'): number =>
    parts.reduce((n, p) => n + p[key], 0)
  return {
    promptTokens: sum('promptTokens'),
    completionTokens: sum('completionTokens'),
    requests: sum('requests')
  }
}
