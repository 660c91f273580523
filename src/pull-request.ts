/**
 * The shapes every stage shares: the repository, the pull request, its changed files with
 * their patches parsed once (review/diff.ts parses, github/pull.ts reads), the two tasks, and
 * what was left out of a review and why.
 */

export interface RepoRef {
  readonly owner: string
  readonly repo: string
}

export interface PullRequest {
  readonly number: number
  readonly title: string
  readonly body: string
  readonly draft: boolean
  readonly state: string
  readonly author: string
  readonly headSha: string
  readonly baseSha: string
  readonly headRef: string
  readonly baseRef: string
  readonly htmlUrl: string
  /** How many files GitHub says the pull request changes (it lists at most 3,000). */
  readonly changedFiles: number
}

export type FileStatus =
  'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'

/** RIGHT: the new file (added and context lines); LEFT: the old file (removed and context lines). */
export type Side = 'RIGHT' | 'LEFT'

export interface DiffLine {
  readonly kind: 'add' | 'del' | 'context'
  /** The line without its `+`/`-`/space prefix. */
  readonly text: string
  readonly oldLine?: number
  readonly newLine?: number
}

export interface Hunk {
  /** The `@@ -a,b +c,d @@ context` line. */
  readonly header: string
  readonly oldStart: number
  readonly oldLines: number
  readonly newStart: number
  readonly newLines: number
  readonly lines: readonly DiffLine[]
}

/** A changed file of the pull request, its patch parsed once when it was read. */
export interface PrFile {
  readonly path: string
  /** The old path of a renamed or copied file. */
  readonly previousPath?: string
  readonly status: FileStatus
  readonly additions: number
  readonly deletions: number
  /** The patch's hunks; null when GitHub sent no patch (a binary file or one too large to show). */
  readonly hunks: readonly Hunk[] | null
}

export type Task = 'summary' | 'review'

/** A file (or part of one) the model did not see, and why, in words for the summary. */
export interface NotReviewed {
  readonly path: string
  readonly reason: string
}
