/** A pull request as run/snapshot.ts reads it, for suites that plan without GitHub. */
import type { PrFile } from '../../src/pull-request.js'
import type { Snapshot } from '../../src/run/snapshot.js'
import { BASE_SHA, HEAD_SHA } from '../emulators/constants.js'
import { prFile } from './files.js'

/** An added two-line file, beside the files a suite edits. */
export const addedFile = prFile(
  'src/new.ts',
  '@@ -0,0 +1,2 @@\n+export const a = 1\n+export const b = 2',
  { status: 'added' }
)

export const prompt = { language: 'English', title: 'A change', description: '' }

/** Pull request #7 of o/r with these files, read for the first time (no comment of ours yet). */
export function snapshotOf(files: readonly PrFile[]): Snapshot {
  return {
    repo: { owner: 'o', repo: 'r' },
    pr: {
      number: 7,
      title: 'A change',
      body: '',
      draft: false,
      state: 'open',
      author: 'octocat',
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      headRef: 'feature',
      baseRef: 'main',
      htmlUrl: 'https://github.com/o/r/pull/7',
      changedFiles: files.length
    },
    files,
    summaryComment: undefined,
    postedFindings: new Set(),
    repoGuidance: undefined,
    incremental: undefined
  }
}
