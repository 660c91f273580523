/**
 * The GitHub emulator's GraphQL, driven by a real octokit: what it answers (a pull request, its
 * comments and reviews as GitHub shapes them, blobs by expression) and what it refuses, in
 * GitHub's shapes: pagination without or over bounds, too many nodes, fields the schema lacks,
 * parse errors, missing variables, objects it cannot resolve, blob text over 512,000 bytes, and
 * a query cut short by resource limits with partial data.
 */
import { getOctokit } from '@actions/github'
import { BASE_SHA, HEAD_SHA, OWNER, PR_NUMBER, REPO } from './constants.js'
import { BLOB_TEXT_LIMIT } from './github-graphql.js'
import { addIssueComment, addReviewComment, TOKEN_IDENTITY } from './github-state.js'
import { startWorld, type World } from './world.js'
import { trustTestCa } from '../helpers/trust.js'

type Octokit = ReturnType<typeof getOctokit>

let world: World
let gh: Octokit

beforeAll(async () => {
  trustTestCa()
  world = await startWorld()
  gh = getOctokit(world.githubToken, { baseUrl: world.urls.githubApiUrl })
})

beforeEach(() => {
  world.github.reset()
})

afterAll(async () => {
  await world.close()
})

interface Answer {
  data?: Record<string, unknown> | null
  errors?: { type?: string; message: string; path?: unknown[]; extensions?: unknown }[]
}

/** POST /graphql as it is, errors included (octokit's graphql() would throw on them). */
async function ask(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const answer = await gh.request('POST /graphql', { query, variables })
  return answer.data as Answer
}

const repoVars = { owner: OWNER, name: REPO }

describe('a pull request and what is posted on it', () => {
  it('answers metadata, comments and reviews with their comments, bots named without [bot]', async () => {
    addIssueComment(world.github.state, {
      issueNumber: PR_NUMBER,
      body: 'Ours.',
      user: TOKEN_IDENTITY
    })
    addReviewComment(world.github.state, {
      pullNumber: PR_NUMBER,
      user: TOKEN_IDENTITY,
      body: 'A finding.',
      path: 'src/config.ts',
      line: 3
    })
    const answer = await ask(
      `query($owner: String!, $name: String!, $number: Int!) {
        viewer { login }
        repository(owner: $owner, name: $name) {
          pullRequest(number: $number) {
            state headRefOid baseRefOid changedFiles isDraft
            author { __typename login }
            comments(first: 100) { pageInfo { hasNextPage } nodes { fullDatabaseId body author { __typename login } } }
            reviews(first: 100) { nodes { body author { login } comments(first: 10) { nodes { body } } } }
          }
        }
      }`,
      { ...repoVars, number: PR_NUMBER }
    )
    expect(answer.errors).toBeUndefined()
    const comment = world.github.state.issueComments[0]
    expect(answer.data).toEqual({
      viewer: { login: 'github-actions[bot]' },
      repository: {
        pullRequest: {
          state: 'OPEN',
          headRefOid: HEAD_SHA,
          baseRefOid: BASE_SHA,
          changedFiles: 2,
          isDraft: false,
          author: { __typename: 'User', login: 'octocat' },
          comments: {
            pageInfo: { hasNextPage: false },
            nodes: [
              {
                fullDatabaseId: String(comment?.id),
                body: 'Ours.',
                author: { __typename: 'Bot', login: 'github-actions' }
              }
            ]
          },
          reviews: {
            nodes: [
              {
                body: '',
                author: { login: 'github-actions' },
                comments: { nodes: [{ body: 'A finding.' }] }
              }
            ]
          }
        }
      }
    })
  })

  it('pages a connection by first and after, and says when there is more', async () => {
    for (let i = 0; i < 3; i++) {
      addIssueComment(world.github.state, { issueNumber: PR_NUMBER, body: `Comment ${i}.` })
    }
    const page = async (after: string | null) =>
      (
        (
          await ask(
            `query($after: String) { repository(owner: "${OWNER}", name: "${REPO}") {
            pullRequest(number: ${PR_NUMBER}) { comments(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { body } } } } }`,
            { after }
          )
        ).data as {
          repository: {
            pullRequest: {
              comments: {
                pageInfo: { hasNextPage: boolean; endCursor: string }
                nodes: { body: string }[]
              }
            }
          }
        }
      ).repository.pullRequest.comments
    const first = await page(null)
    expect(first.nodes.map((n) => n.body)).toEqual(['Comment 0.', 'Comment 1.'])
    expect(first.pageInfo.hasNextPage).toBe(true)
    const second = await page(first.pageInfo.endCursor)
    expect(second.nodes.map((n) => n.body)).toEqual(['Comment 2.'])
    expect(second.pageInfo.hasNextPage).toBe(false)
  })

  it('answers null and NOT_FOUND for a pull request it cannot resolve', async () => {
    const answer = await ask(
      `query { repository(owner: "${OWNER}", name: "${REPO}") { pullRequest(number: 999) { title } } }`
    )
    expect(answer.data).toEqual({ repository: { pullRequest: null } })
    expect(answer.errors).toEqual([
      expect.objectContaining({
        type: 'NOT_FOUND',
        path: ['repository', 'pullRequest'],
        message: 'Could not resolve to a PullRequest with the number of 999.'
      })
    ])
  })
})

describe('blobs by expression', () => {
  const blobs = (answer: Answer): unknown =>
    (answer.data as { repository: Record<string, unknown> } | null)?.repository

  it('gives text, a binary file none, a missing one null, and cuts text at 512,000 bytes', async () => {
    const big = `${'é'.repeat(BLOB_TEXT_LIMIT / 2 + 10)}\n`
    world.github.state.contents.set(HEAD_SHA, {
      'a.ts': 'one\n',
      'logo.png': '\u0089PNG\u0000\u0000',
      'big.txt': big
    })
    const fields = '... on Blob { text isBinary isTruncated byteSize }'
    const answer = await ask(
      `query($a: String!, $b: String!, $c: String!, $d: String!) {
        repository(owner: "${OWNER}", name: "${REPO}") {
          a: object(expression: $a) { ${fields} }
          b: object(expression: $b) { ${fields} }
          c: object(expression: $c) { ${fields} }
          d: object(expression: $d) { ${fields} }
        }
      }`,
      {
        a: `${HEAD_SHA}:a.ts`,
        b: `${HEAD_SHA}:logo.png`,
        c: `${HEAD_SHA}:big.txt`,
        d: `${HEAD_SHA}:gone.ts`
      }
    )
    expect(answer.errors).toBeUndefined()
    const got = blobs(answer) as Record<
      string,
      { text: string | null; isTruncated: boolean; isBinary: boolean; byteSize: number } | null
    >
    expect(got['a']).toEqual({ text: 'one\n', isBinary: false, isTruncated: false, byteSize: 4 })
    expect(got['b']).toMatchObject({ text: null, isBinary: true })
    expect(got['c']?.isTruncated).toBe(true)
    expect(got['c']?.byteSize).toBe(Buffer.byteLength(big))
    expect(Buffer.byteLength(got['c']?.text ?? '')).toBe(BLOB_TEXT_LIMIT)
    expect(got['d']).toBeNull()
  })

  it('cuts a query short at its resource limits: partial data and RESOURCE_LIMITS_EXCEEDED', async () => {
    world.github.state.contents.set(HEAD_SHA, {
      'a.ts': 'x'.repeat(600),
      'b.ts': 'y'.repeat(600),
      'c.ts': 'z'.repeat(600)
    })
    world.github.graphqlLimits.resourceBytes = 1000
    const answer = await ask(
      `query { repository(owner: "${OWNER}", name: "${REPO}") {
        a: object(expression: "${HEAD_SHA}:a.ts") { ... on Blob { text } }
        b: object(expression: "${HEAD_SHA}:b.ts") { ... on Blob { text } }
        c: object(expression: "${HEAD_SHA}:c.ts") { ... on Blob { text } }
      } }`
    )
    expect(blobs(answer)).toEqual({ a: { text: 'x'.repeat(600) }, b: null, c: null })
    expect(answer.errors).toEqual([
      expect.objectContaining({
        type: 'RESOURCE_LIMITS_EXCEEDED',
        path: ['repository', 'b'],
        message: 'Resource limits for this query exceeded.'
      })
    ])
  })
})

describe('what GitHub refuses before running a query', () => {
  const pull = (connection: string): string =>
    `query { repository(owner: "${OWNER}", name: "${REPO}") { pullRequest(number: ${PR_NUMBER}) { ${connection} } } }`

  it('a connection without first or last', async () => {
    const answer = await ask(pull('comments { nodes { body } }'))
    expect(answer.data).toBeUndefined()
    expect(answer.errors).toEqual([
      expect.objectContaining({
        type: 'MISSING_PAGINATION_BOUNDARIES',
        message:
          'You must provide a `first` or `last` value to properly paginate the `comments` connection.'
      })
    ])
  })

  it('a page over 100', async () => {
    const answer = await ask(pull('reviews(first: 101) { nodes { body } }'))
    expect(answer.errors).toEqual([
      expect.objectContaining({
        type: 'EXCESSIVE_PAGINATION',
        message:
          'Requesting 101 records on the `reviews` connection exceeds the `first` limit of 100 records.'
      })
    ])
  })

  it('more than 500,000 nodes', async () => {
    // 51 × (100 reviews + 100 × 100 review comments) = 515,100 nodes.
    const aliases = Array.from(
      { length: 51 },
      (_, i) => `r${i}: reviews(first: 100) { nodes { comments(first: 100) { nodes { body } } } }`
    ).join('\n')
    const answer = await ask(pull(aliases))
    expect(answer.errors).toEqual([
      {
        type: 'MAX_NODE_LIMIT_EXCEEDED',
        message:
          'This query requests up to 515,100 nodes which exceeds the maximum limit of 500,000.'
      }
    ])
  })

  it('a field the schema lacks, a query that does not parse, a variable not given', async () => {
    const unknown = await ask('query { viewer { login bogus } }')
    expect(unknown.errors).toEqual([
      expect.objectContaining({
        message: "Field 'bogus' doesn't exist on type 'User'",
        extensions: { code: 'undefinedField', typeName: 'User', fieldName: 'bogus' }
      })
    ])
    const broken = await ask('query { viewer { login }')
    expect(broken.errors?.[0]?.message).toBe('Parse error on end of file at [1, 25]')
    const missing = await ask(
      'query($n: Int!) { repository(owner: "o", name: "r") { pullRequest(number: $n) { title } } }'
    )
    expect(missing.errors?.[0]?.message).toBe('Variable $n of type Int! was provided invalid value')
  })
})
