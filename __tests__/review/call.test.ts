/** One call to the model through the port: what is sent, and a refusal returned as data. */
import { describe, expect, it } from '@jest/globals'
import { ModelRefusal, StageError } from '../../src/errors.js'
import type { ChatRequest, ChatResult, Model } from '../../src/model.js'
import { callModel, usageOf } from '../../src/review/call.js'

const RESULT: ChatResult = {
  content: 'ok',
  finishReason: 'stop',
  model: 'gpt-4o',
  promptTokens: 10,
  completionTokens: 2
}

/** The port answering with `answer` (or throwing it), keeping what it was asked. */
function port(answer: ChatResult | Error): Model & { asked: ChatRequest[] } {
  const asked: ChatRequest[] = []
  return {
    asked,
    complete(request) {
      asked.push(request)
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
    }
  }
}

describe('callModel', () => {
  it('sends the system and user prompts, the output limit and the answer shape, at one temperature', async () => {
    const model = port(RESULT)
    const called = await callModel(model, {
      deployment: 'gpt-4o',
      system: 'You review.',
      user: 'The diff.',
      maxOutputTokens: 100,
      answer: 'json_object'
    })
    expect(called).toMatchObject({ result: RESULT })
    expect(model.asked).toEqual([
      {
        deployment: 'gpt-4o',
        messages: [
          { role: 'system', content: 'You review.' },
          { role: 'user', content: 'The diff.' }
        ],
        maxOutputTokens: 100,
        temperature: 0.2,
        answer: 'json_object'
      }
    ])
  })

  it('asks for plain text when no answer shape is given', async () => {
    const model = port(RESULT)
    await callModel(model, { deployment: 'd', system: 's', user: 'u', maxOutputTokens: 1 })
    expect(model.asked[0]).not.toHaveProperty('answer')
  })

  it('returns a refusal of this one request as data', async () => {
    const refusal = new ModelRefusal('filtered', 'the prompt was blocked by the content filter')
    const called = await callModel(port(refusal), {
      deployment: 'd',
      system: 's',
      user: 'u',
      maxOutputTokens: 1
    })
    expect(called).toMatchObject({ refused: refusal })
  })

  it('lets a broken chain, and anything else, through', async () => {
    const broken = new StageError('openai', "call deployment 'd'", new Error('401'))
    const call = { deployment: 'd', system: 's', user: 'u', maxOutputTokens: 1 }
    await expect(callModel(port(broken), call)).rejects.toBe(broken)
    const bug = new TypeError('bug')
    await expect(callModel(port(bug), call)).rejects.toBe(bug)
  })
})

describe('usageOf', () => {
  it('sums prompt and completion tokens and calls over parts', () => {
    expect(
      usageOf([
        { promptTokens: 10, completionTokens: 2, requests: 1 },
        { promptTokens: 5, completionTokens: 1, requests: 2 }
      ])
    ).toEqual({ promptTokens: 15, completionTokens: 3, requests: 3 })
  })
})
