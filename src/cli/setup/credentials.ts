/**
 * One federated identity credential per subject the workflows present, added only where none
 * matches yet. Entra matches issuer and subject exactly and allows 20 credentials per identity,
 * so the count is checked before anything is created. Credentials are created one at a time: the
 * managed identity provider refuses concurrent writes to one identity
 * (ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { ActionError } from '../../errors.js'
import { commandLine, type Runner } from './commands.js'
import type { Identity } from './identity.js'

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
const MAX_CREDENTIALS = 20

type CredentialState = 'exists' | 'created' | 'planned'

export interface CredentialStatus {
  readonly subject: string
  readonly name: string
  readonly state: CredentialState
}

const Credential = z.object({
  name: z.string(),
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()).nullish()
})
type Credential = z.infer<typeof Credential>

/**
 * A name Entra accepts (3–120 of letters, digits, '-', '_'), the same for the same subject: the
 * one the action's own diagnosis suggests, with a hash when cut or already taken.
 */
export function credentialName(subject: string, taken: ReadonlySet<string> = new Set()): string {
  const slug = subject
    .replace(/^repo:/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const name = `github-${slug}`
  if (name.length <= 120 && !taken.has(name)) return name
  const hash = createHash('sha256').update(subject).digest('hex').slice(0, 8)
  return `${name.slice(0, 111).replace(/-+$/, '')}-${hash}`
}

export async function ensureCredentials(
  runner: Runner,
  identity: Identity,
  subjects: readonly string[],
  audience: string
): Promise<CredentialStatus[]> {
  const existing = identity.newCredentialHolder ? [] : await listCredentials(runner, identity)
  const statuses: CredentialStatus[] = []
  const missing: string[] = []
  for (const subject of subjects) {
    const match = existing.find((c) => c.issuer === GITHUB_ISSUER && c.subject === subject)
    if (!match) {
      missing.push(subject)
      continue
    }
    if (!(match.audiences ?? []).includes(audience)) throw wrongAudience(identity, match, audience)
    statuses.push({ subject, name: match.name, state: 'exists' })
  }
  if (existing.length + missing.length > MAX_CREDENTIALS) {
    throw tooMany(identity, existing.length, missing)
  }
  const taken = new Set(existing.map((c) => c.name))
  for (const subject of missing) {
    const name = credentialName(subject, taken)
    taken.add(name)
    await runner.change(
      undefined,
      'az',
      [...createArgs(identity, name, subject, audience), '-o', 'json'],
      `add the federated credential for ${subject}`
    )
    statuses.push({ subject, name, state: runner.dryRun ? 'planned' : 'created' })
  }
  // In the order of the subjects asked for, whatever existed.
  return subjects.map((s) => statuses.find((c) => c.subject === s) as CredentialStatus)
}

function listCredentials(runner: Runner, identity: Identity): Promise<Credential[]> {
  return runner.query(
    z.array(Credential),
    'az',
    [...listArgs(identity), '-o', 'json'],
    `list the federated credentials of ${identity.name}`
  )
}

function listArgs(identity: Identity): string[] {
  return identity.kind === 'managed-identity'
    ? ['identity', 'federated-credential', 'list', ...onIdentity(identity)]
    : ['ad', 'app', 'federated-credential', 'list', '--id', identity.clientId]
}

function onIdentity(identity: Identity): string[] {
  return ['--identity-name', identity.name, '--resource-group', identity.resourceGroup]
}

function createArgs(identity: Identity, name: string, subject: string, audience: string): string[] {
  if (identity.kind === 'managed-identity') {
    return [
      'identity',
      'federated-credential',
      'create',
      '--name',
      name,
      ...onIdentity(identity),
      '--issuer',
      GITHUB_ISSUER,
      '--subject',
      subject,
      '--audiences',
      audience
    ]
  }
  const parameters = JSON.stringify({ name, issuer: GITHUB_ISSUER, subject, audiences: [audience] })
  return [
    'ad',
    'app',
    'federated-credential',
    'create',
    '--id',
    identity.clientId,
    '--parameters',
    parameters
  ]
}

function wrongAudience(identity: Identity, credential: Credential, audience: string): ActionError {
  const update =
    identity.kind === 'managed-identity'
      ? [
          'identity',
          'federated-credential',
          'update',
          '--name',
          credential.name,
          ...onIdentity(identity),
          '--audiences',
          audience
        ]
      : [
          'ad',
          'app',
          'federated-credential',
          'update',
          '--id',
          identity.clientId,
          '--federated-credential-id',
          credential.name,
          '--parameters',
          JSON.stringify({ audiences: [audience] })
        ]
  return new ActionError(
    `${identity.name}'s federated credential ${credential.name} trusts ${credential.subject} for the audience ${(credential.audiences ?? []).join(', ') || '(none)'}, not ${audience}: GitHub tokens for Azure carry ${audience}, and an issuer and subject can be registered only once.`,
    commandLine('az', update)
  )
}

function tooMany(identity: Identity, held: number, missing: readonly string[]): ActionError {
  const list = commandLine('az', [...listArgs(identity), '-o', 'table'])
  return new ActionError(
    [
      `${identity.name} holds ${held} federated credentials and these triggers need ${missing.length} more, past Microsoft Entra's limit of ${MAX_CREDENTIALS} per identity. Nothing was created. Missing subjects:`,
      ...missing.map((s) => `  ${s}`)
    ].join('\n'),
    [
      'Give every job the same environment, so all triggers share one subject (one credential): --environment pr-review',
      `or remove credentials this identity no longer needs (${list}),`,
      'or use another identity: --identity-name NAME'
    ].join('\n')
  )
}
