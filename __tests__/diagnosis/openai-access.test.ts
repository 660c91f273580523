/**
 * Azure OpenAI refusing the caller rather than the request: the missing role, a token for
 * another audience, a key, network rules, a regional endpoint.
 */
import {
  CLIENT_ID,
  OID,
  contextFor,
  explain,
  fact,
  model,
  openaiError,
  tracedRun
} from '../helpers/diagnosis.js'

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

  it('explains a rejected token with its audience against the scope asked for', async () => {
    const trace = tracedRun()
    trace.accessToken = { ...trace.accessToken, aud: 'https://management.azure.com' }
    const error = await openaiError(401, {
      statusCode: 401,
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
    })
    const { d } = explain(error, contextFor('openai', { trace }))
    expect(fact(d, 'token audience (aud)')).toBe('https://management.azure.com')
    expect(fact(d, 'scope')).toBe('https://cognitiveservices.azure.com/.default')
    expect(d.cause).toContain("audience 'https://management.azure.com'")
    expect(d.fix).toContain('scope: https://cognitiveservices.azure.com/.default')
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
