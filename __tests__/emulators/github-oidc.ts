/**
 * GitHub Actions' OIDC token service as a job sees it: `GET {ACTIONS_ID_TOKEN_REQUEST_URL}
 * &audience=…` with the job's request token as bearer → `{"value": "<RS256 JWT>"}`.
 * Claims and subject follow GitHub's rules for the run's event, ref and environment.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import {
  ACTOR,
  GITHUB_ISSUER,
  HEAD_SHA,
  OWNER,
  OWNER_ID,
  PR_NUMBER,
  REPO,
  REPO_ID
} from './constants.js'
import { bearer, requestUrl, sendJson } from './http.js'
import { signJwt, type SigningKey } from './keys.js'

/** What the job is running for; the harness sets it per run. */
export interface OidcRunContext {
  eventName: string
  ref: string
  sha: string
  actor: string
  runId: string
  /** Head and base branch names, present on pull_request and pull_request_target. */
  headRef?: string
  baseRef?: string
}

export interface GithubOidcConfig {
  issuer: string
  /** exp − iat; GitHub uses 300 s. */
  lifetimeSeconds: number
  /** The job's `environment:`, which takes priority in the subject. */
  environment: string | undefined
  /** `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, as for repositories created after 2026-07-15. */
  immutableSubject: boolean
  /** Replaces the computed subject entirely (a customized subject template). */
  subject: string | undefined
  workflowPath: string
  /** Extra or overriding claims merged last. */
  extraClaims: Record<string, unknown>
  /** One-shot HTTP statuses for the next token requests (e.g. 503 to exercise retries). */
  failures: number[]
}

export interface IssuedIdToken {
  readonly jwt: string
  readonly claims: JWTPayload & Record<string, unknown>
}

export interface OidcRequestRecord {
  readonly at: number
  readonly audience: string | undefined
  readonly status: number
}

/**
 * The events of the pull request family. GitHub's OIDC reference: the subject "includes the
 * `pull_request` string when the workflow is triggered by a pull request event" (unless the
 * job names an environment), and names the ref only "if the workflow is not triggered by a
 * pull request event".
 */
export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment'
])

/**
 * Events that run on the merge ref: "Events that trigger workflows" gives GITHUB_REF as "PR merge
 * branch `refs/pull/PULL_REQUEST_NUMBER/merge`" for pull_request, pull_request_review and
 * pull_request_review_comment; pull_request_target runs on the default branch.
 */
const MERGE_REF_EVENTS: ReadonlySet<string> = new Set([
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment'
])

export function defaultRunContext(eventName = 'pull_request'): OidcRunContext {
  return {
    eventName,
    ref: MERGE_REF_EVENTS.has(eventName) ? `refs/pull/${PR_NUMBER}/merge` : 'refs/heads/main',
    sha: HEAD_SHA,
    actor: ACTOR,
    runId: '9876543210',
    // GITHUB_HEAD_REF/BASE_REF (and these claims) are "only set when the event that triggers a
    // workflow run is either pull_request or pull_request_target".
    ...(eventName === 'pull_request' || eventName === 'pull_request_target'
      ? { headRef: 'feature/keyless-review', baseRef: 'main' }
      : {})
  }
}

function defaultOidcConfig(): GithubOidcConfig {
  return {
    issuer: GITHUB_ISSUER,
    lifetimeSeconds: 300,
    environment: undefined,
    immutableSubject: false,
    subject: undefined,
    workflowPath: '.github/workflows/pr-review.yml',
    extraClaims: {},
    failures: []
  }
}

export class GithubOidcEmulator {
  /** The job's ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken = randomBytes(32).toString('base64url')
  config: GithubOidcConfig = defaultOidcConfig()
  run: OidcRunContext = defaultRunContext()
  readonly issued: IssuedIdToken[] = []
  readonly requests: OidcRequestRecord[] = []

  constructor(readonly key: SigningKey) {}

  get tokensIssued(): number {
    return this.issued.length
  }

  jwks(): { keys: unknown[] } {
    return { keys: [this.key.jwk] }
  }

  /** The subject GitHub would put in a token for the current run and config. */
  subject(): string {
    if (this.config.subject !== undefined) return this.config.subject
    const repo = this.config.immutableSubject
      ? `repo:${OWNER}@${OWNER_ID}/${REPO}@${REPO_ID}`
      : `repo:${OWNER}/${REPO}`
    if (this.config.environment) return `${repo}:environment:${this.config.environment}`
    if (PULL_REQUEST_EVENTS.has(this.run.eventName)) return `${repo}:pull_request`
    return `${repo}:ref:${this.run.ref}`
  }

  /** The full claim set of a token minted now for `audience`. */
  claims(audience: string | undefined, now = Math.floor(Date.now() / 1000)): JWTPayload {
    const { run, config } = this
    const workflowRef = `${OWNER}/${REPO}/${config.workflowPath}@${run.ref}`
    return {
      jti: randomUUID(),
      sub: this.subject(),
      // Without an audience GitHub uses the repository owner's URL.
      aud: audience ?? `https://github.com/${OWNER}`,
      ref: run.ref,
      sha: run.sha,
      repository: `${OWNER}/${REPO}`,
      repository_owner: OWNER,
      repository_owner_id: String(OWNER_ID),
      repository_id: String(REPO_ID),
      repository_visibility: 'private',
      run_id: run.runId,
      run_number: '42',
      run_attempt: '1',
      actor: run.actor,
      actor_id: '583231',
      workflow: 'PR review',
      workflow_ref: workflowRef,
      workflow_sha: run.sha,
      job_workflow_ref: workflowRef,
      job_workflow_sha: run.sha,
      head_ref: run.headRef ?? '',
      base_ref: run.baseRef ?? '',
      event_name: run.eventName,
      ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      ref_protected: run.ref === 'refs/heads/main' ? 'true' : 'false',
      runner_environment: 'github-hosted',
      ...(config.environment ? { environment: config.environment } : {}),
      iss: config.issuer,
      nbf: now - 600,
      exp: now + config.lifetimeSeconds,
      iat: now,
      ...config.extraClaims
    }
  }

  /**
   * Mints a token outside the HTTP flow (for tests that present crafted assertions).
   * It is recorded like any other so that leak scans know about it.
   */
  async mint(
    audience?: string,
    overrides: Record<string, unknown> = {},
    key: SigningKey = this.key
  ): Promise<string> {
    const claims = { ...this.claims(audience), ...overrides }
    const jwt = await signJwt(key, claims)
    this.issued.push({ jwt, claims })
    return jwt
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req)
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks') {
      sendJson(res, 200, this.jwks())
      return
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      sendJson(res, 200, {
        issuer: this.config.issuer,
        jwks_uri: `${url.origin}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        id_token_signing_alg_values_supported: ['RS256']
      })
      return
    }
    if (req.method !== 'GET' || url.pathname !== '/_apis/oidc/token') {
      sendJson(res, 404, { message: 'Not Found' })
      return
    }
    const audience = url.searchParams.get('audience') ?? undefined
    const record = (status: number): void => {
      this.requests.push({ at: Date.now(), audience, status })
    }
    if (bearer(req) !== this.requestToken) {
      record(401)
      sendJson(res, 401, { message: 'Unauthorized' })
      return
    }
    const failure = this.config.failures.shift()
    if (failure !== undefined) {
      record(failure)
      sendJson(res, failure, { message: `Injected failure ${failure}` })
      return
    }
    const jwt = await this.mint(audience)
    record(200)
    sendJson(res, 200, { count: jwt.length, value: jwt })
  }
}
