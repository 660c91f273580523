/**
 * Review threads, review-comment reactions and raw contents in the GitHub emulator, driven by a
 * real octokit (`getOctokit` from @actions/github), and the pull_request_review_comment event
 * and ID token that go with them: what the comment bot will read and write.
 */
import { getOctokit } from '@actions/github'
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose'
import { AZURE_AUDIENCE, HEAD_SHA, OWNER, PR_NUMBER, REPO } from './constants.js'
import { defaultRunContext } from './github-oidc.js'
import {
  addReviewComment,
  pushToPull,
  TOKEN_IDENTITY,
  userId,
  type ReviewCommentState
} from './github-state.js'
import { startWorld, type World } from './world.js'
import { loadEvent } from '../helpers/events.js'
import { trustTestCa } from '../helpers/trust.js'

type Octokit = ReturnType<typeof getOctokit>

const repo = { owner: OWNER, repo: REPO }
/** A second pull request, for comments that belong elsewhere. */
const OTHER_PR = 8

let world: World
let gh: Octokit

// One world for the suite, its repository reset before each test.
beforeAll(async () => {
  trustTestCa()
  world = await startWorld()
  gh = getOctokit(world.githubToken, { baseUrl: world.urls.githubApiUrl })
})

beforeEach(() => {
  world.github.reset()
  world.oidc.run = defaultRunContext()
})

afterAll(async () => {
  await world.close()
})

/** A person's question on line 6 (head side) of src/config.ts, the `if (!value) throw` line. */
function humanQuestion(): ReviewCommentState {
  return addReviewComment(world.github.state, {
    pullNumber: PR_NUMBER,
    user: { login: 'writer-wes', type: 'User' },
    body: 'Why throw here rather than return a default?',
    path: 'src/config.ts',
    line: 6
  })
}

function botReply(top: ReviewCommentState): ReviewCommentState {
  return addReviewComment(world.github.state, {
    pullNumber: PR_NUMBER,
    user: { login: 'helper-bot[bot]', type: 'Bot' },
    body: 'A missing input is a configuration error.',
    inReplyToId: top.id
  })
}

function addOtherPull(): void {
  const pull = world.github.pullRequest(PR_NUMBER)
  world.github.state.pulls.set(OTHER_PR, {
    ...pull,
    number: OTHER_PR,
    headRef: 'feature/other',
    headSha: 'b'.repeat(40)
  })
}

/** The status and GitHub's error body of a refused octokit call. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await call
  } catch (error) {
    const { status, response } = error as { status: number; response?: { data: unknown } }
    return { status, data: response?.data }
  }
  throw new Error('The call was not refused')
}

const DIFF_HUNK = [
  '@@ -1,6 +1,9 @@',
  " import { getInput } from '@actions/core'",
  "+import { retry } from './retry.js'",
  ' ',
  ' export async function fetchConfig(name: string): Promise<string> {',
  '-  const value = getInput(name)',
  '-  return value.trim()',
  '+  const value = await retry(() => getInput(name))',
  '+  if (!value) throw new Error(`Input ${name} is required`)'
].join('\n')

describe('review threads', () => {
  it('renders a thread: in_reply_to_id only on the reply, each author with id and type', async () => {
    const top = humanQuestion()
    const reply = botReply(top)
    const { data } = await gh.rest.pulls.listReviewComments({ ...repo, pull_number: PR_NUMBER })
    expect(data.map((c) => c.id)).toEqual([top.id, reply.id])
    const [first, second] = data
    expect('in_reply_to_id' in (first ?? {})).toBe(false)
    expect(second?.in_reply_to_id).toBe(top.id)
    expect(first).toMatchObject({
      body: 'Why throw here rather than return a default?',
      user: { login: 'writer-wes', id: userId('writer-wes'), type: 'User' },
      path: 'src/config.ts',
      line: 6,
      original_line: 6,
      side: 'RIGHT',
      diff_hunk: DIFF_HUNK,
      commit_id: HEAD_SHA,
      original_commit_id: HEAD_SHA,
      author_association: 'MEMBER',
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${PR_NUMBER}#discussion_r${top.id}`
    })
    expect(first?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // The reply sits where its thread sits.
    expect(second).toMatchObject({
      user: { login: 'helper-bot[bot]', id: userId('helper-bot[bot]'), type: 'Bot' },
      path: first?.path,
      line: first?.line,
      side: first?.side,
      diff_hunk: first?.diff_hunk,
      commit_id: first?.commit_id,
      author_association: 'NONE'
    })
    // Each comment belongs to a review of its author.
    const reviews = await gh.rest.pulls.listReviews({ ...repo, pull_number: PR_NUMBER })
    const byId = new Map(reviews.data.map((r) => [r.id, r]))
    expect(byId.get(first?.pull_request_review_id ?? 0)?.user?.login).toBe('writer-wes')
    expect(byId.get(second?.pull_request_review_id ?? 0)?.user?.login).toBe('helper-bot[bot]')
  })

  it('seeds a reply to a reply into the thread of the top comment', () => {
    const top = humanQuestion()
    const reply = botReply(top)
    const again = addReviewComment(world.github.state, {
      pullNumber: PR_NUMBER,
      user: { login: 'writer-wes', type: 'User' },
      body: 'Fair enough.',
      inReplyToId: reply.id
    })
    expect(again.inReplyToId).toBe(top.id)
    expect(() =>
      addReviewComment(world.github.state, {
        pullNumber: PR_NUMBER,
        user: { login: 'writer-wes', type: 'User' },
        body: 'Off the diff',
        path: 'src/config.ts',
        line: 40
      })
    ).toThrow(/not in #7's diff/)
  })

  it('gets one review comment as the list renders it, and 404 for an unknown id', async () => {
    const reply = botReply(humanQuestion())
    const { data } = await gh.rest.pulls.getReviewComment({ ...repo, comment_id: reply.id })
    const listed = await gh.rest.pulls.listReviewComments({ ...repo, pull_number: PR_NUMBER })
    expect(data).toEqual(listed.data[1])
    expect(data.in_reply_to_id).toBe(reply.inReplyToId)

    const missing = await refusal(gh.rest.pulls.getReviewComment({ ...repo, comment_id: 424242 }))
    expect(missing).toMatchObject({ status: 404, data: { message: 'Not Found', status: '404' } })
  })

  it('posts a reply to a top-level comment into its thread, as the token identity', async () => {
    const top = humanQuestion()
    const { status, data, headers } = await gh.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: PR_NUMBER,
      comment_id: top.id,
      body: 'It fails fast so the workflow shows the missing input.'
    })
    expect(status).toBe(201)
    expect(headers.location).toBe(data.url)
    expect(data).toMatchObject({
      in_reply_to_id: top.id,
      body: 'It fails fast so the workflow shows the missing input.',
      user: { login: TOKEN_IDENTITY.login, type: 'Bot' },
      path: top.path,
      line: top.line,
      side: top.side,
      diff_hunk: top.diffHunk,
      commit_id: top.commitId
    })
    expect(world.github.mutations).toEqual([
      {
        method: 'POST',
        path: `/repos/${OWNER}/${REPO}/pulls/${PR_NUMBER}/comments/${top.id}/replies`,
        body: { body: 'It fails fast so the workflow shows the missing input.' },
        status: 201
      }
    ])
    const listed = await gh.rest.pulls.listReviewComments({ ...repo, pull_number: PR_NUMBER })
    expect(listed.data.map((c) => [c.id, c.in_reply_to_id])).toEqual([
      [top.id, undefined],
      [data.id, top.id]
    ])
  })

  it('refuses replies to a reply, to unknown comments, to another pull request and empty ones', async () => {
    const top = humanQuestion()
    const reply = botReply(top)
    addOtherPull()
    const elsewhere = addReviewComment(world.github.state, {
      pullNumber: OTHER_PR,
      user: { login: 'writer-wes', type: 'User' },
      body: 'On the other pull request',
      path: 'README.md',
      line: 6
    })
    const before = world.github.state.reviewComments.length
    const post = (commentId: number, body = 'An answer') =>
      refusal(
        gh.rest.pulls.createReplyForReviewComment({
          ...repo,
          pull_number: PR_NUMBER,
          comment_id: commentId,
          body
        })
      )

    expect(await post(reply.id)).toEqual({
      status: 422,
      data: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'PullRequestReviewComment',
            code: 'custom',
            field: 'in_reply_to_id',
            message: 'Replies to replies are not supported.'
          }
        ],
        documentation_url:
          'https://docs.github.com/rest/pulls/comments#create-a-reply-for-a-review-comment',
        status: '422'
      }
    })
    expect(await post(999)).toMatchObject({ status: 404, data: { message: 'Not Found' } })
    expect(await post(elsewhere.id)).toMatchObject({ status: 404, data: { message: 'Not Found' } })
    expect(await post(top.id, '')).toMatchObject({
      status: 422,
      data: { errors: [{ field: 'body', message: "body can't be blank" }] }
    })
    expect(await post(top.id, 'x'.repeat(65_537))).toMatchObject({
      status: 422,
      data: { errors: [{ field: 'body', message: expect.stringMatching(/too long/) as unknown }] }
    })
    expect(world.github.state.reviewComments).toHaveLength(before)
    expect(world.github.mutations.map((m) => m.status)).toEqual([422, 404, 404, 422, 422])
  })
})

describe('review-comment reactions', () => {
  it('answers 201 for a new reaction, 200 for the same again, 422 for an invalid one', async () => {
    const top = humanQuestion()
    const react = (content: string) =>
      // Untyped route: octokit's types would refuse an invalid `content` before GitHub does.
      gh.request('POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions' as string, {
        ...repo,
        comment_id: top.id,
        content
      })
    const first = await gh.rest.reactions.createForPullRequestReviewComment({
      ...repo,
      comment_id: top.id,
      content: 'eyes'
    })
    expect(first.status).toBe(201)
    expect(first.data).toMatchObject({ content: 'eyes', user: { login: TOKEN_IDENTITY.login } })
    const again = await react('eyes')
    expect(again.status).toBe(200)
    expect((again.data as { id: number }).id).toBe(first.data.id)

    expect(await refusal(react('shrug'))).toMatchObject({
      status: 422,
      data: { message: 'Validation Failed', errors: [{ resource: 'Reaction', field: 'content' }] }
    })
    const unknown = await refusal(
      gh.rest.reactions.createForPullRequestReviewComment({
        ...repo,
        comment_id: 31337,
        content: 'eyes'
      })
    )
    expect(unknown.status).toBe(404)

    const { data } = await gh.rest.pulls.getReviewComment({ ...repo, comment_id: top.id })
    expect(data.reactions).toMatchObject({ total_count: 1, eyes: 1, '+1': 0 })
  })
})

describe('repository contents', () => {
  const SOURCE = "export const VERSION = '1.2.0'\n"

  it('serves the raw bytes of a file at the pull request head SHA', async () => {
    const head = pushToPull(world.github.state, PR_NUMBER, {
      files: world.github.pullRequest(PR_NUMBER).files
    })
    world.github.state.contents.set(head, { 'src/version.ts': SOURCE })

    const raw = await gh.rest.repos.getContent({
      ...repo,
      path: 'src/version.ts',
      ref: head,
      mediaType: { format: 'raw' }
    })
    expect(raw.data as unknown).toBe(SOURCE)
    expect(raw.headers['content-type']).toBe('application/vnd.github.v3.raw; charset=utf-8')
    expect(raw.headers['x-github-media-type']).toBe('github.v3; param=raw')
    expect(world.github.requests.at(-1)?.headers.accept).toBe('application/vnd.github.v3.raw')

    for (const accept of ['application/vnd.github.raw+json', 'application/vnd.github.raw']) {
      const res = await fetch(
        `${world.urls.githubApiUrl}/repos/${OWNER}/${REPO}/contents/src/version.ts?ref=${head}`,
        { headers: { authorization: `token ${world.githubToken}`, accept } }
      )
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(`${accept}; charset=utf-8`)
      expect(await res.text()).toBe(SOURCE)
    }
    // The old head does not have the file.
    const before = await refusal(
      gh.rest.repos.getContent({ ...repo, path: 'src/version.ts', ref: HEAD_SHA })
    )
    expect(before.status).toBe(404)
  })

  it('sends a file over 1 MB in JSON without its content (encoding "none"), raw in full', async () => {
    const big = 'a'.repeat(1024 * 1024 + 1)
    const limit = 'b'.repeat(1024 * 1024)
    world.github.state.contents.set(HEAD_SHA, { 'big.txt': big, 'limit.txt': limit })

    const json = await gh.rest.repos.getContent({ ...repo, path: 'big.txt', ref: HEAD_SHA })
    expect(json.data).toMatchObject({
      type: 'file',
      size: big.length,
      content: '',
      encoding: 'none'
    })
    const atLimit = await gh.rest.repos.getContent({ ...repo, path: 'limit.txt', ref: HEAD_SHA })
    expect(atLimit.data).toMatchObject({ size: limit.length, encoding: 'base64' })
    const content = (atLimit.data as { content: string }).content
    expect(Buffer.from(content, 'base64').toString()).toBe(limit)

    const raw = await gh.rest.repos.getContent({
      ...repo,
      path: 'big.txt',
      ref: HEAD_SHA,
      mediaType: { format: 'raw' }
    })
    expect((raw.data as unknown as string).length).toBe(big.length)
  })
})

describe('the pull_request_review_comment event', () => {
  it('carries the comment and pull request the API serves', async () => {
    const top = humanQuestion()
    const reply = botReply(top)
    const payload = loadEvent('pull_request_review_comment', 'created', {
      repo: world.github.state,
      pull: world.github.pullRequest(PR_NUMBER),
      reviewComment: reply
    })
    const { data } = await gh.rest.pulls.getReviewComment({ ...repo, comment_id: reply.id })
    const comment = payload.comment as Record<string, unknown>
    const agreed = [
      'id',
      'node_id',
      'body',
      'in_reply_to_id',
      'path',
      'line',
      'side',
      'original_line',
      'diff_hunk',
      'commit_id',
      'original_commit_id',
      'pull_request_review_id',
      'html_url',
      'created_at',
      'updated_at',
      'author_association'
    ] as const
    for (const key of agreed) expect([key, comment[key]]).toEqual([key, data[key]])
    expect(comment.in_reply_to_id).toBe(top.id)
    expect(comment.user).toMatchObject({ login: data.user.login, id: data.user.id, type: 'Bot' })
    expect(comment.url).toBe(
      `https://api.github.com/repos/${OWNER}/${REPO}/pulls/comments/${reply.id}`
    )
    expect(payload).toMatchObject({
      action: 'created',
      repository: { full_name: `${OWNER}/${REPO}` },
      organization: { login: OWNER },
      pull_request: {
        number: PR_NUMBER,
        head: { sha: HEAD_SHA, ref: world.github.pullRequest(PR_NUMBER).headRef },
        base: { ref: 'main' }
      },
      sender: { login: 'helper-bot[bot]', type: 'Bot' }
    })
    expect(JSON.stringify(payload)).not.toContain('Codertocat')

    const topPayload = loadEvent('pull_request_review_comment', 'created', { reviewComment: top })
    expect('in_reply_to_id' in (topPayload.comment as object)).toBe(false)
  })

  it("takes the pull request's head from its fork and its new head after a push", () => {
    const pull = world.github.pullRequest(PR_NUMBER)
    pull.forkOwner = 'fork-fiona'
    const head = pushToPull(world.github.state, PR_NUMBER, { files: pull.files })
    const top = humanQuestion()
    const payload = loadEvent('pull_request_review_comment', 'created', {
      repo: world.github.state,
      pull,
      reviewComment: top
    })
    expect(payload).toMatchObject({
      pull_request: {
        head: { sha: head, repo: { full_name: `fork-fiona/${REPO}`, fork: true } },
        base: { repo: { full_name: `${OWNER}/${REPO}` } }
      },
      comment: { commit_id: head }
    })
  })
})

describe('ID tokens for review-comment runs', () => {
  it('has the pull_request subject and the merge ref for pull_request_review_comment', async () => {
    world.oidc.run = defaultRunContext('pull_request_review_comment')
    const res = await fetch(
      `${world.urls.oidcRequestUrl}&audience=${encodeURIComponent(AZURE_AUDIENCE)}`,
      { headers: { authorization: `Bearer ${world.requestToken}` } }
    )
    const { value } = (await res.json()) as { value: string }
    const { payload } = await jwtVerify(
      value,
      createLocalJWKSet(world.oidc.jwks() as { keys: JWK[] }),
      {
        audience: AZURE_AUDIENCE
      }
    )
    expect(payload).toMatchObject({
      sub: `repo:${OWNER}/${REPO}:pull_request`,
      event_name: 'pull_request_review_comment',
      ref: `refs/pull/${PR_NUMBER}/merge`,
      // GITHUB_HEAD_REF/BASE_REF are set only for pull_request and pull_request_target.
      head_ref: '',
      base_ref: ''
    })

    world.oidc.run = defaultRunContext('pull_request_review')
    expect(decodeJwt(await world.oidc.mint(AZURE_AUDIENCE))).toMatchObject({
      sub: `repo:${OWNER}/${REPO}:pull_request`,
      ref: `refs/pull/${PR_NUMBER}/merge`
    })
    // Outside the pull request family the subject names the ref.
    world.oidc.run = defaultRunContext('issue_comment')
    expect(world.oidc.subject()).toBe(`repo:${OWNER}/${REPO}:ref:refs/heads/main`)
  })
})
