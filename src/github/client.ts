/** Octokit for the GitHub API, with retries on 5xx and respect for primary and secondary rate limits. */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

export type GitHubClient = ReturnType<typeof getOctokit>

/** Rate-limited requests are retried this many times before the run gives up. */
const RATE_LIMIT_RETRIES = 2

/** A throttling handler: warn, then retry at most RATE_LIMIT_RETRIES times. */
const retryAfterWarning =
  (what: string) =>
  (
    retryAfter: number,
    options: { method: string; url: string },
    _octokit: unknown,
    retryCount: number
  ): boolean => {
    core.warning(
      `GitHub ${what} on ${options.method} ${options.url}; retrying after ${retryAfter} s.`
    )
    return retryCount < RATE_LIMIT_RETRIES
  }

export function createGitHubClient(token: string): GitHubClient {
  return getOctokit(
    token,
    {
      throttle: {
        onRateLimit: retryAfterWarning('rate limit hit'),
        onSecondaryRateLimit: retryAfterWarning('secondary rate limit')
      }
    },
    retry,
    throttling
  )
}
