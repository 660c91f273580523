/**
 * A federated credential that does not match the GitHub ID token, explained with the token's
 * actual claims and the `az` commands that add the exact credential.
 */
import type { AuthenticationRequiredError } from '@azure/identity'
import { decodeClaims } from '../../src/chain/claims.js'
import {
  CLIENT_ID,
  ISSUER,
  NOW,
  SUBJECT,
  azure,
  contextFor,
  entraError,
  fact,
  jwt,
  tracedRun
} from '../helpers/diagnosis.js'
import { explainFilled as explain } from './filled.js'

describe('diagnosing federated credential mismatches', () => {
  const subjectError = (): AuthenticationRequiredError =>
    entraError(
      700213,
      `No matching federated identity record found for presented assertion subject '${SUBJECT}'. Please note that the matching is done using a case-sensitive comparison.`
    )
  const expectAddCommands = (fix: string): void => {
    const name = 'github-octo-org-1234-octo-app-5678-environment-Production'
    expect(fix).toContain(
      `az ad app federated-credential create --id ${CLIENT_ID} --parameters '{"name":"${name}","issuer":"${ISSUER}","subject":"${SUBJECT}","audiences":["api://AzureADTokenExchange"]}'`
    )
    expect(fix).toContain(
      `az identity federated-credential create --name ${name} --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --issuer ${ISSUER} --subject ${SUBJECT} --audiences api://AzureADTokenExchange`
    )
  }

  it('explains a subject mismatch with the token’s actual subject and both az commands', () => {
    const { d, text } = explain(subjectError(), contextFor('entra'))
    expect(d.title).toMatch(/AADSTS700213/)
    expect(fact(d, 'token subject (sub)')).toBe(SUBJECT)
    expect(fact(d, 'token issuer (iss)')).toBe(ISSUER)
    expect(fact(d, 'token audience (aud)')).toBe('api://AzureADTokenExchange')
    expect(fact(d, 'trace id')).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')
    expect(fact(d, 'Entra says')).toMatch(/^AADSTS700213: No matching/)
    expectAddCommands(d.fix)
    expect(text).toMatch(/case-sensitively/)
    expect(text).toContain(':environment:NAME')
    expect(text).toContain('repo:OWNER@ID/REPO@ID:')
    expect(text).toMatch(/at most 20/)
  })

  it('explains a case-only subject mismatch with the list, delete and create commands', () => {
    const { d } = explain(entraError(7002138, 'matched only ignoring case'), contextFor('entra'))
    expect(d.title).toMatch(/case is ignored.*AADSTS7002138/)
    expect(d.fix).toContain(`az ad app federated-credential list --id ${CLIENT_ID}`)
    expect(d.fix).toContain('az ad app federated-credential delete')
    expectAddCommands(d.fix)
  })

  it('explains an issuer mismatch with the token’s exact issuer', () => {
    const { d } = explain(
      entraError(
        700211,
        'No matching federated identity record found for presented assertion issuer.'
      ),
      contextFor('entra')
    )
    expect(d.title).toMatch(/issuer \(AADSTS700211\)/)
    expect(fact(d, 'token issuer (iss)')).toBe(ISSUER)
    expectAddCommands(d.fix)
  })

  const audienceError = (audience: string): AuthenticationRequiredError =>
    entraError(
      700212,
      `No matching federated identity record found for presented assertion audience '${audience}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`
    )
  const readCommands = [
    `az ad app federated-credential list --id ${CLIENT_ID} --query "[].{name:name,subject:subject,audiences:audiences}"`,
    'az identity federated-credential list --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --query "[].{name:name,subject:subject,audiences:audiences}"'
  ]

  it('explains a credential made with a custom audience: made again for the default audience, with the token’s issuer and subject, or the `audience` input set to its own', () => {
    const { d } = explain(audienceError('api://AzureADTokenExchange'), contextFor('entra'))
    expect(d.title).toBe("No federated credential accepts this token's audience (AADSTS700212)")
    expect(d.cause).toBe(
      "The GitHub ID token's audience, 'api://AzureADTokenExchange', is AzureCloud's default, but the federated credential for this subject was created with another audience. The token's audience is the `audience` input."
    )
    const name = 'github-octo-org-1234-octo-app-5678-environment-Production'
    const parameters = JSON.stringify({
      name,
      issuer: ISSUER,
      subject: SUBJECT,
      audiences: ['api://AzureADTokenExchange']
    })
    expect(d.fix).toBe(
      [
        'Find the credential for this subject, its name and its audiences:',
        `  ${readCommands[0]}`,
        'or, on a user-assigned managed identity:',
        `  ${readCommands[1]}`,
        "Then give it the default audience, the token's. Entra ID holds one credential per issuer and subject, so delete it (CREDENTIAL_NAME: its name) and create it again with the token's issuer, subject and audience:",
        'On an app registration:',
        `  az ad app federated-credential delete --id ${CLIENT_ID} --federated-credential-id CREDENTIAL_NAME`,
        `  az ad app federated-credential create --id ${CLIENT_ID} --parameters '${parameters}'`,
        'or on a user-assigned managed identity:',
        '  az identity federated-credential delete --name CREDENTIAL_NAME --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --yes',
        `  az identity federated-credential create --name ${name} --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --issuer ${ISSUER} --subject ${SUBJECT} --audiences api://AzureADTokenExchange`,
        'Or keep the credential and set the `audience` input to its audience:',
        '  with:',
        '    audience: CREDENTIAL_AUDIENCE'
      ].join('\n')
    )
    // The refused value is never offered as the `audience` input to set.
    expect(d.fix).not.toMatch(/audience: api:/)
    expect(fact(d, 'audience input')).toBe('api://AzureADTokenExchange')
  })

  it('explains a custom `audience` input the credential does not list, pointing back to the default', () => {
    const trace = tracedRun()
    trace.idToken = decodeClaims(
      jwt({ iss: ISSUER, sub: SUBJECT, aud: 'api://keyless-review', exp: NOW / 1000 + 200 })
    )
    const context = contextFor('entra', {
      trace,
      azure: { ...azure, audience: 'api://keyless-review' }
    })
    const { d } = explain(audienceError('api://keyless-review'), context)
    expect(d.cause).toBe(
      "The GitHub ID token was requested for audience 'api://keyless-review' by the `audience` input, and the federated credential for this subject does not list it. Credentials made by the portal or `az` use AzureCloud's default, api://AzureADTokenExchange."
    )
    expect(d.fix).toContain(readCommands[0])
    expect(d.fix).toContain(readCommands[1])
    expect(d.fix).toContain(
      "then set the `audience` input to the credential's audience, or remove the input to use the default (api://AzureADTokenExchange):\n  with:\n    audience: CREDENTIAL_AUDIENCE"
    )
    expect(d.fix).not.toContain('api://keyless-review')
  })

  it('explains AADSTS700213 with the propagation of a credential created minutes ago', () => {
    const { d } = explain(subjectError(), contextFor('entra', { entraRetries: 2 }))
    expect(d.cause.split('\n')[1]).toBe(
      'A federated credential created in the last few minutes can take a few minutes to be honoured, and Entra ID refuses the token meanwhile: this run retried before giving up, so if you added the credential just now, wait a few minutes and re-run.'
    )
    expect(fact(d, 'retries')).toBe('2')
  })

  it('explains AADSTS70021 with propagation delay and the retries already made', () => {
    const { d, text } = explain(
      entraError(70021, 'No matching federated identity record found for presented assertion.'),
      contextFor('entra', { entraRetries: 3 })
    )
    expect(fact(d, 'retries')).toBe('3')
    expect(text).toMatch(/can take a few minutes to be honoured/)
    expect(fact(d, 'token subject (sub)')).toBe(SUBJECT)
    expectAddCommands(d.fix)
  })

  it.each([7000215, 7000218])(
    'explains AADSTS%i as a missing assertion, since this action never uses secrets',
    (code) => {
      const { d } = explain(
        entraError(code, 'The request body must contain client_assertion or client_secret.'),
        contextFor('entra')
      )
      expect(d.cause).toMatch(/never uses a client secret/)
      expect(d.fix).toContain('id-token: write')
    }
  )

  it('explains an assertion that failed validation by its issuer’s public keys', () => {
    const { d } = explain(
      entraError(50013, 'Assertion failed signature validation.'),
      contextFor('entra')
    )
    expect(d.fix).toContain(`curl -sS ${ISSUER}/.well-known/openid-configuration`)
  })
})
