/**
 * An API Management gateway in front of Azure OpenAI refusing the request itself: told apart
 * from Azure OpenAI by its words, explained by the claims of the token it refused.
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

const GATEWAY = 'https://contoso-apim.azure-api.net'
const GATEWAY_APP = 'api://5f0c3e2a-7b14-4d8e-9c61-2a4b8d9e0f37'
const behindGateway = { model: { ...model, endpoint: GATEWAY } }

/** The action's trace and settings after asking Entra for the gateway's app. */
function gatewayToken(roles?: string[]): Parameters<typeof contextFor>[1] {
  const trace = tracedRun()
  trace.accessToken = { ...trace.accessToken, aud: GATEWAY_APP, ...(roles ? { roles } : {}) }
  return { ...behindGateway, trace, azure: { ...azure, scope: `${GATEWAY_APP}/.default` } }
}

const refused = (message: string): Promise<unknown> =>
  openaiError(401, { statusCode: 401, message }, {}, GATEWAY)

describe('diagnosing a gateway in front of Azure OpenAI', () => {
  it('says the gateway, not Azure OpenAI, refused a Cognitive Services token, and names the gateway’s scope', async () => {
    const { d } = explain(await refused('Invalid JWT.'), contextFor('openai', behindGateway))
    expect(d.entry).toBe('gateway-401')
    expect(d.title).toBe(
      'A gateway in front of Azure OpenAI refused the token (401 “Invalid JWT.”)'
    )
    expect(d.cause).toBe(
      'The gateway at https://contoso-apim.azure-api.net, not Azure OpenAI, refused the access token: it accepts tokens for its own app registration only, and this one was issued for Azure OpenAI (https://cognitiveservices.azure.com), as the `scope` input https://cognitiveservices.azure.com/.default asked.'
    )
    expect(d.fix).toContain('  with:\n    scope: api://GATEWAY_APP_ID/.default')
    // Never the scope that was just refused.
    expect(d.fix).not.toContain('cognitiveservices')
    expect(fact(d, 'gateway says')).toBe('Invalid JWT.')
    expect(fact(d, 'Azure OpenAI says')).toBeUndefined()
  })

  it('reads a policy’s own failed-validation-error-message as the gateway’s too', async () => {
    const { d } = explain(
      await refused('Unauthorized. Access token is missing or invalid.'),
      contextFor('openai', behindGateway)
    )
    expect(d.entry).toBe('gateway-401')
    expect(d.title).toContain('“Unauthorized. Access token is missing or invalid.”')
  })

  it('explains a gateway token without roles by the app role assignment, keeping the scope', async () => {
    const { d } = explain(await refused('Invalid JWT.'), contextFor('openai', gatewayToken()))
    expect(d.cause).toBe(
      "The gateway at https://contoso-apim.azure-api.net, not Azure OpenAI, refused a token issued for api://5f0c3e2a-7b14-4d8e-9c61-2a4b8d9e0f37 that carries no `roles` claim: the review identity holds no app role of the gateway's app, and the gateway's policy requires one."
    )
    expect(d.fix).toContain(
      `az rest --method POST --uri https://graph.microsoft.com/v1.0/servicePrincipals/${OID}/appRoleAssignments --body '{"principalId":"${OID}","resourceId":"GATEWAY_SP_OBJECT_ID","appRoleId":"APP_ROLE_ID"}'`
    )
    expect(d.fix).not.toContain('scope:')
    expect(fact(d, 'token roles')).toBe('(none)')
  })

  it('explains a gateway token with a role by the rest of the policy', async () => {
    const { d } = explain(
      await refused('Invalid JWT.'),
      contextFor('openai', gatewayToken(['Reviews.Invoke']))
    )
    expect(d.cause).toContain('with roles Reviews.Invoke')
    expect(d.fix).toContain(`the review identity's app id ${CLIENT_ID}`)
    expect(d.fix).toContain("The `scope` input is right: the token is the gateway's.")
  })

  it('explains “JWT not present.” by where the policy reads the token', async () => {
    const { d } = explain(await refused('JWT not present.'), contextFor('openai', behindGateway))
    expect(d.title).toBe(
      'A gateway in front of Azure OpenAI found no token (401 “JWT not present.”)'
    )
    expect(d.fix).toContain('header-name="Authorization"')
    expect(d.fix).not.toContain('scope:')
  })

  it('explains a missing subscription key by turning the subscription off, not as an API key', async () => {
    const { d } = explain(
      await refused(
        'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
      ),
      contextFor('openai', behindGateway)
    )
    expect(d.title).toBe(
      'A gateway in front of Azure OpenAI wants an API Management subscription key (401)'
    )
    expect(d.fix).toContain('--subscription-required false')
  })

  it('leaves Azure OpenAI’s own 401 to Azure OpenAI’s diagnosis', async () => {
    const { d } = explain(
      await refused(
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
      ),
      contextFor('openai', behindGateway)
    )
    expect(d.entry).toBe('openai-401-unauthorized')
  })
})
