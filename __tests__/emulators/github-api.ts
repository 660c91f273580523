/**
 * GitHub's REST API over an in-memory repository: pull requests and their files, compare,
 * contents, issue comments and reactions, reviews and review comments, on a router later
 * capabilities extend (`api.router.add(...)`). Every request and every mutation is recorded
 * in order. Reviews are validated as GitHub does: one comment off the diff fails the whole
 * review with 422 and nothing is stored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import { parsePatch, type FileDiff, type Side } from '../../src/review/diff.js'
import {
  defaultRepoState,
  fileJson,
  issueCommentJson,
  MAX_PULL_FILES,
  nextId,
  pullJson,
  REACTIONS,
  reactionJson,
  repoJson,
  reviewCommentJson,
  reviewJson,
  timestamp,
  TOKEN_IDENTITY,
  userId,
  type PullFileState,
  type PullState,
  type RepoState,
  type ReviewCommentState,
  type ReviewEvent
} from './github-state.js'
import {
  header,
  readBody,
  requestUrl,
  Router,
  safeHeaders,
  sendJson,
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
export const BODY_LIMIT = 65_536
const MAX_COMPARE_FILES = 300
const REVIEW_DOCS = `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`

export class GithubApiEmulator {
  /** The job's GITHUB_TOKEN (`ghs_…`, like an installation token). */
  readonly token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'A')}`
  state: RepoState = defaultRepoState()
  readonly requests: GithubRequestRecord[] = []
  readonly mutations: GithubMutation[] = []
  readonly router = new Router()
  /** Set by the world once the server listens: the base of URLs in answers. */
  apiUrl = ''

  constructor() {
    this.router
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
    const mutation =
      method !== 'GET' && method !== 'HEAD'
        ? { method, path: url.pathname, body, status: 0 }
        : undefined
    if (mutation) this.mutations.push(mutation)
    res.on('finish', () => {
      record.status = res.statusCode
      if (mutation) mutation.status = res.statusCode
    })
    const common = this.rateHeaders()
    for (const [name, value] of Object.entries(common)) res.setHeader(name, value)

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
    if (match?.[1] !== this.token) {
      sendJson(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
      return
    }
    try {
      if (!(await this.router.dispatch(req, res, url))) throw new NotFound()
    } catch (error) {
      if (error instanceof Unprocessable) {
        sendJson(res, 422, { message: error.message, errors: error.errors, ...error.extra })
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

  private files(ctx: RouteContext): void {
    const pull = this.pull(ctx)
    const requested = Number(ctx.url.searchParams.get('per_page') ?? 30)
    const perPage = Math.min(100, Math.max(1, Number.isFinite(requested) ? requested : 30))
    const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? 1) || 1)
    // GitHub lists at most 3,000 files of a pull request; the rest are never returned.
    const listed = pull.files.slice(0, MAX_PULL_FILES)
    const last = Math.max(1, Math.ceil(listed.length / perPage))
    const slice = listed.slice((page - 1) * perPage, page * perPage)
    const headers: Record<string, string> = {}
    const link = this.linkHeader(ctx.url, pull.number, page, last)
    if (link) headers.link = link
    sendJson(
      ctx.res,
      200,
      slice.map((file) => fileJson(this.apiUrl, this.state, pull, file)),
      headers
    )
  }

  /** GitHub's order: prev, next, last, first; absent when everything fits on one page. */
  private linkHeader(url: URL, number: number, page: number, last: number): string | undefined {
    if (last <= 1) return undefined
    const target = (p: number): string => {
      const query = new URLSearchParams(url.searchParams)
      query.set('page', String(p))
      return `<${this.apiUrl}/repositories/${this.state.id}/pulls/${number}/files?${query.toString()}>`
    }
    const parts: string[] = []
    if (page > 1) parts.push(`${target(page - 1)}; rel="prev"`)
    if (page < last) parts.push(`${target(page + 1)}; rel="next"`, `${target(last)}; rel="last"`)
    if (page > 1) parts.push(`${target(1)}; rel="first"`)
    return parts.join(', ')
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
    readonly extra: Record<string, string>
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const SIDES = new Set<unknown>(['LEFT', 'RIGHT'])
const EVENTS = new Set<unknown>(['COMMENT', 'APPROVE', 'REQUEST_CHANGES'])

/** The hunk of `diff` holding `line` on `side`, as an index, or -1. */
function hunkOf(diff: FileDiff, line: unknown, side: Side): number {
  if (typeof line !== 'number' || !Number.isInteger(line)) return -1
  return diff.hunks.findIndex((h) =>
    h.lines.some((l) => (side === 'RIGHT' ? l.newLine : l.oldLine) === line)
  )
}

/** `diff_hunk` as GitHub shows it: the hunk header and its lines up to the commented one. */
function diffHunk(diff: FileDiff, index: number, line: number, side: Side): string {
  const hunk = diff.hunks[index]
  if (!hunk) return ''
  const out = [hunk.header]
  for (const l of hunk.lines) {
    out.push(`${l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '}${l.text}`)
    if ((side === 'RIGHT' ? l.newLine : l.oldLine) === line) break
  }
  return out.join('\n')
}
