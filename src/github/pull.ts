/**
 * Reading the pull request: its metadata, its files (paginated, up to GitHub's 3,000), what
 * changed since the last reviewed commit, and the repository's reviewer instructions.
 */
import * as core from '@actions/core'
import { ActionError } from '../errors.js'
import type { FileStatus, PrFile } from '../review/diff.js'
import type { GitHubClient } from './client.js'
import { count } from '../plural.js'

export interface RepoRef {
  owner: string
  repo: string
}

export interface PullRequest {
  number: number
  title: string
  body: string
  draft: boolean
  state: string
  merged: boolean
  author: string
  headSha: string
  baseSha: string
  headRef: string
  baseRef: string
  /** `owner/name` of the head repository: differs from baseRepo for a fork. */
  headRepo: string
  baseRepo: string
  htmlUrl: string
  additions: number
  deletions: number
  changedFiles: number
}

/** GitHub lists at most this many files of a pull request, whatever the pagination. */
export const MAX_FILES = 3000
/** The compare API returns at most this many files; a longer list may be incomplete. */
const MAX_COMPARE_FILES = 300

export async function readPullRequest(
  gh: GitHubClient,
  repo: RepoRef,
  number: number
): Promise<PullRequest> {
  let pr
  try {
    pr = (await gh.rest.pulls.get({ ...repo, pull_number: number })).data
  } catch (error) {
    const status = httpStatus(error)
    if (status === 404 || status === 403) {
      throw new ActionError(
        `Pull request #${number} of ${repo.owner}/${repo.repo} could not be read (HTTP ${status}: ${errorText(error)}).`,
        'Check the PR number, and give the job `permissions: pull-requests: read` (and `contents: read`).',
        { cause: error }
      )
    }
    throw error
  }
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    draft: pr.draft ?? false,
    state: pr.state,
    merged: pr.merged,
    author: pr.user.login,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    // A head repository deleted after the PR was opened comes back as null.
    headRepo: (pr.head.repo as typeof pr.head.repo | null)?.full_name ?? '',
    baseRepo: pr.base.repo.full_name,
    htmlUrl: pr.html_url,
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changed_files
  }
}

interface ApiFile {
  filename: string
  status: string
  additions: number
  deletions: number
  changes: number
  patch?: string
  previous_filename?: string
}

function toPrFile(file: ApiFile): PrFile {
  return {
    filename: file.filename,
    status: file.status as FileStatus,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.changes,
    // GitHub leaves `patch` out for binary files and diffs too large to show.
    patch: file.patch ?? null,
    ...(file.previous_filename !== undefined && { previous_filename: file.previous_filename })
  }
}

export async function listFiles(
  gh: GitHubClient,
  repo: RepoRef,
  pr: PullRequest
): Promise<PrFile[]> {
  const files: PrFile[] = []
  for await (const page of gh.paginate.iterator(gh.rest.pulls.listFiles, {
    ...repo,
    pull_number: pr.number,
    per_page: 100
  })) {
    files.push(...page.data.map(toPrFile))
    if (files.length >= MAX_FILES) break
  }
  files.splice(MAX_FILES)
  core.info(`Pull request #${pr.number}: ${count(files.length, 'changed file')} listed.`)
  if (pr.changedFiles > files.length) {
    core.warning(
      `Pull request #${pr.number} changes ${pr.changedFiles} files; GitHub lists only the first ${MAX_FILES}, so the rest are not reviewed.`
    )
  }
  return files
}

/**
 * The files changed between two commits, for an incremental review; undefined (with the
 * reason logged) when that diff cannot stand in for the PR's: the compare failed, the old head
 * is no longer an ancestor (force-push or rebase), a merge commit brought in the base branch's
 * changes, or the list may be truncated. The caller then reviews the whole pull request.
 */
export async function changedSince(
  gh: GitHubClient,
  repo: RepoRef,
  fromSha: string,
  toSha: string
): Promise<PrFile[] | undefined> {
  let data
  try {
    data = (
      await gh.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${fromSha}...${toSha}`,
        per_page: 100
      })
    ).data
  } catch (error) {
    const status = httpStatus(error)
    const why = status === undefined ? errorText(error) : `HTTP ${status}`
    core.info(`Cannot compare ${short(fromSha)}...${short(toSha)} (${why}); reviewing everything.`)
    return undefined
  }
  if (data.status === 'diverged' || data.status === 'behind') {
    core.info(
      `${short(fromSha)} is not an ancestor of ${short(toSha)} (${data.status}: history was rewritten); reviewing everything.`
    )
    return undefined
  }
  if (data.commits.some((c) => c.parents.length > 1)) {
    core.info(
      `A merge commit lies between ${short(fromSha)} and ${short(toSha)}; its diff would include the base branch's changes, so reviewing everything.`
    )
    return undefined
  }
  const files = (data.files ?? []).map(toPrFile)
  if (files.length >= MAX_COMPARE_FILES) {
    core.info(`The compare lists ${files.length} files, maybe not all; reviewing everything.`)
    return undefined
  }
  core.info(`${count(files.length, 'file')} changed since ${short(fromSha)} (${data.status}).`)
  return files
}

/**
 * A text file from the base branch (`baseRef`), e.g. `.github/pr-review.md`. Never read from the
 * head: a pull request must not be able to rewrite its own reviewer's instructions.
 * Undefined when absent; a warning when it exists but cannot be read.
 */
export async function readBaseFile(
  gh: GitHubClient,
  repo: RepoRef,
  path: string,
  baseRef: string
): Promise<string | undefined> {
  let data
  try {
    data = (await gh.rest.repos.getContent({ ...repo, path, ref: baseRef })).data
  } catch (error) {
    if (httpStatus(error) === 404) {
      core.debug(`No ${path} on ${baseRef}.`)
      return undefined
    }
    core.warning(
      `Could not read ${path} from ${baseRef} (${errorText(error)}); continuing without it.`
    )
    return undefined
  }
  // Files over 1 MB come back with encoding "none" and no content.
  if (Array.isArray(data) || data.type !== 'file' || data.encoding !== 'base64') {
    core.warning(`${path} on ${baseRef} is not a readable text file; continuing without it.`)
    return undefined
  }
  core.info(`Read ${path} from ${baseRef}.`)
  return Buffer.from(data.content, 'base64').toString('utf8')
}

const short = (sha: string): string => sha.slice(0, 7)

/** The HTTP status of an octokit RequestError (duck-typed: the class may come in two copies). */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A 403 means the token lacks a permission: say which. Anything else passes through. */
export function permissionError(error: unknown, what: string, permission: string): unknown {
  if (httpStatus(error) !== 403) return error
  return new ActionError(
    `GitHub refused to ${what} (HTTP 403: ${errorText(error)}).`,
    `Give the job \`permissions: ${permission}\`. On a fork's pull_request event the token is read-only; use pull_request_target (the action never runs PR code).`,
    { cause: error }
  )
}
