/**
 * Where the identity will call: the signed-in Azure account (tenant, subscription, cloud), the
 * Azure OpenAI resource (by resource id, by name and resource group, or by a name that is
 * unique in the subscription) with the custom subdomain Entra tokens need, and the deployment.
 */
import { z } from 'zod'
import { ActionError } from '../../errors.js'
import { CLOUD_NAMES, CLOUDS, type CloudName } from '../../settings.js'
import type { Runner } from './commands.js'

export interface AzureAccount {
  readonly subscriptionId: string
  readonly subscriptionName: string
  readonly tenantId: string
  readonly user: string
  readonly cloud: CloudName
}

export interface OpenAIResource {
  readonly id: string
  readonly name: string
  readonly resourceGroup: string
  readonly subscriptionId: string
  readonly location: string
  readonly endpoint: string
}

const AccountShow = z.object({
  id: z.string(),
  name: z.string(),
  tenantId: z.string(),
  environmentName: z.string().nullish(),
  user: z.object({ name: z.string() }).nullish()
})

const Resource = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string().nullish(),
  location: z.string(),
  properties: z
    .object({ endpoint: z.string().nullish(), customSubDomainName: z.string().nullish() })
    .nullish()
})
type Resource = z.infer<typeof Resource>

const Deployment = z.object({
  name: z.string(),
  properties: z
    .object({ model: z.object({ name: z.string(), version: z.string().nullish() }).nullish() })
    .nullish()
})

const RESOURCE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)$/i

/** Kinds that serve Azure OpenAI deployments (an Azure OpenAI or a Foundry / AI Services resource). */
const OPENAI_KINDS = new Set(['openai', 'aiservices'])

export async function signedInAccount(runner: Runner): Promise<AzureAccount> {
  const shown = await runner.query(
    AccountShow,
    'az',
    ['account', 'show', '-o', 'json'],
    'read the signed-in Azure account'
  )
  const cloud = (CLOUD_NAMES as readonly string[]).includes(shown.environmentName ?? '')
    ? (shown.environmentName as CloudName)
    : 'AzureCloud'
  const account = {
    subscriptionId: shown.id,
    subscriptionName: shown.name,
    tenantId: shown.tenantId,
    user: shown.user?.name ?? 'unknown',
    cloud
  }
  runner.signedIn = { user: account.user, subscription: `${shown.name} (${shown.id})` }
  return account
}

export async function findResource(
  runner: Runner,
  account: AzureAccount,
  resource: string,
  resourceGroup: string | undefined
): Promise<OpenAIResource> {
  const byId = RESOURCE_ID.exec(resource)
  if (byId && byId[1]?.toLowerCase() !== account.subscriptionId.toLowerCase()) {
    throw new ActionError(
      `The Azure OpenAI resource is in subscription ${byId[1] ?? ''}, but the Azure CLI works in ${account.subscriptionName} (${account.subscriptionId}): the identity and its role must be created beside the resource.`,
      `az account set --subscription ${byId[1] ?? ''}   then run setup again`
    )
  }
  // `az cognitiveservices account show` takes no --ids: a resource id is shown by its parts.
  const [name, group] = byId ? [byId[3] ?? '', byId[2]] : [resource, resourceGroup]
  const shown = group
    ? await runner.query(
        Resource,
        'az',
        [
          'cognitiveservices',
          'account',
          'show',
          '--name',
          name,
          '--resource-group',
          group,
          '-o',
          'json'
        ],
        `read the Azure OpenAI resource ${resource}`
      )
    : await uniqueByName(runner, account, resource)
  return checked(shown, account)
}

/** Without a resource group, the name must be unique among the subscription's accounts. */
async function uniqueByName(
  runner: Runner,
  account: AzureAccount,
  name: string
): Promise<Resource> {
  const all = await runner.query(
    z.array(Resource),
    'az',
    ['cognitiveservices', 'account', 'list', '-o', 'json'],
    `find the Azure OpenAI resource ${name}`
  )
  const matches = all.filter((r) => r.name.toLowerCase() === name.toLowerCase())
  const [only] = matches
  if (only && matches.length === 1) return only
  const groups = matches.map((r) => resourceGroupOf(r.id)).join(', ')
  throw new ActionError(
    matches.length === 0
      ? `No Azure OpenAI resource named ${name} in subscription ${account.subscriptionName} (${account.subscriptionId}).`
      : `${matches.length} resources are named ${name} (resource groups ${groups}).`,
    matches.length === 0
      ? 'Check the name and the subscription:\n  az cognitiveservices account list -o table\n  az account set --subscription SUBSCRIPTION_ID_OR_NAME\nor pass the resource id: --resource /subscriptions/…/providers/Microsoft.CognitiveServices/accounts/NAME'
      : `--resource-group ${resourceGroupOf(only?.id ?? '')}   (or pass the resource id as --resource)`
  )
}

function checked(shown: Resource, account: AzureAccount): OpenAIResource {
  const resourceGroup = resourceGroupOf(shown.id)
  if (shown.kind && !OPENAI_KINDS.has(shown.kind.toLowerCase())) {
    throw new ActionError(
      `${shown.name} is a ${shown.kind} resource, which serves no Azure OpenAI deployments.`,
      "Pass an Azure OpenAI (kind OpenAI) or Foundry (kind AIServices) resource: az cognitiveservices account list --query \"[?kind=='OpenAI' || kind=='AIServices'].{name:name, resourceGroup:resourceGroup}\" -o table"
    )
  }
  const subdomain = shown.properties?.customSubDomainName
  if (!subdomain) {
    throw new ActionError(
      `${shown.name} has no custom subdomain: its endpoint is the regional ${shown.properties?.endpoint ?? '(none)'}, and Microsoft Entra tokens are accepted only on a resource's own host (https://NAME.openai.azure.com).`,
      `az cognitiveservices account update --name ${shown.name} --resource-group ${resourceGroup} --custom-domain ${shown.name.toLowerCase()}   (the subdomain must be globally unique and cannot be changed later), then run setup again`
    )
  }
  const endpoint = (
    shown.properties?.endpoint ?? `https://${subdomain}.${CLOUDS[account.cloud].resourceSuffix}`
  ).replace(/\/+$/, '')
  return {
    id: shown.id,
    name: shown.name,
    resourceGroup,
    subscriptionId: RESOURCE_ID.exec(shown.id)?.[1] ?? account.subscriptionId,
    location: shown.location,
    endpoint
  }
}

function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? ''
}

/** The deployment exists; when not, the resource's deployments are named in the error. */
export async function checkDeployment(
  runner: Runner,
  resource: OpenAIResource,
  deployment: string
): Promise<string | undefined> {
  const at = ['--name', resource.name, '--resource-group', resource.resourceGroup]
  const found = await runner.find(
    Deployment,
    'az',
    [
      'cognitiveservices',
      'account',
      'deployment',
      'show',
      ...at,
      '--deployment-name',
      deployment,
      '-o',
      'json'
    ],
    `read the deployment ${deployment}`
  )
  if (found) {
    const model = found.properties?.model
    return model ? `${model.name}${model.version ? ` ${model.version}` : ''}` : undefined
  }
  const all = await runner.query(
    z.array(Deployment),
    'az',
    ['cognitiveservices', 'account', 'deployment', 'list', ...at, '-o', 'json'],
    `list the deployments of ${resource.name}`
  )
  const names = all.map((d) => d.name)
  throw new ActionError(
    `${resource.name} has no deployment named ${deployment}${names.length > 0 ? `; its deployments: ${names.join(', ')}` : ', nor any other'}.`,
    names.length > 0
      ? `--deployment ${names[0] ?? ''}`
      : `Deploy a model first, for example: az cognitiveservices account deployment create --name ${resource.name} --resource-group ${resource.resourceGroup} --deployment-name ${deployment} --model-name gpt-4o --model-version 2024-11-20 --model-format OpenAI --sku-name GlobalStandard --sku-capacity 50`
  )
}
