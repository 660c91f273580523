/**
 * A federated credential that does not match the GitHub ID token, explained with the token's
 * actual claims and the `az` commands that add the exact credential.
 */
import type { AuthenticationRequiredError } from '@azure/identity'
import {
  CLIENT_ID,
  ISSUER,
  SUBJECT,
  contextFor,
  entraError,
  explain,
  fact
} from '../helpers/diagnosis.js'

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

  it('explains an audience mismatch by pointing at the `audience` input', () => {
    const { d } = explain(
      entraError(
        700212,
        'No matching federated identity record found for presented assertion audience.'
      ),
      contextFor('entra')
    )
    expect(d.title).toMatch(/audience \(AADSTS700212\)/)
    expect(d.fix).toContain('audience: api://AzureADTokenExchange')
    expect(fact(d, 'audience input')).toBe('api://AzureADTokenExchange')
  })

  it('explains AADSTS70021 with propagation delay and the retries already made', () => {
    const { d, text } = explain(
      entraError(70021, 'No matching federated identity record found for presented assertion.'),
      contextFor('entra', { entraRetries: 3 })
    )
    expect(text).toContain('already retried 3 times')
    expect(text).toMatch(/few minutes/)
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
