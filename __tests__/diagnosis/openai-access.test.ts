/**
 * Azure OpenAI refusing the caller rather than the request: the missing role, a token for
 * another audience, a key, network rules, a regional endpoint.
 */
import {
  CLIENT_ID,
  OID,
  azure,
  contextFor,
  fact,
  model,
  openaiError,
  tracedRun
} from '../helpers/diagnosis.js'
import { explainFilled as explain } from './filled.js'

/** Azure OpenAI's one answer for every token it refuses. */
const UNAUTHORIZED = {
  statusCode: 401,
  message:
    'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
}

describe('diagnosing who Azure OpenAI refuses', () => {
  it('explains a missing role with the principal id and the az role assignment command', async () => {
    const error = await openaiError(
      401,
      {
        error: {
          code: 'PermissionDenied',
          message: 'Principal does not have access to API/Operation.'
        }
      },
      { 'apim-request-id': 'req-1' }
    )
    const { d, text } = explain(error, contextFor('openai'))
    expect(d.title).toContain('Cognitive Services OpenAI User')
    expect(fact(d, 'principal id (oid)')).toBe(OID)
    expect(fact(d, 'app id')).toBe(CLIENT_ID)
    expect(fact(d, 'request id')).toBe('req-1')
    expect(d.fix).toContain(
      `az role assignment create --assignee-object-id ${OID} --assignee-principal-type ServicePrincipal --role "Cognitive Services OpenAI User" --scope $(az cognitiveservices account show --name contoso-ai --resource-group RESOURCE_GROUP --query id -o tsv)`
    )
    expect(text).toMatch(/5 minutes/)
  })

  it('explains a token for another resource by its audience and the scope to use', async () => {
    const trace = tracedRun()
    trace.accessToken = { ...trace.accessToken, aud: 'https://management.azure.com' }
    const context = contextFor('openai', {
      trace,
      azure: { ...azure, scope: 'https://management.azure.com/.default' }
    })
    const { d } = explain(await openaiError(401, UNAUTHORIZED), context)
    expect(d.title).toBe(
      'Azure OpenAI rejected a token issued for https://management.azure.com (401)'
    )
    expect(d.cause).toBe(
      "The access token's audience is https://management.azure.com, not Azure OpenAI's: the `scope` input asked Entra ID for https://management.azure.com/.default. Azure OpenAI in AzureCloud accepts tokens requested with scope https://cognitiveservices.azure.com/.default."
    )
    expect(d.fix).toBe(
      'Remove the `scope` input (it follows `cloud`), or set it to Azure OpenAI’s scope:\n  with:\n    scope: https://cognitiveservices.azure.com/.default'
    )
    expect(fact(d, 'token audience (aud)')).toBe('https://management.azure.com')
    expect(fact(d, 'scope')).toBe('https://management.azure.com/.default')
  })

  it('explains a refused token of the right audience by its tenant and cloud, not by the scope', async () => {
    const { d } = explain(await openaiError(401, UNAUTHORIZED), contextFor('openai'))
    expect(d.title).toBe('Azure OpenAI rejected the access token (401)')
    expect(d.cause).toContain('(https://cognitiveservices.azure.com)')
    expect(d.cause).toContain('(aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee)')
    expect(d.fix).not.toContain('scope:')
  })

  it('explains an expired token by the clock, with its expiry among the facts', async () => {
    const trace = tracedRun()
    trace.accessToken = { ...trace.accessToken, exp: Date.UTC(2026, 8, 1, 11, 0, 0) / 1000 }
    const { d } = explain(await openaiError(401, UNAUTHORIZED), contextFor('openai', { trace }))
    expect(d.title).toBe('Azure OpenAI rejected an expired access token (401)')
    expect(fact(d, 'token expires (exp)')).toBe('2026-09-01T11:00:00.000Z')
  })

  it('explains “custom subdomain” from the answer’s words, whatever the host', async () => {
    const endpoint = 'https://contoso-gateway.azure-api.net'
    const error = await openaiError(
      400,
      {
        error: {
          code: 'BadRequest',
          message:
            'Please provide a custom subdomain for token authentication, otherwise API key is required.'
        }
      },
      {},
      endpoint
    )
    const { d } = explain(error, contextFor('openai', { model: { ...model, endpoint } }))
    expect(d.entry).toBe('custom-subdomain')
    expect(d.title).toBe(
      'Azure OpenAI accepts Entra ID tokens only on the resource’s custom subdomain (400)'
    )
    expect(d.cause).toBe(
      'Azure OpenAI answered “Please provide a custom subdomain for token authentication, otherwise API key is required.” to a request sent to https://contoso-gateway.azure-api.net: the request reached the resource through a host that is not its own custom subdomain (a regional endpoint such as https://REGION.api.cognitive.microsoft.com, or a gateway whose backend is one).'
    )
    expect(d.fix).toBe(
      [
        'Give the resource a custom subdomain (a one-time, irreversible change), then use it as the `endpoint` input (behind a gateway: as the gateway’s backend URL):',
        '  az cognitiveservices account update --name ACCOUNT_NAME --resource-group RESOURCE_GROUP --custom-domain ACCOUNT_NAME',
        '  with:',
        '    endpoint: https://ACCOUNT_NAME.openai.azure.com'
      ].join('\n')
    )
  })

  it('explains key authentication answers: this action is keyless', async () => {
    const error = await openaiError(401, {
      error: {
        code: 'AuthenticationTypeDisabled',
        message: 'Key based authentication is disabled for this resource.'
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/keyless/)
    expect(d.fix).toContain('AZURE_OPENAI_API_KEY')
  })

  it('explains a 403 from network rules with the network-rule command', async () => {
    const error = await openaiError(403, {
      error: {
        code: '403',
        message: 'Public access is disabled. Please configure private endpoint.'
      }
    })
    const { d } = explain(error, contextFor('openai'))
    expect(d.fix).toContain(
      'az cognitiveservices account network-rule add --name contoso-ai --resource-group RESOURCE_GROUP --ip-address RUNNER_PUBLIC_IP'
    )
    expect(d.fix).toMatch(/self-hosted runner/)
  })

  it('explains a regional endpoint by the custom subdomain it needs', async () => {
    const endpoint = 'https://eastus.api.cognitive.microsoft.com'
    const error = await openaiError(
      401,
      {
        error: {
          code: '401',
          message: 'Access denied due to invalid subscription key or wrong API endpoint.'
        }
      },
      {},
      endpoint
    )
    const { d } = explain(error, contextFor('openai', { model: { ...model, endpoint } }))
    expect(d.title).toMatch(/Regional endpoints/)
    expect(d.fix).toContain(
      'az cognitiveservices account update --name ACCOUNT_NAME --resource-group RESOURCE_GROUP --custom-domain ACCOUNT_NAME'
    )
  })
})
