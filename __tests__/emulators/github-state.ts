/**
 * The in-memory repository behind the GitHub REST emulator, the JSON GitHub renders for it,
 * and the emulator's reading of patches (where a review comment may sit, its `diff_hunk`).
 * Events (helpers/events.ts) use the same builders so payload and API agree.
 */
import { createHash } from 'node:crypto'
import {
  ACTOR,
  BASE_REF,
  BASE_SHA,
  HEAD_REF,
  HEAD_SHA,
  OWNER,
  OWNER_ID,
  PR_NUMBER,
  REPO,
  REPO_ID
} from './constants.js'

export type FileStatus =
  'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'

export interface PullFileState {
  filename: string
  status: FileStatus
  /** Unified diff hunks; undefined when GitHub omits it (binary or too large). */
  patch: string | undefined
  previousFilename?: string
  /** Counts for files without a patch; derived from the patch otherwise. */
  additions?: number
  deletions?: number
}

export interface PullState {
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  draft: boolean
  author: string
  headRef: string
  headSha: string
  baseRef: string
  baseSha: string
  /** Head lives in a fork owned by this login. */
  forkOwner: string | undefined
  files: PullFileState[]
}

type RepoPermission = 'admin' | 'write' | 'read' | 'none'

/**
 * The repository's Actions OIDC subject settings, as
 * `GET /repos/{o}/{r}/actions/oidc/customization/sub` reports them. `useImmutableSubject` is the
 * opt-in flag; `immutable` is what tokens actually carry: a repository created after 2026-07-15
 * presents `repo:OWNER@ID/REPO@ID` with the flag still false (observed: Azure/azure-dev#9382),
 * and `sub_claim_prefix` is the authoritative spelling.
 */
interface OidcSubjectState {
  useDefault: boolean
  /** The repository's own template; undefined defers to the organization's (useDefault false). */
  includeClaimKeys: string[] | undefined
  useImmutableSubject: boolean
  immutable: boolean
  /** Test knobs: leave `use_immutable_subject` / `sub_claim_prefix` out, as older servers do. */
  reportFlag: boolean
  reportPrefix: boolean
}

interface Collaborator {
  permission: RepoPermission
  /** `maintain`, `triage` and custom roles show only here. */
  roleName: string
}

export interface RepoState {
  owner: string
  name: string
  id: number
  ownerId: number
  defaultBranch: string
  private: boolean
  pulls: Map<number, PullState>
  collaborators: Record<string, Collaborator>
  /** Branch name → tip SHA. */
  branches: Record<string, string>
  /** Every commit the repository knows, with its parents: the compare API walks these. */
  commits: Map<string, CommitState>
  /** Files of `GET /compare/{base}...{head}`, keyed `base...head` (full SHAs). */
  comparisons: Map<string, PullFileState[]>
  /** File contents at a commit: SHA → path → text. */
  contents: Map<string, Record<string, string>>
  issueComments: IssueCommentState[]
  reviews: ReviewState[]
  reviewComments: ReviewCommentState[]
  /** The next id handed to a comment, review or reaction. */
  nextId: number
  /** Test knob: the next N review POSTs answer 422 "Line could not be resolved", storing nothing. */
  refuseReviews: number
  /** The owner's account type; a User has no organization OIDC template. */
  ownerType: 'Organization' | 'User'
  createdAt: string
  oidcSubject: OidcSubjectState
  /** The organization's subject template (`include_claim_keys`); undefined: GitHub's default. */
  orgClaimKeys: string[] | undefined
}

interface CommitState {
  sha: string
  parents: string[]
  message: string
}

type AccountType = 'User' | 'Bot'

export interface Author {
  login: string
  type: AccountType
}

export interface ReactionState {
  id: number
  content: string
  user: Author
  createdAt: string
}

export interface IssueCommentState {
  id: number
  issueNumber: number
  user: Author
  body: string
  createdAt: string
  updatedAt: string
  reactions: ReactionState[]
}

export type ReviewEvent = 'COMMENT' | 'APPROVE' | 'REQUEST_CHANGES'

export interface ReviewState {
  id: number
  pullNumber: number
  user: Author
  body: string
  /** undefined: a pending review (no `event` given). */
  event: ReviewEvent | undefined
  commitId: string
  submittedAt: string
}

export type Side = 'LEFT' | 'RIGHT'

export interface ReviewCommentState {
  id: number
  reviewId: number
  pullNumber: number
  user: Author
  path: string
  line: number
  side: Side
  startLine: number | undefined
  startSide: Side | undefined
  body: string
  commitId: string
  diffHunk: string
  createdAt: string
  updatedAt: string
  /** A reply: the thread's top comment. GitHub renders `in_reply_to_id` only on replies. */
  inReplyToId?: number
  /** Where the comment was first made, when that differs from `line`/`commitId`. */
  originalLine?: number
  originalCommitId?: string
  /** Reactions on the comment; none when undefined. */
  reactions?: ReactionState[]
}

/** Who the job's GITHUB_TOKEN acts as. */
export const TOKEN_IDENTITY: Author = { login: 'github-actions[bot]', type: 'Bot' }
const TOKEN_IDENTITY_ID = 41898282

/**
 * Whom a token acts as: the job's GITHUB_TOKEN (github-actions[bot]), another GitHub App's
 * installation token (`<slug>[bot]`), or a person's token (a PAT, a user access token).
 */
export type TokenHolder =
  | { readonly kind: 'actions' }
  | { readonly kind: 'app'; readonly slug: string }
  | { readonly kind: 'user'; readonly login: string }

/** The author GitHub records on what a token posts. */
export function holderAuthor(holder: TokenHolder): Author {
  if (holder.kind === 'actions') return TOKEN_IDENTITY
  if (holder.kind === 'app') return { login: `${holder.slug}[bot]`, type: 'Bot' }
  return { login: holder.login, type: 'User' }
}

/** The commit the base branch grew from (the parent of BASE_SHA). */
const ROOT_SHA = '0b1e5c4f2a3d6e7f8091a2b3c4d5e6f708192a3b'

export const MAX_PULL_FILES = 3000

const SAMPLE_PATCH = `@@ -1,6 +1,9 @@
 import { getInput } from '@actions/core'
+import { retry } from './retry.js'
 
 export async function fetchConfig(name: string): Promise<string> {
-  const value = getInput(name)
-  return value.trim()
+  const value = await retry(() => getInput(name))
+  if (!value) throw new Error(\`Input \${name} is required\`)
+  return value.trim()
 }
+
+export const VERSION = '1.2.0'`

const SAMPLE_README_PATCH = `@@ -3,4 +3,5 @@ A small library.
 ## Usage
 
 Call \`fetchConfig\` with an input name.
+Missing inputs now raise an error.
 `

export function defaultPull(): PullState {
  return {
    number: PR_NUMBER,
    title: 'Retry config reads and reject missing inputs',
    body: 'Wraps input reads in a retry and fails fast on missing inputs.',
    state: 'open',
    draft: false,
    author: ACTOR,
    headRef: HEAD_REF,
    headSha: HEAD_SHA,
    baseRef: BASE_REF,
    baseSha: BASE_SHA,
    forkOwner: undefined,
    files: [
      { filename: 'src/config.ts', status: 'modified', patch: SAMPLE_PATCH },
      { filename: 'README.md', status: 'modified', patch: SAMPLE_README_PATCH }
    ]
  }
}

export function defaultRepoState(): RepoState {
  return {
    owner: OWNER,
    name: REPO,
    id: REPO_ID,
    ownerId: OWNER_ID,
    defaultBranch: 'main',
    private: true,
    pulls: new Map([[PR_NUMBER, defaultPull()]]),
    collaborators: {
      [ACTOR]: { permission: 'admin', roleName: 'admin' },
      'maintainer-mia': { permission: 'write', roleName: 'maintain' },
      'writer-wes': { permission: 'write', roleName: 'write' },
      'triager-tom': { permission: 'read', roleName: 'triage' },
      'reader-rita': { permission: 'read', roleName: 'read' }
    },
    branches: { [BASE_REF]: BASE_SHA, [HEAD_REF]: HEAD_SHA },
    commits: new Map([
      [ROOT_SHA, { sha: ROOT_SHA, parents: [], message: 'Initial commit' }],
      [BASE_SHA, { sha: BASE_SHA, parents: [ROOT_SHA], message: 'Document fetchConfig' }],
      [HEAD_SHA, { sha: HEAD_SHA, parents: [BASE_SHA], message: 'Retry config reads' }]
    ]),
    comparisons: new Map(),
    contents: new Map([
      [BASE_SHA, { 'README.md': '# octo-repo\n\nA small library.\n' }],
      [HEAD_SHA, { 'README.md': '# octo-repo\n\nA small library.\n' }]
    ]),
    issueComments: [],
    reviews: [],
    reviewComments: [],
    nextId: 2_000_000_001,
    refuseReviews: 0,
    ownerType: 'Organization',
    createdAt: '2026-08-01T09:00:00Z',
    oidcSubject: {
      useDefault: true,
      includeClaimKeys: undefined,
      useImmutableSubject: false,
      immutable: false,
      reportFlag: true,
      reportPrefix: true
    },
    orgClaimKeys: undefined
  }
}

/** GitHub's timestamp format: ISO 8601 to the second. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function nextId(repo: RepoState): number {
  return repo.nextId++
}

/** A commit on top of `parents`; the SHA is derived from the message unless given. */
export function addCommit(
  repo: RepoState,
  parents: string[],
  message: string,
  sha = sha1(`${parents.join(',')}\n${message}`)
): string {
  repo.commits.set(sha, { sha, parents, message })
  return sha
}

export interface PushOptions {
  /** The PR's files (base...new head) after the push. */
  files: PullFileState[]
  /** What the push itself changed (old head...new head), served by the compare API. */
  changes?: PullFileState[]
  /** Rewrite history: the new head does not descend from the old one (a force-push). */
  force?: boolean
  message?: string
}

/** Pushes a commit to the PR's head branch and returns its SHA. */
export function pushToPull(repo: RepoState, number: number, options: PushOptions): string {
  const pull = repo.pulls.get(number)
  if (!pull) throw new Error(`No pull request #${number}`)
  const previous = pull.headSha
  const parent = options.force ? pull.baseSha : previous
  const sha = addCommit(repo, [parent], options.message ?? `Push ${repo.commits.size}`)
  pull.headSha = sha
  pull.files = options.files
  repo.branches[pull.headRef] = sha
  repo.comparisons.set(`${pull.baseSha}...${sha}`, options.files)
  if (options.changes) repo.comparisons.set(`${previous}...${sha}`, options.changes)
  return sha
}

/** Seeds an issue comment (a human's, or an earlier run's) as if it had been posted. */
export function addIssueComment(
  repo: RepoState,
  comment: { issueNumber: number; body: string; user?: Author; id?: number }
): IssueCommentState {
  const at = timestamp()
  const stored: IssueCommentState = {
    id: comment.id ?? nextId(repo),
    issueNumber: comment.issueNumber,
    user: comment.user ?? { login: ACTOR, type: 'User' },
    body: comment.body,
    createdAt: at,
    updatedAt: at,
    reactions: []
  }
  repo.issueComments.push(stored)
  return stored
}

export interface ReviewCommentSeed {
  pullNumber: number
  user: Author
  body: string
  /**
   * Makes the comment a reply in the thread of this comment. GitHub's threads are flat, so a
   * reply to a reply joins the same thread: `in_reply_to_id` names the thread's top comment.
   * A reply takes its thread's path, line, side, hunk and commits; `path`/`line`/`side` are
   * ignored, as GitHub ignores them next to `in_reply_to`.
   */
  inReplyToId?: number
  /** A top-level comment: a file of the pull request and a line of its diff. */
  path?: string
  line?: number
  /** Default RIGHT (the head side). */
  side?: Side
  /** The review the comment belongs to; default: a new single-comment review by `user`. */
  reviewId?: number
  id?: number
}

/**
 * Seeds a review comment by anyone (a person, another bot, or the token identity) as if it had
 * been posted in the pull request's conversation: a top-level comment on a line of the diff,
 * with `diff_hunk` cut as the review API cuts it, or a reply in an existing thread. Every
 * comment belongs to a review, so a new single-comment review is recorded with it, as GitHub
 * does for "Add single comment" and for replies.
 */
export function addReviewComment(repo: RepoState, seed: ReviewCommentSeed): ReviewCommentState {
  const pull = repo.pulls.get(seed.pullNumber)
  if (!pull) throw new Error(`No pull request #${seed.pullNumber}`)
  const at = timestamp()
  let placed: Pick<
    ReviewCommentState,
    | 'path'
    | 'line'
    | 'side'
    | 'startLine'
    | 'startSide'
    | 'commitId'
    | 'diffHunk'
    | 'originalLine'
    | 'originalCommitId'
    | 'inReplyToId'
  >
  if (seed.inReplyToId !== undefined) {
    const root = threadRoot(repo, seed.inReplyToId)
    if (!root || root.pullNumber !== pull.number) {
      throw new Error(`No review comment ${seed.inReplyToId} on pull request #${pull.number}`)
    }
    placed = {
      path: root.path,
      line: root.line,
      side: root.side,
      startLine: root.startLine,
      startSide: root.startSide,
      commitId: root.commitId,
      diffHunk: root.diffHunk,
      originalLine: root.originalLine,
      originalCommitId: root.originalCommitId,
      inReplyToId: root.id
    }
  } else {
    const { path, line, side = 'RIGHT' } = seed
    const file = pull.files.find((f) => f.filename === path)
    const hunks = patchHunks(file?.patch ?? '')
    const index = line === undefined ? -1 : hunkOf(hunks, line, side)
    if (!file || line === undefined || index === -1) {
      throw new Error(
        `${path ?? '(no path)'}:${String(line)} (${side}) is not in #${pull.number}'s diff`
      )
    }
    placed = {
      path: file.filename,
      line,
      side,
      startLine: undefined,
      startSide: undefined,
      commitId: pull.headSha,
      diffHunk: diffHunk(hunks, index, line, side)
    }
  }
  let reviewId = seed.reviewId
  if (reviewId === undefined) {
    reviewId = nextId(repo)
    repo.reviews.push({
      id: reviewId,
      pullNumber: pull.number,
      user: seed.user,
      body: '',
      event: 'COMMENT',
      commitId: placed.commitId,
      submittedAt: at
    })
  }
  const comment: ReviewCommentState = {
    id: seed.id ?? nextId(repo),
    reviewId,
    pullNumber: pull.number,
    user: seed.user,
    body: seed.body,
    createdAt: at,
    updatedAt: at,
    reactions: [],
    ...placed
  }
  repo.reviewComments.push(comment)
  return comment
}

/** The top comment of the thread holding comment `id`. */
function threadRoot(repo: RepoState, id: number): ReviewCommentState | undefined {
  const comment = repo.reviewComments.find((c) => c.id === id)
  if (comment?.inReplyToId === undefined) return comment
  return repo.reviewComments.find((c) => c.id === comment.inReplyToId)
}

/** Counts a patch's added and removed lines, as GitHub's `additions`/`deletions` do. */
function countPatch(patch: string | undefined): { additions: number; deletions: number } {
  let additions = 0
  let deletions = 0
  for (const line of (patch ?? '').split('\n')) {
    if (line.startsWith('+')) additions += 1
    else if (line.startsWith('-')) deletions += 1
  }
  return { additions, deletions }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

export function authorJson(api: string, author: Author): Record<string, unknown> {
  const id = author.login === TOKEN_IDENTITY.login ? TOKEN_IDENTITY_ID : userId(author.login)
  return userJson(api, author.login, id, author.type)
}

export function userJson(
  api: string,
  login: string,
  id: number,
  type = 'User'
): Record<string, unknown> {
  return {
    login,
    id,
    node_id: Buffer.from(`04:${type}${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${login}`,
    html_url: `https://github.com/${login}`,
    type,
    site_admin: false
  }
}

/** A stable fake numeric id for a login, so the same user always has the same id. */
export function userId(login: string): number {
  return login === ACTOR ? 583231 : parseInt(sha1(login).slice(0, 7), 16)
}

export function repoJson(
  api: string,
  repo: RepoState,
  owner = repo.owner
): Record<string, unknown> {
  const fullName = `${owner}/${repo.name}`
  const isFork = owner !== repo.owner
  return {
    id: isFork ? repo.id + 1 : repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: isFork
      ? userJson(api, owner, userId(owner))
      : userJson(api, repo.owner, repo.ownerId, repo.ownerType),
    html_url: `https://github.com/${fullName}`,
    description: 'Example repository for keyless PR review tests',
    fork: isFork,
    url: `${api}/repos/${fullName}`,
    pulls_url: `${api}/repos/${fullName}/pulls{/number}`,
    issues_url: `${api}/repos/${fullName}/issues{/number}`,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `https://github.com/${fullName}.git`,
    created_at: repo.createdAt,
    updated_at: '2026-11-20T09:00:00Z',
    pushed_at: '2026-11-22T09:00:00Z',
    homepage: null,
    size: 412,
    stargazers_count: 3,
    watchers_count: 3,
    language: 'TypeScript',
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    forks_count: 1,
    archived: false,
    disabled: false,
    open_issues_count: repo.pulls.size,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 1,
    open_issues: repo.pulls.size,
    watchers: 3,
    default_branch: repo.defaultBranch
  }
}

/** The repository's OIDC subject customization, as the repository endpoint renders it. */
export function oidcSubjectJson(repo: RepoState): Record<string, unknown> {
  const oidc = repo.oidcSubject
  const prefix = oidc.immutable
    ? `repo:${repo.owner}@${repo.ownerId}/${repo.name}@${repo.id}`
    : `repo:${repo.owner}/${repo.name}`
  return {
    use_default: oidc.useDefault,
    ...(oidc.includeClaimKeys ? { include_claim_keys: oidc.includeClaimKeys } : {}),
    ...(oidc.reportFlag ? { use_immutable_subject: oidc.useImmutableSubject } : {}),
    ...(oidc.reportPrefix ? { sub_claim_prefix: prefix } : {})
  }
}

export function pullJson(api: string, repo: RepoState, pull: PullState): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`
  const base = `${api}/repos/${fullName}`
  const html = `https://github.com/${fullName}/pull/${pull.number}`
  const headOwner = pull.forkOwner ?? repo.owner
  const counts = pull.files.map(fileCounts)
  return {
    url: `${base}/pulls/${pull.number}`,
    id: 1_900_000_000 + pull.number,
    node_id: Buffer.from(`011:PullRequest${pull.number}`).toString('base64'),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${base}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(api, pull.author, userId(pull.author)),
    body: pull.body,
    created_at: '2026-11-22T08:00:00Z',
    updated_at: '2026-11-22T09:30:00Z',
    closed_at: null,
    merged_at: null,
    merge_commit_sha: sha1(`${pull.headSha}${pull.baseSha}`),
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pull.draft,
    commits_url: `${base}/pulls/${pull.number}/commits`,
    review_comments_url: `${base}/pulls/${pull.number}/comments`,
    review_comment_url: `${base}/pulls/comments{/number}`,
    comments_url: `${base}/issues/${pull.number}/comments`,
    statuses_url: `${base}/statuses/${pull.headSha}`,
    head: {
      label: `${headOwner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: userJson(api, headOwner, headOwner === repo.owner ? repo.ownerId : userId(headOwner)),
      repo: repoJson(api, repo, headOwner)
    },
    base: {
      label: `${repo.owner}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: pull.baseSha,
      user: userJson(api, repo.owner, repo.ownerId, repo.ownerType),
      repo: repoJson(api, repo)
    },
    _links: {
      self: { href: `${base}/pulls/${pull.number}` },
      html: { href: html },
      issue: { href: `${base}/issues/${pull.number}` },
      comments: { href: `${base}/issues/${pull.number}/comments` },
      review_comments: { href: `${base}/pulls/${pull.number}/comments` },
      review_comment: { href: `${base}/pulls/comments{/number}` },
      commits: { href: `${base}/pulls/${pull.number}/commits` },
      statuses: { href: `${base}/statuses/${pull.headSha}` }
    },
    author_association: pull.forkOwner ? 'CONTRIBUTOR' : 'MEMBER',
    auto_merge: null,
    active_lock_reason: null,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: counts.reduce((sum, c) => sum + c.additions, 0),
    deletions: counts.reduce((sum, c) => sum + c.deletions, 0),
    changed_files: pull.files.length
  }
}

function fileCounts(file: PullFileState): { additions: number; deletions: number } {
  const counted = countPatch(file.patch)
  return {
    additions: file.additions ?? counted.additions,
    deletions: file.deletions ?? counted.deletions
  }
}

export function fileJson(
  api: string,
  repo: RepoState,
  headSha: string,
  file: PullFileState
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`
  const { additions, deletions } = fileCounts(file)
  const path = file.filename.split('/').map(encodeURIComponent).join('/')
  return {
    sha: sha1(`${file.filename}@${headSha}`),
    filename: file.filename,
    status: file.status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/${fullName}/blob/${headSha}/${path}`,
    raw_url: `https://github.com/${fullName}/raw/${headSha}/${path}`,
    contents_url: `${api}/repos/${fullName}/contents/${path}?ref=${headSha}`,
    ...(file.patch === undefined ? {} : { patch: file.patch }),
    ...(file.previousFilename ? { previous_filename: file.previousFilename } : {})
  }
}

export const REACTIONS = ['+1', '-1', 'laugh', 'hooray', 'confused', 'heart', 'rocket', 'eyes']

function reactionsJson(url: string, reactions: ReactionState[]): Record<string, unknown> {
  const counts = Object.fromEntries(
    REACTIONS.map((c) => [c, reactions.filter((r) => r.content === c).length])
  )
  return { url, total_count: reactions.length, ...counts }
}

function association(repo: RepoState, author: Author): string {
  if (author.type === 'Bot') return 'NONE'
  return repo.collaborators[author.login] ? 'MEMBER' : 'CONTRIBUTOR'
}

export function issueCommentJson(
  api: string,
  repo: RepoState,
  comment: IssueCommentState
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`
  const url = `${api}/repos/${fullName}/issues/comments/${comment.id}`
  return {
    url,
    html_url: `https://github.com/${fullName}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/repos/${fullName}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: Buffer.from(`012:IssueComment${comment.id}`).toString('base64'),
    user: authorJson(api, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: association(repo, comment.user),
    body: comment.body,
    reactions: reactionsJson(`${url}/reactions`, comment.reactions),
    performed_via_github_app: null
  }
}

export function reactionJson(api: string, reaction: ReactionState): Record<string, unknown> {
  return {
    id: reaction.id,
    node_id: Buffer.from(`08:Reaction${reaction.id}`).toString('base64'),
    user: authorJson(api, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt
  }
}

const REVIEW_STATES: Record<ReviewEvent, string> = {
  COMMENT: 'COMMENTED',
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED'
}

export function reviewJson(
  api: string,
  repo: RepoState,
  review: ReviewState
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`
  const html = `https://github.com/${fullName}/pull/${review.pullNumber}#pullrequestreview-${review.id}`
  const pullUrl = `${api}/repos/${fullName}/pulls/${review.pullNumber}`
  return {
    id: review.id,
    node_id: Buffer.from(`017:PullRequestReview${review.id}`).toString('base64'),
    user: authorJson(api, review.user),
    body: review.body,
    state: review.event ? REVIEW_STATES[review.event] : 'PENDING',
    html_url: html,
    pull_request_url: pullUrl,
    author_association: association(repo, review.user),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    ...(review.event ? { submitted_at: review.submittedAt } : {}),
    commit_id: review.commitId
  }
}

export function reviewCommentJson(
  api: string,
  repo: RepoState,
  comment: ReviewCommentState
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`
  const url = `${api}/repos/${fullName}/pulls/comments/${comment.id}`
  const html = `https://github.com/${fullName}/pull/${comment.pullNumber}#discussion_r${comment.id}`
  const pullUrl = `${api}/repos/${fullName}/pulls/${comment.pullNumber}`
  return {
    url,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: Buffer.from(`024:PullRequestReviewComment${comment.id}`).toString('base64'),
    diff_hunk: comment.diffHunk,
    path: comment.path,
    commit_id: comment.commitId,
    original_commit_id: comment.originalCommitId ?? comment.commitId,
    // GitHub leaves the field out of top-level comments rather than sending null.
    ...(comment.inReplyToId === undefined ? {} : { in_reply_to_id: comment.inReplyToId }),
    user: authorJson(api, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: association(repo, comment.user),
    _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullUrl } },
    reactions: reactionsJson(`${url}/reactions`, comment.reactions ?? []),
    start_line: comment.startLine ?? null,
    original_start_line: comment.startLine ?? null,
    start_side: comment.startSide ?? null,
    line: comment.line,
    original_line: comment.originalLine ?? comment.line,
    side: comment.side,
    subject_type: 'line'
  }
}

/** A hunk as GitHub resolves review lines against it: each line's text and numbers. */
export interface PatchHunk {
  header: string
  lines: { text: string; old?: number; new?: number }[]
}

/**
 * The emulator's own reading of a patch (not the action's parser, so a bug there cannot hide
 * here): each `@@ -a,b +c,d @@` hunk holds exactly b old and d new lines, numbered per side.
 */
export function patchHunks(patch: string): PatchHunk[] {
  const hunks: PatchHunk[] = []
  let oldLine = 0
  let newLine = 0
  let oldLeft = 0
  let newLeft = 0
  for (const raw of patch.split('\n')) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(raw)
    if (header) {
      oldLine = Number(header[1])
      oldLeft = Number(header[2] ?? 1)
      newLine = Number(header[3])
      newLeft = Number(header[4] ?? 1)
      hunks.push({ header: raw, lines: [] })
      continue
    }
    const hunk = hunks.at(-1)
    if (!hunk || raw.startsWith('\\') || (oldLeft === 0 && newLeft === 0)) continue
    if (raw.startsWith('+')) {
      hunk.lines.push({ text: raw, new: newLine++ })
      newLeft--
    } else if (raw.startsWith('-')) {
      hunk.lines.push({ text: raw, old: oldLine++ })
      oldLeft--
    } else {
      hunk.lines.push({ text: raw === '' ? ' ' : raw, old: oldLine++, new: newLine++ })
      oldLeft--
      newLeft--
    }
  }
  return hunks
}

/** The hunk holding `line` on `side`, as an index, or -1. */
export function hunkOf(hunks: PatchHunk[], line: unknown, side: Side): number {
  if (typeof line !== 'number' || !Number.isInteger(line)) return -1
  return hunks.findIndex((h) => h.lines.some((l) => (side === 'RIGHT' ? l.new : l.old) === line))
}

/** `diff_hunk` as GitHub shows it: the hunk header and its lines up to the commented one. */
export function diffHunk(hunks: PatchHunk[], index: number, line: number, side: Side): string {
  const hunk = hunks[index]
  if (!hunk) return ''
  const out = [hunk.header]
  for (const l of hunk.lines) {
    out.push(l.text)
    if ((side === 'RIGHT' ? l.new : l.old) === line) break
  }
  return out.join('\n')
}
