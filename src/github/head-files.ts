/**
 * Files at the pull request's head commit (the contents API in raw form, so files over 1 MB come
 * too), read at most `concurrency` at a time and each read once per run: the code around the
 * hunks and the file around a review thread both come from here.
 */
import * as core from '@actions/core'
import pLimit from 'p-limit'
import { errorText, httpStatus } from '../errors.js'
import type { HeadFiles, RepoRef } from '../pull-request.js'
import type { GitHubClient } from './client.js'

/** A NUL in the first kilobytes: a binary file, whose "lines" are of no use to a reader. */
const BINARY_PROBE = 8192

export function headFiles(
  gh: GitHubClient,
  repo: RepoRef,
  sha: string,
  concurrency: number
): HeadFiles {
  const limit = pLimit(concurrency)
  const cache = new Map<string, Promise<readonly string[] | undefined>>()
  let reads = 0
  const read = async (path: string): Promise<readonly string[] | undefined> => {
    reads += 1
    try {
      const { data } = await gh.rest.repos.getContent({
        ...repo,
        path,
        ref: sha,
        mediaType: { format: 'raw' }
      })
      const text = rawText(data)
      if (text === undefined || text.slice(0, BINARY_PROBE).includes('\0')) return undefined
      return text.split(/\r?\n/)
    } catch (error) {
      // Context is a help to the reader, never a reason to fail the run.
      const status = httpStatus(error)
      core.info(
        `Could not read ${path} at ${sha.slice(0, 7)}${status === 404 ? ' (not found)' : ` (${errorText(error)})`}; going on without the code around it.`
      )
      return undefined
    }
  }
  return {
    lines(path) {
      let pending = cache.get(path)
      if (!pending) {
        pending = limit(() => read(path))
        cache.set(path, pending)
      }
      return pending
    },
    get reads() {
      return reads
    }
  }
}

/** Octokit hands a raw body over as text or, for a content type it does not know, as bytes. */
function rawText(data: unknown): string | undefined {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data)
  return undefined
}
