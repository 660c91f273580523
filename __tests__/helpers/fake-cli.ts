/**
 * Fake `az` and `gh` on PATH, for suites that run `setup` in this process. Each is a small
 * executable Node script in a temp dir put first on PATH: it appends its argv to a JSON-lines log,
 * asks this process (over HTTP on 127.0.0.1) what to answer, and prints that stdout and stderr
 * with that exit code. A command the real parser would refuse is refused first, in its words
 * (cli-grammar.ts); the others are answered by the scenario's rules (a command prefix or pattern
 * → stdout, stderr, exit code), then by a small stateful Azure (and GitHub variables): a create
 * makes the next show or list find the object, so idempotence is real. Errors use the tools' real
 * wordings (see src/cli/setup/failures.ts for their sources).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { DEPLOYMENT, TENANT_ID } from '../emulators/constants.js'
import { azRefusal, ghRefusal } from './cli-grammar.js'

export type Tool = 'az' | 'gh'

export interface FakeAnswer {
  readonly stdout?: string
  readonly stderr?: string
  readonly code?: number
}

export type Matcher = string | RegExp | ((args: readonly string[]) => boolean)

export interface FakeCall {
  readonly tool: Tool
  readonly args: readonly string[]
}

interface Rule {
  readonly tool: Tool
  readonly matches: (args: readonly string[]) => boolean
  readonly answer: (args: readonly string[]) => FakeAnswer
  times: number
}

export const SUBSCRIPTION_ID = '1f0b7c2e-9d4a-4e8b-b6a3-5c2d1e0f9a87'
export const SUBSCRIPTION_NAME = 'Contoso Dev'
export const SIGNED_IN_USER = 'alice@contoso.com'
export const RESOURCE_GROUP = 'rg-ai'
const ACCOUNT_NAME = 'my-openai'
export const LOCATION = 'eastus'
export const ACCOUNT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.CognitiveServices/accounts/${ACCOUNT_NAME}`
export const ENDPOINT = `https://${ACCOUNT_NAME}.openai.azure.com`

/** azure-cli's own words (azure/cli/core/_profile.py) when no account is signed in. */
export const NOT_LOGGED_IN = "ERROR: Please run 'az login' to setup account.\n"

/** ARM's 403 as azure-cli prints it (quoted from Azure/azure-cli#30789, with this action). */
export function authorizationFailed(action: string, scope: string): string {
  const message = `The client '${SIGNED_IN_USER}' with object id '6c1f3b9a-2e4d-4f7a-9b8c-0d1e2f3a4b5c' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
  return `ERROR: (AuthorizationFailed) ${message}\nCode: AuthorizationFailed\nMessage: ${message}\n`
}

/** ARM's 404 for a resource in a resource group, as azure-cli prints it. */
function resourceNotFound(type: string, name: string, group: string): string {
  const message = `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
  return `ERROR: (ResourceNotFound) ${message}\nCode: ResourceNotFound\nMessage: ${message}\n`
}

export class FakeCli {
  readonly azure = new FakeAzure()
  readonly gh = new FakeGhVariables()
  private rules: Rule[] = []

  private constructor(
    readonly dir: string,
    readonly logFile: string,
    private readonly server: Server,
    private readonly savedPath: string | undefined
  ) {}

  /** Writes the scripts, starts answering, and puts the scripts first on PATH. */
  static async install(): Promise<FakeCli> {
    const dir = mkdtempSync(join(tmpdir(), 'fake-cli-'))
    const logFile = join(dir, 'calls.jsonl')
    writeFileSync(logFile, '')
    // The server answers through the instance created once it listens.
    const ready: { fake?: FakeCli } = {}
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeCall
        const answer = ready.fake?.answer(call) ?? { code: 127 }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(answer))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    for (const tool of ['az', 'gh'] as const) {
      const file = join(dir, tool)
      writeFileSync(file, relayScript(tool, `http://127.0.0.1:${port}/`, logFile))
      chmodSync(file, 0o755)
    }
    const fake = new FakeCli(dir, logFile, server, process.env['PATH'])
    ready.fake = fake
    process.env['PATH'] = [dir, process.env['PATH']].filter(Boolean).join(delimiter)
    return fake
  }

  /** The scenario: answer matching commands of `tool` this way, `times` times (default: always). */
  when(
    tool: Tool,
    match: Matcher,
    answer: FakeAnswer | ((args: readonly string[]) => FakeAnswer),
    times = Number.POSITIVE_INFINITY
  ): this {
    const matches =
      typeof match === 'string'
        ? (args: readonly string[]) => args.join(' ').startsWith(match)
        : match instanceof RegExp
          ? (args: readonly string[]) => match.test(args.join(' '))
          : match
    this.rules.push({
      tool,
      matches,
      answer: typeof answer === 'function' ? answer : () => answer,
      times
    })
    return this
  }

  /** Every call so far, in order, from the scripts' log. */
  calls(tool?: Tool): string[][] {
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FakeCall)
      .filter((c) => tool === undefined || c.tool === tool)
      .map((c) => [...c.args])
  }

  /** Forgets the calls and the rules, and starts from a fresh Azure and GitHub. */
  reset(): void {
    writeFileSync(this.logFile, '')
    this.rules = []
    this.azure.reset()
    this.gh.reset()
  }

  async uninstall(): Promise<void> {
    if (this.savedPath === undefined) delete process.env['PATH']
    else process.env['PATH'] = this.savedPath
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    rmSync(this.dir, { recursive: true, force: true })
  }

  private answer(call: FakeCall): FakeAnswer {
    const refused = call.tool === 'az' ? azRefusal(call.args) : ghRefusal(call.args)
    if (refused) return refused
    const rule = this.rules.find((r) => r.tool === call.tool && r.times > 0 && r.matches(call.args))
    if (rule) {
      rule.times -= 1
      return rule.answer(call.args)
    }
    const answer = call.tool === 'az' ? this.azure.answer(call.args) : this.gh.answer(call.args)
    return (
      answer ?? {
        code: 2,
        stderr: `fake ${call.tool}: no answer for: ${call.args.join(' ')}\n`
      }
    )
  }
}

/** The executable: CommonJS, so any Node runs it without a package.json around it. */
function relayScript(tool: Tool, url: string, logFile: string): string {
  return `#!${process.execPath}
const { appendFileSync } = require('node:fs')
const args = process.argv.slice(2)
appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({ tool: ${JSON.stringify(tool)}, args }) + '\\n')
fetch(${JSON.stringify(url)}, { method: 'POST', body: JSON.stringify({ tool: ${JSON.stringify(tool)}, args }) })
  .then((res) => res.json())
  .then(({ stdout = '', stderr = '', code = 0 }) => {
    process.stdout.write(stdout)
    process.stderr.write(stderr)
    process.exitCode = code
  })
  .catch((error) => {
    process.stderr.write('fake ${tool}: ' + String(error) + '\\n')
    process.exitCode = 127
  })
`
}

/** The value after `--name` (or any flag) in argv. */
function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}

const json = (value: unknown): FakeAnswer => ({ stdout: `${JSON.stringify(value, null, 2)}\n` })
const fail = (stderr: string): FakeAnswer => ({ stderr, code: 1 })

interface FakeAccount {
  name: string
  resourceGroup: string
  kind: string
  location: string
  customSubDomainName: string | null
  /** Where ARM says the resource answers; default the subdomain's host (a harness: an emulator). */
  endpoint?: string
  deployments: { name: string; model: string; version: string }[]
}

interface FakeCredential {
  name: string
  issuer: string
  subject: string
  audiences: string[]
}

interface FakeIdentity {
  name: string
  resourceGroup: string
  location: string
  clientId: string
  principalId: string
  credentials: FakeCredential[]
}

interface FakeApp {
  displayName: string
  appId: string
  objectId: string
  credentials: FakeCredential[]
}

interface FakeRoleAssignment {
  principalId: string
  scope: string
  roleDefinitionName: string
}

/** Entra's limit; the fake refuses past it so a missed check cannot pass unnoticed. */
const MAX_CREDENTIALS = 20

/** A subscription with one Azure OpenAI resource, signed in; creates persist until reset(). */
class FakeAzure {
  loggedIn = true
  cloud = 'AzureCloud'
  accounts: FakeAccount[] = []
  identities: FakeIdentity[] = []
  apps: FakeApp[] = []
  servicePrincipals: { id: string; appId: string }[] = []
  roleAssignments: FakeRoleAssignment[] = []
  private ids = 0

  constructor() {
    this.reset()
  }

  reset(): void {
    this.loggedIn = true
    this.cloud = 'AzureCloud'
    this.accounts = [
      {
        name: ACCOUNT_NAME,
        resourceGroup: RESOURCE_GROUP,
        kind: 'OpenAI',
        location: LOCATION,
        customSubDomainName: ACCOUNT_NAME,
        deployments: [{ name: DEPLOYMENT, model: 'gpt-4o', version: '2024-11-20' }]
      }
    ]
    this.identities = []
    this.apps = []
    this.servicePrincipals = []
    this.roleAssignments = []
    this.ids = 0
  }

  /** Deterministic GUIDs, in order of creation. */
  guid(): string {
    this.ids += 1
    return `00000000-0000-4000-8000-${String(this.ids).padStart(12, '0')}`
  }

  answer(args: readonly string[]): FakeAnswer | undefined {
    if (!this.loggedIn) return fail(NOT_LOGGED_IN)
    const line = args.join(' ')
    if (line.startsWith('account show')) {
      return json({
        environmentName: this.cloud,
        id: SUBSCRIPTION_ID,
        isDefault: true,
        name: SUBSCRIPTION_NAME,
        state: 'Enabled',
        tenantId: TENANT_ID,
        user: { name: SIGNED_IN_USER, type: 'user' }
      })
    }
    if (line.startsWith('cognitiveservices account deployment')) return this.deployments(args)
    if (line.startsWith('cognitiveservices account')) return this.account(args)
    if (line.startsWith('identity federated-credential')) return this.identityCredentials(args)
    if (line.startsWith('identity')) return this.identity(args)
    if (line.startsWith('ad app federated-credential')) return this.appCredentials(args)
    if (line.startsWith('ad app')) return this.app(args)
    if (line.startsWith('ad sp')) return this.servicePrincipal(args)
    if (line.startsWith('role assignment')) return this.roles(args)
    return undefined
  }

  accountJson(a: FakeAccount): Record<string, unknown> {
    const id = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${a.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${a.name}`
    const endpoint =
      a.endpoint ??
      (a.customSubDomainName
        ? `https://${a.customSubDomainName}.openai.azure.com/`
        : `https://${a.location}.api.cognitive.microsoft.com/`)
    return {
      id,
      kind: a.kind,
      location: a.location,
      name: a.name,
      properties: {
        customSubDomainName: a.customSubDomainName,
        endpoint,
        provisioningState: 'Succeeded'
      },
      resourceGroup: a.resourceGroup,
      sku: { name: 'S0' },
      type: 'Microsoft.CognitiveServices/accounts'
    }
  }

  private account(args: readonly string[]): FakeAnswer | undefined {
    if (args[2] === 'list') return json(this.accounts.map((a) => this.accountJson(a)))
    if (args[2] !== 'show') return undefined
    const name = flag(args, '--name') ?? ''
    const group = flag(args, '--resource-group') ?? ''
    const found = this.accounts.find((a) => a.name === name && a.resourceGroup === group)
    if (found) return json(this.accountJson(found))
    return fail(resourceNotFound('Microsoft.CognitiveServices/accounts', name, group))
  }

  private deployments(args: readonly string[]): FakeAnswer | undefined {
    const account = this.accounts.find(
      (a) => a.name === flag(args, '--name') && a.resourceGroup === flag(args, '--resource-group')
    )
    if (!account) {
      return fail(
        resourceNotFound(
          'Microsoft.CognitiveServices/accounts',
          flag(args, '--name') ?? '',
          flag(args, '--resource-group') ?? ''
        )
      )
    }
    const render = (d: FakeAccount['deployments'][number]) => ({
      name: d.name,
      properties: { model: { format: 'OpenAI', name: d.model, version: d.version } },
      sku: { name: 'GlobalStandard', capacity: 50 }
    })
    if (args[3] === 'list') return json(account.deployments.map(render))
    const name = flag(args, '--deployment-name')
    const found = account.deployments.find((d) => d.name === name)
    if (found) return json(render(found))
    // The Cognitive Services provider's 404 (azure-mgmt-cognitiveservices, as azure-cli prints it).
    const id = `${String(this.accountJson(account)['id'])}/deployments/${name ?? ''}`
    const message = `Specified resource '${id}' cannot be found.`
    return fail(`ERROR: (NotFound) ${message}\nCode: NotFound\nMessage: ${message}\n`)
  }

  private identity(args: readonly string[]): FakeAnswer | undefined {
    const name = flag(args, '--name') ?? ''
    const group = flag(args, '--resource-group') ?? ''
    const found = this.identities.find((i) => i.name === name && i.resourceGroup === group)
    if (args[1] === 'show') {
      return found
        ? json(this.identityJson(found))
        : fail(resourceNotFound('Microsoft.ManagedIdentity/userAssignedIdentities', name, group))
    }
    if (args[1] !== 'create') return undefined
    const identity = found ?? {
      name,
      resourceGroup: group,
      location: flag(args, '--location') ?? LOCATION,
      clientId: this.guid(),
      principalId: this.guid(),
      credentials: []
    }
    if (!found) this.identities.push(identity)
    return json(this.identityJson(identity))
  }

  identityJson(i: FakeIdentity): Record<string, unknown> {
    return {
      clientId: i.clientId,
      id: `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${i.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.name}`,
      location: i.location,
      name: i.name,
      principalId: i.principalId,
      resourceGroup: i.resourceGroup,
      tenantId: TENANT_ID,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities'
    }
  }

  private identityCredentials(args: readonly string[]): FakeAnswer | undefined {
    const name = flag(args, '--identity-name') ?? ''
    const group = flag(args, '--resource-group') ?? ''
    const identity = this.identities.find((i) => i.name === name && i.resourceGroup === group)
    if (!identity) {
      return fail(resourceNotFound('Microsoft.ManagedIdentity/userAssignedIdentities', name, group))
    }
    if (args[2] === 'list') return json(identity.credentials)
    if (args[2] !== 'create') return undefined
    return this.addCredential(identity.credentials, {
      name: flag(args, '--name') ?? '',
      issuer: flag(args, '--issuer') ?? '',
      subject: flag(args, '--subject') ?? '',
      audiences: [flag(args, '--audiences') ?? '']
    })
  }

  private addCredential(list: FakeCredential[], credential: FakeCredential): FakeAnswer {
    if (list.length >= MAX_CREDENTIALS)
      return fail(`fake az: a credential past Entra's ${MAX_CREDENTIALS}\n`)
    if (
      list.some(
        (c) =>
          c.name === credential.name ||
          (c.issuer === credential.issuer && c.subject === credential.subject)
      )
    ) {
      return fail(`fake az: a duplicate credential ${credential.name}\n`)
    }
    list.push(credential)
    return json(credential)
  }

  private app(args: readonly string[]): FakeAnswer | undefined {
    const name = flag(args, '--display-name') ?? ''
    const render = (a: FakeApp) => ({ appId: a.appId, displayName: a.displayName, id: a.objectId })
    // Graph filters --display-name with startswith.
    if (args[2] === 'list')
      return json(this.apps.filter((a) => a.displayName.startsWith(name)).map(render))
    if (args[2] !== 'create') return undefined
    const app = { displayName: name, appId: this.guid(), objectId: this.guid(), credentials: [] }
    this.apps.push(app)
    return json(render(app))
  }

  private appCredentials(args: readonly string[]): FakeAnswer | undefined {
    const app = this.apps.find((a) => a.appId === flag(args, '--id'))
    if (!app) {
      return fail(
        `ERROR: Resource '${flag(args, '--id') ?? ''}' does not exist or one of its queried reference-property objects are not present.\n`
      )
    }
    if (args[3] === 'list') return json(app.credentials)
    if (args[3] !== 'create') return undefined
    const parameters = JSON.parse(flag(args, '--parameters') ?? '{}') as FakeCredential
    return this.addCredential(app.credentials, parameters)
  }

  private servicePrincipal(args: readonly string[]): FakeAnswer | undefined {
    const appId = flag(args, '--id') ?? ''
    const found = this.servicePrincipals.find((s) => s.appId === appId)
    if (args[2] === 'show') {
      return found
        ? json(found)
        : fail(
            `ERROR: Resource '${appId}' does not exist or one of its queried reference-property objects are not present.\n`
          )
    }
    if (args[2] !== 'create') return undefined
    const sp = found ?? { id: this.guid(), appId }
    if (!found) this.servicePrincipals.push(sp)
    return json(sp)
  }

  private roles(args: readonly string[]): FakeAnswer | undefined {
    const role = flag(args, '--role') ?? ''
    const scope = flag(args, '--scope') ?? ''
    if (args[2] === 'list') {
      const principal = flag(args, '--assignee')
      const inherited = args.includes('--include-inherited')
      return json(
        this.roleAssignments
          .filter(
            (r) =>
              r.principalId === principal &&
              r.roleDefinitionName === role &&
              (r.scope === scope || (inherited && scope.startsWith(`${r.scope}/`)))
          )
          .map((r) => ({ ...r, principalType: 'ServicePrincipal' }))
      )
    }
    if (args[2] !== 'create') return undefined
    const assignment = {
      principalId: flag(args, '--assignee-object-id') ?? '',
      scope,
      roleDefinitionName: role
    }
    this.roleAssignments.push(assignment)
    return json({ ...assignment, principalType: flag(args, '--assignee-principal-type') })
  }
}

/** Repository variables behind `gh variable list/set`. */
class FakeGhVariables {
  readonly variables = new Map<string, Map<string, string>>()

  reset(): void {
    this.variables.clear()
  }

  of(repository: string): Map<string, string> {
    let vars = this.variables.get(repository)
    if (!vars) {
      vars = new Map()
      this.variables.set(repository, vars)
    }
    return vars
  }

  answer(args: readonly string[]): FakeAnswer | undefined {
    if (args[0] !== 'variable') return undefined
    const vars = this.of(flag(args, '--repo') ?? '')
    if (args[1] === 'list') {
      return json([...vars].map(([name, value]) => ({ name, value })))
    }
    if (args[1] === 'set' && args[2]) {
      vars.set(args[2], flag(args, '--body') ?? '')
      return {}
    }
    return undefined
  }
}
