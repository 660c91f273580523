/**
 * Logging text a pull request's author or the model wrote (dry-run previews): between
 * `stop-commands` and its random token the runner reads every line as text, so a line like
 * `::set-output name=…::` in a finding cannot set an output or mask, group or fail the step.
 */
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'

export function logUntrusted(heading: string, text: string): void {
  const token = randomUUID()
  core.info(heading)
  core.info(`::stop-commands::${token}`)
  core.info(text)
  core.info(`::${token}::`)
}
