/**
 * GitHub's REST API over an in-memory repository: pull requests and their files, compare,
 * contents (JSON and raw), issue comments and reactions, reviews, review comments with their
 * threads, replies and reactions, the Actions OIDC subject settings of the repository and its
 * organization, on a router later
 * capabilities extend (`api.router.add(...)`). Every request and every mutation is recorded
 * in order. Reviews are validated as GitHub does: one comment off the diff fails the whole
 * review with 422 and nothing is stored.
 *
 * Each token acts as someone (`issueToken`), as on GitHub: what it posts is authored by them,
 * `GET /user` names a person's token and answers an installation token (the job's GITHUB_TOKEN
 * included) 403 "Resource not accessible by integration", and GraphQL (github-graphql.ts)
 * `viewer { login }` names either. A write can fail after it was stored, with a 502 or a dropped connection
 * (`writeFaults`), as GitHub's sometimes do.
 */
import { ServerResponse, type IncomingMessage } from 'node:http'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import {
  addReviewComment,
  defaultRepoState,
  diffHunk,
  fileJson,
  holderAuthor,
  hunkOf,
  issueCommentJson,
  MAX_PULL_FILES,
  nextId,
  oidcSubjectJson,
  patchHunks,
  pullJson,
  REACTIONS,
  reactionJson,
  repoJson,
  reviewCommentJson,
  reviewJson,
  timestamp,
  TOKEN_IDENTITY,
  userId,
  userJson,
  type Author,
  type IssueCommentState,
  type PatchHunk,
  type PullFileState,
  type PullState,
  type ReactionState,
  type RepoState,
  type ReviewCommentState,
  type ReviewEvent,
  type Side,
  type TokenHolder
} from './github-state.js'
import { answerGraphql, DEFAULT_GRAPHQL_LIMITS, type GraphqlLimits } from './github-graphql.js'
import {
  header,
  readBody,
  requestUrl,
  Router,
  safeHeaders,
  sendJson,
  sleep,
  type RouteContext
} from './http.js'

const DOCS = 'https://docs.github.com/rest'

export interface GithubRequestRecord {
  readonly at: number
  readonly method: string
  /** Path and query as requested. */
  readonly path: string
  readonly headers: Record<string, string>
  /** Parsed JSON body, when there was one. */
  readonly body: unknown
  status: number
}

export interface GithubMutation {
  readonly method: string
  readonly path: string
  readonly body: unknown
  /** The answer's status, once sent. */
  status: number
}

/** GitHub's limit on comment, review and review-comment bodies. */
const BODY_LIMIT = 65_536
const MAX_COMPARE_FILES = 300
/** Above 1 MB the contents API sends no `content` in JSON (`encoding: "none"`); raw still works. */
const CONTENTS_INLINE_LIMIT = 1024 * 1024
/** The Accept values that ask the contents API for the file's bytes instead of JSON. */
const RAW_MEDIA_TYPES = new Set([
  'application/vnd.github.raw',
  'application/vnd.github.raw+json',
  'application/vnd.github.v3.raw',
  'application/vnd.github.v3.raw+json'
])
const REVIEW_DOCS = `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`

/** GitHub's transient refusals: a secondary rate limit (403, retry-after) or a 502. */
export type GithubFault = 'secondary-rate-limit' | 'server-error'

/**
 * How a write fails: a 502 with nothing stored, or stored first and then answered with a 502
 * or a dropped connection (the client cannot tell these apart).
 */
export type WriteFaultKind = 'server-error' | 'stored-then-502' | 'stored-then-reset'

export interface WriteFault {
  readonly method: string
  /** Matched against the request's path (no query). */
  readonly path: RegExp
  readonly fault: WriteFaultKind
}

export class GithubApiEmulator {
  /** The job's GITHUB_TOKEN (`ghs_…`, like an installation token). */
  readonly token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'A')}`
  state: RepoState = defaultRepoState()
  /** Answers for the next authenticated requests, one each, before any route runs. */
  readonly faults: GithubFault[] = []
  /** One-shot: the next write matching each fails so (whatever requests come between). */
  readonly writeFaults: WriteFault[] = []
  readonly requests: GithubRequestRecord[] = []
  readonly mutations: GithubMutation[] = []
  readonly router = new Router()
  /**
   * Every request is answered after this long: a runner's round trip to api.github.com is about
   * 100 ms, which a local emulator would otherwise hide (the benchmark sets it).
   */
  latencyMs = 0
  /** File reads (the contents API) answer after this long, so tests can watch them overlap. */
  contentsLatencyMs = 0
  /** File reads in flight now, and the most there ever were at once. */
  private contentsInFlight = 0
  maxContentsInFlight = 0
  private readonly bodies = new WeakMap<IncomingMessage, unknown>()
  /** Every token the API accepts, and whom it acts as. */
  private readonly holders = new Map<string, TokenHolder>([[this.token, { kind: 'actions' }]])
  /** Who made each request (its token's holder), for what it posts. */
  private readonly authors = new WeakMap<IncomingMessage, Author>()
  /** How much blob text one GraphQL query may return before GitHub cuts it short. */
  graphqlLimits: GraphqlLimits = { ...DEFAULT_GRAPHQL_LIMITS }
  /** GraphQL `Type.field`s this server does not know (an older GitHub Enterprise Server). */
  graphqlMissing: string[] = []
  /**
   * Holds the answer to a request until the promise it returns settles (after `latencyMs`), so
   * a test can order what the action sees: nothing waits when it returns undefined.
   */
  hold: ((request: GithubRequestRecord) => Promise<void> | undefined) | undefined
  /** Set by the world once the server listens: the base of URLs in answers. */
  apiUrl = ''

  constructor() {
    this.router
      .add('GET', '/user', (ctx) => {
        this.authenticatedUser(ctx)
      })
      .add('POST', '/graphql', (ctx) => {
        this.graphql(ctx)
      })
      .add('GET', '/repos/:owner/:repo', (ctx) => {
        this.repo(ctx)
        sendJson(ctx.res, 200, repoJson(this.apiUrl, this.state))
      })
      .add('GET', '/repos/:owner/:repo/pulls/:number', (ctx) => {
        sendJson(ctx.res, 200, pullJson(this.apiUrl, this.repo(ctx), this.pull(ctx)))
      })
      .add('GET', '/repos/:owner/:repo/pulls/:number/files', (ctx) => {
        this.repo(ctx)
        this.files(ctx)
      })
      // GitHub's Link headers point at the id-based form of the same resource.
      .add('GET', '/repositories/:id/pulls/:number/files', (ctx) => {
        if (ctx.params.id !== String(this.state.id)) throw new NotFound()
        this.files(ctx)
      })
      .add('GET', '/repos/:owner/:repo/collaborators/:user/permission', (ctx) => {
        this.repo(ctx)
        this.permission(ctx)
      })
      .add('GET', '/repos/:owner/:repo/compare/:basehead', (ctx) => {
        this.repo(ctx)
        this.compare(ctx)
      })
      .add('GET', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
        this.repo(ctx)
        this.listIssueComments(ctx)
      })
      .add('GET', '/repositories/:id/issues/:number/comments', (ctx) => {
        this.repoById(ctx)
        this.listIssueComments(ctx)
      })
      .add('POST', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
        this.repo(ctx)
        this.createIssueComment(ctx)
      })
      .add('GET', '/repos/:owner/:repo/issues/comments/:id', (ctx) => {
        this.repo(ctx)
        sendJson(ctx.res, 200, issueCommentJson(this.apiUrl, this.state, this.issueComment(ctx)))
      })
      .add('PATCH', '/repos/:owner/:repo/issues/comments/:id', (ctx) => {
        this.repo(ctx)
        this.updateIssueComment(ctx)
      })
      .add('DELETE', '/repos/:owner/:repo/issues/comments/:id', (ctx) => {
        this.repo(ctx)
        const comment = this.issueComment(ctx)
        this.state.issueComments = this.state.issueComments.filter((c) => c !== comment)
        ctx.res.writeHead(204).end()
      })
      .add('POST', '/repos/:owner/:repo/issues/comments/:id/reactions', (ctx) => {
        this.repo(ctx)
        const docs = `${DOCS}/reactions/reactions#create-reaction-for-an-issue-comment`
        const comment = this.state.issueComments.find((c) => String(c.id) === ctx.params.id)
        if (!comment) throw new NotFound('Not Found', docs)
        this.react(ctx, comment.reactions, docs)
      })
      .add('GET', '/repos/:owner/:repo/pulls/comments/:id', (ctx) => {
        this.repo(ctx)
        const docs = `${DOCS}/pulls/comments#get-a-review-comment-for-a-pull-request`
        sendJson(
          ctx.res,
          200,
          reviewCommentJson(this.apiUrl, this.state, this.reviewComment(ctx, docs))
        )
      })
      .add('POST', '/repos/:owner/:repo/pulls/comments/:id/reactions', (ctx) => {
        this.repo(ctx)
        const docs = `${DOCS}/reactions/reactions#create-reaction-for-a-pull-request-review-comment`
        const comment = this.reviewComment(ctx, docs)
        comment.reactions ??= []
        this.react(ctx, comment.reactions, docs)
      })
      .add('POST', '/repos/:owner/:repo/pulls/:number/comments/:id/replies', (ctx) => {
        this.repo(ctx)
        this.reply(ctx)
      })
      .add('GET', '/repos/:owner/:repo/pulls/:number/comments', (ctx) => {
        this.repo(ctx)
        this.listReviewComments(ctx)
      })
      .add('GET', '/repositories/:id/pulls/:number/comments', (ctx) => {
        this.repoById(ctx)
        this.listReviewComments(ctx)
      })
      .add('GET', '/repos/:owner/:repo/pulls/:number/reviews', (ctx) => {
        this.repo(ctx)
        this.listReviews(ctx)
      })
      .add('GET', '/repositories/:id/pulls/:number/reviews', (ctx) => {
        this.repoById(ctx)
        this.listReviews(ctx)
      })
      .add('POST', '/repos/:owner/:repo/pulls/:number/reviews', (ctx) => {
        this.repo(ctx)
        this.createReview(ctx)
      })
      .add('GET', '/repos/:owner/:repo/actions/oidc/customization/sub', (ctx) => {
        sendJson(ctx.res, 200, oidcSubjectJson(this.repo(ctx)))
      })
      .add('GET', '/orgs/:org/actions/oidc/customization/sub', (ctx) => {
        // A user account is no organization; GitHub answers 404 for it.
        const org = ctx.params.org ?? ''
        if (
          this.state.ownerType !== 'Organization' ||
          org.toLowerCase() !== this.state.owner.toLowerCase()
        ) {
          throw new NotFound('Not Found', `${DOCS}/actions/oidc`)
        }
        // Without a customization GitHub's default template is reported (repo, context).
        sendJson(ctx.res, 200, {
          include_claim_keys: this.state.orgClaimKeys ?? ['repo', 'context']
        })
      })
    // Paths may carry their slashes raw or as %2F: one route per depth.
    for (let depth = 1; depth <= 12; depth++) {
      const segments = Array.from({ length: depth }, (_, i) => `:p${i}`).join('/')
      this.router.add('GET', `/repos/:owner/:repo/contents/${segments}`, async (ctx) => {
        this.repo(ctx)
        this.contentsInFlight += 1
        this.maxContentsInFlight = Math.max(this.maxContentsInFlight, this.contentsInFlight)
        try {
          if (this.contentsLatencyMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, this.contentsLatencyMs))
          }
          this.contents(ctx, depth)
        } finally {
          this.contentsInFlight -= 1
        }
      })
    }
  }

  /**
   * A fresh default repository and empty records, for a suite that shares one world (an
   * in-process octokit keeps the API URL it was imported with).
   */
  reset(): void {
    this.state = defaultRepoState()
    this.requests.length = 0
    this.mutations.length = 0
    this.faults.length = 0
    this.writeFaults.length = 0
    this.latencyMs = 0
    this.graphqlLimits = { ...DEFAULT_GRAPHQL_LIMITS }
    this.graphqlMissing = []
    this.hold = undefined
    this.contentsLatencyMs = 0
    this.maxContentsInFlight = 0
  }

  /** A new token the API accepts, acting as `holder`. */
  /** `legacy`: a 40-hex token of before 2021, whose kind no prefix tells. */
  issueToken(holder: TokenHolder, format: 'current' | 'legacy' = 'current'): string {
    const secret = randomBytes(27).toString('base64url').replace(/[-_]/g, 'A')
    const token =
      format === 'legacy'
        ? randomBytes(20).toString('hex')
        : holder.kind === 'user'
          ? `github_pat_${secret}`
          : `ghs_${secret}`
    this.holders.set(token, holder)
    return token
  }

  /** The pull request in the state, for tests to edit (files, draft, fork, SHAs). */
  pullRequest(number: number): PullState {
    const pull = this.state.pulls.get(number)
    if (!pull) throw new Error(`No pull request #${number}`)
    return pull
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req)
    const raw = await readBody(req)
    let body: unknown = undefined
    if (raw) {
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
      }
    }
    this.bodies.set(req, body)
    const method = req.method ?? 'GET'
    const record: GithubRequestRecord = {
      at: Date.now(),
      method,
      path: url.pathname + url.search,
      headers: safeHeaders(req),
      body,
      status: 0
    }
    this.requests.push(record)
    const mutation = changesState(method, url.pathname, body)
      ? { method, path: url.pathname, body, status: 0 }
      : undefined
    if (mutation) this.mutations.push(mutation)
    res.on('finish', () => {
      record.status = res.statusCode
      if (mutation) mutation.status = res.statusCode
    })
    const common = this.rateHeaders()
    for (const [name, value] of Object.entries(common)) res.setHeader(name, value)
    if (this.latencyMs > 0) await sleep(this.latencyMs)
    await this.hold?.(record)

    const auth = header(req, 'authorization')
    if (!auth) {
      sendJson(res, 401, {
        message: 'Requires authentication',
        documentation_url: DOCS,
        status: '401'
      })
      return
    }
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)
    const holder = match?.[1] === undefined ? undefined : this.holders.get(match[1])
    if (!holder) {
      sendJson(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
      return
    }
    this.authors.set(req, holderAuthor(holder))
    const fault = this.faults.shift()
    if (fault) {
      this.sendFault(res, fault)
      return
    }
    const writeFault = this.takeWriteFault(method, url.pathname)
    if (writeFault === 'server-error') {
      this.sendFault(res, writeFault)
      return
    }
    if (writeFault) {
      // The write is stored (its answer goes nowhere), then the client sees the fault.
      await this.route(req, new ServerResponse(req), url)
      if (writeFault === 'stored-then-reset') res.destroy()
      else sendJson(res, 502, { message: 'Server Error' })
      return
    }
    await this.route(req, res, url)
  }

  private takeWriteFault(method: string, path: string): WriteFaultKind | undefined {
    const index = this.writeFaults.findIndex((f) => f.method === method && f.path.test(path))
    if (index === -1) return undefined
    return this.writeFaults.splice(index, 1)[0]?.fault
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      if (!(await this.router.dispatch(req, res, url))) throw new NotFound()
    } catch (error) {
      if (error instanceof Unprocessable) {
        const errors = error.errors.length > 0 ? { errors: error.errors } : {}
        sendJson(res, error.httpStatus, { message: error.message, ...errors, ...error.extra })
        return
      }
      if (!(error instanceof NotFound)) throw error
      sendJson(res, 404, {
        message: error.message || 'Not Found',
        documentation_url: error.docs,
        status: '404'
      })
    }
  }

  private sendFault(res: ServerResponse, fault: GithubFault): void {
    if (fault === 'secondary-rate-limit') {
      res.setHeader('retry-after', '1')
      sendJson(res, 403, {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url:
          'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '403'
      })
      return
    }
    sendJson(res, 502, { message: 'Server Error' })
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(5000 - this.requests.length),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(this.requests.length),
      'x-ratelimit-resource': 'core'
    }
  }

  /** The repository named by the route; owner and name match case-insensitively, like GitHub. */
  private repo(ctx: RouteContext): RepoState {
    const { owner = '', repo = '' } = ctx.params
    if (
      owner.toLowerCase() !== this.state.owner.toLowerCase() ||
      repo.toLowerCase() !== this.state.name.toLowerCase()
    ) {
      throw new NotFound()
    }
    return this.state
  }

  private pull(ctx: RouteContext): PullState {
    const pull = this.state.pulls.get(Number(ctx.params.number))
    if (!pull) throw new NotFound()
    return pull
  }

  private repoById(ctx: RouteContext): RepoState {
    if (ctx.params.id !== String(this.state.id)) throw new NotFound()
    return this.state
  }

  private files(ctx: RouteContext): void {
    const pull = this.pull(ctx)
    // GitHub lists at most 3,000 files of a pull request; the rest are never returned.
    const listed = pull.files.slice(0, MAX_PULL_FILES)
    this.page(ctx, `pulls/${pull.number}/files`, listed, (file) =>
      fileJson(this.apiUrl, this.state, pull.headSha, file)
    )
  }

  /** One page of `items` (per_page ≤ 100, default 30) with GitHub's Link header. */
  private page<T>(
    ctx: RouteContext,
    resource: string,
    items: readonly T[],
    render: (item: T) => unknown
  ): void {
    const requested = Number(ctx.url.searchParams.get('per_page') ?? 30)
    const perPage = Math.min(100, Math.max(1, Number.isFinite(requested) ? requested : 30))
    const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? 1) || 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const slice = items.slice((page - 1) * perPage, page * perPage)
    const headers: Record<string, string> = {}
    const link = this.linkHeader(ctx.url, resource, page, last)
    if (link) headers.link = link
    sendJson(ctx.res, 200, slice.map(render), headers)
  }

  /** GitHub's order: prev, next, last, first; absent when everything fits on one page. */
  private linkHeader(url: URL, resource: string, page: number, last: number): string | undefined {
    if (last <= 1) return undefined
    const target = (p: number): string => {
      const query = new URLSearchParams(url.searchParams)
      query.set('page', String(p))
      return `<${this.apiUrl}/repositories/${this.state.id}/${resource}?${query.toString()}>`
    }
    const parts: string[] = []
    if (page > 1) parts.push(`${target(page - 1)}; rel="prev"`)
    if (page < last) parts.push(`${target(page + 1)}; rel="next"`, `${target(last)}; rel="last"`)
    if (page > 1) parts.push(`${target(1)}; rel="first"`)
    return parts.join(', ')
  }

  /** Who made the request: its token's holder. */
  private author(ctx: RouteContext): Author {
    return this.authors.get(ctx.req) ?? TOKEN_IDENTITY
  }

  /** `GET /user`: a person's token names them; an installation token is refused, as on GitHub. */
  private authenticatedUser(ctx: RouteContext): void {
    const author = this.author(ctx)
    if (author.type === 'Bot') {
      sendJson(ctx.res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: `${DOCS}/users/users#get-the-authenticated-user`,
        status: '403'
      })
      return
    }
    sendJson(ctx.res, 200, {
      ...userJson(this.apiUrl, author.login, userId(author.login)),
      name: null,
      company: null,
      blog: '',
      location: null,
      email: null,
      bio: null,
      public_repos: 3,
      followers: 0,
      following: 0,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2026-11-01T00:00:00Z'
    })
  }

  /** GraphQL (github-graphql.ts): a query asks as the token's holder. */
  private graphql(ctx: RouteContext): void {
    const answer = answerGraphql(
      {
        state: this.state,
        viewer: this.author(ctx),
        missing: this.graphqlMissing,
        limits: this.graphqlLimits,
        resolve: (rev) => this.resolve(rev)
      },
      this.bodies.get(ctx.req)
    )
    sendJson(ctx.res, answer.status, answer.body)
  }

  /** The request's JSON object body (read once in handle()). */
  private json(ctx: RouteContext): Record<string, unknown> {
    const body = this.bodies.get(ctx.req)
    if (!isRecord(body)) {
      throw new Unprocessable(
        'Problems parsing JSON',
        [],
        { documentation_url: DOCS, status: '400' },
        400
      )
    }
    return body
  }

  // -------------------------------------------------------------------------------------------
  // Commits: compare and contents

  /** A SHA the repository knows (commits, or any pull's head and base), or a branch's tip. */
  private resolve(ref: string): string | undefined {
    if (this.state.commits.has(ref)) return ref
    for (const pull of this.state.pulls.values()) {
      if (ref === pull.headSha || ref === pull.baseSha) return ref
    }
    return this.state.branches[ref]
  }

  /** The commit and everything it descends from, nearest first. */
  private ancestors(sha: string): string[] {
    const seen = new Set<string>()
    const queue = [sha]
    while (queue.length > 0) {
      const next = queue.shift() ?? ''
      if (seen.has(next)) continue
      seen.add(next)
      queue.push(...(this.state.commits.get(next)?.parents ?? []))
    }
    return [...seen]
  }

  private compare(ctx: RouteContext): void {
    const docs = `${DOCS}/commits/commits#compare-two-commits`
    const [baseRef = '', headRef = ''] = (ctx.params.basehead ?? '').split('...')
    const base = this.resolve(baseRef)
    const head = this.resolve(headRef)
    if (!base || !head || !headRef) throw new NotFound('Not Found', docs)
    const ofHead = this.ancestors(head)
    const ofBase = this.ancestors(base)
    const baseSet = new Set(ofBase)
    const headSet = new Set(ofHead)
    const aheadBy = ofHead.filter((c) => !baseSet.has(c))
    const behindBy = ofBase.filter((c) => !headSet.has(c))
    const status =
      base === head
        ? 'identical'
        : headSet.has(base)
          ? 'ahead'
          : baseSet.has(head)
            ? 'behind'
            : 'diverged'
    const mergeBase = ofHead.find((c) => baseSet.has(c)) ?? base
    const files = base === head ? [] : this.compareFiles(base, head)
    const fullName = `${this.state.owner}/${this.state.name}`
    const commitJson = (sha: string): Record<string, unknown> => ({
      sha,
      node_id: Buffer.from(`06:Commit${sha}`).toString('base64'),
      commit: { message: this.state.commits.get(sha)?.message ?? '' },
      url: `${this.apiUrl}/repos/${fullName}/commits/${sha}`,
      html_url: `https://github.com/${fullName}/commit/${sha}`,
      parents: (this.state.commits.get(sha)?.parents ?? []).map((p) => ({
        sha: p,
        url: `${this.apiUrl}/repos/${fullName}/commits/${p}`
      }))
    })
    const basehead = `${baseRef}...${headRef}`
    sendJson(ctx.res, 200, {
      url: `${this.apiUrl}/repos/${fullName}/compare/${basehead}`,
      html_url: `https://github.com/${fullName}/compare/${basehead}`,
      permalink_url: `https://github.com/${fullName}/compare/${base}...${head}`,
      diff_url: `https://github.com/${fullName}/compare/${basehead}.diff`,
      patch_url: `https://github.com/${fullName}/compare/${basehead}.patch`,
      base_commit: commitJson(base),
      merge_base_commit: commitJson(mergeBase),
      status,
      ahead_by: aheadBy.length,
      behind_by: behindBy.length,
      total_commits: aheadBy.length,
      // Oldest first, as GitHub lists them.
      commits: aheadBy.reverse().map(commitJson),
      files: files
        .slice(0, MAX_COMPARE_FILES)
        .map((f) => fileJson(this.apiUrl, this.state, head, f))
    })
  }

  private compareFiles(base: string, head: string): PullFileState[] {
    const stored = this.state.comparisons.get(`${base}...${head}`)
    if (stored) return stored
    for (const pull of this.state.pulls.values()) {
      if (pull.baseSha === base && pull.headSha === head) return pull.files
    }
    return []
  }

  private contents(ctx: RouteContext, depth: number): void {
    const docs = `${DOCS}/repos/contents#get-repository-content`
    const path = Array.from({ length: depth }, (_, i) => ctx.params[`p${i}`] ?? '').join('/')
    const ref = ctx.url.searchParams.get('ref') ?? this.state.defaultBranch
    const sha = this.resolve(ref)
    if (!sha) throw new NotFound(`No commit found for the ref ${ref}`, docs)
    const text = this.state.contents.get(sha)?.[path]
    if (text === undefined) throw new NotFound('Not Found', docs)
    const size = Buffer.byteLength(text)
    const raw = rawMediaType(header(ctx.req, 'accept'))
    if (raw) {
      // GitHub echoes the requested raw type as the content type (octokit/fixtures get-content).
      ctx.res.writeHead(200, {
        'content-type': `${raw}; charset=utf-8`,
        'content-length': String(size),
        'x-github-media-type': `github.v3; param=raw${raw.endsWith('+json') ? '; format=json' : ''}`
      })
      ctx.res.end(text)
      return
    }
    const fullName = `${this.state.owner}/${this.state.name}`
    const blob = createHash('sha1').update(`blob ${size}\0${text}`).digest('hex')
    const url = `${this.apiUrl}/repos/${fullName}/contents/${path}?ref=${ref}`
    const html = `https://github.com/${fullName}/blob/${ref}/${path}`
    const git = `${this.apiUrl}/repos/${fullName}/git/blobs/${blob}`
    // Base64 wrapped at 60 characters, as GitHub sends it; nothing inline for files over 1 MB.
    const inline = size <= CONTENTS_INLINE_LIMIT
    const content = inline
      ? (
          Buffer.from(text)
            .toString('base64')
            .match(/.{1,60}/g) ?? []
        ).join('\n')
      : ''
    sendJson(ctx.res, 200, {
      name: path.split('/').at(-1),
      path,
      sha: blob,
      size,
      url,
      html_url: html,
      git_url: git,
      download_url: `https://raw.githubusercontent.com/${fullName}/${ref}/${path}`,
      type: 'file',
      content: content ? `${content}\n` : '',
      encoding: inline ? 'base64' : 'none',
      _links: { self: url, git, html }
    })
  }

  // -------------------------------------------------------------------------------------------
  // Issue comments and reactions

  private issueNumber(ctx: RouteContext): number {
    const number = Number(ctx.params.number)
    if (!this.state.pulls.has(number)) throw new NotFound()
    return number
  }

  private listIssueComments(ctx: RouteContext): void {
    const number = this.issueNumber(ctx)
    const comments = this.state.issueComments.filter((c) => c.issueNumber === number)
    this.page(ctx, `issues/${number}/comments`, comments, (c) =>
      issueCommentJson(this.apiUrl, this.state, c)
    )
  }

  private commentBody(
    body: Record<string, unknown>,
    docs: string,
    resource = 'IssueComment'
  ): string {
    const text = body.body
    if (typeof text !== 'string' || text === '') {
      throw validationFailed(resource, 'body', "body can't be blank", docs)
    }
    if (text.length > BODY_LIMIT) {
      throw validationFailed(
        resource,
        'body',
        `body is too long (maximum is ${BODY_LIMIT} characters)`,
        docs
      )
    }
    return text
  }

  private createIssueComment(ctx: RouteContext): void {
    const number = this.issueNumber(ctx)
    const text = this.commentBody(this.json(ctx), `${DOCS}/issues/comments#create-an-issue-comment`)
    const at = timestamp()
    const comment = {
      id: nextId(this.state),
      issueNumber: number,
      user: this.author(ctx),
      body: text,
      createdAt: at,
      updatedAt: at,
      reactions: []
    }
    this.state.issueComments.push(comment)
    const json = issueCommentJson(this.apiUrl, this.state, comment)
    sendJson(ctx.res, 201, json, { location: String(json.url) })
  }

  private issueComment(ctx: RouteContext): IssueCommentState {
    const comment = this.state.issueComments.find((c) => String(c.id) === ctx.params.id)
    if (!comment) throw new NotFound('Not Found', `${DOCS}/issues/comments#get-an-issue-comment`)
    return comment
  }

  private updateIssueComment(ctx: RouteContext): void {
    const comment = this.issueComment(ctx)
    comment.body = this.commentBody(
      this.json(ctx),
      `${DOCS}/issues/comments#update-an-issue-comment`
    )
    comment.updatedAt = timestamp()
    sendJson(ctx.res, 200, issueCommentJson(this.apiUrl, this.state, comment))
  }

  /** A reaction by the token identity on a comment whose reactions are `reactions`. */
  private react(ctx: RouteContext, reactions: ReactionState[], docs: string): void {
    const content = this.json(ctx).content
    if (typeof content !== 'string' || !REACTIONS.includes(content)) {
      throw validationFailed('Reaction', 'content', 'content is not included in the list', docs)
    }
    // The same reaction twice by the same user is answered 200 with the existing one.
    const user = this.author(ctx)
    const existing = reactions.find((r) => r.content === content && r.user.login === user.login)
    if (existing) {
      sendJson(ctx.res, 200, reactionJson(this.apiUrl, existing))
      return
    }
    const reaction = {
      id: nextId(this.state),
      content,
      user,
      createdAt: timestamp()
    }
    reactions.push(reaction)
    sendJson(ctx.res, 201, reactionJson(this.apiUrl, reaction))
  }

  // -------------------------------------------------------------------------------------------
  // Reviews and review comments

  private listReviewComments(ctx: RouteContext): void {
    const pull = this.pull(ctx)
    const comments = this.state.reviewComments.filter((c) => c.pullNumber === pull.number)
    this.page(ctx, `pulls/${pull.number}/comments`, comments, (c) =>
      reviewCommentJson(this.apiUrl, this.state, c)
    )
  }

  /** The review comment named by `:id`, of any pull request of the repository. */
  private reviewComment(ctx: RouteContext, docs: string): ReviewCommentState {
    const comment = this.state.reviewComments.find((c) => String(c.id) === ctx.params.id)
    if (!comment) throw new NotFound('Not Found', docs)
    return comment
  }

  /** `POST /pulls/{n}/comments/{id}/replies`: a reply by the token identity in the thread. */
  private reply(ctx: RouteContext): void {
    const docs = `${DOCS}/pulls/comments#create-a-reply-for-a-review-comment`
    const pull = this.pull(ctx)
    const parent = this.reviewComment(ctx, docs)
    // A comment of another pull request is not found under this one.
    if (parent.pullNumber !== pull.number) throw new NotFound('Not Found', docs)
    const body = this.commentBody(this.json(ctx), docs, 'PullRequestReviewComment')
    if (parent.inReplyToId !== undefined) {
      // GitHub documents "This must be the ID of a top-level review comment, not a reply to that
      // comment. Replies to replies are not supported." but not the answer, and the OpenAPI
      // description lists only 201 and 404. Unconfirmed: we refuse with 422 Validation Failed.
      throw validationFailed(
        'PullRequestReviewComment',
        'in_reply_to_id',
        'Replies to replies are not supported.',
        docs
      )
    }
    const comment = addReviewComment(this.state, {
      pullNumber: pull.number,
      user: this.author(ctx),
      body,
      inReplyToId: parent.id
    })
    const json = reviewCommentJson(this.apiUrl, this.state, comment)
    sendJson(ctx.res, 201, json, { location: String(json.url) })
  }

  private listReviews(ctx: RouteContext): void {
    const pull = this.pull(ctx)
    const reviews = this.state.reviews.filter((r) => r.pullNumber === pull.number)
    this.page(ctx, `pulls/${pull.number}/reviews`, reviews, (r) =>
      reviewJson(this.apiUrl, this.state, r)
    )
  }

  private createReview(ctx: RouteContext): void {
    const pull = this.pull(ctx)
    const request = this.json(ctx)
    const event = request.event
    if (event !== undefined && !EVENTS.has(event)) {
      throw new Unprocessable(
        'Unprocessable Entity',
        [`Event must be one of COMMENT, APPROVE, REQUEST_CHANGES`],
        { documentation_url: REVIEW_DOCS, status: '422' }
      )
    }
    const body = request.body ?? ''
    if (typeof body !== 'string' || body.length > BODY_LIMIT) {
      throw new Unprocessable(
        'Unprocessable Entity',
        [`Body is too long (maximum is ${BODY_LIMIT} characters)`],
        { documentation_url: REVIEW_DOCS, status: '422' }
      )
    }
    const commitId = request.commit_id ?? pull.headSha
    if (typeof commitId !== 'string' || this.resolve(commitId) !== commitId) {
      throw validationFailed(
        'PullRequestReview',
        'commit_id',
        'commit_id is not part of the pull request',
        REVIEW_DOCS
      )
    }
    if (this.state.refuseReviews > 0) {
      this.state.refuseReviews -= 1
      throw lineNotResolved()
    }
    // Every comment is checked before anything is stored: one bad line fails the review.
    const user = this.author(ctx)
    const drafts = this.reviewComments(pull, request.comments, commitId, user)
    const review = {
      id: nextId(this.state),
      pullNumber: pull.number,
      user,
      body,
      event: event as ReviewEvent | undefined,
      commitId,
      submittedAt: timestamp()
    }
    this.state.reviews.push(review)
    for (const draft of drafts) {
      this.state.reviewComments.push({ ...draft, reviewId: review.id, id: nextId(this.state) })
    }
    sendJson(ctx.res, 200, reviewJson(this.apiUrl, this.state, review))
  }

  private reviewComments(
    pull: PullState,
    comments: unknown,
    commitId: string,
    user: Author
  ): Omit<ReviewCommentState, 'id' | 'reviewId'>[] {
    if (comments === undefined) return []
    if (!Array.isArray(comments)) throw lineNotResolved()
    const diffs = new Map<string, PatchHunk[]>()
    for (const file of pull.files) diffs.set(file.filename, patchHunks(file.patch ?? ''))
    const at = timestamp()
    return comments.map((comment: unknown) => {
      if (!isRecord(comment)) throw lineNotResolved()
      const { path, line, side = 'RIGHT', start_line: startLine, body } = comment
      const startSide = comment.start_side ?? (startLine === undefined ? undefined : side)
      const diff = typeof path === 'string' ? diffs.get(path) : undefined
      if (!diff || !SIDES.has(side)) throw lineNotResolved()
      const hunk = hunkOf(diff, line, side as Side)
      if (hunk === -1) throw lineNotResolved()
      if (startLine !== undefined && startLine !== null) {
        if (!SIDES.has(startSide) || hunkOf(diff, startLine, startSide as Side) !== hunk) {
          throw lineNotResolved()
        }
        if (startSide === side && !((startLine as number) < (line as number))) {
          throw lineNotResolved()
        }
      }
      if (typeof body !== 'string' || body === '' || body.length > BODY_LIMIT) {
        throw new Unprocessable(
          'Unprocessable Entity',
          [`Body must be between 1 and ${BODY_LIMIT} characters`],
          { documentation_url: REVIEW_DOCS, status: '422' }
        )
      }
      const ranged = startLine !== undefined && startLine !== null
      return {
        pullNumber: pull.number,
        user,
        path: path as string,
        line: line as number,
        side: side as Side,
        startLine: ranged ? (startLine as number) : undefined,
        startSide: ranged ? (startSide as Side) : undefined,
        body,
        commitId,
        diffHunk: diffHunk(diff, hunk, line as number, side as Side),
        createdAt: at,
        updatedAt: at
      }
    })
  }

  private permission(ctx: RouteContext): void {
    const login = ctx.params.user ?? ''
    const entry = Object.entries(this.state.collaborators).find(
      ([name]) => name.toLowerCase() === login.toLowerCase()
    )
    const [name, collaborator] = entry ?? [login, { permission: 'none' as const, roleName: 'none' }]
    const p = collaborator.permission
    const role = collaborator.roleName
    sendJson(ctx.res, 200, {
      permission: p,
      role_name: role,
      user: {
        login: name,
        id: userId(name),
        avatar_url: `https://avatars.githubusercontent.com/u/${userId(name)}?v=4`,
        url: `${this.apiUrl}/users/${name}`,
        html_url: `https://github.com/${name}`,
        type: 'User',
        site_admin: false,
        permissions: {
          admin: p === 'admin',
          maintain: p === 'admin' || role === 'maintain',
          push: p === 'admin' || p === 'write',
          triage: p !== 'none' && role !== 'read',
          pull: p !== 'none'
        },
        role_name: role
      }
    })
  }
}

class NotFound extends Error {
  constructor(
    message = 'Not Found',
    readonly docs = DOCS
  ) {
    super(message)
  }
}

/** A 422 in GitHub's shape: `errors` are strings for reviews, objects for validation. */
class Unprocessable extends Error {
  constructor(
    message: string,
    readonly errors: unknown[],
    readonly extra: Record<string, string>,
    readonly httpStatus = 422
  ) {
    super(message)
  }
}

function lineNotResolved(): Unprocessable {
  return new Unprocessable('Unprocessable Entity', ['Line could not be resolved'], {
    documentation_url: REVIEW_DOCS,
    status: '422'
  })
}

function validationFailed(resource: string, field: string, message: string, docs: string) {
  return new Unprocessable('Validation Failed', [{ resource, code: 'custom', field, message }], {
    documentation_url: docs,
    status: '422'
  })
}

/** Whether a request writes: a GraphQL query is a read, though it is POSTed. */
function changesState(method: string, path: string, body: unknown): boolean {
  if (method === 'GET' || method === 'HEAD') return false
  if (path !== '/graphql') return true
  const query = isRecord(body) ? body.query : undefined
  return typeof query === 'string' && /^\s*mutation\b/.test(query)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const SIDES = new Set<unknown>(['LEFT', 'RIGHT'])
const EVENTS = new Set<unknown>(['COMMENT', 'APPROVE', 'REQUEST_CHANGES'])

/** The raw media type an Accept header asks for, if any. */
function rawMediaType(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0]?.trim().toLowerCase() ?? ''
    if (RAW_MEDIA_TYPES.has(type)) return type
  }
  return undefined
}
