import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { ACTION_INPUTS, readConfig } from '../src/inputs.js'
import type { Config } from '../src/settings.js'
import { CLOUD_NAMES, CLOUDS } from '../src/settings.js'
import { ConfigError } from '../src/errors.js'

const CLIENT_ID = '0a1b2c3d-1111-4222-8333-444455556666'
const TENANT_ID = 'f0e1d2c3-aaaa-4bbb-8ccc-dddddddddddd'
const TOKEN = 'ghs_NotARealTokenButSecretAllTheSame42'

/** The fewest inputs a github-oidc user writes; everything else comes from defaults. */
const MINIMAL: Readonly<Record<string, string>> = {
  'client-id': CLIENT_ID,
  'tenant-id': TENANT_ID,
  endpoint: 'https://contoso.openai.azure.com',
  deployment: 'gpt-4o',
  'github-token': TOKEN
}

const savedEnv = { ...process.env }
let stdout: string[] = []

beforeEach(() => {
  // A runner (or a developer's shell) may carry inputs or AKS variables of its own.
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_') || name.startsWith('AZURE_'))
      Reflect.deleteProperty(process.env, name)
  }
  stdout = []
  // @actions/core writes workflow commands (::add-mask::, ::warning::) to stdout.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnv)) Reflect.deleteProperty(process.env, name)
  }
  Object.assign(process.env, savedEnv)
})

/** Sets inputs the way the runner does: INPUT_ + the name upper-cased, dashes kept. */
function setInputs(inputs: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(inputs)) {
    process.env[`INPUT_${name.toUpperCase()}`] = value
  }
}

function configWith(overrides: Readonly<Record<string, string>> = {}): Config {
  setInputs({ ...MINIMAL, ...overrides })
  return readConfig(ACTION_INPUTS)
}

function errorWith(overrides: Readonly<Record<string, string>>): ConfigError {
  try {
    configWith(overrides)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected readConfig to throw a ConfigError')
}

const DEFAULTS: Config = {
  azure: {
    auth: 'github-oidc',
    clientId: CLIENT_ID,
    tenantId: TENANT_ID,
    cloud: 'AzureCloud',
    authorityHost: 'https://login.microsoftonline.com',
    knownAuthority: true,
    audience: 'api://AzureADTokenExchange',
    scope: 'https://cognitiveservices.azure.com/.default'
  },
  model: {
    endpoint: 'https://contoso.openai.azure.com',
    deployment: 'gpt-4o',
    summaryDeployment: 'gpt-4o',
    apiVersion: undefined,
    requestTimeoutMs: 300_000
  },
  mode: 'both',
  githubToken: TOKEN,
  prNumber: undefined,
  include: [],
  exclude: [],
  instructions: '',
  language: 'English',
  incremental: true,
  reviewDrafts: false,
  allowForks: false,
  minPermission: 'write',
  tokenBudget: 300_000,
  askBudget: 30_000,
  answerReplies: true,
  concurrency: 4,
  dryRun: false
}

/** Each input's `default:` in action.yml, read line by line (no YAML parser needed here). */
function actionYmlDefaults(): Record<string, string> {
  const text = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
  const inputsBlock = text.slice(text.indexOf('\ninputs:'), text.indexOf('\noutputs:'))
  const defaults: Record<string, string> = {}
  let current = ''
  for (const line of inputsBlock.split('\n')) {
    const input = /^ {2}([a-z-]+):$/.exec(line)
    if (input?.[1]) current = input[1]
    const value = /^ {4}default: (.*)$/.exec(line)
    if (value?.[1] !== undefined) defaults[current] = value[1].replace(/^'(.*)'$/, '$1')
  }
  return defaults
}

describe('readConfig defaults', () => {
  it('resolves every default from a minimal github-oidc config', () => {
    expect(configWith()).toEqual(DEFAULTS)
  })

  it('declares every input of the design in action.yml, each with a default', () => {
    expect(Object.keys(actionYmlDefaults()).sort()).toEqual(
      [
        'client-id',
        'tenant-id',
        'endpoint',
        'deployment',
        'summary-deployment',
        'api-version',
        'auth',
        'audience',
        'cloud',
        'authority-host',
        'scope',
        'mode',
        'github-token',
        'pr-number',
        'include',
        'exclude',
        'instructions',
        'language',
        'incremental',
        'review-drafts',
        'allow-forks',
        'min-permission',
        'token-budget',
        'ask-budget',
        'answer-replies',
        'concurrency',
        'request-timeout',
        'dry-run'
      ].sort()
    )
  })

  it('reads the defaults action.yml declares as the same Config as empty inputs', () => {
    const declared = actionYmlDefaults()
    expect(declared['github-token']).toBe('${{ github.token }}')
    // The runner substitutes the expression before the action sees it.
    setInputs({ ...declared, ...MINIMAL })
    expect(readConfig(ACTION_INPUTS)).toEqual(DEFAULTS)
  })

  it.each(CLOUD_NAMES)('takes authority host, scope and audience from cloud %s', (cloud) => {
    const { azure } = configWith({ cloud })
    const { authorityHost, scope, audience } = CLOUDS[cloud]
    expect(azure).toMatchObject({ cloud, authorityHost, scope, audience, knownAuthority: true })
  })

  it('accepts a cloud name in any case and returns its canonical spelling', () => {
    expect(configWith({ cloud: 'azureusgovernment' }).azure.cloud).toBe('AzureUSGovernment')
  })

  it('refuses an unknown cloud and lists the clouds it knows', () => {
    const error = errorWith({ cloud: 'AzureGermanCloud' })
    expect(error.message).toBe(
      'cloud: got "AzureGermanCloud"; expected one of AzureCloud, AzureUSGovernment, AzureChinaCloud.'
    )
    expect(error.fix).toBe('with:\n  cloud: AzureCloud')
  })

  it('returns a deep-frozen Config', () => {
    const config = configWith({ include: 'src/**' })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.azure)).toBe(true)
    expect(Object.isFrozen(config.model)).toBe(true)
    expect(Object.isFrozen(config.include)).toBe(true)
    expect(Object.isFrozen(config.exclude)).toBe(true)
  })
})

describe('github-token', () => {
  it('masks the token as soon as it is read', () => {
    configWith()
    expect(stdout).toContain(`::add-mask::${TOKEN}\n`)
  })

  it('masks the token even when other inputs are wrong, and never echoes it', () => {
    const error = errorWith({ auth: 'oidc', endpoint: 'http://x' })
    expect(stdout).toContain(`::add-mask::${TOKEN}\n`)
    expect(`${error.message}\n${error.fix}`).not.toContain(TOKEN)
  })

  it('reports an empty token with the line that restores the default', () => {
    const error = errorWith({ 'github-token': '' })
    expect(error.message).toMatch(/^github-token: is empty; expected a token for the GitHub API/)
    expect(error.fix).toBe('with:\n  github-token: ${{ github.token }}')
  })
})

describe('auth and identity', () => {
  it('lists the allowed auth kinds when auth is unknown', () => {
    const error = errorWith({ auth: 'oidc' })
    expect(error.message).toBe(
      'auth: got "oidc"; expected one of github-oidc, managed-identity, workload-identity, azure-cli.'
    )
  })

  it('requires client-id and tenant-id for github-oidc, with the YAML lines and az commands that find them', () => {
    const error = errorWith({ 'client-id': '', 'tenant-id': '' })
    expect(error.message).toContain('- client-id: is empty; auth github-oidc needs it')
    expect(error.message).toContain('- tenant-id: is empty; auth github-oidc needs it')
    expect(error.fix).toContain(
      'with:\n  client-id: ${{ vars.AZURE_CLIENT_ID }}\n  tenant-id: ${{ vars.AZURE_TENANT_ID }}'
    )
    expect(error.fix).toContain('az ad app list --display-name NAME --query "[].appId" -o tsv')
    expect(error.fix).toContain('az identity show -n NAME -g RG --query clientId -o tsv')
    expect(error.fix).toContain('az account show --query tenantId -o tsv')
  })

  it('refuses a client-id that is not a GUID and quotes what was given', () => {
    const error = errorWith({ 'client-id': 'my-app' })
    expect(error.message).toBe('client-id: got "my-app"; expected a GUID (8-4-4-4-12 hex digits).')
  })

  it('trims and lower-cases GUIDs', () => {
    const { azure } = configWith({ 'client-id': ` ${CLIENT_ID.toUpperCase()} ` })
    expect(azure.clientId).toBe(CLIENT_ID)
  })

  it('accepts a tenant domain in place of the tenant GUID, but not for client-id', () => {
    expect(configWith({ 'tenant-id': 'Contoso.onmicrosoft.com' }).azure.tenantId).toBe(
      'contoso.onmicrosoft.com'
    )
    expect(errorWith({ 'client-id': 'contoso.onmicrosoft.com' }).message).toMatch(/^client-id: got/)
    expect(errorWith({ 'tenant-id': 'not a tenant' }).message).toBe(
      'tenant-id: got "not a tenant"; expected a GUID (8-4-4-4-12 hex digits) or a tenant domain such as contoso.onmicrosoft.com.'
    )
  })

  describe('workload-identity', () => {
    const aks = {
      AZURE_CLIENT_ID: '99999999-8888-4777-8666-555555555555',
      AZURE_TENANT_ID: '12345678-1234-4234-8234-123456789abc',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token'
    }

    it('falls back to AZURE_CLIENT_ID and AZURE_TENANT_ID when the inputs are empty', () => {
      Object.assign(process.env, aks)
      const { azure } = configWith({ auth: 'workload-identity', 'client-id': '', 'tenant-id': '' })
      expect(azure).toMatchObject({
        auth: 'workload-identity',
        clientId: aks.AZURE_CLIENT_ID,
        tenantId: aks.AZURE_TENANT_ID
      })
    })

    it('prefers the inputs over the environment', () => {
      Object.assign(process.env, aks)
      const { azure } = configWith({ auth: 'workload-identity' })
      expect(azure).toMatchObject({ clientId: CLIENT_ID, tenantId: TENANT_ID })
    })

    it('requires AZURE_FEDERATED_TOKEN_FILE and explains how AKS sets it', () => {
      const error = errorWith({ auth: 'workload-identity' })
      expect(error.message).toBe(
        'auth: workload-identity needs AZURE_FEDERATED_TOKEN_FILE in the environment, and it is not set.'
      )
      expect(error.fix).toContain('azure.workload.identity/use: "true"')
    })

    it('names the input and the variable when neither gives a client ID', () => {
      process.env['AZURE_FEDERATED_TOKEN_FILE'] = aks.AZURE_FEDERATED_TOKEN_FILE
      const error = errorWith({ auth: 'workload-identity', 'client-id': '' })
      expect(error.message).toMatch(
        /^client-id: is empty; auth workload-identity needs it and AZURE_CLIENT_ID is not set either/
      )
    })

    it('names the environment variable when the value taken from it is malformed', () => {
      Object.assign(process.env, aks, { AZURE_TENANT_ID: 'oops' })
      const error = errorWith({ auth: 'workload-identity', 'tenant-id': '' })
      expect(error.message).toMatch(
        /^AZURE_TENANT_ID \(read because tenant-id is empty\): got "oops"; expected a GUID/
      )
    })
  })

  it('needs no IDs for managed-identity, takes client-id as a user-assigned identity and ignores the tenant', () => {
    const base = { auth: 'managed-identity', 'tenant-id': 'ignored anyway' }
    expect(configWith({ ...base, 'client-id': '' }).azure).toMatchObject({
      clientId: undefined,
      tenantId: undefined
    })
    expect(configWith(base).azure.clientId).toBe(CLIENT_ID)
    expect(errorWith({ ...base, 'client-id': 'nope' }).message).toMatch(/^client-id: got "nope"/)
  })

  it('needs neither ID for azure-cli and passes a tenant through to pick one', () => {
    const none = configWith({ auth: 'azure-cli', 'client-id': '', 'tenant-id': '' }).azure
    expect(none).toMatchObject({ auth: 'azure-cli', clientId: undefined, tenantId: undefined })
    expect(configWith({ auth: 'azure-cli' }).azure).toMatchObject({
      clientId: undefined,
      tenantId: TENANT_ID
    })
  })
})

describe('endpoint', () => {
  it('requires an endpoint and says how to find it', () => {
    const error = errorWith({ endpoint: '' })
    expect(error.message).toBe(
      'endpoint: is empty; expected the Azure OpenAI resource URL, such as https://NAME.openai.azure.com.'
    )
    expect(error.fix).toContain('az cognitiveservices account show --name NAME')
  })

  it('refuses an http endpoint and says https is required', () => {
    const error = errorWith({ endpoint: 'http://contoso.openai.azure.com/' })
    expect(error.message).toBe(
      'endpoint: got "http://contoso.openai.azure.com/"; https is required: Entra tokens are never sent over plain http.'
    )
    expect(error.fix).toBe('with:\n  endpoint: https://contoso.openai.azure.com')
  })

  it('refuses something that is not a URL', () => {
    expect(errorWith({ endpoint: 'contoso.openai.azure.com' }).message).toBe(
      'endpoint: got "contoso.openai.azure.com"; expected an https URL such as https://NAME.openai.azure.com.'
    )
  })

  it('refuses a query or fragment, suggesting the bare endpoint', () => {
    const error = errorWith({
      endpoint: 'https://contoso.openai.azure.com/openai/v1/?api-version=preview'
    })
    expect(error.message).toMatch(/^endpoint: got ".*"; expected no query or fragment/)
    expect(error.fix).toBe('with:\n  endpoint: https://contoso.openai.azure.com')
    expect(errorWith({ endpoint: 'https://contoso.openai.azure.com#x' }).message).toContain(
      'no query or fragment'
    )
  })

  it('refuses a URL with credentials without echoing them', () => {
    const error = errorWith({ endpoint: 'https://user:hunter2@contoso.openai.azure.com' })
    expect(error.message).toContain('endpoint: contains a user name or password')
    expect(`${error.message}${error.fix}`).not.toContain('hunter2')
  })

  it.each([
    ['https://contoso.openai.azure.com/', 'https://contoso.openai.azure.com'],
    ['https://Contoso.OpenAI.Azure.com', 'https://contoso.openai.azure.com'],
    ['https://contoso.cognitiveservices.azure.com', 'https://contoso.cognitiveservices.azure.com'],
    ['https://contoso.services.ai.azure.com///', 'https://contoso.services.ai.azure.com'],
    ['https://gateway.example.com:8443/team-a/', 'https://gateway.example.com:8443/team-a'],
    ['https://localhost:9443', 'https://localhost:9443']
  ])('normalizes %s to %s without a warning', (given, expected) => {
    expect(configWith({ endpoint: given }).model.endpoint).toBe(expected)
    expect(stdout.join('')).not.toContain('::warning')
  })

  it.each([
    ['https://contoso.openai.azure.com/openai', 'https://contoso.openai.azure.com'],
    ['https://contoso.openai.azure.com/openai/v1/', 'https://contoso.openai.azure.com'],
    ['https://gateway.example.com/aoai/OpenAI/V1', 'https://gateway.example.com/aoai']
  ])('strips the API path from %s and warns about it', (given, expected) => {
    expect(configWith({ endpoint: given }).model.endpoint).toBe(expected)
    const warning = stdout.find((line) => line.startsWith('::warning::'))
    expect(warning).toContain(`Set endpoint: ${expected}`)
  })

  it('refuses a regional endpoint, explains the custom subdomain and gives the az command', () => {
    const error = errorWith({ endpoint: 'https://eastus.api.cognitive.microsoft.com/' })
    expect(error.message).toBe(
      'endpoint: got "https://eastus.api.cognitive.microsoft.com/", a regional endpoint; keyless (Entra ID) auth needs the resource\'s custom subdomain endpoint, such as https://NAME.openai.azure.com.'
    )
    expect(error.fix).toContain('endpoint: https://NAME.openai.azure.com')
    expect(error.fix).toContain(
      'az cognitiveservices account update --name NAME --resource-group RG --custom-domain NAME'
    )
  })

  it('suggests the sovereign custom-subdomain host for a regional US Government endpoint', () => {
    const error = errorWith({ endpoint: 'https://usgovvirginia.api.cognitive.microsoft.us' })
    expect(error.fix).toContain('endpoint: https://NAME.openai.azure.us')
  })
})

describe('model', () => {
  it('requires a deployment and says how to list them', () => {
    const error = errorWith({ deployment: '' })
    expect(error.message).toBe('deployment: is empty; expected the name of a model deployment.')
    expect(error.fix).toContain('az cognitiveservices account deployment list')
  })

  it.each(['gpt 4o', 'x', 'a'.repeat(65), 'gpt-4o/chat'])(
    'refuses the deployment name %s and describes a valid one',
    (deployment) => {
      expect(errorWith({ deployment }).message).toMatch(
        /^deployment: got ".*"; expected a deployment name of 2 to 64 letters, digits, "-", "_" or "."\.$/
      )
    }
  )

  it('uses summary-deployment when given and checks it like deployment', () => {
    expect(configWith({ 'summary-deployment': 'gpt-4o-mini' }).model).toMatchObject({
      deployment: 'gpt-4o',
      summaryDeployment: 'gpt-4o-mini'
    })
    expect(errorWith({ 'summary-deployment': 'mini!' }).message).toMatch(
      /^summary-deployment: got "mini!"/
    )
  })

  it.each(['2024-10-21', '2025-04-01-preview'])('accepts api-version %s', (apiVersion) => {
    expect(configWith({ 'api-version': apiVersion }).model.apiVersion).toBe(apiVersion)
  })

  it.each(['v1', 'latest', 'preview', '2024-13-01', '2024-10-21-beta', '20241021'])(
    'refuses api-version %s with the expected format and a hint to leave it empty',
    (apiVersion) => {
      expect(errorWith({ 'api-version': apiVersion }).message).toBe(
        `api-version: got "${apiVersion}"; expected YYYY-MM-DD or YYYY-MM-DD-preview, such as 2024-10-21; leave it empty to use the v1 API.`
      )
    }
  )
})

describe('authority, audience and scope', () => {
  it('accepts an authority-host origin and drops a trailing slash', () => {
    const { azure } = configWith({ 'authority-host': 'https://login.microsoftonline.us/' })
    expect(azure).toMatchObject({
      authorityHost: 'https://login.microsoftonline.us',
      knownAuthority: true
    })
  })

  it('marks a local emulator authority as unknown so instance discovery is skipped', () => {
    const { azure } = configWith({ 'authority-host': 'https://localhost:8443' })
    expect(azure).toMatchObject({ authorityHost: 'https://localhost:8443', knownAuthority: false })
  })

  it('refuses an http authority-host because MSAL requires https', () => {
    const error = errorWith({ 'authority-host': 'http://localhost:8443' })
    expect(error.message).toBe(
      'authority-host: got "http://localhost:8443"; MSAL requires https; expected an https origin without a path, such as https://login.microsoftonline.com (the tenant comes from tenant-id).'
    )
    expect(error.fix).toBe('with:\n  authority-host: https://localhost:8443')
  })

  it('refuses an authority-host with a path such as the tenant', () => {
    const error = errorWith({ 'authority-host': `https://login.microsoftonline.com/${TENANT_ID}` })
    expect(error.message).toMatch(
      /^authority-host: got ".*"; expected an https origin without a path/
    )
    expect(error.fix).toBe('with:\n  authority-host: https://login.microsoftonline.com')
  })

  it('uses an audience override as given', () => {
    expect(configWith({ audience: 'api://custom' }).azure.audience).toBe('api://custom')
  })

  it('accepts a scope ending in /.default', () => {
    const scope = 'https://ai.azure.com/.default'
    expect(configWith({ scope }).azure.scope).toBe(scope)
  })

  it('refuses a scope without /.default and shows the corrected scope line', () => {
    const error = errorWith({ scope: 'https://cognitiveservices.azure.com/' })
    expect(error.message).toBe(
      'scope: got "https://cognitiveservices.azure.com/"; expected a resource scope ending in /.default, such as https://cognitiveservices.azure.com/.default.'
    )
    expect(error.fix).toBe('with:\n  scope: https://cognitiveservices.azure.com/.default')
  })
})

describe('choices', () => {
  it('lists the modes when mode is unknown', () => {
    expect(errorWith({ mode: 'all' }).message).toBe(
      'mode: got "all"; expected one of summary, review, both, check.'
    )
  })

  it('lists the permissions when min-permission is unknown', () => {
    expect(errorWith({ 'min-permission': 'triage' }).message).toBe(
      'min-permission: got "triage"; expected one of write, maintain, admin.'
    )
  })

  it('accepts each mode and permission', () => {
    expect(configWith({ mode: 'check', 'min-permission': 'admin' })).toMatchObject({
      mode: 'check',
      minPermission: 'admin'
    })
  })
})

describe('booleans', () => {
  const names = ['incremental', 'review-drafts', 'allow-forks', 'dry-run'] as const

  it.each(['true', 'True', 'TRUE'])('reads %s as true', (value) => {
    const config = configWith(Object.fromEntries(names.map((name) => [name, value])))
    expect(config).toMatchObject({
      incremental: true,
      reviewDrafts: true,
      allowForks: true,
      dryRun: true
    })
  })

  it.each(['false', 'False', 'FALSE'])('reads %s as false', (value) => {
    const config = configWith(Object.fromEntries(names.map((name) => [name, value])))
    expect(config).toMatchObject({
      incremental: false,
      reviewDrafts: false,
      allowForks: false,
      dryRun: false
    })
  })

  it.each(['yes', 'on', '1', 'tRUE'])(
    'refuses %s, which YAML 1.2 does not read as a boolean',
    (value) => {
      const error = errorWith({ 'dry-run': value })
      expect(error.message).toBe(
        `dry-run: got "${value}"; expected true or false (also True, TRUE, False, FALSE).`
      )
      expect(error.fix).toBe('with:\n  dry-run: false')
    }
  )
})

describe('numbers', () => {
  it('accepts the ends of each range', () => {
    expect(configWith({ 'token-budget': '1000', concurrency: '1' })).toMatchObject({
      tokenBudget: 1000,
      concurrency: 1
    })
    expect(configWith({ 'token-budget': '10000000', concurrency: '16' })).toMatchObject({
      tokenBudget: 10_000_000,
      concurrency: 16
    })
  })

  it('reads request-timeout in seconds, from 1 to 3600', () => {
    expect(configWith({ 'request-timeout': '900' }).model.requestTimeoutMs).toBe(900_000)
    expect(errorWith({ 'request-timeout': '0' }).message).toBe(
      'request-timeout: got "0"; expected a whole number from 1 to 3,600.'
    )
  })

  it.each(['999', '10000001', '1e6', '200,000', '-5', '12.5'])(
    'refuses token-budget %s and gives the range',
    (value) => {
      expect(errorWith({ 'token-budget': value }).message).toBe(
        `token-budget: got "${value}"; expected a whole number from 1,000 to 10,000,000.`
      )
    }
  )

  it('reads ask-budget within 2,000 to 120,000 and answer-replies as a boolean', () => {
    expect(configWith({ 'ask-budget': '2000', 'answer-replies': 'false' })).toMatchObject({
      askBudget: 2000,
      answerReplies: false
    })
    expect(configWith({ 'ask-budget': '120000' }).askBudget).toBe(120_000)
    expect(errorWith({ 'ask-budget': '1999' }).message).toBe(
      'ask-budget: got "1999"; expected a whole number from 2,000 to 120,000.'
    )
  })

  it.each(['0', '17', 'four'])('refuses concurrency %s and gives the range', (value) => {
    expect(errorWith({ concurrency: value }).message).toBe(
      `concurrency: got "${value}"; expected a whole number from 1 to 16.`
    )
  })

  it('reads pr-number as a positive integer and refuses anything else', () => {
    expect(configWith({ 'pr-number': '42' }).prNumber).toBe(42)
    for (const value of ['0', '#42', '99999999999999999999']) {
      expect(errorWith({ 'pr-number': value }).message).toBe(
        `pr-number: got "${value}"; expected a whole number of at least 1.`
      )
    }
  })
})

describe('text and lists', () => {
  it('reads one glob per line, trimmed, without blank lines or # comments', () => {
    const config = configWith({
      include: 'src/**/*.ts\n\n  # tests are reviewed too\n  __tests__/**\r\n',
      exclude: 'docs/**, *.md'
    })
    expect(config.include).toEqual(['src/**/*.ts', '__tests__/**'])
    // Commas do not separate globs: a glob may contain one ({a,b}).
    expect(config.exclude).toEqual(['docs/**, *.md'])
  })

  it('reads instructions and language as given', () => {
    expect(
      configWith({ instructions: '  Focus on security.\nBe brief.  ', language: 'Deutsch' })
    ).toMatchObject({ instructions: 'Focus on security.\nBe brief.', language: 'Deutsch' })
  })
})

describe('problems are collected', () => {
  it('lists every problem at once, each on its own line, with one merged fix', () => {
    const error = errorWith({
      'client-id': '',
      endpoint: 'http://contoso.openai.azure.com',
      concurrency: '64',
      'dry-run': 'yes'
    })
    expect(error.message.split('\n')).toEqual([
      'The inputs have 4 problems:',
      expect.stringMatching(/^- client-id: is empty/),
      expect.stringMatching(/^- endpoint: got "http:/),
      expect.stringMatching(/^- concurrency: got "64"/),
      expect.stringMatching(/^- dry-run: got "yes"/)
    ])
    expect(error.fix.split('\n').slice(0, 5)).toEqual([
      'with:',
      '  client-id: ${{ vars.AZURE_CLIENT_ID }}',
      '  endpoint: https://contoso.openai.azure.com',
      '  concurrency: 4',
      '  dry-run: false'
    ])
    expect(error.describe()).toContain('\nFix: with:\n')
  })
})
