/**
 * Inputs → one typed, frozen Config, validated before any I/O. The only module that reads
 * core.getInput. Every error names the input, what was given and what is expected.
 */
import type { CloudName } from './azure/clouds.js'

export const AUTH_KINDS = ['github-oidc', 'managed-identity', 'workload-identity', 'azure-cli'] as const
export type AuthKind = (typeof AUTH_KINDS)[number]

export const MODES = ['summary', 'review', 'both', 'check'] as const
export type Mode = (typeof MODES)[number]

export const PERMISSIONS = ['write', 'maintain', 'admin'] as const
export type Permission = (typeof PERMISSIONS)[number]

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
  readonly concurrency: number
  readonly dryRun: boolean
}
