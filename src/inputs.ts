/**
 * Inputs → one typed, frozen Config (settings.ts), validated before any I/O. The raw values come
 * from a reader: the action's (core.getInput, the only call of it) or the CLI's flags. Every
 * problem names the input, what was given and what is expected, and the settings that fix it,
 * which each reader writes its own way (YAML under `with:`, or flags).
 */
import * as core from '@actions/core'
import { ConfigError } from './errors.js'
import { thousands } from './format.js'
import {
  AUTH_KINDS,
  CLOUD_NAMES,
  CLOUDS,
  GUID,
  KNOWN_AUTHORITY_HOSTS,
  MODES,
  PERMISSIONS,
  REGIONAL_ENDPOINT,
  REGIONAL_TO_RESOURCE_SUFFIX,
  type AuthKind,
  type CloudName,
  type Config
} from './settings.js'

/** The action's inputs, each one by its name in action.yml. */
export type InputName =
  | 'client-id'
  | 'tenant-id'
  | 'endpoint'
  | 'deployment'
  | 'summary-deployment'
  | 'api-version'
  | 'auth'
  | 'audience'
  | 'cloud'
  | 'authority-host'
  | 'scope'
  | 'mode'
  | 'github-token'
  | 'pr-number'
  | 'include'
  | 'exclude'
  | 'instructions'
  | 'language'
  | 'incremental'
  | 'review-drafts'
  | 'allow-forks'
  | 'min-permission'
  | 'token-budget'
  | 'ask-budget'
  | 'answer-replies'
  | 'concurrency'
  | 'request-timeout'
  | 'dry-run'

/** An input set to the value that puts a problem right. */
export interface Setting {
  readonly input: InputName
  /** What to type: a value, or a NAME to fill in ('' for an empty input). */
  readonly value: string
  /** What a workflow writes instead, when that differs: an expression such as ${{ vars.X }}. */
  readonly inWorkflow?: string
}

/** Where readConfig gets the raw values, and how its users set an input. */
export interface InputReader {
  /** The input's raw value, trimmed; '' when it is not set. */
  read(input: InputName): string
  /** The settings that fix the problems, as this surface writes them. */
  fix(settings: readonly Setting[]): string
}

/** The action's inputs: set under the step's `with:`. */
export const ACTION_INPUTS: InputReader = {
  read: (input) => core.getInput(input),
  fix: (settings) =>
    settings.length === 0
      ? ''
      : [
          'with:',
          ...settings.map(
            ({ input, value, inWorkflow }) => `  ${input}: ${inWorkflow ?? (value || "''")}`
          )
        ].join('\n')
}

/**
 * Reads every input, then throws one ConfigError listing every problem, or returns the Config.
 * `githubToken: false`: a run that never talks to GitHub (the CLI on a local diff) needs none.
 */
export function readConfig(
  reader: InputReader,
  needs: { githubToken: boolean } = { githubToken: true }
): Config {
  const inputs = new Inputs(reader)

  // Masked before anything else runs, so no later log line can show it.
  const githubToken = inputs.text('github-token')
  if (githubToken) {
    core.setSecret(githubToken)
  } else if (needs.githubToken) {
    inputs.fail(
      'github-token: is empty; expected a token for the GitHub API (its default, ${{ github.token }}, is empty only when the workflow sets it so).',
      [{ input: 'github-token', value: 'TOKEN', inWorkflow: '${{ github.token }}' }]
    )
  }

  const auth = inputs.oneOf('auth', AUTH_KINDS, 'github-oidc')
  const { clientId, tenantId } = readIdentity(inputs, auth)
  const endpoint = readEndpoint(inputs)
  const deployment = inputs.deployment('deployment', true)
  const summaryDeployment = inputs.deployment('summary-deployment', false) || deployment
  const apiVersion = readApiVersion(inputs)
  const cloud = inputs.oneOf('cloud', CLOUD_NAMES, 'AzureCloud')
  const authorityHost = readAuthorityHost(inputs, cloud)
  const audience = inputs.text('audience') || CLOUDS[cloud].audience
  const scope = readScope(inputs, cloud)
  const mode = inputs.oneOf('mode', MODES, 'both')
  const prNumber = inputs.integer(
    'pr-number',
    1,
    Number.MAX_SAFE_INTEGER,
    'NUMBER',
    '${{ inputs.pr-number }}'
  )
  const include = inputs.globs('include')
  const exclude = inputs.globs('exclude')
  const instructions = inputs.text('instructions')
  const language = inputs.text('language') || 'English'
  const incremental = inputs.boolean('incremental', true)
  const reviewDrafts = inputs.boolean('review-drafts', false)
  const allowForks = inputs.boolean('allow-forks', false)
  const minPermission = inputs.oneOf('min-permission', PERMISSIONS, 'write')
  const tokenBudget = inputs.integer('token-budget', 1000, 10_000_000, '300000') ?? 300_000
  const askBudget = inputs.integer('ask-budget', 2000, 120_000, '30000') ?? 30_000
  const answerReplies = inputs.boolean('answer-replies', true)
  const concurrency = inputs.integer('concurrency', 1, 16, '4') ?? 4
  const requestTimeout = inputs.integer('request-timeout', 1, 3600, '300') ?? 300
  const dryRun = inputs.boolean('dry-run', false)

  inputs.throwIfAny()

  return Object.freeze({
    azure: Object.freeze({
      auth,
      clientId,
      tenantId,
      cloud,
      authorityHost,
      knownAuthority: KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase()),
      audience,
      scope
    }),
    model: Object.freeze({
      endpoint,
      deployment,
      summaryDeployment,
      apiVersion,
      requestTimeoutMs: requestTimeout * 1000
    }),
    mode,
    githubToken,
    prNumber,
    include: Object.freeze(include),
    exclude: Object.freeze(exclude),
    instructions,
    language,
    incremental,
    reviewDrafts,
    allowForks,
    minPermission,
    tokenBudget,
    askBudget,
    answerReplies,
    concurrency,
    dryRun
  })
}

/** The settings that shape a run, one per line, for the log (nothing secret). */
export function describeConfig(config: Config): string[] {
  const { azure, model } = config
  const deployments =
    model.summaryDeployment === model.deployment
      ? model.deployment
      : `${model.deployment} (summaries: ${model.summaryDeployment})`
  return [
    `mode: ${config.mode}${config.dryRun ? ' (dry run: nothing is posted)' : ''}`,
    `auth: ${azure.auth}${azure.clientId ? `, client ${azure.clientId}` : ''}${azure.tenantId ? ` in tenant ${azure.tenantId}` : ''} (${azure.cloud})`,
    `Azure OpenAI: ${model.endpoint}, deployment ${deployments}, ${model.apiVersion ? `api-version ${model.apiVersion}` : 'v1 API'}`,
    `budget: ${thousands(config.tokenBudget)} prompt tokens, ${config.concurrency} requests at once`
  ]
}

/** One thing wrong with the inputs, and how to put it right. */
interface Problem {
  readonly message: string
  /** The inputs and the values that fix it. */
  readonly settings: readonly Setting[]
  /** Commands or notes that go with them. */
  readonly notes: readonly string[]
}

/**
 * Reads inputs and collects every problem, so one failed run lists them all. A reader that
 * finds a problem returns a placeholder; throwIfAny() stops it from reaching a Config.
 */
class Inputs {
  private readonly problems: Problem[] = []

  constructor(private readonly reader: InputReader) {}

  text(name: InputName): string {
    return this.reader.read(name)
  }

  fail(message: string, settings: readonly Setting[] = [], notes: readonly string[] = []): void {
    this.problems.push({ message, settings, notes })
  }

  throwIfAny(): void {
    const problems = this.problems
    if (problems.length === 0) return
    const message =
      problems.length === 1
        ? problems[0]?.message
        : [
            `The inputs have ${problems.length} problems:`,
            ...problems.map((p) => `- ${p.message}`)
          ].join('\n')
    const settings = this.reader.fix(problems.flatMap((p) => p.settings))
    const fix = [
      ...(settings ? [settings] : []),
      ...new Set(problems.flatMap((p) => p.notes))
    ].join('\n')
    throw new ConfigError(message ?? '', fix)
  }

  /** Matches case-insensitively and returns the canonical spelling. */
  oneOf<T extends string>(name: InputName, allowed: readonly T[], fallback: T): T {
    const given = this.text(name)
    if (!given) return fallback
    const match = allowed.find((value) => value.toLowerCase() === given.toLowerCase())
    if (match) return match
    this.fail(`${name}: got ${quote(given)}; expected one of ${allowed.join(', ')}.`, [
      { input: name, value: fallback }
    ])
    return fallback
  }

  /** The YAML 1.2 core schema forms, as core.getBooleanInput accepts them; empty is the default. */
  boolean(name: InputName, fallback: boolean): boolean {
    const given = this.text(name)
    if (!given) return fallback
    if (['true', 'True', 'TRUE'].includes(given)) return true
    if (['false', 'False', 'FALSE'].includes(given)) return false
    this.fail(
      `${name}: got ${quote(given)}; expected true or false (also True, TRUE, False, FALSE).`,
      [{ input: name, value: String(fallback) }]
    )
    return fallback
  }

  /** Decimal digits within [min, max]; undefined when empty or wrong. */
  integer(
    name: InputName,
    min: number,
    max: number,
    example: string,
    inWorkflow?: string
  ): number | undefined {
    const given = this.text(name)
    if (!given) return undefined
    const value = /^\d+$/.test(given) ? Number(given) : Number.NaN
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? `a whole number of at least ${thousands(min)}`
        : `a whole number from ${thousands(min)} to ${thousands(max)}`
    this.fail(`${name}: got ${quote(given)}; expected ${range}.`, [
      { input: name, value: example, ...(inWorkflow ? { inWorkflow } : {}) }
    ])
    return undefined
  }

  /** One glob per line; blank lines and `#` comments dropped. */
  globs(name: InputName): string[] {
    return this.text(name)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
  }

  deployment(name: 'deployment' | 'summary-deployment', required: boolean): string {
    const given = this.text(name)
    const notes = [
      'List the deployments: az cognitiveservices account deployment list --name NAME --resource-group RG --query "[].name" -o tsv'
    ]
    if (!given) {
      if (required) {
        this.fail(
          `${name}: is empty; expected the name of a model deployment.`,
          [{ input: name, value: 'NAME' }],
          notes
        )
      }
      return ''
    }
    if (/^[\w.-]{2,64}$/.test(given)) return given
    this.fail(
      `${name}: got ${quote(given)}; expected a deployment name of 2 to 64 letters, digits, "-", "_" or ".".`,
      [{ input: name, value: 'NAME' }],
      notes
    )
    return ''
  }
}

/** A tenant's domain name, which Entra accepts in place of its ID. */
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

interface Identifier {
  readonly input: 'client-id' | 'tenant-id'
  /** The tenant may also be named by its domain, which Entra accepts in place of its ID. */
  readonly domainAllowed: boolean
  readonly setting: Setting
  readonly note: string
}
const CLIENT_ID: Identifier = {
  input: 'client-id',
  domainAllowed: false,
  setting: { input: 'client-id', value: 'CLIENT_ID', inWorkflow: '${{ vars.AZURE_CLIENT_ID }}' },
  note: 'Find the client ID: az ad app list --display-name NAME --query "[].appId" -o tsv (app registration), or az identity show -n NAME -g RG --query clientId -o tsv (user-assigned managed identity)'
}
const TENANT_ID: Identifier = {
  input: 'tenant-id',
  domainAllowed: true,
  setting: { input: 'tenant-id', value: 'TENANT_ID', inWorkflow: '${{ vars.AZURE_TENANT_ID }}' },
  note: 'Find the tenant ID: az account show --query tenantId -o tsv'
}

function readIdentity(
  inputs: Inputs,
  auth: AuthKind
): { clientId: string | undefined; tenantId: string | undefined } {
  const clientId = inputs.text('client-id')
  const tenantId = inputs.text('tenant-id')
  switch (auth) {
    case 'github-oidc':
      return {
        clientId: identifier(inputs, CLIENT_ID, clientId, 'auth github-oidc needs it'),
        tenantId: identifier(inputs, TENANT_ID, tenantId, 'auth github-oidc needs it')
      }
    case 'workload-identity': {
      // AKS workload identity injects AZURE_CLIENT_ID, AZURE_TENANT_ID and
      // AZURE_FEDERATED_TOKEN_FILE into the pods that opt in.
      if (!process.env['AZURE_FEDERATED_TOKEN_FILE']) {
        inputs.fail(
          'auth: workload-identity needs AZURE_FEDERATED_TOKEN_FILE in the environment, and it is not set.',
          [],
          [
            'Run the runner in an AKS pod labelled azure.workload.identity/use: "true" whose service account is annotated azure.workload.identity/client-id, or use auth: github-oidc'
          ]
        )
      }
      const fromEnv = (id: Identifier, given: string, variable: string): string =>
        given
          ? identifier(inputs, id, given, '')
          : identifier(
              inputs,
              id,
              process.env[variable]?.trim() ?? '',
              `auth workload-identity needs it and ${variable} is not set either`,
              `${variable} (read because ${id.input} is empty)`
            )
      return {
        clientId: fromEnv(CLIENT_ID, clientId, 'AZURE_CLIENT_ID'),
        tenantId: fromEnv(TENANT_ID, tenantId, 'AZURE_TENANT_ID')
      }
    }
    case 'managed-identity':
      // A client ID selects a user-assigned identity; without one, the system-assigned one.
      if (tenantId) core.debug('tenant-id is ignored with auth managed-identity.')
      return {
        clientId: clientId ? identifier(inputs, CLIENT_ID, clientId, '') : undefined,
        tenantId: undefined
      }
    case 'azure-cli':
      // The CLI is already signed in; a tenant, if given, picks which of its tenants to use.
      if (clientId) core.debug('client-id is ignored with auth azure-cli.')
      return {
        clientId: undefined,
        tenantId: tenantId ? identifier(inputs, TENANT_ID, tenantId, '') : undefined
      }
  }
}

/** A GUID, lower-cased (or a tenant's domain); '' after recording a problem. */
function identifier(
  inputs: Inputs,
  id: Identifier,
  given: string,
  whyRequired: string,
  source: string = id.input
): string {
  const expected = id.domainAllowed
    ? 'a GUID (8-4-4-4-12 hex digits) or a tenant domain such as contoso.onmicrosoft.com'
    : 'a GUID (8-4-4-4-12 hex digits)'
  if (!given) {
    inputs.fail(`${id.input}: is empty; ${whyRequired}: ${expected}.`, [id.setting], [id.note])
    return ''
  }
  if (GUID.test(given) || (id.domainAllowed && DOMAIN.test(given))) return given.toLowerCase()
  inputs.fail(`${source}: got ${quote(given)}; expected ${expected}.`, [id.setting], [id.note])
  return ''
}

function readEndpoint(inputs: Inputs): string {
  const given = inputs.text('endpoint')
  const example = 'https://NAME.openai.azure.com'
  const findIt =
    'Find it: az cognitiveservices account show --name NAME --resource-group RG --query properties.endpoint -o tsv'
  if (!given) {
    inputs.fail(
      `endpoint: is empty; expected the Azure OpenAI resource URL, such as ${example}.`,
      [{ input: 'endpoint', value: example }],
      [findIt]
    )
    return ''
  }
  let url: URL
  try {
    url = new URL(given)
  } catch {
    inputs.fail(
      `endpoint: got ${quote(given)}; expected an https URL such as ${example}.`,
      [{ input: 'endpoint', value: example }],
      [findIt]
    )
    return ''
  }
  if (url.username || url.password) {
    // Not quoted: whatever is in there may be a secret.
    inputs.fail(
      'endpoint: contains a user name or password; expected a URL without credentials (auth is keyless).',
      [{ input: 'endpoint', value: `https://${url.host}` }]
    )
    return ''
  }

  let path = url.pathname.replace(/\/+$/, '')
  const apiPath = /\/openai(?:\/v1)?$/i.exec(path)
  if (apiPath) path = path.slice(0, apiPath.index)
  const suggestion = `https://${url.host}${path}`

  const regional = REGIONAL_ENDPOINT.exec(url.hostname)
  if (regional) {
    const named = `https://NAME.${REGIONAL_TO_RESOURCE_SUFFIX[regional[1]?.toLowerCase() ?? ''] ?? CLOUDS.AzureCloud.resourceSuffix}`
    inputs.fail(
      `endpoint: got ${quote(given)}, a regional endpoint; keyless (Entra ID) auth needs the resource's custom subdomain endpoint, such as ${named}.`,
      [{ input: 'endpoint', value: named }],
      [
        'Give the resource a custom subdomain (it cannot be changed once set): az cognitiveservices account update --name NAME --resource-group RG --custom-domain NAME'
      ]
    )
    return ''
  }
  const problems: string[] = []
  if (url.protocol === 'http:') {
    problems.push('https is required: Entra tokens are never sent over plain http')
  } else if (url.protocol !== 'https:') {
    problems.push('expected an https URL')
  }
  if (url.search || url.hash || given.includes('?') || given.includes('#')) {
    problems.push('expected no query or fragment: the action adds api-version and API paths itself')
  }
  if (problems.length > 0) {
    inputs.fail(`endpoint: got ${quote(given)}; ${problems.join('; ')}.`, [
      { input: 'endpoint', value: suggestion }
    ])
    return ''
  }
  if (apiPath) {
    core.warning(
      `endpoint: removed "${apiPath[0]}" from ${quote(given)}; the action adds API paths itself. Set endpoint: ${suggestion}`
    )
  }
  return `https://${url.host}${path}`
}

const API_VERSION = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:-preview)?$/

function readApiVersion(inputs: Inputs): string | undefined {
  const given = inputs.text('api-version')
  if (!given) return undefined
  if (API_VERSION.test(given)) return given
  inputs.fail(
    `api-version: got ${quote(given)}; expected YYYY-MM-DD or YYYY-MM-DD-preview, such as 2024-10-21; leave it empty to use the v1 API.`,
    [{ input: 'api-version', value: '' }]
  )
  return undefined
}

function readAuthorityHost(inputs: Inputs, cloud: CloudName): string {
  const fallback = CLOUDS[cloud].authorityHost
  const given = inputs.text('authority-host')
  if (!given) return fallback
  const expected = `an https origin without a path, such as ${fallback} (the tenant comes from tenant-id)`
  let url: URL | undefined
  try {
    url = new URL(given)
  } catch {
    url = undefined
  }
  if (url?.protocol === 'https:' && url.pathname === '/' && !/[?#@]/.test(given)) {
    return url.origin
  }
  const reason = url?.protocol === 'http:' ? 'MSAL requires https; expected' : 'expected'
  inputs.fail(`authority-host: got ${quote(given)}; ${reason} ${expected}.`, [
    { input: 'authority-host', value: url ? `https://${url.host}` : fallback }
  ])
  return fallback
}

function readScope(inputs: Inputs, cloud: CloudName): string {
  const fallback = CLOUDS[cloud].scope
  const given = inputs.text('scope')
  if (!given) return fallback
  if (given.endsWith('/.default') && given.length > '/.default'.length) return given
  const suggestion = /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.test(given)
    ? `${given.replace(/\/+$/, '').replace(/\/\.default$/, '')}/.default`
    : fallback
  inputs.fail(
    `scope: got ${quote(given)}; expected a resource scope ending in /.default, such as ${fallback}.`,
    [{ input: 'scope', value: suggestion }]
  )
  return fallback
}

/** Quoted, escaped and cut short, so a pasted blob cannot flood the log. */
function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 97)}...` : value)
}
