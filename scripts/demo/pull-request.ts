/**
 * The pull request `npm run demo` reviews: "Retry failed payment captures", four source files
 * made from real `git diff` output, plus what a reviewer must skip (a lock file, an image
 * GitHub sends no patch for). A second push fixes the retry loop, for the incremental run.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { PullFileState, PullState } from '../../__tests__/emulators/github-state.js'

// Compiled to .tmp/demo, so the patches are found from the working directory (the repo root).
const PATCHES = resolve('scripts', 'demo', 'patches')
const patch = (name: string): string => readFileSync(join(PATCHES, `${name}.patch`), 'utf8')

const TITLE = 'Retry failed payment captures'

const DESCRIPTION = [
  'Gateway captures fail a few times a day with 503s. This retries them with exponential',
  'backoff; the number of attempts comes from `PAYMENT_RETRIES`.'
].join('\n')

const lockFile: PullFileState = {
  filename: 'package-lock.json',
  status: 'modified',
  patch:
    '@@ -1,6 +1,6 @@\n {\n   "name": "shop-api",\n-  "version": "2.3.0",\n+  "version": "2.4.0",\n   "lockfileVersion": 3,\n   "requires": true,\n'
}

const diagram: PullFileState = {
  filename: 'docs/retry-flow.png',
  status: 'added',
  patch: undefined
}

/** The files of the first push. */
function firstPush(): PullFileState[] {
  return [
    { filename: 'src/payments/capture.ts', status: 'modified', patch: patch('capture') },
    { filename: 'src/payments/retry.ts', status: 'added', patch: patch('retry') },
    { filename: 'src/config.ts', status: 'modified', patch: patch('config') },
    { filename: 'test/retry.test.ts', status: 'added', patch: patch('retry-test') },
    lockFile,
    diagram
  ]
}

/** The second push: the PR's files now, and what changed since the first push. */
export function secondPush(): { files: PullFileState[]; changes: PullFileState[] } {
  const files = firstPush().map((f) =>
    f.filename === 'src/payments/retry.ts' ? { ...f, patch: patch('retry-fixed') } : f
  )
  const changes: PullFileState[] = [
    { filename: 'src/payments/retry.ts', status: 'modified', patch: patch('retry-fix-push') }
  ]
  return { files, changes }
}

const HEADS = resolve('scripts', 'demo', 'heads')

/** The files at the head of either push, for the code around the hunks and around a thread. */
export function headFiles(): Record<string, string> {
  const newSide = (name: string): string =>
    `${patch(name)
      .split('\n')
      .filter((l) => l.startsWith('+') || l.startsWith(' '))
      .map((l) => l.slice(1))
      .join('\n')}\n`
  return {
    'src/payments/capture.ts': readFileSync(join(HEADS, 'capture.ts.txt'), 'utf8'),
    // These patches show the whole file (the retry helper as the second push leaves it).
    'src/config.ts': newSide('config'),
    'src/payments/retry.ts': newSide('retry-fixed')
  }
}

export function describePull(pull: PullState): void {
  pull.title = TITLE
  pull.body = DESCRIPTION
  pull.headRef = 'payments/retry-captures'
  pull.files = firstPush()
}
