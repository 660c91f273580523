/**
 * One GitHub call; a failure leaves as a StageError naming what was being done ("post the
 * summary comment"), which diagnosis/ turns into the cause and the fix. Apart from client.ts,
 * which loads @actions/github (it reads GITHUB_API_URL once, when first loaded).
 *
 * And a create (a POST) sent at most once: see createOnce.
 */
import * as core from '@actions/core'
import { errorText, httpStatus, StageError } from '../errors.js'

export async function calling<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    // The innermost call knows best what was being done.
    if (error instanceof StageError) throw error
    throw new StageError('github', doing, error)
  }
}

/** Creates tried in all: the first, and one more only when GitHub did not store it. */
const CREATE_ATTEMPTS = 2

/**
 * Sends a create (a comment, a review, a reply) so that it is stored at most once. A 5xx, or a
 * connection lost once the request was sent, may come after GitHub stored it: `find` looks for
 * it (by our identity and its marker or text), and only when it is not there is it sent again.
 * The client never retries a create by itself (client.ts). A 4xx is a refusal: nothing stored.
 */
export async function createOnce<T>(
  what: string,
  create: () => Promise<T>,
  find: () => Promise<T | undefined>
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create()
    } catch (error) {
      if (!ambiguous(error)) throw error
      const stored = await find()
      if (stored !== undefined) {
        core.info(`GitHub answered ${errorText(error)} to ${what}, but had stored it.`)
        return stored
      }
      if (attempt >= CREATE_ATTEMPTS) throw error
      core.warning(
        `GitHub answered ${errorText(error)} to ${what} and did not store it; once more.`
      )
    }
  }
}

/** A failure after which the write may or may not have been stored. */
function ambiguous(error: unknown): boolean {
  // octokit reports a connection lost mid-request as a RequestError with status 500.
  return (httpStatus(error) ?? 0) >= 500
}

/**
 * A GraphQL answer that carried errors (octokit's GraphqlResponseError, thrown for an HTTP 200):
 * the partial data GitHub sent with them, and the errors' types (NOT_FOUND,
 * RESOURCE_LIMITS_EXCEEDED…) or messages, for the log. Undefined for any other failure.
 */
export function graphqlErrors(
  error: unknown
): { readonly data: unknown; readonly reason: string } | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphqlResponseError') return undefined
  const { data, errors } = error as Error & {
    data?: unknown
    errors?: readonly { type?: string; message?: string }[]
  }
  const reason = [...new Set((errors ?? []).map((e) => e.type ?? e.message ?? 'error'))].join(', ')
  return { data, reason }
}
