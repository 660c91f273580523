/**
 * The bundle run on the world's pull request as the end-to-end suites run it: on an `opened`
 * event unless `options.payload` gives another, in mode `both` unless told, and checked as every
 * such run is: it finished in time, and no token the world issued (nor `secrets`) reached its
 * log, outputs or job summary.
 */
import { expect } from '@jest/globals'
import { PR_NUMBER } from '../emulators/constants.js'
import type { World } from '../emulators/world.js'
import { loadEvent } from './events.js'
import { findLeaks, runAction, type RunOptions, type RunResult } from './run-action.js'

export async function runChecked(
  w: World,
  options: RunOptions = {},
  defaults: { readonly mode?: string; readonly secrets?: readonly string[] } = {}
): Promise<RunResult> {
  const result = await runAction(w, {
    ...options,
    payload:
      options.payload ??
      loadEvent('pull_request', 'opened', { pull: w.github.pullRequest(PR_NUMBER) }),
    inputs: { mode: defaults.mode ?? 'both', ...options.inputs }
  })
  expect(result.timedOut).toBe(false)
  expect(findLeaks(result, [...w.secrets(), ...(defaults.secrets ?? [])])).toEqual([])
  return result
}
