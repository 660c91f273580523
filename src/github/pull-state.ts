/**
 * The pull request and what is posted on it, in one GraphQL query: what REST reads in up to six
 * requests (the pull request, who github-token acts as, the conversation's comments, the
 * reviews, their comments, a file on the base branch) in one round trip, at the start of a run
 * and again just before posting.
 *
 * Comments and reviews come back in REST's shapes (ids, `user.login` as REST spells a bot,
 * `slug[bot]`), so that comments.ts and reviews.ts tell ours apart the same way whichever API
 * read them. A list longer than a page is marked incomplete: the caller reads it by REST.
 */
import type { PullRequest, RepoRef } from '../pull-request.js'
import type { GitHubClient } from './client.js'

/** Comments, reviews and review comments one page holds (GitHub's most). */
const PAGE = 100

/** A comment in the conversation, as comments.ts reads one. */
interface ListedComment {
  readonly id: number
  readonly body: string
  readonly html_url: string
  readonly user: { readonly login: string } | null
}

/** A review and its comments, as reviews.ts reads them. */
interface ListedReview {
  readonly id: number
  readonly body: string
  readonly user: { readonly login: string } | null
  readonly comments: readonly {
    readonly body: string
    readonly user: { readonly login: string } | null
  }[]
}

/** A list read whole, or `undefined` when it is longer than a page (read it by REST). */
type Whole<T> = readonly T[] | undefined

export interface PullState {
  readonly pr: PullRequest
  /** GraphQL's `viewer.login`: whom the token acts as (identity.ts reads it). */
  readonly viewer: string
  readonly comments?: Whole<ListedComment>
  readonly reviews?: Whole<ListedReview>
  /** The file asked for on the base branch's tip. */
  readonly baseFile?: BaseFile
}

/** A file on the base branch: its text, or why there is none. */
export type BaseFile = { readonly text: string } | { readonly none: 'absent' | 'not text' }

export interface PullStateOptions {
  readonly comments: boolean
  readonly reviews: boolean
  /** A file to read on the base branch's tip (never the head: a PR must not rewrite it). */
  readonly baseFile?: string
}

interface ActorNode {
  readonly __typename: string
  readonly login: string
}

interface Answer {
  readonly viewer: { readonly login: string }
  readonly repository: {
    readonly pullRequest: {
      readonly number: number
      readonly title: string
      readonly body: string
      readonly isDraft: boolean
      readonly state: 'OPEN' | 'CLOSED' | 'MERGED'
      readonly url: string
      readonly headRefOid: string
      readonly baseRefOid: string
      readonly headRefName: string
      readonly baseRefName: string
      readonly changedFiles: number
      readonly author: ActorNode | null
      readonly baseRef?: {
        readonly target: {
          readonly file?: {
            readonly object: {
              readonly text?: string | null
              readonly isTruncated?: boolean
            } | null
          } | null
        } | null
      } | null
      readonly comments?: Connection<{
        readonly fullDatabaseId: string
        readonly body: string
        readonly url: string
        readonly author: ActorNode | null
      }>
      readonly reviews?: Connection<{
        readonly fullDatabaseId: string
        readonly body: string
        readonly author: ActorNode | null
        readonly comments: Connection<{ readonly body: string; readonly author: ActorNode | null }>
      }>
    }
  }
}

interface Connection<T> {
  readonly pageInfo: { readonly hasNextPage: boolean }
  readonly nodes: readonly T[]
}

const ACTOR = '{ __typename login }'

function queryFor(options: PullStateOptions): string {
  const base = options.baseFile
    ? `baseRef { target { ... on Commit { file(path: $path) { object { ... on Blob { text isTruncated } } } } } }`
    : ''
  const comments = options.comments
    ? `comments(first: ${PAGE}) { pageInfo { hasNextPage } nodes { fullDatabaseId body url author ${ACTOR} } }`
    : ''
  const reviews = options.reviews
    ? `reviews(first: ${PAGE}) { pageInfo { hasNextPage } nodes { fullDatabaseId body author ${ACTOR} comments(first: ${PAGE}) { pageInfo { hasNextPage } nodes { body author ${ACTOR} } } } }`
    : ''
  const lists = [base, comments, reviews].filter(Boolean).map((l) => `\n      ${l}`)
  return `query PullRequest($owner: String!, $name: String!, $number: Int!${options.baseFile ? ', $path: String!' : ''}) {
  viewer { login }
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      number title body isDraft state url headRefOid baseRefOid headRefName baseRefName changedFiles
      author ${ACTOR}${lists.join('')}
    }
  }
}`
}

/** One query for the pull request and, as asked, its comments, reviews and a base-branch file. */
export async function readPullState(
  gh: GitHubClient,
  repo: RepoRef,
  number: number,
  options: PullStateOptions
): Promise<PullState> {
  const { viewer, repository } = await gh.graphql<Answer>(queryFor(options), {
    owner: repo.owner,
    name: repo.repo,
    number,
    ...(options.baseFile ? { path: options.baseFile } : {})
  })
  const pr = repository.pullRequest
  return {
    pr: {
      number: pr.number,
      title: pr.title,
      body: pr.body,
      draft: pr.isDraft,
      state: pr.state === 'OPEN' ? 'open' : 'closed',
      author: restLogin(pr.author) ?? 'ghost',
      headSha: pr.headRefOid,
      baseSha: pr.baseRefOid,
      headRef: pr.headRefName,
      baseRef: pr.baseRefName,
      htmlUrl: pr.url,
      changedFiles: pr.changedFiles
    },
    viewer: viewer.login,
    ...(pr.comments ? { comments: listedComments(pr.comments) } : {}),
    ...(pr.reviews ? { reviews: listedReviews(pr.reviews) } : {}),
    ...(options.baseFile ? { baseFile: baseText(pr) } : {})
  }
}

function listedComments(
  connection: NonNullable<Answer['repository']['pullRequest']['comments']>
): Whole<ListedComment> {
  if (connection.pageInfo.hasNextPage) return undefined
  return connection.nodes.map((c) => ({
    id: Number(c.fullDatabaseId),
    body: c.body,
    html_url: c.url,
    user: user(c.author)
  }))
}

function listedReviews(
  connection: NonNullable<Answer['repository']['pullRequest']['reviews']>
): Whole<ListedReview> {
  const whole =
    !connection.pageInfo.hasNextPage &&
    connection.nodes.every((r) => !r.comments.pageInfo.hasNextPage)
  if (!whole) return undefined
  return connection.nodes.map((r) => ({
    id: Number(r.fullDatabaseId),
    body: r.body,
    user: user(r.author),
    comments: r.comments.nodes.map((c) => ({ body: c.body, user: user(c.author) }))
  }))
}

/** The base branch's file, or why there is none (a text cut at 512,000 bytes is no guidance). */
function baseText(pr: Answer['repository']['pullRequest']): BaseFile {
  const file = pr.baseRef?.target?.file
  if (!file) return { none: 'absent' }
  const blob = file.object
  if (!blob || typeof blob.text !== 'string' || blob.isTruncated) return { none: 'not text' }
  return { text: blob.text }
}

/** REST names an app's bot `slug[bot]`; GraphQL's Bot.login leaves the suffix out. */
function restLogin(actor: ActorNode | null): string | undefined {
  if (!actor) return undefined
  return actor.__typename === 'Bot' && !actor.login.endsWith('[bot]')
    ? `${actor.login}[bot]`
    : actor.login
}

function user(actor: ActorNode | null): { login: string } | null {
  const login = restLogin(actor)
  return login === undefined ? null : { login }
}
