/** CLI flags become the action's inputs: the same Config, the same errors, fixes as flags. */
import { ConfigError } from '../../src/errors.js'
import { parseCommandLine } from '../../src/cli/cli.js'
import { configFrom, type Flags } from '../../src/cli/options.js'
import { parsePullRef } from '../../src/cli/github.js'

const ENDPOINT = 'https://contoso.openai.azure.com'

/** The flags of `review` as the command line reads them. */
function parse(argv: string[]): { values: Flags } {
  const parsed = parseCommandLine(['review', ...argv])
  if (typeof parsed === 'number') throw new Error(`the command line exited ${parsed}`)
  return { values: parsed.flags }
}

describe('configFrom', () => {
  it('reads flags as the action reads its inputs, with the Azure CLI login by default', () => {
    const { values } = parse([
      '--endpoint',
      ENDPOINT,
      '--deployment',
      'gpt-4o',
      '--include',
      'src/**',
      '--include',
      'lib/**',
      '--ask-budget',
      '12000'
    ])
    const config = configFrom(values, { post: false })
    expect(config.azure.auth).toBe('azure-cli')
    expect(config.model).toMatchObject({ endpoint: ENDPOINT, deployment: 'gpt-4o' })
    expect(config.include).toEqual(['src/**', 'lib/**'])
    expect(config.askBudget).toBe(12_000)
    expect(config.dryRun).toBe(true)
    expect(config.githubToken).toBe('')
    // The action's inputs leave no trace in the environment.
    expect(Object.keys(process.env).filter((k) => k.startsWith('INPUT_'))).toEqual([])
  })

  it('falls back to the repository-variable names for the endpoint and deployment', () => {
    process.env['AZURE_OPENAI_ENDPOINT'] = ENDPOINT
    process.env['AZURE_OPENAI_DEPLOYMENT'] = 'from-env'
    try {
      const config = configFrom(parse([]).values, { githubToken: 'ghp_x', post: true })
      expect(config.model.deployment).toBe('from-env')
      expect(config.dryRun).toBe(false)
      expect(config.githubToken).toBe('ghp_x')
    } finally {
      delete process.env['AZURE_OPENAI_ENDPOINT']
      delete process.env['AZURE_OPENAI_DEPLOYMENT']
    }
  })

  it('explains bad values with the action’s words and the fix as a flag', () => {
    const attempt = (): unknown =>
      configFrom(
        parse(['--endpoint', ENDPOINT, '--deployment', 'gpt-4o', '--token-budget', '12']).values,
        { post: false }
      )
    expect(attempt).toThrow(ConfigError)
    try {
      attempt()
    } catch (error) {
      const e = error as ConfigError
      expect(e.message).toBe(
        'token-budget: got "12"; expected a whole number from 1,000 to 10,000,000.'
      )
      expect(e.fix).toMatch(/^ {2}--token-budget \d+/m)
      expect(e.fix).not.toContain('with:')
    }
  })

  it('writes each fix as the flag that sets it: a value to type, never a workflow expression', () => {
    const attempt = (): unknown =>
      configFrom(
        parse([
          '--auth',
          'github-oidc',
          '--api-version',
          'v1',
          '--endpoint',
          ENDPOINT,
          '--deployment',
          'gpt-4o'
        ]).values,
        { post: false }
      )
    expect(attempt).toThrow(ConfigError)
    try {
      attempt()
    } catch (error) {
      const fix = (error as ConfigError).fix.split('\n')
      expect(fix.slice(0, 3)).toEqual([
        '  --client-id CLIENT_ID',
        '  --tenant-id TENANT_ID',
        "  --api-version ''"
      ])
      expect(fix.join('\n')).not.toContain('${{')
    }
  })

  it('refuses unknown flags with a pointer to --help', () => {
    expect(() => parse(['--endpont', ENDPOINT])).toThrow(/Unknown option '--endpont'/)
  })
})

describe('parsePullRef', () => {
  it('reads owner/name#number and a pull request URL', () => {
    expect(parsePullRef('octo-org/octo-repo#12')).toEqual({
      owner: 'octo-org',
      repo: 'octo-repo',
      number: 12
    })
    expect(parsePullRef('https://github.example.com/o/r/pull/7/files')).toEqual({
      owner: 'o',
      repo: 'r',
      number: 7
    })
    expect(() => parsePullRef('octo-repo#12')).toThrow(/expected owner\/name#number/)
  })
})
