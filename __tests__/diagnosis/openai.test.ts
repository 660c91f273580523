/**
 * Azure OpenAI's answers about the request: an unknown deployment or API path, lasting
 * throttling or failures, an over-long or filtered request.
 */
import type { APIError } from 'openai/core/error'
import { contextFor, fact, model, openaiError } from '../helpers/diagnosis.js'
import { explainFilled as explain } from './filled.js'

describe('diagnosing Azure OpenAI answers', () => {
  it('reads Azure’s two 401 body shapes the way the openai client does', async () => {
    const missingRole = (await openaiError(401, {
      error: {
        code: 'PermissionDenied',
        message: 'Principal does not have access to API/Operation.'
      }
    })) as APIError
    expect(missingRole.error).toEqual({
      code: 'PermissionDenied',
      message: 'Principal does not have access to API/Operation.'
    })
    expect(missingRole.code).toBe('PermissionDenied')
    const badToken = (await openaiError(401, {
      statusCode: 401,
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
    })) as APIError
    expect(badToken.error).toMatchObject({ statusCode: 401 })
    expect(badToken.code).toBeUndefined()
    expect(badToken.message).toMatch(/^401 Unauthorized\. Access token is missing/)
  })

  it('explains an unknown deployment by name, with the deployment list command', async () => {
    const error = await openaiError(404, {
      error: {
        code: 'DeploymentNotFound',
        message:
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'
      }
    })
    const { d, text } = explain(error, contextFor('openai'))
    expect(d.title).toBe("Deployment 'gpt-4o-review' was not found on contoso-ai")
    expect(d.fix).toContain('`deployment` input')
    expect(d.fix).toContain(
      'az cognitiveservices account deployment list --name contoso-ai --resource-group RESOURCE_GROUP --query "[].name" -o tsv'
    )
    expect(text).toMatch(/5 minutes/)
  })

  it('explains a 404 on the classic API by the api-version and the resource root', async () => {
    const error = await openaiError(404, { error: { code: '404', message: 'Resource not found' } })
    const context = contextFor('openai', { model: { ...model, apiVersion: '2023-01-01-nope' } })
    const { d } = explain(error, context)
    expect(d.title).toContain('2023-01-01-nope')
    expect(d.fix).toContain('api-version: 2024-10-21')
    expect(d.fix).toContain('endpoint: https://contoso-ai.openai.azure.com')
  })

  it('explains 400 “API version not supported” with the same advice as the 404', async () => {
    const notSupported = await openaiError(400, {
      error: { code: 'BadRequest', message: 'API version not supported' }
    })
    const notFound = await openaiError(404, {
      error: { code: '404', message: 'Resource not found' }
    })
    const context = contextFor('openai', { model: { ...model, apiVersion: '2025-04-14' } })
    const { d } = explain(notSupported, context)
    expect(d.entry).toBe('api-version-not-found')
    expect(d.title).toBe('Azure OpenAI does not support api-version 2025-04-14 (400)')
    expect(d.cause).toBe(
      'Azure OpenAI answered “API version not supported”: the resource (or the API behind this endpoint) serves no such api-version. A model version such as 2024-11-20 is not an API version, and the v1 API takes none.'
    )
    expect(d.fix).toBe(
      'Use the GA version, or leave `api-version` empty for the v1 API, and give the resource root as endpoint:\n  with:\n    api-version: 2024-10-21\n    endpoint: https://contoso-ai.openai.azure.com'
    )
    expect(d.fix).toBe(explain(notFound, context).d.fix)
  })

  it('explains a 404 on the v1 API as an endpoint without v1 support', async () => {
    const error = await openaiError(404, { error: { code: '404', message: 'Resource not found' } })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/v1 API/)
    expect(d.fix).toContain('api-version: 2024-10-21')
  })

  it('explains lasting throttling by quota and the `concurrency` input', async () => {
    const error = await openaiError(
      429,
      { error: { code: '429', message: 'Requests have exceeded token rate limit.' } },
      { 'retry-after': '17' }
    )
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/gpt-4o-review.*429/)
    expect(fact(d, 'retry-after')).toBe('17')
    expect(d.fix).toContain('concurrency: 1')
    expect(d.fix).toMatch(/quota/)
  })

  it('explains lasting server errors by status', async () => {
    const error = await openaiError(503, { error: { code: 'ServiceUnavailable', message: 'busy' } })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toBe('Azure OpenAI failed with HTTP 503, retries included')
  })

  it('explains an over-long request by the `token-budget` input', async () => {
    const error = await openaiError(400, {
      error: {
        code: 'context_length_exceeded',
        message: "This model's maximum context length is 128000 tokens."
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/context window/)
    expect(d.fix).toContain('token-budget:')
  })

  it('explains a content filter refusal with the categories Azure flagged', async () => {
    const error = await openaiError(400, {
      error: {
        code: 'content_filter',
        message:
          'The response was filtered due to the prompt triggering content management policy.',
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: {
            hate: { filtered: false, severity: 'safe' },
            violence: { filtered: true, severity: 'medium' },
            jailbreak: { filtered: true, detected: true }
          }
        }
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(fact(d, 'filtered categories')).toBe('violence (medium), jailbreak')
    expect(d.fix).toContain('exclude:')
  })

  it('explains a redirect: which URL sent the request where, and the endpoint to set', async () => {
    const error = await openaiError(307, {}, { location: 'https://login.example.com/sso?next=/' })
    const { d } = explain(error, contextFor('openai'))
    expect(d.entry).toBe('openai-redirect')
    expect(d.title).toBe(
      'The model endpoint redirected the request (307); the action follows no redirect'
    )
    expect(d.cause).toContain(
      'https://contoso-ai.openai.azure.com/openai/v1/chat/completions answered 307 with Location https://login.example.com/sso?next=/. '
    )
    expect(d.fix).toContain('endpoint: https://ACCOUNT_NAME.openai.azure.com')
  })

  it('resolves a relative Location against the endpoint, on the classic API too', async () => {
    const error = await openaiError(301, {}, { location: '/moved/here' })
    const context = contextFor('openai', { model: { ...model, apiVersion: '2024-10-21' } })
    const { d } = explain(error, context)
    expect(d.cause).toContain(
      'https://contoso-ai.openai.azure.com/openai/deployments/gpt-4o-review/chat/completions?api-version=2024-10-21 answered 301 with Location https://contoso-ai.openai.azure.com/moved/here.'
    )
  })
})
