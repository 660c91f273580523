/**
 * Files at the pull request's head commit, each read once per run: the code around the hunks and
 * the file around a review thread both come from here.
 *
 * Files asked for together (`prefetch`) come in one GraphQL query, a `HEAD:path` object under an
 * alias each (up to MAX_FILES_PER_QUERY), instead of a request each. What GraphQL does not give
 * comes from the contents API in raw form, `concurrency` at a time: a text GitHub cut at 512,000
 * bytes (`isTruncated`), and every file of a query GitHub refused or cut short (resource limits,
 * a timeout), whose partial answer is kept. A binary file, or one not at head, has no lines.
 */
import * as core from '@actions/core'
import pLimit from 'p-limit'
import { errorText, httpStatus } from '../errors.js'
import { count, shortSha } from '../format.js'
import type { HeadFiles, RepoRef } from '../pull-request.js'
import { graphqlErrors } from './calling.js'
import type { GitHubClient } from './client.js'

/** A NUL in the first kilobytes: a binary file, whose "lines" are of no use to a reader. */
const BINARY_PROBE = 8192
/** Aliases in one query: as many as the code around the hunks reads in a run (plan.ts). */
const MAX_FILES_PER_QUERY = 100

type Lines = readonly string[] | undefined

interface BlobAnswer {
  readonly text: string | null
  readonly isBinary: boolean | null
  readonly isTruncated: boolean
}

export function headFiles(
  gh: GitHubClient,
  repo: RepoRef,
  sha: string,
  concurrency: number
): HeadFiles {
  const limit = pLimit(concurrency)
  const cache = new Map<string, Promise<Lines>>()
  let reads = 0

  /** One file by REST, raw (files over 1 MB too). */
  const readOne = (path: string): Promise<Lines> =>
    limit(async () => {
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
        return toLines(text)
      } catch (error) {
        // Context is a help to the reader, never a reason to fail the run.
        const status = httpStatus(error)
        core.info(
          `Could not read ${path} at ${shortSha(sha)}${status === 404 ? ' (not found)' : ` (${errorText(error)})`}; going on without the code around it.`
        )
        return undefined
      }
    })

  /** Up to MAX_FILES_PER_QUERY files in one GraphQL query; the rest of them by REST. */
  const readTogether = async (paths: readonly string[]): Promise<Map<string, Lines>> => {
    const variables: Record<string, string> = { owner: repo.owner, name: repo.repo }
    paths.forEach((path, i) => (variables[`f${i}`] = `${sha}:${path}`))
    const query = `query HeadFiles($owner: String!, $name: String!, ${paths.map((_, i) => `$f${i}: String!`).join(', ')}) {
  repository(owner: $owner, name: $name) {
${paths.map((_, i) => `    f${i}: object(expression: $f${i}) { ... on Blob { text isBinary isTruncated } }`).join('\n')}
  }
}`
    reads += 1
    const { blobs, refused } = await asked(gh, query, variables)
    if (refused) {
      core.info(
        `GitHub gave ${count(Object.values(blobs).filter(Boolean).length, 'file')} of ${paths.length} at ${shortSha(sha)} in one query (${refused}); reading the others one by one.`
      )
    }
    const out = new Map<string, Lines>()
    await Promise.all(
      paths.map(async (path, i) => {
        const blob = blobs[`f${i}`]
        if (!blob) {
          // Null in a whole answer: not at head (deleted, or a submodule).
          out.set(path, refused ? await readOne(path) : undefined)
        } else if (blob.isTruncated) {
          out.set(path, await readOne(path))
        } else {
          out.set(path, blob.text === null || blob.isBinary ? undefined : toLines(blob.text))
        }
      })
    )
    return out
  }

  return {
    lines(path) {
      let pending = cache.get(path)
      if (!pending) {
        pending = readOne(path)
        cache.set(path, pending)
      }
      return pending
    },
    prefetch(paths) {
      const fresh = [...new Set(paths)].filter((p) => !cache.has(p))
      for (let i = 0; i < fresh.length; i += MAX_FILES_PER_QUERY) {
        const chunk = fresh.slice(i, i + MAX_FILES_PER_QUERY)
        const read = readTogether(chunk)
        for (const path of chunk)
          cache.set(
            path,
            read.then((found) => found.get(path))
          )
      }
    },
    get reads() {
      return reads
    }
  }
}

/**
 * The blobs a query answered, by alias, and why it did not answer them all: GitHub answers
 * resource limits with partial data and an error, a timeout with a 502 or 504.
 */
async function asked(
  gh: GitHubClient,
  query: string,
  variables: Record<string, string>
): Promise<{ blobs: Record<string, BlobAnswer | null>; refused: string | undefined }> {
  try {
    const data = await gh.graphql<{ repository: Record<string, BlobAnswer | null> | null }>(
      query,
      variables
    )
    return { blobs: data.repository ?? {}, refused: undefined }
  } catch (error) {
    const partial = graphqlErrors(error)
    if (partial) {
      const data = partial.data as
        { repository?: Record<string, BlobAnswer | null> | null } | undefined
      return { blobs: data?.repository ?? {}, refused: partial.reason }
    }
    return { blobs: {}, refused: errorText(error) }
  }
}

const toLines = (text: string): string[] => text.split(/\r?\n/)

/** Octokit hands a raw body over as text or, for a content type it does not know, as bytes. */
function rawText(data: unknown): string | undefined {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data)
  return undefined
}
