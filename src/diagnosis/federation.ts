/**
 * Explanations of a federated credential that does not match the GitHub ID token (subject,
 * issuer, audience, signature, missing assertion), each with the token's actual claims and the
 * `az` commands that add the exact credential. Used by diagnose-entra.ts.
 */
import { CLOUDS } from '../settings.js'
import {
  block,
  claim,
  facts,
  firstAudience,
  shellArg,
  type Diagnosis,
  type DiagnosisContext,
  type Fact
} from './facts.js'

export interface EntraFailure {
  readonly code: number
  /** Entra's own words, "AADSTSnnnn: …", without the trailing ids. */
  readonly description?: string | undefined
}

export type Explanation = (failure: EntraFailure, context: DiagnosisContext) => Diagnosis

export function tokenFacts(context: DiagnosisContext): Fact[] {
  const id = context.trace.idToken
  if (!id) return [['GitHub ID token', 'not decoded (none was fetched in this run)']]
  return facts(
    ['token subject (sub)', claim(id, 'sub')],
    ['token issuer (iss)', claim(id, 'iss')],
    ['token audience (aud)', claim(id, 'aud')],
    ['job_workflow_ref', claim(id, 'job_workflow_ref')]
  )
}

export function configFacts(context: DiagnosisContext): Fact[] {
  const { azure } = context
  return facts(
    ['client-id', azure.clientId],
    ['tenant-id', azure.tenantId],
    ['cloud', azure.cloud],
    ['authority-host', azure.authorityHost]
  )
}

/** A credential name Entra accepts (3–120 of letters, digits, '-', '_') derived from the subject. */
function credentialName(subject: string): string {
  const slug = subject
    .replace(/^repo:/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `github-${slug}`.slice(0, 120).replace(/-+$/, '')
}

/** Both ways to add the token's exact issuer/subject/audience as a federated credential. */
export function addCredential(context: DiagnosisContext): string {
  const id = context.trace.idToken
  const issuer = claim(id, 'iss') ?? 'https://token.actions.githubusercontent.com'
  const subject = claim(id, 'sub') ?? 'SUBJECT_FROM_MODE_CHECK'
  const audience = firstAudience(id) ?? context.azure.audience
  const name = credentialName(subject)
  const client = context.azure.clientId ?? 'CLIENT_ID'
  const parameters = JSON.stringify({ name, issuer, subject, audiences: [audience] })
  return [
    id?.sub ? '' : 'The token’s subject is unknown: run the action with `mode: check` to print it.',
    'On an app registration:',
    block(
      `az ad app federated-credential create --id ${shellArg(client)} --parameters ${shellArg(parameters)}`
    ),
    'or on a user-assigned managed identity:',
    block(
      `az identity federated-credential create --name ${name} --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --issuer ${shellArg(issuer)} --subject ${shellArg(subject)} --audiences ${shellArg(audience)}`
    )
  ]
    .filter(Boolean)
    .join('\n')
}

const SUBJECT_RULES =
  'Subjects are compared exactly and case-sensitively: a job with `environment:` presents `repo:OWNER/REPO:environment:NAME`, a `pull_request` run `…:pull_request`, a branch `…:ref:refs/heads/BRANCH`, and newer repositories use the immutable form `repo:OWNER@ID/REPO@ID:…`, so copy the subject printed here. An app or identity holds at most 20 federated credentials.'

export const subjectMismatch: Explanation = ({ code }, context) => ({
  entry: 'aadsts700213',
  title: `No federated credential matches this workflow's subject (AADSTS${code})`,
  cause: `Entra ID found no federated identity credential on client ${context.azure.clientId ?? '(unset)'} for the subject of the GitHub ID token. ${SUBJECT_RULES}`,
  fix: `Add a federated credential for this exact subject:\n${addCredential(context)}`,
  facts: [...tokenFacts(context), ...configFacts(context)]
})

export const caseMismatch: Explanation = ({ code }, context) => {
  const client = context.azure.clientId ?? 'CLIENT_ID'
  return {
    entry: 'aadsts7002138',
    title: `A federated credential matches this subject only when case is ignored (AADSTS${code})`,
    cause: `A credential's subject differs from the token's only in letter case (a renamed owner or repository, or a hand-typed branch). ${SUBJECT_RULES}`,
    fix: [
      'Find the credential that differs only in case and delete it:',
      block(
        `az ad app federated-credential list --id ${shellArg(client)} --query "[].{name:name, subject:subject}" -o table`,
        `az ad app federated-credential delete --id ${shellArg(client)} --federated-credential-id NAME`
      ),
      `then add the exact subject:\n${addCredential(context)}`
    ].join('\n'),
    facts: [...tokenFacts(context), ...configFacts(context)]
  }
}

export const issuerMismatch: Explanation = ({ code }, context) => ({
  entry: 'aadsts700211',
  title: `No federated credential has this token's issuer (AADSTS${code})`,
  cause:
    'The credential’s issuer must equal the token’s `iss` exactly: https://token.actions.githubusercontent.com (no trailing slash), or with your enterprise’s slug appended when the enterprise customised it.',
  fix: `Add (or correct) the credential with the issuer printed here:\n${addCredential(context)}`,
  facts: [...tokenFacts(context), ...configFacts(context)]
})

export const audienceMismatch: Explanation = ({ code }, context) => {
  const audience = firstAudience(context.trace.idToken) ?? context.azure.audience
  return {
    entry: 'aadsts700212',
    title: `No federated credential accepts this token's audience (AADSTS${code})`,
    cause: `The GitHub ID token was requested for audience '${audience}' (the \`audience\` input), which is not among the credential’s audiences. The default for ${context.azure.cloud} is ${CLOUDS[context.azure.cloud].audience}.`,
    fix: [
      'Set the `audience` input to the credential’s audience:',
      block('with:', `  audience: ${CLOUDS[context.azure.cloud].audience}`),
      `or add a credential that accepts '${audience}':`,
      addCredential(context)
    ].join('\n'),
    facts: [...facts(['audience input', context.azure.audience]), ...tokenFacts(context)]
  }
}

export const noMatch: Explanation = ({ code }, context) => ({
  entry: 'aadsts70021',
  title: `No federated credential matches the GitHub ID token (AADSTS${code})`,
  cause: `Entra ID found no credential whose issuer, subject and audience all equal the token's. A credential created in the last few minutes may not have propagated yet${context.entraRetries ? `; this run already retried ${context.entraRetries} time${context.entraRetries === 1 ? '' : 's'}` : ''}. ${SUBJECT_RULES}`,
  fix: [
    'Compare the existing credentials with the claims printed here:',
    block(
      `az ad app federated-credential list --id ${shellArg(context.azure.clientId ?? 'CLIENT_ID')} -o table`
    ),
    `If none matches, add one (then wait a few minutes before re-running):\n${addCredential(context)}`
  ].join('\n'),
  facts: [
    ...tokenFacts(context),
    ...configFacts(context),
    ...facts(['retries', context.entraRetries])
  ]
})

export const noAssertion: Explanation = ({ code }, context) => ({
  entry: 'aadsts7000215',
  title: `Entra ID received no client assertion (AADSTS${code})`,
  cause:
    'This action never uses a client secret: it presents the GitHub ID token as a client assertion. Entra ID saw none, so the token handed over was most likely empty.',
  fix: `Check that the job grants \`id-token: write\` and re-run with ACTIONS_STEP_DEBUG=true to see the ID token request.\n${block('permissions:', '  id-token: write', '  contents: read', '  pull-requests: write')}`,
  facts: [...tokenFacts(context), ...configFacts(context)]
})

export const invalidAssertion: Explanation = ({ code }, context) => ({
  entry: 'aadsts50013',
  title: `Entra ID could not validate the GitHub ID token (AADSTS${code})`,
  cause: `The assertion's signature or issuer did not validate: Entra ID fetches the signing keys from the issuer's \`/.well-known/openid-configuration\`, which must be publicly reachable (a GitHub Enterprise Server issuer often is not), and the credential's issuer must be the token's \`iss\`.`,
  fix: [
    'Check that the issuer serves its keys publicly, and that the credential uses exactly this issuer:',
    block(
      `curl -sS ${shellArg(`${claim(context.trace.idToken, 'iss') ?? 'https://token.actions.githubusercontent.com'}/.well-known/openid-configuration`)}`
    ),
    addCredential(context)
  ].join('\n'),
  facts: [...tokenFacts(context), ...configFacts(context)]
})
