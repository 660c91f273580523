/**
 * Microsoft Entra ID's refusals of the federated token exchange, by AADSTS code, explained with
 * the GitHub ID token's actual claims and the exact `az` command that fixes them.
 *
 * @azure/identity surfaces them as AuthenticationRequiredError whose message holds
 * "AADSTSnnnn: …" and whose cause is MSAL's ServerError; its `errorNo` is typed string but holds
 * whatever JSON `error_codes[0]` was (a number from Entra). An authority MSAL could not resolve
 * arrives as CredentialUnavailableError "endpoints_resolution_error" with no cause at all, and a
 * token request without an HTTP answer as MSAL's "network_error": the probe fills that gap.
 */
import { entraErrorCode } from '../chain/credential.js'
import { CLOUDS } from '../settings.js'
import { say } from './catalogue.js'
import {
  audienceMismatch,
  caseMismatch,
  clientArg,
  configFacts,
  invalidAssertion,
  issuerMismatch,
  noAssertion,
  noMatch,
  subjectMismatch,
  tokenFacts,
  type EntraFailure,
  type Explanation
} from './federation.js'
import { diagnoseNetwork } from './network.js'
import {
  allMessages,
  claimTime,
  facts,
  isoTime,
  shellArg,
  untrusted,
  type Diagnosis,
  type DiagnosisContext
} from './facts.js'

export function diagnoseEntra(error: unknown, context: DiagnosisContext): Diagnosis | undefined {
  const code = entraErrorCode(error)
  if (code !== undefined) return byCode({ code, description: description(error) }, context, error)
  const text = allMessages(error)
  if (/endpoints_resolution_error|network_error/.test(text)) return unreachable(text, context)
  if (/ClientAssertionCredential: \w+ is a required parameter/.test(text)) {
    return {
      ...say('inputs', 'client-assertion', { 'library-says': untrusted(text) }),
      facts: configFacts(context)
    }
  }
  return undefined
}

function description(error: unknown): string | undefined {
  const text = allMessages(error)
  const found =
    /AADSTS\d+:[\s\S]*?(?=\s+Trace ID:|\s+-\s+Correlation ID:|\s+-\s+Timestamp:|$)/.exec(text)?.[0]
  return found ? untrusted(found, 400) : undefined
}

function byCode(failure: EntraFailure, context: DiagnosisContext, error: unknown): Diagnosis {
  const explain = EXPLANATIONS[failure.code] ?? unknownCode
  const d = explain(failure, context)
  const ids = allMessages(error)
  return {
    ...d,
    facts: [
      ...d.facts,
      ...facts(
        ['Entra says', failure.description],
        ['trace id', /Trace ID:\s*([0-9a-f-]{36})/i.exec(ids)?.[1]],
        ['correlation id', /Correlation ID:\s*([0-9a-f-]{36})/i.exec(ids)?.[1]]
      )
    ]
  }
}

const expiredAssertion: Explanation = (_failure, context) => {
  const id = context.trace.idToken
  return {
    ...say('aadsts700024', 'default'),
    facts: [
      ...facts(
        ['token issued (iat)', claimTime(id, 'iat')],
        ['token not before (nbf)', claimTime(id, 'nbf')],
        ['token expires (exp)', claimTime(id, 'exp')],
        ['runner clock', isoTime(context.now ?? Date.now())]
      ),
      ...configFacts(context)
    ]
  }
}

const appNotInTenant: Explanation = (_failure, context) => ({
  ...say('aadsts700016', 'default', {
    'client-id': clientArg(context),
    'tenant-id': context.azure.tenantId ?? 'TENANT_ID'
  }),
  facts: configFacts(context)
})

const tenantNotFound: Explanation = (_failure, context) => ({
  ...say('aadsts90002', 'default', {
    'tenant-id': context.azure.tenantId ?? 'TENANT_ID',
    cloud: context.azure.cloud,
    'authority-host': context.azure.authorityHost
  }),
  facts: configFacts(context)
})

const resourceNotFound: Explanation = (_failure, context) => {
  const expected = CLOUDS[context.azure.cloud].scope
  return {
    ...say('aadsts500011', 'default', {
      scope: context.azure.scope,
      cloud: context.azure.cloud,
      'cloud-scope': expected
    }),
    facts: [
      ...facts(['scope', context.azure.scope], ['expected scope', expected]),
      ...configFacts(context)
    ]
  }
}

const unknownCode: Explanation = ({ code }, context) => ({
  ...say('other-aadsts-codes', 'default', { code }),
  facts: [...tokenFacts(context), ...configFacts(context)]
})

const EXPLANATIONS: Readonly<Record<number, Explanation>> = {
  700213: subjectMismatch,
  7002138: caseMismatch,
  700211: issuerMismatch,
  700212: audienceMismatch,
  70021: noMatch,
  700024: expiredAssertion,
  700016: appNotInTenant,
  90002: tenantNotFound,
  500011: resourceNotFound,
  7000215: noAssertion,
  7000218: noAssertion,
  50013: invalidAssertion
}

/** MSAL could not reach or resolve the authority; the probe's text says why, when we have it. */
function unreachable(text: string, context: DiagnosisContext): Diagnosis {
  const probe = context.authorityProbe
  const probed = probe ? /AADSTS(\d+)/.exec(probe)?.[1] : undefined
  if (probe && probed) {
    const failure = { code: Number(probed), description: untrusted(probe, 400) }
    return byCode(failure, context, probe)
  }
  const network = probe ? diagnoseNetwork(undefined, context, probe) : undefined
  if (network) return network
  const { azure } = context
  const metadata = `${azure.authorityHost}/${azure.tenantId ?? 'TENANT_ID'}/v2.0/.well-known/openid-configuration`
  return {
    ...say(
      'entra-unreachable',
      text.includes('endpoints_resolution_error') ? 'resolving' : 'network',
      {
        'authority-host': azure.authorityHost,
        'metadata-url': shellArg(metadata)
      }
    ),
    facts: [...configFacts(context), ...facts(['probe', probe ? untrusted(probe) : undefined])]
  }
}
