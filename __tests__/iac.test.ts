/**
 * docs/iac: the Terraform example and the Bicep module, checked offline.
 *
 * Terraform. Every .tf file and terraform.tfvars.example is parsed by HashiCorp's own HCL
 * parser, compiled to WebAssembly (npm @cdktf/hcl2json), and the tests assert the structure on
 * the result: the three resources, for_each over the subjects, the role, the outputs, the
 * provider pin, and that every reference names a declared variable, resource or data source.
 * `terraform validate` is not run: Terraform is in neither npm nor Debian, and it would need the
 * azurerm provider from the Terraform registry, which CI cannot reach.
 *
 * Bicep. No offline Bicep compiler can be installed here: the compiler (`bicep build`, what
 * `az bicep` runs) is a .NET program published only as GitHub release binaries and NuGet
 * packages (Azure.Bicep.CommandLine.*); Debian has no package of it, and its npm wrapper
 * (bicep-node) downloads that binary at run time. So the files are parsed with the tree-sitter
 * Bicep grammar (npm tree-sitter-bicep, its WebAssembly build, run by web-tree-sitter). That
 * grammar is written from the language spec, not by the compiler's authors: it catches syntax
 * errors, not type errors, unknown properties or wrong API versions. On its parse tree these
 * tests check, explicitly and no more: every name used is declared and every parameter used,
 * the parameters passed to the module and set by main.bicepparam exist, the resource types and
 * GA API versions, `@batchSize(1)` on the credentials, the role definition id, the role's scope,
 * and the outputs. The grammar knows no .bicepparam files: their `param NAME = value` lines are
 * parsed as `var NAME = value`, which has the same expression syntax.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { getReferencesInExpression, parse as parseHcl } from '@cdktf/hcl2json'
import { Language, Parser } from 'web-tree-sitter'
import type { Node } from 'web-tree-sitter'

const IAC = fileURLToPath(new URL('../docs/iac/', import.meta.url))
const TERRAFORM = join(IAC, 'terraform')
const BICEP = join(IAC, 'bicep')

/** The three subjects both examples trust, with the OWNER/REPO placeholder. */
const EXAMPLE_SUBJECTS = [
  'repo:OWNER/REPO:pull_request',
  'repo:OWNER/REPO:environment:pr-review',
  'repo:OWNER/REPO:ref:refs/heads/main'
]
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
/** Built-in role "Cognitive Services OpenAI User" (the same id in every tenant). */
const OPENAI_USER_ROLE_ID = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

// ---------------------------------------------------------------------------------------------
// Terraform: hcl2json gives blocks as { kind: { type: { name: [body] } } }.

type Body = Record<string, unknown>

function asObject(value: unknown, where: string): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: expected an object, got ${JSON.stringify(value)}`)
  return value as Body
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`)
  return value
}

/** A block's body: hcl2json wraps each body in a one-element array. */
function single(value: unknown, where: string): Body {
  if (!Array.isArray(value) || value.length !== 1)
    throw new Error(`${where}: expected exactly one block, got ${JSON.stringify(value)}`)
  return asObject(value[0], where)
}

async function parseTerraformFile(name: string): Promise<Body> {
  const parsed: unknown = await parseHcl(name, readFileSync(join(TERRAFORM, name), 'utf8'))
  return asObject(parsed, name)
}

/** The .tf files merged as Terraform merges a module's files; a name declared twice fails. */
interface TerraformConfig {
  files: string[]
  resources: Record<string, Record<string, Body>>
  data: Record<string, Record<string, Body>>
  variables: Record<string, Body>
  outputs: Record<string, Body>
  terraform: Body[]
  providers: Record<string, Body>
}

async function loadTerraform(): Promise<TerraformConfig> {
  const files = readdirSync(TERRAFORM)
    .filter((name) => name.endsWith('.tf'))
    .sort()
  const config: TerraformConfig = {
    files,
    resources: {},
    data: {},
    variables: {},
    outputs: {},
    terraform: [],
    providers: {}
  }
  const add = (into: Record<string, Body>, name: string, body: Body, where: string): void => {
    if (name in into) throw new Error(`${where}: ${name} is declared twice`)
    into[name] = body
  }
  for (const file of files) {
    const parsed = await parseTerraformFile(file)
    for (const [kind, value] of Object.entries(parsed)) {
      const where = `${file}: ${kind}`
      if (kind === 'resource' || kind === 'data') {
        const target = kind === 'resource' ? config.resources : config.data
        for (const [type, named] of Object.entries(asObject(value, where))) {
          target[type] ??= {}
          for (const [name, body] of Object.entries(asObject(named, `${where} ${type}`)))
            add(target[type], name, single(body, `${where} ${type}.${name}`), where)
        }
      } else if (kind === 'variable' || kind === 'output') {
        const target = kind === 'variable' ? config.variables : config.outputs
        for (const [name, body] of Object.entries(asObject(value, where)))
          add(target, name, single(body, `${where} ${name}`), where)
      } else if (kind === 'terraform') {
        config.terraform.push(single(value, where))
      } else if (kind === 'provider') {
        for (const [name, body] of Object.entries(asObject(value, where)))
          add(config.providers, name, single(body, `${where} ${name}`), where)
      } else {
        throw new Error(`${where}: a block kind these tests do not expect`)
      }
    }
  }
  return config
}

/** The one block of a resource or data type: the examples declare one of each. */
function onlyBlock(blocks: Record<string, Body> | undefined, what: string): [string, Body] {
  const entries = Object.entries(blocks ?? {})
  if (entries.length !== 1) throw new Error(`expected one ${what}, found ${entries.length}`)
  return entries[0] as [string, Body]
}

/** Every traversal (var.x, data.t.n.attr, t.n.attr, each.value…) in a body's expressions. */
async function referencesIn(value: unknown, file: string): Promise<string[]> {
  if (typeof value === 'string') {
    if (!value.includes('${')) return []
    return (await getReferencesInExpression(file, value)).map((ref) => ref.value)
  }
  if (Array.isArray(value)) {
    const all = await Promise.all(value.map((item) => referencesIn(item, file)))
    return all.flat()
  }
  if (typeof value === 'object' && value !== null) {
    const all = await Promise.all(Object.values(value).map((item) => referencesIn(item, file)))
    return all.flat()
  }
  return []
}

/** A version constraint with both a lower and an upper bound (`~> X.Y` is both). */
function bounds(constraint: string): { lower?: string; upper?: string } {
  const result: { lower?: string; upper?: string } = {}
  for (const part of constraint.split(',').map((p) => p.trim())) {
    const match = /^(~>|>=|>|<=|<|=|!=)?\s*(\d+(?:\.\d+){0,2})$/.exec(part)
    if (!match) throw new Error(`not a version constraint: ${part}`)
    const [, op = '=', version] = match
    if (op === '~>') {
      result.lower = version
      result.upper = `~>${version}`
    } else if (op === '>=' || op === '>') result.lower = version
    else if (op === '<' || op === '<=') result.upper = version
    else if (op === '=') {
      result.lower = version
      result.upper = version
    }
  }
  return result
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

describe('docs/iac/terraform (parsed by the HCL parser of @cdktf/hcl2json)', () => {
  let tf: TerraformConfig

  beforeAll(async () => {
    tf = await loadTerraform()
  })

  it('has main.tf, variables.tf and outputs.tf, and every file parses as HCL', async () => {
    expect(tf.files).toEqual(expect.arrayContaining(['main.tf', 'outputs.tf', 'variables.tf']))
    // loadTerraform parsed the .tf files; the example variables file is HCL too.
    await expect(parseTerraformFile('terraform.tfvars.example')).resolves.toBeDefined()
  })

  it('pins hashicorp/azurerm to a bounded range that has user_assigned_identity_id', () => {
    const [settings] = tf.terraform
    const providers = single(settings?.required_providers, 'terraform.required_providers')
    const azurerm = asObject(providers.azurerm, 'required_providers.azurerm')
    expect(azurerm.source).toBe('hashicorp/azurerm')
    const range = bounds(asString(azurerm.version, 'azurerm.version'))
    expect(range.upper).toBeDefined()
    expect(range.lower).toBeDefined()
    // azurerm_federated_identity_credential.user_assigned_identity_id arrived in 4.65.0.
    expect(compareVersions(range.lower ?? '0', '4.65.0')).toBeGreaterThanOrEqual(0)
    expect(tf.providers.azurerm).toBeDefined()
  })

  it('creates one identity in the given resource group', () => {
    const [, identity] = onlyBlock(
      tf.resources.azurerm_user_assigned_identity,
      'azurerm_user_assigned_identity'
    )
    expect(identity.name).toBe('${var.identity_name}')
    expect(asString(identity.resource_group_name, 'resource_group_name')).toMatch(
      /var\.resource_group_name|data\.azurerm_resource_group\.\w+\.name/
    )
  })

  it('creates one federated credential per subject, for_each over var.subjects', () => {
    const [identityName] = onlyBlock(tf.resources.azurerm_user_assigned_identity, 'identity')
    const [, credential] = onlyBlock(
      tf.resources.azurerm_federated_identity_credential,
      'azurerm_federated_identity_credential'
    )
    expect(credential.for_each).toBe('${toset(var.subjects)}')
    expect(credential.subject).toBe('${each.value}')
    expect(credential.user_assigned_identity_id).toBe(
      `\${azurerm_user_assigned_identity.${identityName}.id}`
    )
    expect(credential.issuer).toBe('${var.issuer}')
    expect(tf.variables.issuer?.default).toBe(GITHUB_ISSUER)
    expect(credential.audience).toEqual(['${var.audience}'])
    expect(tf.variables.audience?.default).toBe(DEFAULT_AUDIENCE)
  })

  it('guards var.subjects: a list of 1 to 20 distinct subjects', () => {
    const subjects = tf.variables.subjects
    expect(subjects?.type).toBe('${list(string)}')
    expect(subjects?.default).toBeUndefined()
    const conditions = (Array.isArray(subjects?.validation) ? subjects.validation : []).map(
      (rule, i) => asString(asObject(rule, `validation ${i}`).condition, 'condition')
    )
    expect(conditions).toContain('${length(var.subjects) >= 1 && length(var.subjects) <= 20}')
    expect(conditions).toContain('${length(distinct(var.subjects)) == length(var.subjects)}')
  })

  it('assigns "Cognitive Services OpenAI User" on the Azure OpenAI account only', () => {
    const [identityName] = onlyBlock(tf.resources.azurerm_user_assigned_identity, 'identity')
    const [accountName] = onlyBlock(
      tf.data.azurerm_cognitive_account,
      'data.azurerm_cognitive_account'
    )
    const [, role] = onlyBlock(tf.resources.azurerm_role_assignment, 'azurerm_role_assignment')
    expect(role.role_definition_name).toBe('Cognitive Services OpenAI User')
    expect(role.scope).toBe(`\${data.azurerm_cognitive_account.${accountName}.id}`)
    expect(role.principal_id).toBe(
      `\${azurerm_user_assigned_identity.${identityName}.principal_id}`
    )
    expect(role.principal_type).toBe('ServicePrincipal')
  })

  it('outputs client_id, tenant_id, principal_id and endpoint from the identity and account', () => {
    const [identityName] = onlyBlock(tf.resources.azurerm_user_assigned_identity, 'identity')
    const [accountName] = onlyBlock(tf.data.azurerm_cognitive_account, 'account')
    const identity = `azurerm_user_assigned_identity.${identityName}`
    expect(tf.outputs.client_id?.value).toBe(`\${${identity}.client_id}`)
    expect(tf.outputs.tenant_id?.value).toBe(`\${${identity}.tenant_id}`)
    expect(tf.outputs.principal_id?.value).toBe(`\${${identity}.principal_id}`)
    expect(tf.outputs.endpoint?.value).toBe(
      `\${data.azurerm_cognitive_account.${accountName}.endpoint}`
    )
  })

  it('references only declared variables, resources and data sources, and uses every variable', async () => {
    const used = new Set<string>()
    const problems: string[] = []
    const check = (ref: string, where: string): void => {
      const parts = ref.split('.')
      const [head = '', second = '', third = ''] = parts
      if (head === 'var') {
        used.add(second)
        if (!(second in tf.variables)) problems.push(`${where}: var.${second} is not declared`)
      } else if (head === 'data') {
        if (!tf.data[second]?.[third])
          problems.push(`${where}: data.${second}.${third} is not declared`)
      } else if (head.startsWith('azurerm_')) {
        if (!tf.resources[head]?.[second])
          problems.push(`${where}: ${head}.${second} is not declared`)
      } else if (head !== 'each' && parts.length > 1) {
        problems.push(`${where}: ${ref} is not a reference these examples make`)
      }
    }
    const blocks: [string, Body][] = [
      ...Object.entries(tf.resources).flatMap(([type, named]) =>
        Object.entries(named).map(([name, body]): [string, Body] => [`${type}.${name}`, body])
      ),
      ...Object.entries(tf.data).flatMap(([type, named]) =>
        Object.entries(named).map(([name, body]): [string, Body] => [`data.${type}.${name}`, body])
      ),
      ...Object.entries(tf.outputs).map(([name, body]): [string, Body] => [`output.${name}`, body]),
      ...Object.entries(tf.providers).map(([name, body]): [string, Body] => [
        `provider.${name}`,
        body
      ])
    ]
    for (const [where, body] of blocks) {
      for (const ref of await referencesIn(body, 'main.tf')) check(ref, where)
    }
    // A validation rule may refer to its own variable only; it does not count as a use.
    for (const [name, body] of Object.entries(tf.variables)) {
      for (const ref of await referencesIn(body.validation ?? [], 'variables.tf')) {
        if (ref.startsWith('var.') && ref !== `var.${name}`)
          problems.push(`variable ${name}: its validation refers to ${ref}`)
      }
    }
    expect(problems).toEqual([])
    expect(Object.keys(tf.variables).filter((name) => !used.has(name))).toEqual([])
  })

  it('terraform.tfvars.example sets every required variable and only declared ones', async () => {
    const values = await parseTerraformFile('terraform.tfvars.example')
    const required = Object.entries(tf.variables)
      .filter(([, body]) => !('default' in body))
      .map(([name]) => name)
    expect(Object.keys(values).filter((name) => !(name in tf.variables))).toEqual([])
    expect(required.filter((name) => !(name in values))).toEqual([])
    expect(values.subjects).toEqual(EXAMPLE_SUBJECTS)
  })
})

// ---------------------------------------------------------------------------------------------
// Bicep: a tree-sitter parse tree, read with a few explicit helpers.

let bicep: Parser | undefined

async function loadBicepGrammar(): Promise<Parser> {
  const require = createRequire(import.meta.url)
  await Parser.init()
  const language = await Language.load(
    readFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'))
  )
  const parser = new Parser()
  parser.setLanguage(language)
  return parser
}

/** The root of a Bicep file's parse tree. A .bicepparam file's `param` lines are read as `var`. */
function parseBicepText(text: string, bicepparam = false): Node {
  if (!bicep) throw new Error('the Bicep grammar is not loaded yet')
  const source = bicepparam ? text.replace(/^param(?=\s)/gm, 'var') : text
  const tree = bicep.parse(source)
  if (!tree) throw new Error('tree-sitter returned no tree')
  return tree.rootNode
}

function parseBicepFile(name: string): Node {
  return parseBicepText(readFileSync(join(BICEP, name), 'utf8'), name.endsWith('.bicepparam'))
}

/** Where the tree has ERROR or MISSING nodes, as line:column, for a readable failure. */
function syntaxErrors(root: Node): string[] {
  const found: string[] = []
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      found.push(
        `${node.startPosition.row + 1}:${node.startPosition.column + 1} near ${JSON.stringify(node.text.slice(0, 40))}`
      )
      return
    }
    for (const child of node.children) visit(child)
  }
  visit(root)
  return found
}

const DECLARATION_KINDS: Record<string, string> = {
  parameter_declaration: 'param',
  variable_declaration: 'var',
  resource_declaration: 'resource',
  module_declaration: 'module',
  output_declaration: 'output',
  metadata_declaration: 'metadata'
}

interface Declaration {
  kind: string
  name: string
  node: Node
  /** Decorator name → its argument nodes, from the `@…` lines just above. */
  decorators: Map<string, Node[]>
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((child) => child.type !== 'comment')
}

function declarations(root: Node): Declaration[] {
  const result: Declaration[] = []
  for (const node of named(root)) {
    const kind = DECLARATION_KINDS[node.type]
    if (!kind) continue
    const decorators = new Map<string, Node[]>()
    let above = node.previousNamedSibling
    while (above?.type === 'comment') above = above.previousNamedSibling
    if (above?.type === 'decorators') {
      for (const decorator of named(above)) {
        const call = named(decorator)[0]
        const fn = call?.childForFieldName('function')
        const args = call?.childForFieldName('arguments')
        if (fn) decorators.set(fn.text, args ? named(args) : [])
      }
    }
    result.push({ kind, name: named(node)[0]?.text ?? '', node, decorators })
  }
  return result
}

function find(decls: Declaration[], kind: string, name: string): Declaration {
  const found = decls.find((d) => d.kind === kind && d.name === name)
  if (!found) throw new Error(`no ${kind} ${name}`)
  return found
}

/** A declaration's value: the default of a param, the value of a var or output, a body. */
function valueOf(decl: Declaration): Node | undefined {
  const parts = named(decl.node)
  const last = parts[parts.length - 1]
  if (decl.kind === 'param') return parts.length > 2 ? last : undefined
  return last
}

/** The text of a plain string literal, without quotes; undefined for anything else. */
function literal(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'string') return undefined
  if (named(node).some((part) => part.type !== 'string_content')) return undefined
  return node.text.slice(1, -1)
}

/** The value of `key:` in an object node. */
function property(object: Node | null | undefined, key: string): Node | undefined {
  if (object?.type !== 'object') return undefined
  for (const prop of named(object)) {
    const [name, value] = named(prop)
    if (prop.type === 'object_property' && name?.text === key) return value
  }
  return undefined
}

/** The body object of a resource or module, through a `for` loop if there is one. */
function body(decl: Declaration): Node | undefined {
  const value = valueOf(decl)
  if (value?.type === 'for_statement') return value.childForFieldName('body') ?? undefined
  return value
}

/** Resource declarations by their type, without the API version. */
function resourcesOfType(decls: Declaration[], type: string): Declaration[] {
  return decls.filter(
    (d) => d.kind === 'resource' && literal(named(d.node)[1])?.split('@')[0] === type
  )
}

function onlyResource(decls: Declaration[], type: string): Declaration {
  const found = resourcesOfType(decls, type)
  if (found.length !== 1) throw new Error(`expected one ${type} resource, found ${found.length}`)
  return found[0] as Declaration
}

/**
 * Names a file uses and names it declares. An identifier is a use unless it is the name of a
 * declaration, an object key, a called function's name or a loop variable.
 */
function namesIn(root: Node): { used: Set<string>; declared: Set<string> } {
  const used = new Set<string>()
  const declared = new Set(declarations(root).map((d) => d.name))
  const visit = (node: Node): void => {
    const parent = node.parent
    if (node.type === 'loop_variable' || node.type === 'loop_enumerator') declared.add(node.text)
    if (node.type === 'identifier' && parent) {
      const isName = parent.type in DECLARATION_KINDS && named(parent)[0]?.id === node.id
      const isKey = parent.type === 'object_property' && named(parent)[0]?.id === node.id
      const isFunction =
        parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id
      const isLoopVariable =
        parent.type === 'for_statement' && parent.childForFieldName('initializer')?.id === node.id
      if (isLoopVariable) declared.add(node.text)
      else if (!isName && !isKey && !isFunction) used.add(node.text)
    }
    for (const child of node.namedChildren) visit(child)
  }
  visit(root)
  return { used, declared }
}

function undeclared(root: Node): string[] {
  const { used, declared } = namesIn(root)
  return [...used].filter((name) => !declared.has(name)).sort()
}

/** `param` declarations: name → whether it has a default. */
function parameters(decls: Declaration[]): Map<string, boolean> {
  return new Map(
    decls.filter((d) => d.kind === 'param').map((d) => [d.name, valueOf(d) !== undefined])
  )
}

describe('docs/iac/bicep (tree-sitter-bicep grammar: syntax, not the Bicep compiler)', () => {
  const MODULE = 'keyless-pr-review.bicep'
  let module: Declaration[]
  let moduleRoot: Node

  beforeAll(async () => {
    bicep ??= await loadBicepGrammar()
    moduleRoot = parseBicepFile(MODULE)
    module = declarations(moduleRoot)
  })

  it.each([MODULE, 'main.bicep', 'main.bicepparam'])('%s parses without syntax errors', (name) => {
    const root = parseBicepFile(name)
    expect(syntaxErrors(root)).toEqual([])
    expect(root.hasError).toBe(false)
  })

  it('the module takes identityName, location, openAiAccountName, subjects and audience', () => {
    const params = parameters(module)
    for (const name of ['identityName', 'location', 'openAiAccountName', 'subjects', 'audience'])
      expect(params.has(name)).toBe(true)
    expect(params.get('identityName')).toBe(false)
    expect(params.get('openAiAccountName')).toBe(false)
    expect(params.get('subjects')).toBe(false)
    const audience = find(module, 'param', 'audience')
    expect(literal(valueOf(audience))).toBe(DEFAULT_AUDIENCE)
    expect(literal(valueOf(find(module, 'param', 'issuer')))).toBe(GITHUB_ISSUER)
  })

  it('accepts 1 to 20 subjects (@minLength(1), @maxLength(20) on a string array)', () => {
    const subjects = find(module, 'param', 'subjects')
    expect(named(subjects.node)[1]?.text).toBe('string[]')
    expect(subjects.decorators.get('minLength')?.map((n) => n.text)).toEqual(['1'])
    expect(subjects.decorators.get('maxLength')?.map((n) => n.text)).toEqual(['20'])
  })

  it.each([MODULE, 'main.bicep'])('%s uses only declared names, and every parameter', (name) => {
    const root = name === MODULE ? moduleRoot : parseBicepFile(name)
    expect(undeclared(root)).toEqual([])
    const { used } = namesIn(root)
    const unused = declarations(root)
      .filter((d) => d.kind === 'param' && !used.has(d.name))
      .map((d) => d.name)
    expect(unused).toEqual([])
  })

  it('declares the identity, the credentials and the role assignment with GA API versions', () => {
    const types = module
      .filter((d) => d.kind === 'resource')
      .map((d) => literal(named(d.node)[1]) ?? '')
    expect(types.map((t) => t.split('@')[0]).sort()).toEqual([
      'Microsoft.Authorization/roleAssignments',
      'Microsoft.CognitiveServices/accounts',
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials'
    ])
    for (const type of types) expect(type).toMatch(/@\d{4}-\d{2}-\d{2}$/)
  })

  it('refers to the Azure OpenAI account as an existing resource', () => {
    const account = onlyResource(module, 'Microsoft.CognitiveServices/accounts')
    expect(account.node.children.some((child) => child.type === 'existing')).toBe(true)
    expect(property(body(account), 'name')?.text).toBe('openAiAccountName')
  })

  it('writes the credentials one at a time (@batchSize(1)) in a loop over the subjects', () => {
    const identity = onlyResource(module, 'Microsoft.ManagedIdentity/userAssignedIdentities')
    const credentials = onlyResource(
      module,
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials'
    )
    expect(credentials.decorators.get('batchSize')?.map((n) => n.text)).toEqual(['1'])
    const loop = valueOf(credentials)
    expect(loop?.type).toBe('for_statement')
    // The loop runs over `subjects`, directly or through a variable computed from it.
    const iterated = loop ? named(loop)[1] : undefined
    const source =
      iterated?.type === 'identifier' && iterated.text !== 'subjects'
        ? valueOf(find(module, 'var', iterated.text))
        : iterated
    expect(source && namesIn(source).used.has('subjects')).toBe(true)

    const credential = body(credentials)
    expect(property(credential, 'parent')?.text).toBe(identity.name)
    const properties = property(credential, 'properties')
    expect(property(properties, 'issuer')?.text).toBe('issuer')
    expect(property(properties, 'subject')?.text).toBe(loop?.childForFieldName('initializer')?.text)
    expect(property(properties, 'audiences')?.text.replace(/\s+/g, '')).toBe('[audience]')
  })

  it('assigns role 5e0bd9bd-… (Cognitive Services OpenAI User) on the account, with a guid() name', () => {
    const identity = onlyResource(module, 'Microsoft.ManagedIdentity/userAssignedIdentities')
    const account = onlyResource(module, 'Microsoft.CognitiveServices/accounts')
    const role = onlyResource(module, 'Microsoft.Authorization/roleAssignments')
    const assignment = body(role)
    expect(property(assignment, 'scope')?.text).toBe(account.name)

    const name = property(assignment, 'name')
    expect(name?.type).toBe('call_expression')
    expect(name?.childForFieldName('function')?.text).toBe('guid')
    // Deterministic: no newGuid() or utcNow() anywhere in the name.
    expect(name?.text).not.toMatch(/newGuid|utcNow/)

    const properties = property(assignment, 'properties')
    expect(property(properties, 'principalId')?.text).toBe(
      `${identity.name}.properties.principalId`
    )
    expect(literal(property(properties, 'principalType'))).toBe('ServicePrincipal')
    const roleDefinitionId = property(properties, 'roleDefinitionId')
    expect(roleDefinitionId?.text).toMatch(
      /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', /
    )
    // The role id is a literal in the call or a variable holding one.
    const ids = roleDefinitionId?.descendantsOfType(['string', 'identifier']) ?? []
    const values = ids.flatMap((node) => {
      if (node.type === 'string') return [literal(node)]
      const variable = module.find((d) => d.kind === 'var' && d.name === node.text)
      return variable ? [literal(valueOf(variable))] : []
    })
    expect(values).toContain(OPENAI_USER_ROLE_ID)
  })

  it('outputs clientId, tenantId, principalId and endpoint', () => {
    const identity = onlyResource(module, 'Microsoft.ManagedIdentity/userAssignedIdentities').name
    const account = onlyResource(module, 'Microsoft.CognitiveServices/accounts').name
    const output = (name: string): string | undefined => valueOf(find(module, 'output', name))?.text
    expect(output('clientId')).toBe(`${identity}.properties.clientId`)
    expect(output('tenantId')).toBe(`${identity}.properties.tenantId`)
    expect(output('principalId')).toBe(`${identity}.properties.principalId`)
    expect(output('endpoint')).toBe(`${account}.properties.endpoint`)
  })

  it('main.bicep passes the module only parameters it declares, and all it requires', () => {
    const main = declarations(parseBicepFile('main.bicep'))
    const modules = main.filter((d) => d.kind === 'module')
    expect(modules.map((m) => literal(named(m.node)[1]))).toEqual([MODULE])
    const given = named(property(body(modules[0] as Declaration), 'params') as Node).map(
      (prop) => named(prop)[0]?.text ?? ''
    )
    const declared = parameters(module)
    expect(given.filter((name) => !declared.has(name))).toEqual([])
    const required = [...declared].filter(([, hasDefault]) => !hasDefault).map(([name]) => name)
    expect(required.filter((name) => !given.includes(name))).toEqual([])
  })

  it('main.bicepparam uses main.bicep, sets only its parameters and all it requires', () => {
    const root = parseBicepFile('main.bicepparam')
    const using = named(root).find((node) => node.type === 'using_statement')
    expect(literal(using ? named(using)[0] : undefined)).toBe('main.bicep')
    const set = declarations(root).filter((d) => d.kind === 'var')
    const declared = parameters(declarations(parseBicepFile('main.bicep')))
    expect(set.map((d) => d.name).filter((name) => !declared.has(name))).toEqual([])
    const required = [...declared].filter(([, hasDefault]) => !hasDefault).map(([name]) => name)
    expect(required.filter((name) => !set.some((d) => d.name === name))).toEqual([])
    const subjects = valueOf(find(set, 'var', 'subjects'))
    expect(subjects ? named(subjects).map((node) => literal(node)) : []).toEqual(EXAMPLE_SUBJECTS)
  })
})

describe('docs/iac checks are not vacuous', () => {
  beforeAll(async () => {
    bicep ??= await loadBicepGrammar()
  })

  it('the HCL parser rejects broken Terraform', async () => {
    await expect(
      parseHcl('broken.tf', 'resource "azurerm_role_assignment" "x" {{\n')
    ).rejects.toThrow()
  })

  it('the Bicep grammar flags broken Bicep, and the name check an undeclared name', () => {
    expect(
      syntaxErrors(parseBicepText("param name string\nresource x 'A/b@2024-01-01' = {\n"))
    ).not.toEqual([])
    const root = parseBicepText(
      'param name string\noutput id string = nmae\noutput ok string = name\n'
    )
    expect(syntaxErrors(root)).toEqual([])
    expect(undeclared(root)).toEqual(['nmae'])
  })
})
