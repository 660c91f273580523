/**
 * Failures below HTTP at any stage: DNS, refused connections, timeouts, untrusted TLS.
 */
import { RequestError } from '@octokit/request-error'
import { APIConnectionError } from 'openai/core/error'
import {
  contextFor,
  explain,
  fact,
  fetchFailed,
  model,
  openaiConnectionError
} from '../helpers/diagnosis.js'

describe('diagnosing network failures', () => {
  const reviews = 'https://api.github.com/repos/octo-org/octo-app/pulls/7/reviews'

  it('explains a DNS failure by the `endpoint` input and private DNS', async () => {
    const error = await openaiConnectionError(
      'ENOTFOUND',
      'getaddrinfo ENOTFOUND contoso-ai.openai.azure.com',
      { hostname: 'contoso-ai.openai.azure.com' }
    )
    expect(error).toBeInstanceOf(APIConnectionError)
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toBe('Cannot resolve contoso-ai.openai.azure.com (ENOTFOUND)')
    expect(fact(d, 'endpoint')).toBe(model.endpoint)
    expect(d.cause).toMatch(/private endpoint/)
    expect(d.fix).toContain('nslookup contoso-ai.openai.azure.com')
  })

  it('explains a refused connection by firewall or proxy', async () => {
    const error = await openaiConnectionError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.4:443')
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/ECONNREFUSED/)
    expect(d.fix).toContain('port 443')
  })

  it('explains a connect timeout as a network path problem', async () => {
    const error = await openaiConnectionError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')
    const { d } = explain(error, contextFor('openai'))
    expect(d.title).toMatch(/in time/)
  })

  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT'
  ])(
    'explains TLS failure %s by a TLS-intercepting proxy and NODE_EXTRA_CA_CERTS',
    async (code) => {
      const { d } = explain(
        await openaiConnectionError(code, 'certificate problem'),
        contextFor('openai')
      )
      expect(d.title).toContain(code)
      expect(d.fix).toContain('NODE_EXTRA_CA_CERTS:')
    }
  )
  it('explains a network failure under octokit’s 500 by its TLS cause', () => {
    const error = new RequestError('fetch failed', 500, {
      request: { method: 'GET', url: reviews, headers: {} },
      cause: fetchFailed(
        'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        'unable to get local issuer certificate'
      )
    })
    const { d } = explain(error, contextFor('github'))
    expect(d.title).toBe(
      'The TLS certificate of api.github.com is not trusted (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)'
    )
    expect(d.fix).toContain('NODE_EXTRA_CA_CERTS')
  })
})
