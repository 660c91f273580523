/**
 * GitHub's GraphQL API over the emulator's repository, as far as the action reads it: the
 * viewer; a pull request (its metadata, conversation comments, reviews with their comments, its
 * base branch's tip and a file there); git objects by `REV:PATH` expression (blobs: text,
 * isBinary, isTruncated, byteSize).
 *
 * It refuses what GitHub refuses, in GitHub's shapes: a field the schema lacks
 * (`undefinedField`), a connection without `first`/`last` (MISSING_PAGINATION_BOUNDARIES) or
 * over 100 (EXCESSIVE_PAGINATION), more than 500,000 nodes (MAX_NODE_LIMIT_EXCEEDED), an
 * undeclared or missing variable, a query that does not parse; a repository or pull request it
 * cannot resolve is null with a NOT_FOUND error. A blob's text stops at 512,000 bytes
 * (isTruncated), a binary blob has none; and a query whose blob text passes `resourceBytes`
 * (standing in for GitHub's undocumented resource limits and its 10-second timeout) is cut short:
 * the objects from there on are null, with one RESOURCE_LIMITS_EXCEEDED error (partial
 * results, as GitHub documents).
 */
import { createHash } from 'node:crypto'
import type { Author, RepoState } from './github-state.js'
import { parseQuery, ParseError, type Selection, type Value } from './graphql-parse.js'

/** GitHub cuts a Blob's `text` at this many bytes and sets `isTruncated`. */
export const BLOB_TEXT_LIMIT = 512_000
/** Values of `first` and `last` on a connection. */
const MAX_PAGE = 100
const MAX_NODES = 500_000

export interface GraphqlLimits {
  /** Blob text one query may return before it is cut short with RESOURCE_LIMITS_EXCEEDED. */
  resourceBytes: number
}

export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = { resourceBytes: 10_000_000 }

export interface GraphqlRequest {
  readonly state: RepoState
  /** Who asks: the token's holder. */
  readonly viewer: Author
  /** `Type.field`s this server does not know, as an older GitHub Enterprise Server would not. */
  readonly missing: readonly string[]
  readonly limits: GraphqlLimits
  /** A (full) SHA or branch name → the commit it names. */
  readonly resolve: (rev: string) => string | undefined
}

type Args = Readonly<Record<string, unknown>>
type Path = readonly (string | number)[]

/** A value of an object type: its type name and how each field resolves. */
interface Node {
  readonly type: string
  readonly fields: Readonly<Record<string, (args: Args, path: Path) => unknown>>
}

interface GraphqlError {
  readonly message: string
  readonly type?: string
  readonly path?: Path
  readonly locations?: { line: number; column: number }[]
  readonly extensions?: Record<string, unknown>
}

/** Thrown by a resolver: the field is null and the error is reported. */
class FieldError extends Error {
  constructor(readonly error: Omit<GraphqlError, 'path'>) {
    super(error.message)
  }
}

/** Thrown while checking the query: nothing runs, only the errors are answered. */
class Invalid extends Error {
  constructor(readonly errors: GraphqlError[]) {
    super(errors[0]?.message)
  }
}

/**
 * Field → type, for checking a query before it runs. `X!` and lists do not matter here; a
 * type ending in Connection is paginated.
 */
const SCHEMA: Record<string, Record<string, string>> = {
  Query: { viewer: 'User', repository: 'Repository' },
  User: { login: 'String', __typename: 'String' },
  Bot: { login: 'String', __typename: 'String' },
  Actor: { login: 'String', __typename: 'String' },
  Repository: { nameWithOwner: 'String', pullRequest: 'PullRequest', object: 'GitObject' },
  PullRequest: {
    number: 'Int',
    title: 'String',
    body: 'String',
    isDraft: 'Boolean',
    state: 'String',
    url: 'String',
    headRefOid: 'String',
    baseRefOid: 'String',
    headRefName: 'String',
    baseRefName: 'String',
    changedFiles: 'Int',
    author: 'Actor',
    baseRef: 'Ref',
    comments: 'IssueCommentConnection',
    reviews: 'PullRequestReviewConnection'
  },
  Ref: { name: 'String', target: 'GitObject' },
  GitObject: { oid: 'String', __typename: 'String' },
  Commit: { oid: 'String', file: 'TreeEntry', __typename: 'String' },
  TreeEntry: { name: 'String', path: 'String', object: 'GitObject' },
  Blob: {
    oid: 'String',
    text: 'String',
    isBinary: 'Boolean',
    isTruncated: 'Boolean',
    byteSize: 'Int',
    __typename: 'String'
  },
  IssueComment: {
    databaseId: 'Int',
    fullDatabaseId: 'String',
    body: 'String',
    url: 'String',
    createdAt: 'String',
    author: 'Actor'
  },
  PullRequestReview: {
    databaseId: 'Int',
    fullDatabaseId: 'String',
    body: 'String',
    url: 'String',
    state: 'String',
    author: 'Actor',
    commit: 'Commit',
    comments: 'PullRequestReviewCommentConnection'
  },
  PullRequestReviewComment: {
    databaseId: 'Int',
    fullDatabaseId: 'String',
    body: 'String',
    path: 'String',
    author: 'Actor'
  },
  PageInfo: {
    hasNextPage: 'Boolean',
    hasPreviousPage: 'Boolean',
    startCursor: 'String',
    endCursor: 'String'
  }
}
for (const item of ['IssueComment', 'PullRequestReview', 'PullRequestReviewComment']) {
  SCHEMA[`${item}Connection`] = {
    nodes: item,
    edges: `${item}Edge`,
    pageInfo: 'PageInfo',
    totalCount: 'Int'
  }
  SCHEMA[`${item}Edge`] = { node: item, cursor: 'String' }
}
/** Abstract types: which concrete types an inline fragment may name. */
const POSSIBLE: Record<string, string[]> = {
  GitObject: ['Blob', 'Commit'],
  Actor: ['User', 'Bot']
}

/** The answer to a POST /graphql: its status and JSON body. */
export function answerGraphql(
  request: GraphqlRequest,
  body: unknown
): { status: number; body: unknown } {
  const { query, variables = {} } = (body ?? {}) as { query?: unknown; variables?: unknown }
  if (typeof query !== 'string') {
    return { status: 400, body: { message: 'Problems parsing JSON' } }
  }
  try {
    const operation = parseQuery(query)
    if (operation.kind === 'mutation') {
      throw new Invalid([{ message: 'The emulator answers queries only.' }])
    }
    const vars = checkVariables(operation.variables, variables as Record<string, unknown>)
    const nodes = check(operation.selections, 'Query', vars, ['query'], 1, request.missing)
    if (nodes > MAX_NODES) {
      throw new Invalid([
        {
          type: 'MAX_NODE_LIMIT_EXCEEDED',
          message: `This query requests up to ${nodes.toLocaleString('en-US')} nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString('en-US')}.`
        }
      ])
    }
    const run = new Execution(request, vars)
    const data = run.select(run.query(), operation.selections, [])
    return { status: 200, body: run.errors.length > 0 ? { data, errors: run.errors } : { data } }
  } catch (error) {
    if (error instanceof ParseError) {
      return {
        status: 200,
        body: {
          errors: [
            { message: error.message, locations: [{ line: error.line, column: error.column }] }
          ]
        }
      }
    }
    if (error instanceof Invalid) return { status: 200, body: { errors: error.errors } }
    throw error
  }
}

function checkVariables(
  declared: Readonly<Record<string, string>>,
  given: Record<string, unknown>
): Record<string, unknown> {
  for (const [name, type] of Object.entries(declared)) {
    if (type.endsWith('!') && (given[name] === undefined || given[name] === null)) {
      throw new Invalid([
        {
          message: `Variable $${name} of type ${type} was provided invalid value`,
          locations: [],
          extensions: {
            value: null,
            problems: [{ path: [], explanation: 'Expected value to not be null' }]
          }
        }
      ])
    }
  }
  return Object.fromEntries(Object.keys(declared).map((name) => [name, given[name] ?? null]))
}

function argsOf(
  args: Readonly<Record<string, Value>>,
  vars: Readonly<Record<string, unknown>>
): Args {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(args)) {
    if (value.kind === 'literal') {
      out[name] = value.value
      continue
    }
    if (!(value.name in vars)) {
      throw new Invalid([
        {
          message: `Variable $${value.name} is used by anonymous query but not declared`,
          extensions: { code: 'variableNotDefined', variableName: value.name }
        }
      ])
    }
    out[name] = vars[value.name]
  }
  return out
}

/**
 * Checks every field against the schema and every connection's page size, before anything runs;
 * returns the nodes the query may ask for (`scale`: how many parents each field has).
 */
function check(
  selections: readonly Selection[],
  type: string,
  vars: Readonly<Record<string, unknown>>,
  path: string[],
  scale: number,
  missing: readonly string[]
): number {
  let nodes = 0
  for (const s of selections) {
    if (s.kind === 'fragment') {
      nodes += check(s.selections, s.on, vars, path, scale, missing)
      continue
    }
    const fields = SCHEMA[type] ?? {}
    const known = !missing.includes(`${type}.${s.name}`)
    const fieldType = known
      ? (fields[s.name] ?? (s.name === '__typename' ? 'String' : undefined))
      : undefined
    const at = [...path, s.key]
    if (!fieldType) {
      throw new Invalid([
        {
          path: at,
          extensions: { code: 'undefinedField', typeName: type, fieldName: s.name },
          locations: [{ line: s.line, column: s.column }],
          message: `Field '${s.name}' doesn't exist on type '${type}'`
        }
      ])
    }
    let below = scale
    if (fieldType.endsWith('Connection')) {
      const args = argsOf(s.args, vars)
      const size = (args['first'] ?? args['last']) as number | null | undefined
      if (size === undefined || size === null) {
        throw new Invalid([
          {
            type: 'MISSING_PAGINATION_BOUNDARIES',
            path: at,
            locations: [{ line: s.line, column: s.column }],
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${s.name}\` connection.`
          }
        ])
      }
      if (size < 1 || size > MAX_PAGE) {
        const which = args['first'] !== undefined ? 'first' : 'last'
        throw new Invalid([
          {
            type: 'EXCESSIVE_PAGINATION',
            path: at,
            locations: [{ line: s.line, column: s.column }],
            message: `Requesting ${size} records on the \`${s.name}\` connection exceeds the \`${which}\` limit of ${MAX_PAGE} records.`
          }
        ])
      }
      below = scale * size
      nodes += below
    }
    if (s.selections) nodes += check(s.selections, fieldType, vars, at, below, missing)
  }
  return nodes
}

/** One query running against the repository, collecting field errors as GitHub reports them. */
class Execution {
  readonly errors: GraphqlError[] = []
  private textBytes = 0
  private cutShort = false

  constructor(
    private readonly request: GraphqlRequest,
    private readonly vars: Readonly<Record<string, unknown>>
  ) {}

  select(node: Node, selections: readonly Selection[], path: Path): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const s of selections) {
      if (s.kind === 'fragment') {
        if (s.on === node.type || POSSIBLE[s.on]?.includes(node.type)) {
          Object.assign(out, this.select(node, s.selections, path))
        }
        continue
      }
      const at = [...path, s.key]
      if (s.name === '__typename') {
        out[s.key] = node.type
        continue
      }
      const resolver = node.fields[s.name]
      if (!resolver) {
        out[s.key] = null
        continue
      }
      try {
        out[s.key] = this.value(resolver(argsOf(s.args, this.vars), at), s, at)
      } catch (error) {
        if (!(error instanceof FieldError)) throw error
        this.errors.push({
          ...(error.error.type ? { type: error.error.type } : {}),
          path: at,
          locations: [{ line: s.line, column: s.column }],
          message: error.error.message
        })
        out[s.key] = null
      }
    }
    return out
  }

  private value(resolved: unknown, field: Selection & { kind: 'field' }, path: Path): unknown {
    if (resolved === null || resolved === undefined) return null
    if (Array.isArray(resolved)) {
      return resolved.map((item, i) => this.value(item, field, [...path, i]))
    }
    if (isNode(resolved)) return this.select(resolved, field.selections ?? [], path)
    return resolved
  }

  query(): Node {
    const { state, viewer } = this.request
    return {
      type: 'Query',
      fields: {
        viewer: () => ({ type: 'User', fields: { login: () => viewer.login } }),
        repository: (args) => {
          const owner = text(args['owner'])
          const name = text(args['name'])
          if (
            owner.toLowerCase() !== state.owner.toLowerCase() ||
            name.toLowerCase() !== state.name.toLowerCase()
          ) {
            throw new FieldError({
              type: 'NOT_FOUND',
              message: `Could not resolve to a Repository with the name '${owner}/${name}'.`
            })
          }
          return this.repository()
        }
      }
    }
  }

  private repository(): Node {
    const { state } = this.request
    return {
      type: 'Repository',
      fields: {
        nameWithOwner: () => `${state.owner}/${state.name}`,
        pullRequest: (args) => this.pullRequest(Number(args['number'])),
        object: (args) => {
          const expression = text(args['expression'])
          const colon = expression.indexOf(':')
          const rev = colon === -1 ? expression : expression.slice(0, colon)
          const sha = this.request.resolve(rev)
          if (!sha) return null
          return colon === -1 ? this.commit(sha) : this.blob(sha, expression.slice(colon + 1))
        }
      }
    }
  }

  private pullRequest(number: number): Node {
    const { state } = this.request
    const pull = state.pulls.get(number)
    if (!pull) {
      throw new FieldError({
        type: 'NOT_FOUND',
        message: `Could not resolve to a PullRequest with the number of ${number}.`
      })
    }
    const comments = state.issueComments.filter((c) => c.issueNumber === number)
    const reviews = state.reviews.filter((r) => r.pullNumber === number)
    return {
      type: 'PullRequest',
      fields: {
        number: () => pull.number,
        title: () => pull.title,
        body: () => pull.body ?? '',
        isDraft: () => pull.draft,
        state: () => (pull.state === 'open' ? 'OPEN' : 'CLOSED'),
        url: () => `https://github.com/${state.owner}/${state.name}/pull/${pull.number}`,
        headRefOid: () => pull.headSha,
        baseRefOid: () => pull.baseSha,
        headRefName: () => pull.headRef,
        baseRefName: () => pull.baseRef,
        changedFiles: () => pull.files.length,
        author: () => actor({ login: pull.author, type: 'User' }),
        baseRef: () => {
          const tip = state.branches[pull.baseRef] ?? pull.baseSha
          return {
            type: 'Ref',
            fields: { name: () => pull.baseRef, target: () => this.commit(tip) }
          }
        },
        comments: (args) =>
          connection('IssueComment', comments, args, (c) => ({
            type: 'IssueComment',
            fields: {
              databaseId: () => c.id,
              fullDatabaseId: () => String(c.id),
              body: () => c.body,
              url: () =>
                `https://github.com/${state.owner}/${state.name}/pull/${number}#issuecomment-${c.id}`,
              createdAt: () => c.createdAt,
              author: () => actor(c.user)
            }
          })),
        reviews: (args) =>
          connection('PullRequestReview', reviews, args, (r) => ({
            type: 'PullRequestReview',
            fields: {
              databaseId: () => r.id,
              fullDatabaseId: () => String(r.id),
              body: () => r.body,
              url: () =>
                `https://github.com/${state.owner}/${state.name}/pull/${number}#pullrequestreview-${r.id}`,
              state: () =>
                r.event === undefined
                  ? 'PENDING'
                  : {
                      COMMENT: 'COMMENTED',
                      APPROVE: 'APPROVED',
                      REQUEST_CHANGES: 'CHANGES_REQUESTED'
                    }[r.event],
              author: () => actor(r.user),
              commit: () => this.commit(r.commitId),
              comments: (inner) =>
                connection(
                  'PullRequestReviewComment',
                  state.reviewComments.filter((c) => c.reviewId === r.id),
                  inner,
                  (c) => ({
                    type: 'PullRequestReviewComment',
                    fields: {
                      databaseId: () => c.id,
                      fullDatabaseId: () => String(c.id),
                      body: () => c.body,
                      path: () => c.path,
                      author: () => actor(c.user)
                    }
                  })
                )
            }
          }))
      }
    }
  }

  private commit(sha: string): Node {
    return {
      type: 'Commit',
      fields: {
        oid: () => sha,
        file: (args) => {
          const path = text(args['path'])
          if (this.request.state.contents.get(sha)?.[path] === undefined) return null
          return {
            type: 'TreeEntry',
            fields: {
              name: () => path.split('/').at(-1),
              path: () => path,
              object: () => this.blob(sha, path)
            }
          }
        }
      }
    }
  }

  /** The blob at `path` in commit `sha`, or null; null from here on once the query is cut short. */
  private blob(sha: string, path: string): Node | null {
    const text = this.request.state.contents.get(sha)?.[path]
    if (text === undefined) return null
    if (this.cutShort) return null
    const bytes = Buffer.from(text)
    const binary = bytes.subarray(0, 8000).includes(0)
    const shown = binary ? 0 : Math.min(bytes.length, BLOB_TEXT_LIMIT)
    if (this.textBytes + shown > this.request.limits.resourceBytes) {
      this.cutShort = true
      throw new FieldError({
        type: 'RESOURCE_LIMITS_EXCEEDED',
        message: 'Resource limits for this query exceeded.'
      })
    }
    this.textBytes += shown
    return {
      type: 'Blob',
      fields: {
        oid: () => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
        byteSize: () => bytes.length,
        isBinary: () => binary,
        isTruncated: () => !binary && bytes.length > BLOB_TEXT_LIMIT,
        // Cut at a byte limit, as GitHub does: a character split there is dropped.
        text: () =>
          binary ? null : new TextDecoder().decode(bytes.subarray(0, shown)).replace(/\ufffd$/, '')
      }
    }
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'type' in value && 'fields' in value
}

/** GraphQL names an app's bot without the `[bot]` REST shows. */
function actor(author: Author): Node {
  const bot = author.type === 'Bot'
  return {
    type: bot ? 'Bot' : 'User',
    fields: { login: () => (bot ? author.login.replace(/\[bot\]$/, '') : author.login) }
  }
}

const cursorOf = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString('base64')
const indexOf = (cursor: unknown): number | undefined => {
  if (typeof cursor !== 'string') return undefined
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'))
  return match ? Number(match[1]) : undefined
}

/** A page of `items` by first/after or last/before, with its page info. */
function connection<T>(
  type: string,
  items: readonly T[],
  args: Args,
  node: (item: T) => Node
): Node {
  const after = indexOf(args['after'])
  const before = indexOf(args['before'])
  let from = after === undefined ? 0 : after + 1
  let to = before === undefined ? items.length : before
  const first = args['first'] as number | undefined
  const last = args['last'] as number | undefined
  if (typeof first === 'number') to = Math.min(to, from + first)
  if (typeof last === 'number') from = Math.max(from, to - last)
  const page = items.slice(from, to).map((item, i) => ({ item, index: from + i }))
  return {
    type: `${type}Connection`,
    fields: {
      totalCount: () => items.length,
      nodes: () => page.map((p) => node(p.item)),
      edges: () =>
        page.map((p) => ({
          type: `${type}Edge`,
          fields: { node: () => node(p.item), cursor: () => cursorOf(p.index) }
        })),
      pageInfo: () => ({
        type: 'PageInfo',
        fields: {
          hasNextPage: () => to < items.length,
          hasPreviousPage: () => from > 0,
          startCursor: () => (page.length > 0 ? cursorOf(from) : null),
          endCursor: () => (page.length > 0 ? cursorOf(to - 1) : null)
        }
      })
    }
  }
}
