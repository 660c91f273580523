/**
 * Explanations of a federated credential that does not match the GitHub ID token (subject,
 * issuer, audience, signature, missing assertion), each with the token's actual claims and the
 * `az` commands that add the exact credential. Used by entra.ts.
 */
import { CLOUDS } from '../settings.js'
import { fragment, say, type Values } from './catalogue.js'
import {
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

/** How many times the chain retried a refusal that propagation could explain. */
function retryFacts(context: DiagnosisContext): Fact[] {
  return facts(['retries', context.entraRetries])
}

/** A credential name Entra accepts (3–120 of letters, digits, '-', '_') derived from the subject. */
function credentialName(subject: string): string {
  const slug = subject
    .replace(/^repo:/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `github-${slug}`.slice(0, 120).replace(/-+$/, '')
}

/** The client id as the `az` commands take it. */
export function clientArg(context: DiagnosisContext): string {
  return shellArg(context.azure.clientId ?? 'CLIENT_ID')
}

/**
 * Both ways to add the token's exact issuer/subject/audience as a federated credential, and to
 * replace the credential that holds its issuer and subject with one for its audience.
 */
function credentialCommands(context: DiagnosisContext): { add: string; replace: string } {
  const id = context.trace.idToken
  const issuer = claim(id, 'iss') ?? 'https://token.actions.githubusercontent.com'
  const subject = claim(id, 'sub') ?? 'SUBJECT_FROM_MODE_CHECK'
  const audience = firstAudience(id) ?? context.azure.audience
  const name = credentialName(subject)
  const parameters = JSON.stringify({ name, issuer, subject, audiences: [audience] })
  const values = {
    'client-id': clientArg(context),
    parameters: shellArg(parameters),
    'credential-name': name,
    issuer: shellArg(issuer),
    subject: shellArg(subject),
    audience: shellArg(audience)
  }
  return {
    add: fragment(id?.sub ? 'add-credential' : 'add-credential-unknown-subject', values),
    replace: fragment('replace-credential', values)
  }
}

/** The facts every credential template may name. */
function credentialValues(context: DiagnosisContext): Values {
  return {
    'client-id': clientArg(context),
    'add-credential': credentialCommands(context).add
  }
}

export const subjectMismatch: Explanation = (_failure, context) => ({
  ...say('aadsts700213', 'default', credentialValues(context)),
  facts: [...tokenFacts(context), ...configFacts(context), ...retryFacts(context)]
})

export const caseMismatch: Explanation = (_failure, context) => ({
  ...say('aadsts7002138', 'default', credentialValues(context)),
  facts: [...tokenFacts(context), ...configFacts(context)]
})

export const issuerMismatch: Explanation = (_failure, context) => ({
  ...say('aadsts700211', 'default', credentialValues(context)),
  facts: [...tokenFacts(context), ...configFacts(context)]
})

/**
 * The token's audience is not among the credential's. Which side is custom decides the advice;
 * the refused audience is never offered as the value to set.
 */
export const audienceMismatch: Explanation = (_failure, context) => {
  const defaultAudience = CLOUDS[context.azure.cloud].audience
  const audience = firstAudience(context.trace.idToken) ?? context.azure.audience
  const kase = audience === defaultAudience ? 'custom-credential' : 'custom-input'
  return {
    ...say('aadsts700212', kase, {
      ...credentialValues(context),
      'replace-credential': credentialCommands(context).replace,
      audience,
      cloud: context.azure.cloud,
      'default-audience': defaultAudience
    }),
    facts: [...facts(['audience input', context.azure.audience]), ...tokenFacts(context)]
  }
}

export const noMatch: Explanation = (_failure, context) => ({
  ...say('aadsts70021', 'default', credentialValues(context)),
  facts: [...tokenFacts(context), ...configFacts(context), ...retryFacts(context)]
})

export const noAssertion: Explanation = ({ code }, context) => ({
  ...say('aadsts7000215', 'default', { code }),
  facts: [...tokenFacts(context), ...configFacts(context)]
})

export const invalidAssertion: Explanation = (_failure, context) => {
  const issuer =
    claim(context.trace.idToken, 'iss') ?? 'https://token.actions.githubusercontent.com'
  return {
    ...say('aadsts50013', 'default', {
      ...credentialValues(context),
      'issuer-metadata': shellArg(`${issuer}/.well-known/openid-configuration`)
    }),
    facts: [...tokenFacts(context), ...configFacts(context)]
  }
}
