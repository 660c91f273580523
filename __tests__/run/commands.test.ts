/**
 * The gate and the reactions around a comment command, against the GitHub emulator: a bare reply
 * is answered only in a thread the action started, the commenter's permission (asked of the
 * collaborator API) must meet `min-permission`, and the command's comment gets 👀 before the
 * work and 🚀 or 😕 after it. Asserted on what the emulated API received.
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import type { GitHubClient } from '../../src/github/client.js'
import { authorize, withReactions } from '../../src/run/commands.js'
import type { CommandOrigin, Decision } from '../../src/run/trigger.js'
import type { Permission } from '../../src/settings.js'
import { OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import {
  addIssueComment,
  addReviewComment,
  TOKEN_IDENTITY,
  type Author,
  type ReviewCommentState
} from '../emulators/github-state.js'
import type { World } from '../emulators/world.js'
import { testConfig } from '../helpers/config.js'
import { startInProcessWorld } from '../helpers/in-process.js'
import { captureStdout } from '../helpers/stdout.js'

const repo = { owner: OWNER, repo: REPO }
const FINDING_MARKER = '<!-- keyless-pr-review:finding 0123456789ab -->'
let world: World
let gh: GitHubClient
let createClient: (token: string) => GitHubClient
let stdout: string[]

// One world for the suite (see startInProcessWorld), its repository reset before each test.
beforeAll(async () => {
  ;({ world, gh, createClient } = await startInProcessWorld())
})

beforeEach(() => {
  world.github.reset()
  world.github.state.collaborators['custom-carla'] = {
    permission: 'write',
    roleName: 'release-manager'
  }
  world.github.state.collaborators['custom-cole'] = {
    permission: 'admin',
    roleName: 'security-lead'
  }
  stdout = captureStdout()
})

afterEach(() => {
  jest.restoreAllMocks()
})

afterAll(async () => {
  await world.close()
})

/** A command comment in the conversation, stored on GitHub (reactions need it). */
function conversationCommand(user: string, body = '/review'): CommandOrigin {
  const comment = addIssueComment(world.github.state, {
    issueNumber: PR_NUMBER,
    body,
    user: { login: user, type: 'User' }
  })
  return { commentId: comment.id, user }
}

/** A review comment on a line of the default pull request's `src/config.ts`, or a reply. */
function reviewComment(user: Author, body: string, inReplyToId?: number): ReviewCommentState {
  return addReviewComment(world.github.state, {
    pullNumber: PR_NUMBER,
    user,
    body,
    ...(inReplyToId !== undefined ? { inReplyToId } : { path: 'src/config.ts', line: 2 })
  })
}

/** A comment in a review thread as the trigger describes it: a bare reply, or a command. */
function threadCommand(
  user: string,
  top: ReviewCommentState,
  replyOnly: boolean
): { command: CommandOrigin; comment: ReviewCommentState } {
  const comment = reviewComment(
    { login: user, type: 'User' },
    replyOnly ? 'Why?' : '/ask why?',
    top.id
  )
  const command: CommandOrigin = {
    commentId: comment.id,
    user,
    thread: {
      topId: top.id,
      path: top.path,
      line: top.line,
      side: top.side,
      diffHunk: top.diffHunk,
      replyOnly
    }
  }
  return { command, comment }
}

const ask = (command: CommandOrigin): Decision => ({
  kind: 'ask',
  prNumber: PR_NUMBER,
  question: 'Why?',
  command,
  needsPermissionCheck: true
})

const review = (command: CommandOrigin): Decision => ({
  kind: 'run',
  prNumber: PR_NUMBER,
  tasks: ['review'],
  guidance: '',
  source: 'command',
  command,
  needsPermissionCheck: true
})

const permissionPath = (user: string): string =>
  `/repos/${OWNER}/${REPO}/collaborators/${user}/permission`
const issueReactions = (id: number): string =>
  `/repos/${OWNER}/${REPO}/issues/comments/${id}/reactions`
const threadReactions = (id: number): string =>
  `/repos/${OWNER}/${REPO}/pulls/comments/${id}/reactions`
const requested = (): string[] => world.github.requests.map((r) => `${r.method} ${r.path}`)
const mutations = (): [string, string, unknown][] =>
  world.github.mutations.map((m) => [m.method, m.path, m.body])

describe('authorize: the permission gate', () => {
  it.each<[string, string, Permission]>([
    ['octocat', 'admin', 'write'],
    ['octocat', 'admin', 'maintain'],
    ['octocat', 'admin', 'admin'],
    ['maintainer-mia', 'maintain', 'write'],
    ['maintainer-mia', 'maintain', 'maintain'],
    ['writer-wes', 'write', 'write']
  ])('lets %s (%s) command under min-permission %s', async (user, _, min) => {
    const decision = review(conversationCommand(user))
    const result = await authorize(testConfig({ minPermission: min }), decision, gh, repo)
    expect(result).toBe(decision)
    expect(requested()).toEqual([`GET ${permissionPath(user)}`])
    expect(world.github.mutations).toEqual([])
  })

  it.each<[string, string, Permission]>([
    ['maintainer-mia', 'maintain', 'admin'],
    ['writer-wes', 'write', 'maintain'],
    ['writer-wes', 'write', 'admin'],
    ['triager-tom', 'triage', 'write'],
    ['reader-rita', 'read', 'write'],
    ['drive-by-dan', 'none', 'write']
  ])(
    'refuses %s (%s) under min-permission %s, with a notice naming both',
    async (user, actual, min) => {
      const decision = review(conversationCommand(user))
      const result = await authorize(testConfig({ minPermission: min }), decision, gh, repo)
      expect(result).toEqual({
        kind: 'skip',
        reason: `@${user} has '${actual}' permission; commands need '${min}' or higher (min-permission input).`,
        notice: true
      })
    }
  )

  it('ranks a custom role by its base permission', async () => {
    const carla = review(conversationCommand('custom-carla'))
    await expect(authorize(testConfig(), carla, gh, repo)).resolves.toBe(carla)
    const refused = await authorize(testConfig({ minPermission: 'maintain' }), carla, gh, repo)
    expect(refused).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining("@custom-carla has 'write' permission") as unknown
    })
    const cole = review(conversationCommand('custom-cole'))
    await expect(authorize(testConfig({ minPermission: 'admin' }), cole, gh, repo)).resolves.toBe(
      cole
    )
  })

  it('logs the permission it found', async () => {
    await authorize(testConfig(), ask(conversationCommand('triager-tom')), gh, repo)
    expect(stdout.join('')).toContain(`@triager-tom has 'triage' permission on ${OWNER}/${REPO}.`)
  })

  it('gives a refused command’s comment one 😕 reaction and nothing else', async () => {
    const command = conversationCommand('reader-rita', '/ask why?')
    await authorize(testConfig(), ask(command), gh, repo)
    expect(mutations()).toEqual([
      ['POST', issueReactions(command.commentId), { content: 'confused' }]
    ])
    const stored = world.github.state.issueComments.find((c) => c.id === command.commentId)
    expect(stored?.reactions.map((r) => [r.content, r.user.login])).toEqual([
      ['confused', TOKEN_IDENTITY.login]
    ])
  })

  it('gates /help and /ask as it gates /review', async () => {
    const help: Decision = {
      kind: 'help',
      prNumber: PR_NUMBER,
      command: conversationCommand('reader-rita', '/help'),
      needsPermissionCheck: true
    }
    await expect(authorize(testConfig(), help, gh, repo)).resolves.toMatchObject({ kind: 'skip' })
    const question = ask(conversationCommand('reader-rita', '/ask why?'))
    await expect(authorize(testConfig(), question, gh, repo)).resolves.toMatchObject({
      kind: 'skip'
    })
  })

  it('asks nothing of GitHub for a decision that needs no check', async () => {
    const skip: Decision = { kind: 'skip', reason: 'draft' }
    const opened: Decision = {
      kind: 'run',
      prNumber: PR_NUMBER,
      tasks: ['summary', 'review'],
      guidance: '',
      source: 'event',
      needsPermissionCheck: false
    }
    await expect(authorize(testConfig(), skip, gh, repo)).resolves.toBe(skip)
    // The trigger's flag decides, whoever wrote a comment the decision names.
    const flagged: Decision = { ...opened, command: conversationCommand('reader-rita') }
    await expect(authorize(testConfig(), opened, gh, repo)).resolves.toBe(opened)
    await expect(authorize(testConfig(), flagged, gh, repo)).resolves.toBe(flagged)
    expect(world.github.requests).toEqual([])
  })

  it('lets a refused permission lookup fail the run, marked for the diagnosis', async () => {
    const command = conversationCommand('writer-wes')
    const badToken = createClient('ghs_NotTheWorldsToken')
    await expect(authorize(testConfig(), review(command), badToken, repo)).rejects.toMatchObject({
      name: 'StageError',
      stage: 'github',
      doing: `read writer-wes's permission on ${OWNER}/${REPO}`
    })
    expect(world.github.mutations).toEqual([])
  })
})

describe('authorize: replies in review threads', () => {
  const ours = (): ReviewCommentState =>
    reviewComment(TOKEN_IDENTITY, `**Unchecked result**\n\n${FINDING_MARKER}`)

  it.each<[string, () => ReviewCommentState]>([
    ['a person', () => reviewComment({ login: 'octocat', type: 'User' }, 'Rename this?')],
    [
      'another workflow with our token but no finding marker',
      () => reviewComment(TOKEN_IDENTITY, 'Coverage dropped on this line.')
    ],
    [
      'another bot copying our marker',
      () =>
        reviewComment({ login: 'mallory-app[bot]', type: 'Bot' }, `Finding\n\n${FINDING_MARKER}`)
    ]
  ])(
    'skips a reply in a thread %s started: no permission lookup, no reaction',
    async (_, start) => {
      const { command } = threadCommand('writer-wes', start(), true)
      const result = await authorize(testConfig(), ask(command), gh, repo)
      expect(result).toEqual({
        kind: 'skip',
        reason:
          'reply in a review thread the action did not start; start a comment with /ask to ask'
      })
      expect(requested()).not.toContain(`GET ${permissionPath('writer-wes')}`)
      expect(world.github.mutations).toEqual([])
    }
  )

  it('checks the permission of a reply in a thread the action started', async () => {
    const { command } = threadCommand('writer-wes', ours(), true)
    const decision = ask(command)
    await expect(authorize(testConfig(), decision, gh, repo)).resolves.toBe(decision)
    expect(requested()).toContain(`GET ${permissionPath('writer-wes')}`)
    expect(world.github.mutations).toEqual([])
  })

  it('gives a refused reply in our thread 😕 on the review comment', async () => {
    const { command, comment } = threadCommand('reader-rita', ours(), true)
    const result = await authorize(testConfig(), ask(command), gh, repo)
    expect(result).toMatchObject({ kind: 'skip', notice: true })
    expect(mutations()).toEqual([['POST', threadReactions(comment.id), { content: 'confused' }]])
  })

  it('answers /ask in any thread without asking who started it', async () => {
    const top = reviewComment({ login: 'octocat', type: 'User' }, 'Rename this?')
    const { command } = threadCommand('writer-wes', top, false)
    const decision = ask(command)
    await expect(authorize(testConfig(), decision, gh, repo)).resolves.toBe(decision)
    expect(requested()).toEqual([`GET ${permissionPath('writer-wes')}`])
  })
})

describe('withReactions', () => {
  /** Work that posts a comment of its own, noting the reactions there were when it started. */
  function work(seen: string[][]): () => Promise<string> {
    return async () => {
      seen.push(reactionsSent())
      await gh.rest.issues.createComment({ ...repo, issue_number: PR_NUMBER, body: 'The work.' })
      return 'done'
    }
  }
  const reactionsSent = (): string[] =>
    world.github.mutations
      .filter((m) => m.path.endsWith('/reactions'))
      .map((m) => (m.body as { content: string }).content)

  it('puts 👀 on the comment before the work and 🚀 after it, and returns its result', async () => {
    const command = conversationCommand('writer-wes')
    const seen: string[][] = []
    await expect(withReactions(gh, repo, command, work(seen))).resolves.toBe('done')
    expect(seen).toEqual([['eyes']])
    expect(mutations()).toEqual([
      ['POST', issueReactions(command.commentId), { content: 'eyes' }],
      ['POST', `/repos/${OWNER}/${REPO}/issues/${PR_NUMBER}/comments`, { body: 'The work.' }],
      ['POST', issueReactions(command.commentId), { content: 'rocket' }]
    ])
  })

  it('reacts on a review thread’s comment through the review comments’ endpoint', async () => {
    const top = reviewComment(TOKEN_IDENTITY, `Finding\n\n${FINDING_MARKER}`)
    const { command, comment } = threadCommand('writer-wes', top, true)
    await withReactions(gh, repo, command, () => Promise.resolve())
    expect(mutations()).toEqual([
      ['POST', threadReactions(comment.id), { content: 'eyes' }],
      ['POST', threadReactions(comment.id), { content: 'rocket' }]
    ])
  })

  it('leaves 😕 when the work fails, and lets the failure through', async () => {
    const command = conversationCommand('writer-wes')
    const failure = new Error('Azure OpenAI refused the token')
    await expect(withReactions(gh, repo, command, () => Promise.reject(failure))).rejects.toBe(
      failure
    )
    expect(reactionsSent()).toEqual(['eyes', 'confused'])
    const stored = world.github.state.issueComments.find((c) => c.id === command.commentId)
    expect(stored?.reactions.map((r) => r.content)).toEqual(['eyes', 'confused'])
  })

  it('does the work even when the reactions cannot be posted', async () => {
    // A comment deleted since the event: every reaction on it is answered 404.
    const command: CommandOrigin = { commentId: 999_999, user: 'writer-wes' }
    const seen: string[][] = []
    await expect(withReactions(gh, repo, command, work(seen))).resolves.toBe('done')
    expect(world.github.state.issueComments.map((c) => c.body)).toEqual(['The work.'])
    const warnings = stdout.filter((line) => line.startsWith('::warning::'))
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('Could not add the eyes reaction to comment 999999')
  })

  it('only runs the work when no comment asked for it', async () => {
    const seen: string[][] = []
    await expect(withReactions(gh, repo, undefined, work(seen))).resolves.toBe('done')
    expect(reactionsSent()).toEqual([])
    expect(world.github.mutations).toHaveLength(1)
  })
})
