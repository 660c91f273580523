/**
 * The Azure CLI's sign-in (`auth: azure-cli`: after azure/login in a workflow, and the command
 * line's default). @azure/identity's AzureCliCredential runs `az account get-access-token` and
 * throws a CredentialUnavailableError: with its own message when no `az` is on PATH (“Azure CLI
 * could not be found”) and when azure-cli says “Please run 'az login'” (“Please run 'az login'
 * from a command prompt …”), else with azure-cli's stderr, which after an Entra refusal a new
 * sign-in fixes (an expired or revoked refresh token, Conditional Access) ends “Interactive
 * authentication is needed. Please run: az login --scope …” (azure-cli's aad_error_handler).
 */
import { entraErrorCode } from '../chain/credential.js'
import { say } from './catalogue.js'
import {
  facts,
  links,
  messageOf,
  shellArg,
  stringField,
  untrusted,
  whereOf,
  type Diagnosis,
  type DiagnosisContext
} from './facts.js'

const NOT_INSTALLED = /Azure CLI could not be found/
const NOT_SIGNED_IN = /Please run 'az login' from a command prompt/
const SIGN_IN_AGAIN = /Interactive authentication is needed/

export function diagnoseAzureCli(error: unknown, context: DiagnosisContext): Diagnosis | undefined {
  if (context.azure.auth !== 'azure-cli') return undefined
  const refusal = links(error).find((e) => stringField(e, 'name') === 'CredentialUnavailableError')
  const text = messageOf(refusal)
  const where = whereOf(context.eventName)
  const known = facts(
    ['auth', 'azure-cli'],
    ['tenant', context.azure.tenantId],
    ['Azure CLI says', untrusted(text.replace(/^ERROR:\s*/, ''), 400)]
  )
  if (NOT_INSTALLED.test(text)) {
    return {
      ...say('azure-cli-not-installed', where, { 'az-login': azLogin(context) }),
      facts: known
    }
  }
  if (NOT_SIGNED_IN.test(text)) {
    return {
      ...say('azure-cli-not-signed-in', where, { 'az-login': azLogin(context) }),
      facts: known
    }
  }
  if (SIGN_IN_AGAIN.test(text)) {
    const code = entraErrorCode(refusal)
    return {
      ...say('azure-cli-sign-in-expired', where, {
        refusal: code === undefined ? 'interactive authentication is needed' : `AADSTS${code}`,
        // azure-cli's own advice names the scope when a sign-in for it is what Entra asks for.
        'az-login': azLogin(context, /az login --scope/.test(text))
      }),
      facts: known
    }
  }
  return undefined
}

/** `az login`, in the tenant the run asked for when it named one. */
function azLogin(context: DiagnosisContext, withScope = false): string {
  const { scope, tenantId } = context.azure
  return [
    'az login',
    ...(withScope ? ['--scope', shellArg(scope)] : []),
    ...(tenantId ? ['--tenant', shellArg(tenantId)] : [])
  ].join(' ')
}
