/**
 * The identity the workflows sign in as, created unless it exists: a user-assigned managed
 * identity beside the Azure OpenAI resource (the default: no app registration, no Entra
 * directory rights needed), or with --app an app registration and its service principal.
 */
import { z } from 'zod'
import { ActionError } from '../../errors.js'
import type { OpenAIResource } from './azure-openai.js'
import type { Runner } from './commands.js'

export type IdentityKind = 'managed-identity' | 'app-registration'

export interface Identity {
  readonly kind: IdentityKind
  readonly name: string
  /** The action's client-id: the identity's clientId, or the app's appId. */
  readonly clientId: string
  /** The role assignee: the identity's principalId, or the service principal's object id. */
  readonly principalId: string
  /** The resource group of a managed identity (its federated credentials are addressed by it). */
  readonly resourceGroup: string
  /** Created by this run (or, in a dry run, to be): it holds no federated credentials yet. */
  readonly newCredentialHolder: boolean
  /** Its principal was created by this run (or would be): it holds no role yet. */
  readonly newPrincipal: boolean
}

/** In a dry run, what a create would return is not known yet. */
const PLACEHOLDER = {
  clientId: '<client-id>',
  principalId: '<principal-id>',
  appId: '<app-id>'
} as const

const ManagedIdentity = z.object({ clientId: z.string(), principalId: z.string() })
const Application = z.object({ appId: z.string(), displayName: z.string().nullish() })
const ServicePrincipal = z.object({ id: z.string() })

/** Managed identity names: 3–128 letters, digits, '-' and '_', starting with a letter or digit. */
export function identityName(repo: string): string {
  return `keyless-pr-review-${repo}`.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 128)
}

export function ensureIdentity(
  runner: Runner,
  kind: IdentityKind,
  name: string,
  resource: OpenAIResource
): Promise<Identity> {
  return kind === 'managed-identity'
    ? ensureManagedIdentity(runner, name, resource)
    : ensureAppRegistration(runner, name, resource)
}

async function ensureManagedIdentity(
  runner: Runner,
  name: string,
  resource: OpenAIResource
): Promise<Identity> {
  const at = ['--name', name, '--resource-group', resource.resourceGroup]
  const base = { kind: 'managed-identity' as const, name, resourceGroup: resource.resourceGroup }
  const shown = await runner.find(
    ManagedIdentity,
    'az',
    ['identity', 'show', ...at, '-o', 'json'],
    `read the managed identity ${name}`
  )
  if (shown) {
    return { ...base, ...shown, newCredentialHolder: false, newPrincipal: false }
  }
  const created = await runner.change(
    ManagedIdentity,
    'az',
    ['identity', 'create', ...at, '--location', resource.location, '-o', 'json'],
    `create the managed identity ${name}`
  )
  return {
    ...base,
    clientId: created?.clientId ?? PLACEHOLDER.clientId,
    principalId: created?.principalId ?? PLACEHOLDER.principalId,
    newCredentialHolder: true,
    newPrincipal: true
  }
}

async function ensureAppRegistration(
  runner: Runner,
  name: string,
  resource: OpenAIResource
): Promise<Identity> {
  // --display-name filters with startswith: keep the exact name only.
  const listed = await runner.query(
    z.array(Application),
    'az',
    ['ad', 'app', 'list', '--display-name', name, '-o', 'json'],
    `find the app registration ${name}`
  )
  const apps = listed.filter((a) => a.displayName === name)
  if (apps.length > 1) {
    throw new ActionError(
      `${apps.length} app registrations are named ${name} (${apps.map((a) => a.appId).join(', ')}); setup cannot tell which one the workflows use.`,
      '--identity-name A_UNIQUE_NAME   (or delete the extra registration: az ad app delete --id APP_ID)'
    )
  }
  const existing = apps[0]
  const created = existing
    ? undefined
    : await runner.change(
        Application,
        'az',
        ['ad', 'app', 'create', '--display-name', name, '-o', 'json'],
        `create the app registration ${name}`
      )
  const appId = existing?.appId ?? created?.appId ?? PLACEHOLDER.appId
  const principal = existing
    ? await runner.find(
        ServicePrincipal,
        'az',
        ['ad', 'sp', 'show', '--id', appId, '-o', 'json'],
        `read the service principal of ${name}`
      )
    : undefined
  const newPrincipal = principal
    ? undefined
    : await runner.change(
        ServicePrincipal,
        'az',
        ['ad', 'sp', 'create', '--id', appId, '-o', 'json'],
        `create the service principal of ${name}`
      )
  return {
    kind: 'app-registration',
    name,
    clientId: appId,
    principalId: principal?.id ?? newPrincipal?.id ?? PLACEHOLDER.principalId,
    resourceGroup: resource.resourceGroup,
    newCredentialHolder: !existing,
    newPrincipal: !principal
  }
}
