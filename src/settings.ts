/**
 * What a run is configured with: the Config type, the allowed values of each enumerated input,
 * the Azure clouds and the endpoint rules. Constants and types only; inputs.ts reads the
 * workflow's inputs into a Config, and the rest of the code reads the Config.
 */

export const AUTH_KINDS = [
  'github-oidc',
  'managed-identity',
  'workload-identity',
  'azure-cli'
] as const
export type AuthKind = (typeof AUTH_KINDS)[number]

export const MODES = ['summary', 'review', 'both', 'check'] as const
export type Mode = (typeof MODES)[number]

export const PERMISSIONS = ['write', 'maintain', 'admin'] as const
export type Permission = (typeof PERMISSIONS)[number]

export const CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const
export type CloudName = (typeof CLOUD_NAMES)[number]

/** Where Entra lives, what scope Azure OpenAI expects, what audience GitHub mints for. */
export interface Cloud {
  readonly authorityHost: string
  readonly scope: string
  readonly audience: string
  /** The host suffix of an Azure OpenAI resource's own (custom subdomain) endpoint. */
  readonly resourceSuffix: string
}

export const CLOUDS: Readonly<Record<CloudName, Cloud>> = {
  AzureCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    scope: 'https://cognitiveservices.azure.com/.default',
    audience: 'api://AzureADTokenExchange',
    resourceSuffix: 'openai.azure.com'
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    scope: 'https://cognitiveservices.azure.us/.default',
    audience: 'api://AzureADTokenExchangeUSGov',
    resourceSuffix: 'openai.azure.us'
  },
  AzureChinaCloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    scope: 'https://cognitiveservices.azure.cn/.default',
    audience: 'api://AzureADTokenExchangeChina',
    resourceSuffix: 'openai.azure.cn'
  }
}

/** A client or tenant id: 8-4-4-4-12 hex digits. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Entra hosts MSAL's instance discovery knows; any other host must skip discovery. */
export const KNOWN_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn'
])

/**
 * Shared regional endpoints (`https://REGION.api.cognitive.microsoft.com`, and the .us / .cn
 * ones) serve key auth only: Entra tokens need the resource's custom subdomain. The captured
 * group is the cloud's domain, a key of REGIONAL_TO_RESOURCE_SUFFIX.
 */
export const REGIONAL_ENDPOINT =
  /^[a-z0-9-]+\.api\.cognitive\.(microsoft\.com|microsoft\.us|azure\.cn)$/i
export const REGIONAL_TO_RESOURCE_SUFFIX: Readonly<Record<string, string>> = {
  'microsoft.com': CLOUDS.AzureCloud.resourceSuffix,
  'microsoft.us': CLOUDS.AzureUSGovernment.resourceSuffix,
  'azure.cn': CLOUDS.AzureChinaCloud.resourceSuffix
}

/** Host suffixes of an Azure OpenAI / Foundry resource's own endpoint, in every cloud. */
export const RESOURCE_HOST_SUFFIXES = [
  '.openai.azure.com',
  '.cognitiveservices.azure.com',
  '.services.ai.azure.com',
  '.openai.azure.us',
  '.cognitiveservices.azure.us',
  '.openai.azure.cn',
  '.cognitiveservices.azure.cn'
] as const

export interface AzureConfig {
  readonly auth: AuthKind
  /** App registration or user-assigned identity; undefined only where the auth kind allows it. */
  readonly clientId: string | undefined
  readonly tenantId: string | undefined
  readonly cloud: CloudName
  /** https origin, no trailing slash: the `authority-host` input or the cloud's. */
  readonly authorityHost: string
  /** False for a host that is not a known Azure cloud: MSAL instance discovery is then disabled. */
  readonly knownAuthority: boolean
  /** Audience requested for the GitHub ID token. */
  readonly audience: string
  /** Entra scope for Azure OpenAI, ending in `/.default`. */
  readonly scope: string
}

export interface ModelConfig {
  /** https origin (plus any gateway path), no trailing slash. */
  readonly endpoint: string
  readonly deployment: string
  readonly summaryDeployment: string
  /** Undefined: the v1 API. Set: the classic deployments API with this api-version. */
  readonly apiVersion: string | undefined
  /** How long one request may take before it is abandoned and sent again (`request-timeout`). */
  readonly requestTimeoutMs: number
}

export interface Config {
  readonly azure: AzureConfig
  readonly model: ModelConfig
  readonly mode: Mode
  readonly githubToken: string
  readonly prNumber: number | undefined
  readonly include: readonly string[]
  readonly exclude: readonly string[]
  readonly instructions: string
  readonly language: string
  readonly incremental: boolean
  readonly reviewDrafts: boolean
  readonly allowForks: boolean
  readonly minPermission: Permission
  readonly tokenBudget: number
  /** Prompt tokens one question may spend. */
  readonly askBudget: number
  /** Answer replies in review threads the action started (not only `/ask`). */
  readonly answerReplies: boolean
  readonly concurrency: number
  readonly dryRun: boolean
}
