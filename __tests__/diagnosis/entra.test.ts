/**
 * Microsoft Entra ID's refusals of the token exchange by AADSTS code, and an authority MSAL
 * could not resolve, explained with the run's settings and Entra's own words.
 */
import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity'
import { ClientAuthError, ServerError } from '@azure/msal-node'
import { entraErrorCode } from '../../src/chain/credential.js'
import {
  CLIENT_ID,
  SUBJECT,
  TENANT_ID,
  azure,
  contextFor,
  entraError,
  explain,
  fact
} from '../helpers/diagnosis.js'

describe('diagnosing Entra ID refusals', () => {
  const subjectError = (): AuthenticationRequiredError =>
    entraError(
      700213,
      `No matching federated identity record found for presented assertion subject '${SUBJECT}'. Please note that the matching is done using a case-sensitive comparison.`
    )

  it('explains an expired assertion with its iat and exp against the runner clock', () => {
    const { d } = explain(
      entraError(700024, 'Client assertion is not within its valid time range.'),
      contextFor('entra')
    )
    expect(fact(d, 'token issued (iat)')).toBe('2026-09-01T11:50:00.000Z')
    expect(fact(d, 'token expires (exp)')).toBe('2026-09-01T11:55:00.000Z')
    expect(fact(d, 'runner clock')).toBe('2026-09-01T12:00:00.000Z')
    expect(d.fix).toMatch(/clock/)
  })

  it('explains an app missing from the tenant with az ad sp show', () => {
    const { d } = explain(
      entraError(
        700016,
        `Application with identifier '${CLIENT_ID}' was not found in the directory.`
      ),
      contextFor('entra')
    )
    expect(d.title).toContain(CLIENT_ID)
    expect(d.title).toContain(TENANT_ID)
    expect(d.fix).toContain(`az ad sp show --id ${CLIENT_ID}`)
  })

  it('explains an unknown tenant, including a tenant of another cloud', () => {
    const { d, text } = explain(
      entraError(90002, `Tenant '${TENANT_ID}' not found.`),
      contextFor('entra')
    )
    expect(d.title).toContain(TENANT_ID)
    expect(text).toContain('cloud: AzureUSGovernment')
    expect(fact(d, 'cloud')).toBe('AzureCloud')
  })

  it('explains an unknown resource by the `scope` and `cloud` inputs', () => {
    const context = contextFor('entra', {
      azure: { ...azure, scope: 'https://cognitiveservices.azure.us/.default' }
    })
    const { d } = explain(
      entraError(
        500011,
        'The resource principal named https://cognitiveservices.azure.us was not found in the tenant.'
      ),
      context
    )
    expect(fact(d, 'scope')).toBe('https://cognitiveservices.azure.us/.default')
    expect(d.fix).toContain('scope: https://cognitiveservices.azure.com/.default')
  })

  it('links an unknown AADSTS code to Microsoft’s error lookup', () => {
    const { d } = explain(entraError(1234567, 'Something new.'), contextFor('entra'))
    expect(d.title).toBe('Entra ID refused the token request (AADSTS1234567)')
    expect(d.fix).toContain('https://login.microsoftonline.com/error?code=1234567')
    expect(fact(d, 'Entra says')).toBe('AADSTS1234567: Something new.')
  })

  const unresolved = (): CredentialUnavailableError =>
    new CredentialUnavailableError(new ClientAuthError('endpoints_resolution_error', '').message)

  it('explains an unresolved authority by the probe’s AADSTS90002 as an unknown tenant', () => {
    const probe = `https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration answered 400: AADSTS90002: Tenant '${TENANT_ID}' not found.`
    const { d } = explain(unresolved(), contextFor('entra', { authorityProbe: probe }))
    expect(d.title).toMatch(/AADSTS90002/)
    expect(fact(d, 'Entra says')).toContain('AADSTS90002')
  })

  it('explains an unresolved authority by the probe’s network error', () => {
    const probe =
      'https://login.example.test/x/v2.0/.well-known/openid-configuration could not be reached: ENOTFOUND getaddrinfo ENOTFOUND login.example.test'
    const { d } = explain(unresolved(), contextFor('entra', { authorityProbe: probe }))
    expect(d.title).toBe('Cannot resolve login.example.test (ENOTFOUND)')
    expect(d.cause).toContain('`authority-host`')
  })

  it('explains an unresolved authority without a probe by the metadata URL to check', () => {
    const { d } = explain(unresolved(), contextFor('entra'))
    expect(d.title).toMatch(/could not be resolved/)
    expect(d.fix).toContain(
      `curl -sS https://login.microsoftonline.com/${TENANT_ID}/v2.0/.well-known/openid-configuration`
    )
  })

  it('reads the AADSTS number from errorNo (number or string) or from the message', () => {
    expect(entraErrorCode(subjectError())).toBe(700213)
    const asString = new ServerError('invalid_client', '', 'x', '', '70021', 400)
    expect(entraErrorCode(new AuthenticationRequiredError({ scopes: [], cause: asString }))).toBe(
      70021
    )
    expect(entraErrorCode(new Error('AADSTS700024: Client assertion is not within'))).toBe(700024)
    expect(entraErrorCode(new Error('something else'))).toBeUndefined()
  })
})
