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
  /**
   * The line as the patch has it: `+`, `-` or a space, then the code. Kept whole (a slice
   * of it would keep the whole line alive beside the slice, doubling a large diff's memory).
   */
  readonly line: string
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

/** Lines of the file at head shown next to a hunk: its first line number (1-based) and the lines. */
export interface ContextRange {
  readonly start: number
  readonly lines: readonly string[]
}

/** The code around one hunk (review/context.ts finds it): head lines before and after it. */
export interface HunkContext {
  readonly before?: ContextRange
  readonly after?: ContextRange
}

/** A changed file of the pull request (review/diff.ts makes one from what GitHub sends). */
export interface PrFile {
  readonly path: string
  /** The old path of a renamed or copied file. */
  readonly previousPath?: string
  readonly status: FileStatus
  readonly additions: number
  readonly deletions: number
  /** The patch as GitHub sent it; null when it sent none (a binary file, or one too large). */
  readonly patch: string | null
  /**
   * The patch's hunks, parsed on first use and kept: a file the run never shows the model
   * (left out by the budget) is never parsed. Null when there is no patch.
   */
  readonly hunks: readonly Hunk[] | null
  /** The code around each hunk, in the hunks' order, when the run shows it (run/plan.ts). */
  readonly context?: readonly HunkContext[]
}

/** The files at the pull request's head commit, read on demand (github/head-files.ts). */
export interface HeadFiles {
  /** The file's lines at head; undefined when it cannot be read (gone, binary, refused). */
  lines(path: string): Promise<readonly string[] | undefined>
  /** Starts reading these files together, where the source can (one request for them all). */
  prefetch?(paths: readonly string[]): void
  /** Reads made so far (a file is read once; files read together are one read). */
  readonly reads: number
}

export type Task = 'summary' | 'review'

/** A file (or part of one) the model did not see, and why, in words for the summary. */
export interface NotReviewed {
  readonly path: string
  readonly reason: string
}
