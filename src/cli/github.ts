/**
 * GitHub from a laptop: which pull request (`owner/name#123` or its URL), which repository (the
 * git remote), and a token (GITHUB_TOKEN, else the GitHub CLI's login), never printed.
 */
import { execFileSync } from 'node:child_process'
import { ConfigError } from '../errors.js'
import type { RepoRef } from '../pull-request.js'

export interface PullRef extends RepoRef {
  readonly number: number
}

const PR_REF = /^([\w.-]+)\/([\w.-]+)#(\d+)$/
const PR_URL = /^https:\/\/[^/]+\/([\w.-]+)\/([\w.-]+)\/pull\/(\d+)(?:[/?#].*)?$/

export function parsePullRef(text: string): PullRef {
  const match = PR_REF.exec(text.trim()) ?? PR_URL.exec(text.trim())
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new ConfigError(
      `--pr: got "${text}"; expected owner/name#number or the pull request's URL.`,
      '--pr octo-org/octo-repo#123'
    )
  }
  return { owner: match[1], repo: match[2], number: Number(match[3]) }
}

/** owner/name of the `origin` remote of the repository in the working directory, if any. */
export function repoFromGitRemote(cwd = process.cwd()): RepoRef | undefined {
  let url: string
  try {
    url = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim()
  } catch {
    return undefined
  }
  const match = /[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url)
  return match?.[1] && match[2] ? { owner: match[1], repo: match[2] } : undefined
}

/** GITHUB_TOKEN, else `gh auth token`; a clear error when neither gives one. */
export function githubToken(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['GITHUB_TOKEN']?.trim() || env['GH_TOKEN']?.trim()
  if (fromEnv) return fromEnv
  try {
    const token = execFileSync('gh', ['auth', 'token'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim()
    if (token) return token
  } catch {
    // Not installed or not logged in: the error below says what to do.
  }
  throw new ConfigError(
    'No GitHub token: GITHUB_TOKEN is not set and the GitHub CLI gave none.',
    'gh auth login   (or: export GITHUB_TOKEN=<a token that can read the repository>)'
  )
}
