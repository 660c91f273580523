/** The story of a run for people: the job summary table, and the step outputs for workflows. */
import * as core from '@actions/core'
import type { PipelineResult } from './pipeline.js'
import { count } from './plural.js'

export function setOutputs(result: PipelineResult): void {
  core.setOutput('summary', result.summary?.markdown ?? '')
  core.setOutput('review-id', result.review?.id ?? '')
  core.setOutput('comments', result.review?.comments ?? 0)
  core.setOutput('prompt-tokens', result.promptTokens)
  core.setOutput('completion-tokens', result.completionTokens)
  core.setOutput('skipped', '')
}

export async function writeJobSummary(
  result: PipelineResult,
  elapsedMs: number,
  dryRun: boolean
): Promise<void> {
  const { pr } = result
  const s = core.summary.addHeading(`Keyless PR Review: #${pr.number}`, 2)
  if (dryRun)
    s.addRaw('<p><b>Dry run</b>: nothing was posted; below is what would have been.</p>', true)
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
      part.reason ? `${part.status}: ${escape(part.reason)}` : part.status,
      String(part.promptTokens),
      String(part.completionTokens),
      String(part.requests),
      `${(part.durationMs / 1000).toFixed(1)} s`
    ])
  ])
  s.addList([
    `Files listed: ${result.filesListed}; sent to the model: ${result.filesReviewed.length}; not reviewed: ${result.notReviewed.length}`,
    result.incrementalFrom
      ? `Incremental review since ${result.incrementalFrom.slice(0, 7)}`
      : 'Full review',
    `Tokens: ${result.promptTokens} prompt, ${result.completionTokens} completion, in ${count(result.requests, 'request')}`,
    result.review
      ? `Review: ${count(result.review.findings, 'finding')}, ${result.review.comments} inline, ${result.review.inBody} in the review body, ${result.review.duplicates} already posted`
      : 'Review: not requested',
    `Elapsed: ${(elapsedMs / 1000).toFixed(1)} s`
  ])
  const links: [string, string][] = []
  if (result.summary?.commentUrl) links.push(['Summary comment', result.summary.commentUrl])
  if (result.review?.id) {
    links.push(['Review', `${pr.htmlUrl}#pullrequestreview-${String(result.review.id)}`])
  }
  for (const [text, href] of links) s.addLink(text, href).addBreak()
  if (dryRun && result.summary)
    s.addDetails('Summary that would be posted', `\n\n${result.summary.markdown}\n\n`)
  await s.write()
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
