/**
 * The story of a run for people and workflows: the step outputs and the step's outcome, and
 * the job summary with the parts the model worked on and, verbatim, the text that was posted
 * (in a dry run, the text that would have been) — the same strings GitHub received, not a
 * second rendering.
 *
 * The failure rule: a review run fails only when no part of it succeeded and one failed. A part
 * that failed beside others that worked is a warning, and its files are listed as not reviewed
 * in the summary comment and reviewed on the next run. What the content filter refused is a
 * warning too, never a failure: the author of a pull request must not be able to turn the
 * review's check red (or off) with text the filter refuses.
 */
import * as core from '@actions/core'
import { count, escapeHtml, shortSha } from '../format.js'
import type { AnswerOutcome } from './conversation.js'
import { reviewing, type PipelineResult } from './pipeline.js'

/** The step outputs, and the step's outcome by the failure rule. */
export function setOutputs(result: PipelineResult): void {
  const { summary, review } = result.posts
  core.setOutput('summary', summary?.body ?? '')
  core.setOutput('review-id', review?.id ?? '')
  core.setOutput('comments', review?.inline ?? 0)
  core.setOutput('prompt-tokens', result.promptTokens)
  core.setOutput('completion-tokens', result.completionTokens)
  core.setOutput('skipped', '')
  const failure = nothingSucceeded(result)
  if (failure) core.setFailed(failure)
}

/** Why the step fails: no part that reviewed files worked, and one failed. */
function nothingSucceeded(result: PipelineResult): string | undefined {
  const { parts, worked } = reviewing(result.parts)
  if (worked || !parts.some((p) => p.part.status === 'failed')) return undefined
  const reasons = [...new Set(parts.map((p) => p.part.reason ?? p.part.status))]
  const files = result.notReviewed.filter((n) => n.kind === 'failed').length
  return `No part of the review succeeded (${reasons.join('; ')}): ${count(files, 'file')} not reviewed; the next run reviews them.`
}

/** An answer's outputs and job summary: its usage, a link, and the reply verbatim. */
export async function reportAnswer(answer: AnswerOutcome, elapsedMs: number): Promise<void> {
  core.setOutput('answer-id', answer.posted?.id ?? '')
  core.setOutput('prompt-tokens', answer.promptTokens)
  core.setOutput('completion-tokens', answer.completionTokens)
  core.setOutput('skipped', '')
  const what = answer.kind === 'help' ? '/help' : 'a question'
  const s = core.summary.addHeading(`Keyless PR Review: #${answer.prNumber}`, 2)
  if (answer.dryRun) s.addRaw(DRY_RUN_BANNER, true)
  s.addList([
    `Answered ${what} from ${escapeHtml(answer.asker)}`,
    `Tokens: ${answer.promptTokens} prompt, ${answer.completionTokens} completion, in ${count(answer.requests, 'request')}`,
    `Elapsed: ${(elapsedMs / 1000).toFixed(1)} s`
  ])
  if (answer.posted) s.addLink('Open the answer', answer.posted.url).addBreak()
  s.addHeading('Answer', 3)
  s.addRaw(`\n\n${answer.body}\n\n`)
  await s.write()
}

const DRY_RUN_BANNER =
  '<p><b>Dry run</b>: nothing was posted; below is exactly what would have been.</p>'

export async function writeJobSummary(result: PipelineResult, elapsedMs: number): Promise<void> {
  const { pr, posts } = result
  const s = core.summary.addHeading(`Keyless PR Review: #${pr.number}`, 2)
  if (result.dryRun) s.addRaw(DRY_RUN_BANNER, true)
  s.addTable([
    [
      { data: 'Task', header: true },
      { data: 'Part', header: true },
      { data: 'Files', header: true },
      { data: 'Status', header: true },
      { data: 'Prompt tokens', header: true },
      { data: 'Completion tokens', header: true },
      { data: 'Requests', header: true },
      { data: 'Time', header: true }
    ],
    ...result.parts.map(({ task, part }) => [
      task,
      part.piece ? `${part.index}.${part.piece}` : String(part.index),
      String(part.files.length),
      part.reason ? `${part.status}: ${escapeHtml(part.reason)}` : part.status,
      String(part.promptTokens),
      String(part.completionTokens),
      String(part.requests),
      `${(part.durationMs / 1000).toFixed(1)} s`
    ])
  ])
  const review = posts.review
  s.addList([
    `Files listed: ${result.filesListed}; sent to the model: ${result.filesReviewed.length}; not reviewed: ${result.notReviewed.length}`,
    result.incrementalFrom
      ? `Incremental review since ${shortSha(result.incrementalFrom)}`
      : 'Full review',
    `Tokens: ${result.promptTokens} prompt, ${result.completionTokens} completion, in ${count(result.requests, 'request')}`,
    review?.byAnotherRun
      ? `Review: a run beside this one posted review ${review.id} on this head; this run posted none`
      : review
        ? `Review: ${count(review.draft.findings, 'finding')}, ${review.inline} inline, ${review.draft.inBody} in the review body, ${review.draft.duplicates} already posted`
        : result.tasks.includes('review')
          ? 'Review: nothing new to post'
          : 'Review: not requested',
    ...(posts.notPosted ? [escapeHtml(posts.notPosted)] : []),
    ...(posts.summary?.action === 'kept'
      ? [
          'Summary comment: left as it is, as a person edited the text the action wrote (the log says how to let it update)'
        ]
      : []),
    `Elapsed: ${(elapsedMs / 1000).toFixed(1)} s`
  ])
  if (posts.summary?.url) s.addLink('Open the summary comment', posts.summary.url).addBreak()
  if (posts.review?.url) s.addLink('Open the review', posts.review.url).addBreak()
  // Below, the text exactly as GitHub received it (or, in a dry run, would have): the same
  // bytes in both kinds of run.
  if (posts.summary) {
    s.addHeading('Summary comment', 3)
    s.addRaw(`\n\n${posts.summary.body}\n\n`)
  }
  if (posts.review && !posts.review.byAnotherRun) {
    const { draft, bodyOnly } = posts.review
    s.addHeading(`Review on ${shortSha(draft.commitId)}`, 3)
    s.addRaw(`\n\n${bodyOnly ? draft.bodyOnly : draft.body}\n\n`)
    for (const c of bodyOnly ? [] : draft.comments) {
      const lines = c.start_line ? `lines ${c.start_line}–${c.line}` : `line ${c.line}`
      s.addHeading(`${escapeHtml(c.path)} ${lines} (${c.side})`, 4)
      s.addRaw(`\n\n${c.body}\n\n`)
    }
  }
  await s.write()
}
