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
import {
  audienceMismatch,
  caseMismatch,
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
  block,
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
      entry: 'inputs',
      title: 'client-id and tenant-id are required for github-oidc',
      cause: untrusted(text),
      fix: block('with:', '  client-id: CLIENT_ID', '  tenant-id: TENANT_ID'),
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

const expiredAssertion: Explanation = ({ code }, context) => {
  const id = context.trace.idToken
  return {
    entry: 'aadsts700024',
    title: `The GitHub ID token was outside its valid time (AADSTS${code})`,
    cause:
      'GitHub ID tokens live five minutes. This action fetches a fresh one for every exchange, so a token Entra ID calls expired or not yet valid almost always means the runner’s clock is off (a self-hosted runner), or the job stalled between fetching and presenting it.',
    fix: 'Synchronise the runner’s clock (e.g. `sudo timedatectl set-ntp true`, or `chronyc makestep`), then re-run the job.',
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

const appNotInTenant: Explanation = ({ code }, context) => {
  const client = shellArg(context.azure.clientId ?? 'CLIENT_ID')
  return {
    entry: 'aadsts700016',
    title: `Client ${context.azure.clientId ?? '(unset)'} is not in tenant ${context.azure.tenantId ?? '(unset)'} (AADSTS${code})`,
    cause:
      'Entra ID knows no application with this client id in this tenant. The `client-id` / `tenant-id` pair is wrong (a copied object id instead of the client id, or another tenant’s app), or the app has no service principal there. The app or identity must live in the tenant you sign in to.',
    fix: [
      'Signed in to the tenant, check the pair:',
      block(
        `az ad sp show --id ${client} --query "{appId:appId, tenant:appOwnerOrganizationId, name:displayName}"`,
        'az account show --query tenantId -o tsv'
      ),
      'For a user-assigned managed identity, use its client id:',
      block(
        'az identity show --name IDENTITY_NAME --resource-group RESOURCE_GROUP --query "{clientId:clientId, tenantId:tenantId}"'
      )
    ].join('\n'),
    facts: configFacts(context)
  }
}

const tenantNotFound: Explanation = ({ code }, context) => ({
  entry: 'aadsts90002',
  title: `Tenant ${context.azure.tenantId ?? '(unset)'} was not found in ${context.azure.cloud} (AADSTS${code})`,
  cause: `No tenant has this id at ${context.azure.authorityHost}. The \`tenant-id\` is mistyped, or the tenant lives in another cloud: an Azure Government or Azure China tenant exists only there (\`cloud: AzureUSGovernment\` / \`cloud: AzureChinaCloud\`).`,
  fix: [
    'Get the tenant id where the app or identity lives, and set `tenant-id` (and `cloud`, if it is not AzureCloud):',
    block('az account show --query "{tenantId:tenantId, cloud:environmentName}"'),
    block(
      'with:',
      '  tenant-id: TENANT_ID',
      '  cloud: AzureUSGovernment  # only for a US Government tenant'
    )
  ].join('\n'),
  facts: configFacts(context)
})

const resourceNotFound: Explanation = ({ code }, context) => {
  const expected = CLOUDS[context.azure.cloud].scope
  return {
    entry: 'aadsts500011',
    title: `Entra ID does not know the resource of scope ${context.azure.scope} (AADSTS${code})`,
    cause: `The token was requested for a resource that does not exist in this tenant's cloud. Azure OpenAI's scope in ${context.azure.cloud} is ${expected}; the \`scope\` input and the \`cloud\` input must agree with the resource's cloud.`,
    fix: [
      'Remove the `scope` input (it follows `cloud`), or set it to:',
      block('with:', `  scope: ${expected}`)
    ].join('\n'),
    facts: [
      ...facts(['scope', context.azure.scope], ['expected scope', expected]),
      ...configFacts(context)
    ]
  }
}

const unknownCode: Explanation = ({ code }, context) => ({
  entry: 'other-aadsts-codes',
  title: `Entra ID refused the token request (AADSTS${code})`,
  cause: `Entra ID answered with AADSTS${code}, which this action has no specific advice for.`,
  fix: `Read Microsoft's explanation at https://login.microsoftonline.com/error?code=${code} and compare it with the facts above.`,
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
  const resolving = text.includes('endpoints_resolution_error')
  return {
    entry: 'entra-unreachable',
    title: resolving
      ? `Entra ID's authority ${azure.authorityHost} could not be resolved`
      : `The token request to ${azure.authorityHost} failed on the network`,
    cause: resolving
      ? "MSAL could not read the tenant's OpenID metadata: the host is unreachable or untrusted from the runner, or it served no valid openid-configuration for this tenant."
      : 'The request to Entra ID’s token endpoint got no HTTP answer: a firewall, proxy or DNS problem on the runner.',
    fix: [
      'Check from the runner, and check the `authority-host`, `cloud` and `tenant-id` inputs (leave `authority-host` empty for the public clouds):',
      block(`curl -sS ${shellArg(metadata)}`)
    ].join('\n'),
    facts: [...configFacts(context), ...facts(['probe', probe ? untrusted(probe) : undefined])]
  }
}
