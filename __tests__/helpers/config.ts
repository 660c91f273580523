/** A valid Config for tests of modules that take one (trigger, diagnosis). */
import type { Config } from '../../src/settings.js'

/** The Config readConfig() returns for a minimal github-oidc setup, plus overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    azure: {
      auth: 'github-oidc',
      clientId: '0a1b2c3d-1111-4222-8333-444455556666',
      tenantId: 'f0e1d2c3-aaaa-4bbb-8ccc-dddddddddddd',
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
    githubToken: 'ghs_test',
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
    dryRun: false,
    ...overrides
  }
}
