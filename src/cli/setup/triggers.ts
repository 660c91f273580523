/**
 * The events setup can wire up, and the workflow file each one gets. A trigger decides the
 * subject its jobs present to Entra, so this table is shared by the subjects and the YAML.
 */
import { ConfigError } from '../../errors.js'

export const TRIGGERS = [
  'pull_request',
  'pull_request_target',
  'issue_comment',
  'workflow_dispatch',
  'pull_request_review_comment'
] as const
export type Trigger = (typeof TRIGGERS)[number]

export const DEFAULT_TRIGGERS: readonly Trigger[] = [
  'pull_request',
  'issue_comment',
  'workflow_dispatch',
  'pull_request_review_comment'
]

export interface WorkflowFile {
  /** File name under .github/workflows/. */
  readonly file: string
  /** The workflow's `name:`, which is also its `workflow` claim. */
  readonly name: string
}

export const WORKFLOW_FILES: Readonly<Record<Trigger, WorkflowFile>> = {
  pull_request: { file: 'pr-review.yml', name: 'PR review' },
  // The same review, run in the base repository's context so forks get a token.
  pull_request_target: { file: 'pr-review.yml', name: 'PR review' },
  issue_comment: { file: 'pr-review-commands.yml', name: 'PR review commands' },
  workflow_dispatch: { file: 'pr-review-manual.yml', name: 'PR review (manual)' },
  pull_request_review_comment: { file: 'pr-review-threads.yml', name: 'PR review threads' }
}

/** GitHub's pull request events: without an environment their subject is `…:pull_request`. */
export function isPullRequestEvent(trigger: Trigger): boolean {
  return trigger !== 'issue_comment' && trigger !== 'workflow_dispatch'
}

/**
 * Events whose `ref` is the pull request's merge ref (`refs/pull/N/merge`), a different value
 * for every pull request; pull_request_target runs on the base branch instead.
 */
export function runsOnMergeRef(trigger: Trigger): boolean {
  return trigger === 'pull_request' || trigger === 'pull_request_review_comment'
}

/** `--triggers a,b,c` → the triggers, in the table's order, each once. */
export function parseTriggers(text: string): Trigger[] {
  const given = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
  const unknown = given.filter((t) => !(TRIGGERS as readonly string[]).includes(t))
  if (unknown.length > 0 || given.length === 0) {
    throw new ConfigError(
      `--triggers: ${unknown.length > 0 ? `unknown ${unknown.map((t) => `'${t}'`).join(', ')}` : 'empty'}; allowed: ${TRIGGERS.join(', ')}.`,
      `--triggers ${DEFAULT_TRIGGERS.join(',')}`
    )
  }
  const triggers = TRIGGERS.filter((t) => given.includes(t))
  if (triggers.includes('pull_request') && triggers.includes('pull_request_target')) {
    throw new ConfigError(
      '--triggers: pull_request and pull_request_target would both review every pull request (the same workflow file, twice the model tokens).',
      `--triggers ${triggers.filter((t) => t !== 'pull_request_target').join(',')}   (or pull_request_target instead of pull_request, to review forks automatically)`
    )
  }
  return triggers
}
