/** Pull-request files for unit tests, made as github/pull.ts makes them. */
import { readFileSync } from 'node:fs'
import type { PrFile } from '../../src/pull-request.js'
import { changedFile } from '../../src/review/diff.js'

/**
 * A fixture patch: `git diff -U3` output with the `diff --git`/`---`/`+++` headers stripped,
 * which is what the files API returns in `patch` (no trailing newline).
 */
export function fixturePatch(name: string): string {
  return readFileSync(new URL(`../fixtures/patches/${name}.patch`, import.meta.url), 'utf8')
}

/** A changed file; `patch: null` is one GitHub sent no patch for (binary or too large). */
export function prFile(
  path: string,
  patch: string | null,
  overrides: Partial<Omit<PrFile, 'path' | 'hunks' | 'patch'>> = {}
): PrFile {
  return changedFile({ path, status: 'modified', additions: 0, deletions: 0, patch, ...overrides })
}
