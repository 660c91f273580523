/** Octokit for the GitHub API, with retries on 5xx and respect for primary and secondary rate limits. */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

export type GitHubClient = ReturnType<typeof getOctokit>

/** Rate-limited requests are retried this many times before the run gives up. */
const RATE_LIMIT_RETRIES = 2

export function createGitHubClient(token: string): GitHubClient {
  return getOctokit(
    token,
    {
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number
        ) => {
          core.warning(
            `GitHub rate limit hit on ${options.method} ${options.url}; retrying after ${retryAfter} s.`
          )
          return retryCount < RATE_LIMIT_RETRIES
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number
        ) => {
          core.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying after ${retryAfter} s.`
          )
          return retryCount < RATE_LIMIT_RETRIES
        }
      }
    },
    retry,
    throttling
  )
}
