/**
 * What a CLI run shows: the summary comment and the review exactly as the action renders them
 * (the text GitHub would receive), hidden markers left out, and where they were posted.
 */
import { replaceHtmlComments } from '../format.js'
import type { PipelineResult } from '../run/pipeline.js'

/** Posted text without our markers (HTML comments), as a reader sees it. */
const shown = (text: string): string =>
  replaceHtmlComments(text)
    .replace(/\n{3,}/g, '\n\n')
    .trim()

export function reviewResult(result: PipelineResult, posted: boolean): string {
  const parts: string[] = []
  const { summary, review } = result.posts
  if (summary) {
    parts.push(shown(summary.body))
    if (posted && summary.url) parts.push(`_Posted: ${summary.url}_`)
  }
  if (review) {
    const { draft } = review
    parts.push(`## Review\n\n${shown(review.bodyOnly ? draft.bodyOnly : draft.body)}`)
    if (!review.bodyOnly) {
      for (const c of draft.comments) {
        const lines = c.start_line ? `lines ${c.start_line}–${c.line}` : `line ${c.line}`
        parts.push(`### ${c.path} ${lines}${c.side === 'LEFT' ? ' (old)' : ''}\n\n${shown(c.body)}`)
      }
    }
    if (posted && review.url) parts.push(`_Posted: ${review.url}_`)
  } else if (result.tasks.includes('review')) {
    parts.push('## Review\n\nNothing to report.')
  }
  if (!posted && (summary || review))
    parts.push('_Nothing was posted (add --post to post on the pull request)._')
  return `${parts.join('\n\n')}\n`
}

export function answerResult(body: string, posted: { url: string } | undefined): string {
  return `${shown(body)}\n\n${posted ? `_Posted: ${posted.url}_` : '_Nothing was posted (add --post to post on the pull request)._'}\n`
}
