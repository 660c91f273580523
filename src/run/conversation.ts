/**
 * Questions and `/help` on a pull request, answered by one comment: `/ask` in the conversation
 * gets a comment that quotes and links it, and its model request sees as much of the diff as
 * fits; a question in a review thread (or a reply in a thread the action started) gets a reply
 * in that thread, and its request sees the thread, the file around the line and that file's
 * diff. One model request within `ask-budget`; a question that cannot fit gets a reply that
 * says so instead of a model call.
 */
import * as core from '@actions/core'
import { count, replaceHtmlComments, thousands } from '../format.js'
import type { GitHubClient } from '../github/client.js'
import { headFiles } from '../github/head-files.js'
import { listFiles, readBaseFile, readPullRequest } from '../github/pull.js'
import {
  readThread,
  replyInConversation,
  replyInThread,
  type PostedReply
} from '../github/threads.js'
import type { ChatResult, Model } from '../model.js'
import { renderAnswer, renderHelp } from '../post/answer.js'
import type { PrFile, PullRequest, RepoRef } from '../pull-request.js'
import { codeAroundLine } from '../review/context.js'
import { hunkRange } from '../review/diff.js'
import { callModel } from '../review/call.js'
import { contextWindowFor } from '../review/pack.js'
import { planQuestion, type ThreadContext } from '../review/question.js'
import { selectFiles } from '../review/select.js'
import { loadTokenizer } from '../review/tokens.js'
import type { Config } from '../settings.js'
import { REPO_GUIDANCE_PATH } from './snapshot.js'
import type { CommandOrigin, ThreadRef } from './trigger.js'
import { logUntrusted } from './untrusted-log.js'

/** Room for an answer: a few paragraphs and a code block. */
const MAX_ANSWER_TOKENS = 2000

export interface AnswerOutcome {
  readonly kind: 'answer' | 'help'
  readonly prNumber: number
  readonly asker: string
  /** The reply exactly as posted (in a dry run, as it would have been). */
  readonly body: string
  /** Undefined in a dry run. */
  readonly posted?: PostedReply
  readonly dryRun: boolean
  readonly promptTokens: number
  readonly completionTokens: number
  readonly requests: number
}

export interface QuestionInput {
  readonly config: Config
  readonly repo: RepoRef
  readonly prNumber: number
  readonly question: string
  readonly command: CommandOrigin
  readonly model: Model
  readonly github: GitHubClient
}

export async function answerQuestion(input: QuestionInput): Promise<AnswerOutcome> {
  const { config, repo, github, command } = input
  const read = await core.group(`Reading pull request #${input.prNumber}`, async () => {
    const pr = await readPullRequest(github, repo, input.prNumber)
    const [files, repoGuidance, thread] = await Promise.all([
      listFiles(github, repo, pr),
      readBaseFile(github, repo, REPO_GUIDANCE_PATH, pr.baseRef),
      command.thread ? threadContext(input, pr, command.thread) : Promise.resolve(undefined),
      loadTokenizer()
    ])
    return {
      title: pr.title,
      description: pr.body,
      files,
      ...(repoGuidance ? { repoGuidance } : {}),
      ...(thread ? { thread } : {})
    }
  })
  const answered = await composeAnswer({
    config,
    model: input.model,
    asker: command.user,
    question: input.question,
    ...(command.url ? { questionUrl: command.url } : {}),
    read
  })
  const posted = await postAnswer(input, answered.body)
  return {
    kind: 'answer',
    prNumber: input.prNumber,
    asker: command.user,
    body: answered.body,
    ...(posted ? { posted } : {}),
    dryRun: config.dryRun,
    promptTokens: answered.result?.promptTokens ?? 0,
    completionTokens: answered.result?.completionTokens ?? 0,
    requests: answered.result ? 1 : 0
  }
}

/** What a question is asked about: the pull request's words, its files, and the thread if any. */
export interface QuestionSubject {
  readonly title: string
  readonly description: string
  readonly files: readonly PrFile[]
  readonly repoGuidance?: string
  readonly thread?: ThreadContext
}

export interface ComposeInput {
  readonly config: Config
  readonly model: Model
  readonly asker: string
  readonly question: string
  readonly questionUrl?: string
  readonly read: QuestionSubject
}

/**
 * The answer to one question, rendered as it is posted: planned within `ask-budget`, asked in
 * one request (none when the question cannot fit, or the model refuses it: a notice instead).
 */
export async function composeAnswer(
  input: ComposeInput
): Promise<{ body: string; result?: ChatResult }> {
  const { config, read } = input
  const budget = questionBudget(config)
  const planned = await core.group('Planning', () => {
    const { selected: all } = selectFiles(read.files, config)
    // A thread is about its line: its file's diff is enough, and keeps a reply cheap.
    const selected = read.thread ? all.filter((f) => f.path === read.thread?.path) : all
    const plan = planQuestion(
      {
        language: config.language,
        title: read.title,
        description: read.description,
        instructions: config.instructions,
        ...(read.repoGuidance ? { repoGuidance: read.repoGuidance } : {}),
        asker: input.asker,
        question: input.question,
        ...(read.thread ? { thread: read.thread } : {}),
        files: selected
      },
      budget
    )
    if ('needed' in plan) {
      core.info(
        `The question needs ${thousands(plan.needed)} prompt tokens before any diff: over the budget of ${thousands(budget)}.`
      )
    } else {
      core.info(
        `Question from ${input.asker}: the diff of ${count(plan.shown.length, 'file')} of ${selected.length}, ${thousands(plan.tokens)} prompt tokens (budget ${thousands(budget)}).`
      )
    }
    return Promise.resolve({ plan, selected: selected.length })
  })

  let result: ChatResult | undefined
  let notice: string | undefined
  const notes: string[] = []
  const { plan } = planned
  if ('needed' in plan) {
    const raise = Math.ceil((plan.needed + 2000) / 1000) * 1000
    notice = `This question needs about ${thousands(plan.needed)} prompt tokens before any of the diff, more than \`ask-budget\` allows (${thousands(budget)}). Ask a shorter question, or raise the budget in the workflow: \`ask-budget: ${raise}\`.`
  } else {
    if (plan.left.length > 0) {
      notes.push(
        `saw the diff of ${plan.shown.length} of ${count(planned.selected, 'file')} (ask-budget ${thousands(budget)})`
      )
    }
    const asked = await core.group(`Asking ${config.model.deployment}`, () =>
      ask(input.model, config.model.deployment, plan.system, plan.user)
    )
    result = asked.result
    notice = asked.notice
    if (result?.finishReason === 'length') notes.push(`answer cut at ${MAX_ANSWER_TOKENS} tokens`)
  }

  const body = renderAnswer({
    asker: input.asker,
    question: input.question,
    ...(input.questionUrl ? { questionUrl: input.questionUrl } : {}),
    inThread: read.thread !== undefined,
    ...(result && result.finishReason !== 'content_filter' ? { answer: result.content } : {}),
    ...(notice ? { notice } : {}),
    notes,
    ...(result
      ? { usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens } }
      : {})
  })
  return { body, ...(result ? { result } : {}) }
}

/** `ask-budget`, within what the deployment's context window leaves after the answer. */
function questionBudget(config: Config): number {
  const window = contextWindowFor(config.model.deployment)
  return Math.min(config.askBudget, Math.floor(window * 0.95) - MAX_ANSWER_TOKENS)
}

/** One request, plain Markdown back. A refusal of this one question becomes a notice. */
async function ask(
  model: Model,
  deployment: string,
  system: string,
  user: string
): Promise<{ result?: ChatResult; notice?: string }> {
  const called = await callModel(model, {
    deployment,
    system,
    user,
    maxOutputTokens: MAX_ANSWER_TOKENS
  })
  if ('refused' in called) {
    const { refused } = called
    // A plain-text question asks for no structured output: this refusal cannot be its own.
    if (refused.kind === 'no-json-schema') throw refused
    core.warning(`The model refused the question: ${refused.message}`)
    return {
      notice:
        refused.kind === 'filtered'
          ? FILTERED
          : `The question and the diff were too long for deployment \`${deployment}\`'s context window; set a smaller \`ask-budget\` in the workflow.`
    }
  }
  const { result, durationMs } = called
  core.info(
    `Answered in ${(durationMs / 1000).toFixed(1)} s: ${thousands(result.promptTokens)} prompt and ${thousands(result.completionTokens)} completion tokens.`
  )
  return result.finishReason === 'content_filter' ? { result, notice: FILTERED } : { result }
}

const FILTERED =
  'Azure OpenAI’s content filter blocked this question or its answer, so there is no answer. Rephrasing the question may help; the filter’s settings are on the deployment in Azure AI Foundry.'

/** The thread's history and the head file around its line. */
async function threadContext(
  input: QuestionInput,
  pr: PullRequest,
  ref: ThreadRef
): Promise<ThreadContext> {
  const { github, repo } = input
  const [thread, lines] = await Promise.all([
    readThread(github, repo, pr.number, ref.topId),
    ref.side === 'RIGHT'
      ? headFiles(github, repo, pr.headSha, 1).lines(ref.path)
      : Promise.resolve(undefined)
  ])
  const history = thread.comments
    // The question itself is passed on its own.
    .filter((c) => c.id !== input.command.commentId)
    .map((c) => ({ author: c.author, body: replaceHtmlComments(c.body).trim() }))
  const line = ref.line ?? hunkRange(ref.diffHunk)?.newStart
  const window =
    lines && line !== undefined ? codeAroundLine(lines, line, { path: ref.path }) : undefined
  return {
    path: ref.path,
    line: ref.line,
    side: ref.side,
    diffHunk: ref.diffHunk,
    history,
    ...(window ? { window } : {})
  }
}

export interface HelpInput {
  readonly config: Config
  readonly repo: RepoRef
  readonly prNumber: number
  readonly command: CommandOrigin
  readonly github: GitHubClient
}

/** `/help`: the commands, who may use them and the settings that matter; no model call. */
export async function answerHelp(input: HelpInput): Promise<AnswerOutcome> {
  const { config } = input
  const model = config.model
  const body = renderHelp({
    minPermission: config.minPermission,
    answerReplies: config.answerReplies,
    settings: [
      `mode \`${config.mode}\`${config.dryRun ? ' (dry run)' : ''}; deployment \`${model.deployment}\`${model.summaryDeployment !== model.deployment ? `, summaries on \`${model.summaryDeployment}\`` : ''}`,
      `token-budget ${thousands(config.tokenBudget)} prompt tokens per review run; ask-budget ${thousands(config.askBudget)} per question`,
      `${config.incremental ? 'incremental reviews after each push' : 'every push reviewed whole'}; drafts ${config.reviewDrafts ? 'reviewed' : 'skipped until ready'}; forks ${config.allowForks ? 'reviewed automatically' : 'reviewed on /review only'}`
    ]
  })
  const posted = await postAnswer(input, body)
  return {
    kind: 'help',
    prNumber: input.prNumber,
    asker: input.command.user,
    body,
    ...(posted ? { posted } : {}),
    dryRun: config.dryRun,
    promptTokens: 0,
    completionTokens: 0,
    requests: 0
  }
}

async function postAnswer(
  input: {
    config: Config
    repo: RepoRef
    prNumber: number
    command: CommandOrigin
    github: GitHubClient
  },
  body: string
): Promise<PostedReply | undefined> {
  const { thread } = input.command
  if (input.config.dryRun) {
    return core.group('Dry run: what would be posted', () => {
      logUntrusted(
        `${thread ? `A reply in the thread of comment ${thread.topId}` : 'A comment'}:`,
        body
      )
      return Promise.resolve(undefined)
    })
  }
  return core.group('Posting', async () => {
    const posted = thread
      ? await replyInThread(input.github, input.repo, input.prNumber, thread.topId, body)
      : await replyInConversation(input.github, input.repo, input.prNumber, body)
    core.info(`Posted the answer: ${posted.url}`)
    return posted
  })
}
