import { describe, expect, it } from '@jest/globals'
import type { RunContext } from '../../src/context.js'
import { decide, MAX_GUIDANCE_CHARS, type Decision } from '../../src/run/trigger.js'
import { ACTOR, OWNER, PR_NUMBER, REPO } from '../emulators/constants.js'
import {
  addReviewComment,
  defaultPull,
  defaultRepoState,
  type PullState
} from '../emulators/github-state.js'
import { testConfig as config } from '../helpers/config.js'
import { loadEvent, type EventOptions, type EventPayload } from '../helpers/events.js'

function context(eventName: string, payload: EventPayload, actor = ACTOR): RunContext {
  return {
    eventName,
    owner: OWNER,
    repo: REPO,
    actor,
    payload,
    serverUrl: 'https://github.com',
    runUrl: `https://github.com/${OWNER}/${REPO}/actions/runs/1`,
    troubleshootingUrl:
      'https://github.com/keyless-pr-review/keyless-pr-review/blob/main/docs/troubleshooting.md'
  }
}

/** A pull request event about a pull request edited by `edit`. */
function prEvent(
  eventName: 'pull_request' | 'pull_request_target',
  action: string,
  edit: (pull: PullState) => void = () => undefined
): EventPayload {
  const pull = defaultPull()
  edit(pull)
  return loadEvent(eventName, action, { pull })
}

function comment(body: string, options: EventOptions = {}): RunContext {
  return context(
    'issue_comment',
    loadEvent('issue_comment', 'created', { commentBody: body, ...options })
  )
}

function commentId(run: RunContext): number {
  return (run.payload['comment'] as { id: number }).id
}

function commentUrl(run: RunContext): string {
  return (run.payload['comment'] as { html_url: string }).html_url
}

function expectSkip(decision: Decision, notice = false): string {
  if (decision.kind !== 'skip') throw new Error(`expected a skip, got ${JSON.stringify(decision)}`)
  expect(decision.notice ?? false).toBe(notice)
  expect(decision.reason).not.toContain('\n')
  return decision.reason
}

const runOnEvent = (tasks: string[]): Decision =>
  ({
    kind: 'run',
    prNumber: PR_NUMBER,
    tasks,
    guidance: '',
    source: 'event',
    needsPermissionCheck: false
  }) as Decision

describe('pull_request and pull_request_target', () => {
  it.each(['opened', 'reopened', 'ready_for_review', 'synchronize'])(
    'runs summary and review on %s with mode both',
    (action) => {
      expect(decide(config(), context('pull_request', prEvent('pull_request', action)))).toEqual(
        runOnEvent(['summary', 'review'])
      )
    }
  )

  it('takes the tasks from mode', () => {
    const run = context('pull_request', prEvent('pull_request', 'opened'))
    expect(decide(config({ mode: 'summary' }), run)).toEqual(runOnEvent(['summary']))
    expect(decide(config({ mode: 'review' }), run)).toEqual(runOnEvent(['review']))
  })

  it('runs on pull_request_target for a PR from the same repository', () => {
    const run = context('pull_request_target', prEvent('pull_request_target', 'synchronize'))
    expect(decide(config(), run)).toEqual(runOnEvent(['summary', 'review']))
  })

  it.each(['closed', 'labeled', 'assigned', 'converted_to_draft'])(
    'skips other actions (%s), naming the ones it handles',
    (action) => {
      const run = context('pull_request', prEvent('pull_request', action))
      expect(expectSkip(decide(config(), run))).toBe(
        `pull_request action '${action}' is not one this action handles (opened, reopened, ready_for_review, synchronize)`
      )
    }
  )

  it('skips a draft PR unless review-drafts is set', () => {
    const run = context(
      'pull_request',
      prEvent('pull_request', 'opened', (pull) => {
        pull.draft = true
      })
    )
    expect(expectSkip(decide(config(), run))).toBe(
      `draft PR #${PR_NUMBER} skipped; set review-drafts: true to review drafts, or mark the PR ready for review`
    )
    expect(decide(config({ reviewDrafts: true }), run)).toEqual(runOnEvent(['summary', 'review']))
  })

  it('skips a closed PR', () => {
    const run = context(
      'pull_request',
      prEvent('pull_request', 'synchronize', (pull) => {
        pull.state = 'closed'
      })
    )
    expect(expectSkip(decide(config(), run))).toBe(
      `PR #${PR_NUMBER} is closed; reopen it to have it reviewed`
    )
  })

  it('skips a merged PR', () => {
    const payload = prEvent('pull_request', 'synchronize')
    Object.assign(payload.pull_request as object, {
      state: 'closed',
      merged: true,
      merged_at: '2026-11-23T10:00:00Z'
    })
    expect(expectSkip(decide(config(), context('pull_request', payload)))).toBe(
      `PR #${PR_NUMBER} is already merged; there is nothing left to review`
    )
  })

  it('skips a fork PR on pull_request with a notice explaining why and what to do instead', () => {
    const run = context(
      'pull_request',
      prEvent('pull_request', 'opened', (pull) => {
        pull.forkOwner = 'outside-contributor'
      })
    )
    const reason = expectSkip(decide(config({ allowForks: true }), run), true)
    expect(reason).toContain('no ID token and a read-only token')
    expect(reason).toContain('comments /review')
    expect(reason).toContain('pull_request_target with allow-forks: true')
    expect(reason).toContain('never checks out PR code')
  })

  it('skips a fork PR on pull_request_target with a notice unless allow-forks is set', () => {
    const run = context(
      'pull_request_target',
      prEvent('pull_request_target', 'opened', (pull) => {
        pull.forkOwner = 'outside-contributor'
      })
    )
    const reason = expectSkip(decide(config(), run), true)
    expect(reason).toContain('set allow-forks: true')
    expect(reason).toContain('anyone can open a PR')
    expect(decide(config({ allowForks: true }), run)).toEqual(runOnEvent(['summary', 'review']))
  })

  it('skips Dependabot PRs on pull_request with a notice pointing at /review', () => {
    const run = context('pull_request', prEvent('pull_request', 'opened'), 'dependabot[bot]')
    const reason = expectSkip(decide(config(), run), true)
    expect(reason).toContain('Dependabot')
    expect(reason).toContain('no ID token')
    expect(reason).toContain('/review')
  })
})

describe('issue_comment commands', () => {
  it('runs a review for /review, with a permission check and the comment to react to', () => {
    const run = comment('/review')
    expect(decide(config(), run)).toEqual({
      kind: 'run',
      prNumber: PR_NUMBER,
      tasks: ['review'],
      guidance: '',
      source: 'command',
      command: { commentId: commentId(run), user: ACTOR, url: commentUrl(run) },
      needsPermissionCheck: true
    })
  })

  it('runs a summary for /summarize, whatever the mode', () => {
    const decision = decide(config({ mode: 'review' }), comment('/summarize'))
    expect(decision).toMatchObject({ kind: 'run', tasks: ['summary'], source: 'command' })
  })

  it('matches the command word case-insensitively on the first non-empty line', () => {
    expect(decide(config(), comment('\n  \n  /ReView\nthanks'))).toMatchObject({
      kind: 'run',
      tasks: ['review']
    })
  })

  it.each(['   /review', '\r/review', '\t \n \r\n/review', '/review\u2028focus'])(
    'finds a command GitHub shows at a line start, after blank lines and up to three spaces: %j',
    (body) => {
      expect(decide(config(), comment(body))).toMatchObject({ kind: 'run', tasks: ['review'] })
    }
  )

  it('takes the rest of the line and the lines after it as guidance, trimmed', () => {
    const decision = decide(
      config(),
      comment('/review   focus on error handling\r\nand the retry loop\n\n')
    )
    expect(decision).toMatchObject({
      kind: 'run',
      guidance: 'focus on error handling\nand the retry loop'
    })
  })

  it('caps guidance at 2,000 characters', () => {
    const decision = decide(config(), comment(`/summarize ${'x'.repeat(5000)}`))
    if (decision.kind !== 'run') throw new Error('expected a run')
    expect(decision.guidance).toBe('x'.repeat(MAX_GUIDANCE_CHARS))
  })

  it.each([
    'please /review this',
    '/reviewed it already',
    '/review-all',
    '/summary',
    'LGTM',
    '> /review\nquoted',
    '',
    // Shown as code, quoted or as text on GitHub: not a command someone gave.
    '    /review',
    '\t/review',
    '  \t/review',
    '```\n/review\n```',
    '~~~ text\n/review\n~~~',
    '>/review',
    '<!--\n/review\n-->',
    // U+2028 and U+2029 end no line in Markdown, and a no-break space is not blank.
    '\u2028/review',
    '\u2029/review',
    'thanks\u2028/review',
    '\u00a0\n/review',
    '\ufeff/review'
  ])('ignores a comment that is not a command: %j', (body) => {
    expect(expectSkip(decide(config(), comment(body)))).toBe(
      'comment is not a /review, /summarize, /ask or /help command'
    )
  })

  it('answers /ask with the question (the rest of the comment), gated like every command', () => {
    const run = comment('/ask why is the retry loop bounded?\nAnd what happens at 0?')
    expect(decide(config(), run)).toEqual({
      kind: 'ask',
      prNumber: PR_NUMBER,
      question: 'why is the retry loop bounded?\nAnd what happens at 0?',
      command: { commentId: commentId(run), user: ACTOR, url: commentUrl(run) },
      needsPermissionCheck: true
    })
  })

  it('explains an /ask without a question instead of calling the model', () => {
    expect(expectSkip(decide(config(), comment('/ask   ')), true)).toContain(
      '/ask needs a question after it'
    )
  })

  it('caps a question at 4,000 characters', () => {
    const decision = decide(config(), comment(`/ask ${'y'.repeat(9000)}`))
    if (decision.kind !== 'ask') throw new Error('expected a question')
    expect(decision.question).toBe('y'.repeat(4000))
  })

  it('answers /help without a model call, gated like every command', () => {
    const run = comment('/HELP')
    expect(decide(config(), run)).toEqual({
      kind: 'help',
      prNumber: PR_NUMBER,
      command: { commentId: commentId(run), user: ACTOR, url: commentUrl(run) },
      needsPermissionCheck: true
    })
  })

  it('ignores comments by bots', () => {
    expect(
      expectSkip(
        decide(config(), comment('/review', { commenter: 'renovate', commenterType: 'Bot' }))
      )
    ).toContain('bot')
    expect(
      expectSkip(decide(config(), comment('/review', { commenter: 'github-actions[bot]' })))
    ).toBe("comment by bot 'github-actions[bot]' is ignored; commands come from people")
  })

  it('ignores comments carrying this action’s marker', () => {
    const body = '/review\n\n<!-- keyless-pr-review:summary {"head":"a","base":"b","version":1} -->'
    expect(expectSkip(decide(config(), comment(body)))).toBe('comment was written by this action')
  })

  it('ignores comments on plain issues', () => {
    const run = comment('/review')
    delete (run.payload['issue'] as Record<string, unknown>)['pull_request']
    expect(expectSkip(decide(config(), run))).toBe('comment is on an issue, not a pull request')
  })

  it.each(['edited', 'deleted'])('ignores %s comments', (action) => {
    const run = context(
      'issue_comment',
      loadEvent('issue_comment', action, { commentBody: '/review' })
    )
    expect(expectSkip(decide(config(), run))).toBe(
      `issue_comment action '${action}' is ignored; only new comments are commands`
    )
  })

  it('skips a command on a closed PR', () => {
    const pull = defaultPull()
    pull.state = 'closed'
    const run = comment('/review', { pull })
    expect(expectSkip(decide(config(), run))).toBe(
      `PR #${PR_NUMBER} is closed; reopen it to have it reviewed`
    )
  })

  it('runs a command on a draft PR: a maintainer asked for it', () => {
    const pull = defaultPull()
    pull.draft = true
    expect(decide(config(), comment('/review', { pull }))).toMatchObject({ kind: 'run' })
  })
})

describe('pull_request_review_comment questions', () => {
  /** A review comment stored in a repository with the default pull request, and its event. */
  function threadEvent(
    body: string,
    options: {
      reply?: boolean
      login?: string
      type?: 'User' | 'Bot'
      action?: string
      fork?: boolean
    } = {}
  ): { run: RunContext; id: number; topId: number } {
    const repo = defaultRepoState()
    const pull = repo.pulls.get(PR_NUMBER)
    if (!pull) throw new Error('no default pull request')
    pull.files = [
      { filename: 'src/a.ts', status: 'modified', patch: '@@ -1,2 +1,3 @@\n a\n+b\n c' }
    ]
    if (options.fork) pull.forkOwner = 'outsider'
    const top = addReviewComment(repo, {
      pullNumber: PR_NUMBER,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      body: 'Finding\n\n<!-- keyless-pr-review:finding 0123456789ab -->',
      path: 'src/a.ts',
      line: 2
    })
    const comment = addReviewComment(repo, {
      pullNumber: PR_NUMBER,
      user: { login: options.login ?? ACTOR, type: options.type ?? 'User' },
      body,
      ...(options.reply ? { inReplyToId: top.id } : { path: 'src/a.ts', line: 2 })
    })
    const payload = loadEvent('pull_request_review_comment', options.action ?? 'created', {
      reviewComment: comment,
      repo
    })
    return { run: context('pull_request_review_comment', payload), id: comment.id, topId: top.id }
  }

  it('answers /ask on a diff line in its own thread', () => {
    const { run, id } = threadEvent('/ask is b ever empty?')
    expect(decide(config(), run)).toMatchObject({
      kind: 'ask',
      prNumber: PR_NUMBER,
      question: 'is b ever empty?',
      command: {
        commentId: id,
        user: ACTOR,
        thread: { topId: id, path: 'src/a.ts', line: 2, side: 'RIGHT', replyOnly: false }
      },
      needsPermissionCheck: true
    })
  })

  it('takes a plain reply as a question for the thread’s first comment, to be checked as ours', () => {
    const { run, topId } = threadEvent('Why is that a problem?', { reply: true })
    const decision = decide(config(), run)
    expect(decision).toMatchObject({
      kind: 'ask',
      question: 'Why is that a problem?',
      command: { thread: { topId, replyOnly: true } }
    })
    if (decision.kind !== 'ask') throw new Error('expected a question')
    expect(decision.command.thread?.diffHunk).toMatch(/^@@ -1,2 \+1,3 @@/)
  })

  it('leaves plain replies alone when answer-replies is false, but still answers /ask', () => {
    const off = config({ answerReplies: false })
    expect(expectSkip(decide(off, threadEvent('Why?', { reply: true }).run))).toContain(
      'answer-replies: false'
    )
    expect(decide(off, threadEvent('/ask Why?', { reply: true }).run)).toMatchObject({
      kind: 'ask'
    })
  })

  it('ignores a new thread that is not a command', () => {
    expect(expectSkip(decide(config(), threadEvent('Nit: rename b').run))).toBe(
      'review comment is not a /ask or /help command'
    )
  })

  it('answers /help in the thread', () => {
    expect(decide(config(), threadEvent('/help', { reply: true }).run)).toMatchObject({
      kind: 'help',
      command: { thread: { replyOnly: false } }
    })
  })

  it('sends /review and /summarize to the conversation', () => {
    expect(expectSkip(decide(config(), threadEvent('/review').run), true)).toContain(
      "works in the pull request's conversation"
    )
  })

  it.each(['edited', 'deleted'])('ignores %s review comments', (action) => {
    expect(expectSkip(decide(config(), threadEvent('/ask x', { action }).run))).toBe(
      `pull_request_review_comment action '${action}' is ignored; only new comments are questions`
    )
  })

  it('never answers bots, nor the action’s own comments', () => {
    expect(
      expectSkip(
        decide(config(), threadEvent('/ask x', { login: 'renovate[bot]', type: 'Bot' }).run)
      )
    ).toContain('bot')
    expect(
      expectSkip(
        decide(
          config(),
          threadEvent('Answer\n\n<!-- keyless-pr-review:answer -->', { reply: true }).run
        )
      )
    ).toBe('comment was written by this action')
  })

  it('explains that a fork’s thread cannot be answered and points to /ask in the conversation', () => {
    const reason = expectSkip(decide(config(), threadEvent('/ask x', { fork: true }).run), true)
    expect(reason).toContain('comes from a fork')
    expect(reason).toContain("/ask in the pull request's conversation")
  })
})

describe('workflow_dispatch', () => {
  it('runs on the pr-number input with tasks from mode', () => {
    const run = context(
      'workflow_dispatch',
      loadEvent('workflow_dispatch', undefined, { inputs: { 'pr-number': '12' } })
    )
    expect(decide(config({ prNumber: 12, mode: 'review' }), run)).toEqual({
      kind: 'run',
      prNumber: 12,
      tasks: ['review'],
      guidance: '',
      source: 'dispatch',
      needsPermissionCheck: false
    })
  })

  it('skips with a notice when pr-number is not set', () => {
    const run = context('workflow_dispatch', loadEvent('workflow_dispatch'))
    expect(expectSkip(decide(config(), run), true)).toContain('set the pr-number input')
  })
})

describe('other events', () => {
  it('runs on the pr-number input when one is set', () => {
    const run = context('push', loadEvent('push'))
    expect(decide(config({ prNumber: 3 }), run)).toEqual({
      kind: 'run',
      prNumber: 3,
      tasks: ['summary', 'review'],
      guidance: '',
      source: 'input',
      needsPermissionCheck: false
    })
  })

  it('skips with a notice naming the event and the supported ones otherwise', () => {
    const run = context('push', loadEvent('push'))
    expect(expectSkip(decide(config(), run), true)).toBe(
      "event 'push' carries no pull request; set the pr-number input, or trigger on pull_request, pull_request_target, issue_comment, pull_request_review_comment, workflow_dispatch"
    )
  })

  it('prefers the event’s pull request over the pr-number input', () => {
    const run = context('pull_request', prEvent('pull_request', 'opened'))
    expect(decide(config({ prNumber: 99 }), run)).toMatchObject({ prNumber: PR_NUMBER })
  })
})

describe('mode check', () => {
  it('never reaches decide: main runs the check itself', () => {
    const run = context(
      'pull_request',
      loadEvent('pull_request', 'opened', { repo: defaultRepoState() })
    )
    expect(() => decide(config({ mode: 'check' }), run)).toThrow('mode check')
  })
})
