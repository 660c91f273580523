/**
 * Reading a pull request: its metadata, its files (up to GitHub's 3,000, 100 a page, the pages
 * fetched together since the pull request says how many files it changes), what changed since
 * an earlier commit, and a file of the base branch.
 */
import * as core from '@actions/core'
import { httpStatus, errorText } from '../errors.js'
import { count, shortSha } from '../format.js'
import type { FileStatus, PrFile, PullRequest, RepoRef } from '../pull-request.js'
import { changedFile } from '../review/diff.js'
import { calling } from './calling.js'
import type { GitHubClient } from './client.js'

/** GitHub lists at most this many files of a pull request, whatever the pagination. */
const MAX_FILES = 3000
/** The compare API returns at most this many files; a longer list may be incomplete. */
const MAX_COMPARE_FILES = 300
/** The most files a page of the files list holds. */
const PER_PAGE = 100

export async function readPullRequest(
  gh: GitHubClient,
  repo: RepoRef,
  number: number
): Promise<PullRequest> {
  const { data: pr } = await calling(`read pull request #${number}`, () =>
    gh.rest.pulls.get({ ...repo, pull_number: number })
  )
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    draft: pr.draft ?? false,
    state: pr.state,
    author: pr.user.login,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    htmlUrl: pr.html_url,
    changedFiles: pr.changed_files
  }
}

interface ApiFile {
  filename: string
  status: string
  additions: number
  deletions: number
  patch?: string
  previous_filename?: string
}

function toPrFile(file: ApiFile): PrFile {
  return changedFile({
    path: file.filename,
    ...(file.previous_filename !== undefined && { previousPath: file.previous_filename }),
    status: file.status as FileStatus,
    additions: file.additions,
    deletions: file.deletions,
    // GitHub leaves `patch` out for binary files and diffs too large to show.
    patch: file.patch ?? null
  })
}

/**
 * Every page of the files list at once, as many as `changedFiles` says (read with the pull
 * request, or from the event), in order: at most 30, which the client lets through together
 * (client.ts), with its retries and rate-limit waits on every page.
 */
export async function listFiles(
  gh: GitHubClient,
  repo: RepoRef,
  pr: Pick<PullRequest, 'number' | 'changedFiles'>
): Promise<PrFile[]> {
  const files = await fetchFiles(gh, repo, pr)
  tellListed(pr, files)
  return files
}

/** listFiles without a word in the log, for reads begun before their phase (snapshot.ts). */
export async function fetchFiles(
  gh: GitHubClient,
  repo: RepoRef,
  pr: Pick<PullRequest, 'number' | 'changedFiles'>
): Promise<PrFile[]> {
  const pages = Math.max(1, Math.ceil(Math.min(pr.changedFiles, MAX_FILES) / PER_PAGE))
  const params = { ...repo, pull_number: pr.number, per_page: PER_PAGE }
  return calling(`list the files of pull request #${pr.number}`, async () => {
    const read = await Promise.all(
      Array.from(
        { length: pages },
        async (_, i) => (await gh.rest.pulls.listFiles({ ...params, page: i + 1 })).data
      )
    )
    return read.flat().slice(0, MAX_FILES).map(toPrFile)
  })
}

/** How many files were listed, and a warning when GitHub lists fewer than changed. */
export function tellListed(
  pr: Pick<PullRequest, 'number' | 'changedFiles'>,
  files: readonly PrFile[]
): void {
  core.info(`Pull request #${pr.number}: ${count(files.length, 'changed file')} listed.`)
  if (pr.changedFiles > files.length) {
    core.warning(
      `Pull request #${pr.number} changes ${pr.changedFiles} files; GitHub lists only the first ${MAX_FILES}, so the rest are not reviewed.`
    )
  }
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
  const range = `${shortSha(fromSha)}...${shortSha(toSha)}`
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
    core.info(`Cannot compare ${range} (${errorText(error)}); reviewing everything.`)
    return undefined
  }
  if (data.status === 'diverged' || data.status === 'behind') {
    core.info(
      `${shortSha(fromSha)} is not an ancestor of ${shortSha(toSha)} (${data.status}: history was rewritten); reviewing everything.`
    )
    return undefined
  }
  if (data.commits.some((c) => c.parents.length > 1)) {
    core.info(
      `A merge commit lies in ${range}; its diff would include the base branch's changes, so reviewing everything.`
    )
    return undefined
  }
  const files = (data.files ?? []).map(toPrFile)
  if (files.length >= MAX_COMPARE_FILES) {
    core.info(`The compare lists ${files.length} files, maybe not all; reviewing everything.`)
    return undefined
  }
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
      core.info(`No ${path} on ${baseRef}.`)
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
