/**
 * Octokit for the GitHub API, with retries on 5xx and respect for primary and secondary rate
 * limits. A create is never retried on a 5xx: GitHub may have stored it before failing, so the
 * caller looks for it first (calling.ts createOnce).
 */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'

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

/**
 * GitHub asks for a second between writes, and the plugin spaces writes 1 s apart and posts
 * that notify people 3 s apart, for clients that make many. A run makes a handful (reactions,
 * the summary, the review), one at a time: spacing them only delays the review by seconds.
 * A secondary rate limit, should one come, is still waited out.
 */
const oneAtATime = (): Bottleneck.Group => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 })

/**
 * Requests in flight at once: the largest pull request's files (30 pages of 100) and the
 * GraphQL query read beside them, in one round trip. The plugin's default is 10; GitHub's
 * secondary rate limit allows 100 concurrent requests.
 */
const MAX_IN_FLIGHT = 32

/**
 * The plugin's group for every request, as it takes its `write` and `notifications` groups
 * (it reads `throttle.global` the same way; its types leave it out).
 */
const inFlight = (): { global: Bottleneck.Group } => ({
  global: new Bottleneck.Group({ maxConcurrent: MAX_IN_FLIGHT })
})

export function createGitHubClient(token: string): GitHubClient {
  const octokit = getOctokit(
    token,
    {
      throttle: {
        onRateLimit: retryAfterWarning('rate limit hit'),
        onSecondaryRateLimit: retryAfterWarning('secondary rate limit'),
        ...inFlight(),
        write: oneAtATime(),
        notifications: oneAtATime()
      }
    },
    retry,
    throttling
  )
  // Registered last, so it runs first: the retry plugin reads `request.retries` on failure.
  // Rate limits are still waited out: a refusal stores nothing.
  octokit.hook.before('request', (options) => {
    if (creates(options)) options.request = { ...options.request, retries: 0 }
  })
  return octokit
}

/**
 * Whether a request creates something, which a retry could create twice: a POST, but for a
 * reaction (GitHub answers the same one again with the existing one) and a GraphQL query.
 */
export function creates(options: { method: string; url: string; query?: unknown }): boolean {
  if (options.method !== 'POST' || options.url.endsWith('/reactions')) return false
  if (options.url !== '/graphql') return true
  return typeof options.query === 'string' && /^\s*mutation\b/.test(options.query)
}
