/**
 * The sticky summary comment: one per pull request, found again by the marker at its end and
 * edited in place. Only a bot's comment is ever ours; a human quoting the marker is left alone.
 */
import * as core from '@actions/core'
import type { GitHubClient } from './client.js'
import { appendMarker, parseSummaryMarker, summaryMarker, type SummaryState } from './markers.js'
import { permissionError, type RepoRef } from './pull.js'
import { SUMMARY_HTML } from './render.js'
import { sanitizeMarkdown } from './sanitize.js'

interface Author {
  type?: string
}

export interface SummaryComment {
  id: number
  state: SummaryState
  body: string
  url: string
}

/** Our summary comment: written by a bot and ending in our summary marker. */
export async function findSummaryComment(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number
): Promise<SummaryComment | undefined> {
  for await (const page of gh.paginate.iterator(gh.rest.issues.listComments, {
    ...repo,
    issue_number: prNumber,
    per_page: 100
  })) {
    for (const c of page.data) {
      // A human quoting our marker must never have their comment taken over.
      if ((c.user as Author | null)?.type !== 'Bot') continue
      const state = parseSummaryMarker(c.body ?? '')
      if (state) return { id: c.id, state, body: c.body ?? '', url: c.html_url }
    }
  }
  return undefined
}

export interface UpsertedSummary {
  /** The comment's id; undefined when a dry run would create it. */
  id: number | undefined
  /** The comment's html_url; undefined when a dry run would create it. */
  url: string | undefined
  action: 'created' | 'updated' | 'unchanged' | 'dry-run'
  body: string
}

export async function upsertSummary(
  gh: GitHubClient,
  repo: RepoRef,
  prNumber: number,
  markdown: string,
  state: SummaryState,
  dryRun: boolean
): Promise<UpsertedSummary> {
  const body = appendMarker(sanitizeSummary(markdown), summaryMarker(state))
  const existing = await findSummaryComment(gh, repo, prNumber)
  if (dryRun) {
    core.info(`Dry run: would ${existing ? `edit comment ${existing.id}` : 'create'} the summary.`)
    return { id: existing?.id, url: existing?.url, action: 'dry-run', body }
  }
  if (existing?.body === body) {
    core.info(`Summary comment ${existing.id} is already up to date.`)
    return { id: existing.id, url: existing.url, action: 'unchanged', body }
  }
  try {
    if (existing) {
      const { data } = await gh.rest.issues.updateComment({
        ...repo,
        comment_id: existing.id,
        body
      })
      core.info(`Updated the summary comment ${data.id}.`)
      return { id: data.id, url: data.html_url, action: 'updated', body }
    }
    const { data } = await gh.rest.issues.createComment({ ...repo, issue_number: prNumber, body })
    core.info(`Created the summary comment ${data.id}.`)
    return { id: data.id, url: data.html_url, action: 'created', body }
  } catch (error) {
    throw permissionError(error, 'post the summary comment', 'pull-requests: write')
  }
}

/**
 * sanitizeMarkdown over everything except the exact lines of fixed HTML renderSummary writes
 * (`<details>` would otherwise be defused into text). Model text inside renderSummary was
 * sanitized already, so a `<details>` it wrote no longer matches those lines.
 */
function sanitizeSummary(markdown: string): string {
  const out: string[] = []
  let chunk: string[] = []
  const flush = (): void => {
    if (chunk.length > 0) out.push(sanitizeMarkdown(chunk.join('\n')))
    chunk = []
  }
  for (const line of markdown.split('\n')) {
    if (SUMMARY_HTML.some((re) => re.test(line))) {
      flush()
      out.push(line)
    } else chunk.push(line)
  }
  flush()
  return out.join('\n')
}
