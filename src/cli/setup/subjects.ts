/**
 * The `sub` claim each trigger's job will present, computed from what GitHub reports about the
 * repository: its ids, default branch, subject format (classic `repo:OWNER/REPO`, or immutable
 * `repo:OWNER@ID/REPO@ID`) and subject template (default `repo`, `context`, or customized by
 * the repository or its organization). Pure: repository.ts does the reading.
 *
 * GitHub's rules (docs.github.com/actions/reference/security/oidc): the default subject is
 * `repo:…:environment:NAME` when the job has an environment, `repo:…:pull_request` on pull
 * request events, else `repo:…:ref:REF`; a customized template joins `key:value` for each of
 * its `include_claim_keys`, in order (`repo` and `context` render as in the default subject);
 * `:` inside a value becomes `%3A`; immutable repositories keep the ids in the `repo` segment
 * even under a customized template.
 */
import { isPullRequestEvent, runsOnMergeRef, WORKFLOW_FILES, type Trigger } from './triggers.js'

export interface RepositoryFacts {
  /** Owner and name as GitHub spells them (subjects are case-sensitive). */
  readonly owner: string
  readonly name: string
  readonly ownerId: number
  readonly repoId: number
  readonly organization: boolean
  readonly defaultBranch: string
  readonly visibility: string
  readonly createdAt: string
}

/** `GET /repos/{o}/{r}/actions/oidc/customization/sub`, read. */
export interface OidcCustomization {
  readonly useDefault: boolean
  readonly includeClaimKeys?: readonly string[] | undefined
  /** The opt-in flag; false on repositories that are immutable because of their age. */
  readonly useImmutableSubject?: boolean | undefined
  /** What the `repo` segment actually is, e.g. `repo:octo-org@1/octo-repo@2`. */
  readonly subClaimPrefix?: string | undefined
}

export interface SubjectFormat {
  readonly immutable: boolean
  /** What follows `repo:` in a subject. */
  readonly repo: string
  /** How it was decided, for the report. */
  readonly reason: string
}

/** Repositories created (or renamed, or transferred) after this present immutable subjects. */
const IMMUTABLE_SINCE = '2026-07-15T00:00:00Z'

const PREFIX = /^repo:([^:]+)$/
const IMMUTABLE_REPO = /^[^/@]+@\d+\/[^/@]+@\d+$/

export function subjectFormat(
  facts: RepositoryFacts,
  customization: OidcCustomization,
  /** github.com (and GHE.com): GitHub Enterprise Server has no immutable subjects. */
  immutableAvailable: boolean
): SubjectFormat {
  const classic = `${facts.owner}/${facts.name}`
  const immutable = `${facts.owner}@${facts.ownerId}/${facts.name}@${facts.repoId}`
  const prefix = PREFIX.exec(customization.subClaimPrefix ?? '')?.[1]
  if (prefix) {
    return {
      immutable: IMMUTABLE_REPO.test(prefix),
      repo: prefix,
      reason: 'as GitHub reports it (sub_claim_prefix)'
    }
  }
  if (customization.useImmutableSubject === true) {
    return {
      immutable: true,
      repo: immutable,
      reason: 'the repository opted in (use_immutable_subject)'
    }
  }
  if (immutableAvailable && facts.createdAt >= IMMUTABLE_SINCE) {
    return {
      immutable: true,
      repo: immutable,
      reason: `GitHub reports no prefix; the repository was created on ${facts.createdAt.slice(0, 10)}, after ${IMMUTABLE_SINCE.slice(0, 10)}`
    }
  }
  return {
    immutable: false,
    repo: classic,
    reason: immutableAvailable
      ? `GitHub reports no prefix; the repository was created before ${IMMUTABLE_SINCE.slice(0, 10)} and has not opted in`
      : 'GitHub Enterprise Server has no immutable subjects'
  }
}

const DEFAULT_CLAIM_KEYS: readonly string[] = ['repo', 'context']

export interface SubjectTemplate {
  readonly keys: readonly string[]
  readonly source: 'default' | 'repository' | 'organization'
}

/**
 * A repository uses GitHub's default unless it set `use_default: false`; then its own keys, or
 * without keys of its own the organization's template (an organization's template reaches only
 * the repositories that opted in this way).
 */
export function usesOrganizationTemplate(repo: OidcCustomization): boolean {
  return !repo.useDefault && (repo.includeClaimKeys ?? []).length === 0
}

export function subjectTemplate(
  repo: OidcCustomization,
  organizationKeys: readonly string[] | undefined
): SubjectTemplate {
  if (repo.useDefault) return { keys: DEFAULT_CLAIM_KEYS, source: 'default' }
  if (repo.includeClaimKeys && repo.includeClaimKeys.length > 0) {
    return { keys: repo.includeClaimKeys, source: 'repository' }
  }
  if (organizationKeys && organizationKeys.length > 0) {
    return { keys: organizationKeys, source: 'organization' }
  }
  return { keys: DEFAULT_CLAIM_KEYS, source: 'default' }
}

export function isDefaultTemplate(template: SubjectTemplate): boolean {
  return template.keys.join(',') === DEFAULT_CLAIM_KEYS.join(',')
}

export interface SubjectInputs {
  readonly facts: RepositoryFacts
  readonly format: SubjectFormat
  readonly template: SubjectTemplate
  readonly environment?: string | undefined
}

export interface TriggerSubject {
  readonly trigger: Trigger
  /** The workflow file the trigger's job lives in. */
  readonly file: string
  /** Undefined when a claim of the template has no value known before the run. */
  readonly subject: string | undefined
  readonly unknownClaims: readonly string[]
}

export function triggerSubject(trigger: Trigger, inputs: SubjectInputs): TriggerSubject {
  const { file } = WORKFLOW_FILES[trigger]
  const parts: string[] = []
  const unknownClaims: string[] = []
  for (const key of inputs.template.keys) {
    const value = claimValue(key, trigger, inputs)
    if (value === undefined) unknownClaims.push(key)
    else if (key === 'context') parts.push(value)
    else parts.push(`${key}:${key === 'repo' ? value : escapeColons(value)}`)
  }
  return {
    trigger,
    file,
    subject: unknownClaims.length === 0 ? parts.join(':') : undefined,
    unknownClaims
  }
}

/** GitHub writes a `:` inside a value as `%3A`, so the parts stay separable. */
function escapeColons(value: string): string {
  return value.replaceAll(':', '%3A')
}

/** The claim as the trigger's job will carry it, or undefined when it differs run to run. */
function claimValue(key: string, trigger: Trigger, inputs: SubjectInputs): string | undefined {
  const { facts, format, environment } = inputs
  const repository = `${facts.owner}/${facts.name}`
  const workflow = WORKFLOW_FILES[trigger]
  // Commands and manual runs run on the default branch; a dispatch on another branch differs.
  const ref = runsOnMergeRef(trigger) ? undefined : `refs/heads/${facts.defaultBranch}`
  switch (key) {
    case 'repo':
      return format.repo
    case 'context':
      if (environment) return `environment:${escapeColons(environment)}`
      return isPullRequestEvent(trigger) ? 'pull_request' : `ref:${ref ?? ''}`
    case 'repository':
      return repository
    case 'repository_owner':
      return facts.owner
    case 'repository_id':
      return String(facts.repoId)
    case 'repository_owner_id':
      return String(facts.ownerId)
    case 'repository_visibility':
      return facts.visibility
    case 'environment':
      return environment
    case 'event_name':
      return trigger
    case 'workflow':
      return workflow.name
    case 'ref':
      return ref
    case 'ref_type':
      return ref ? 'branch' : undefined
    case 'workflow_ref':
    case 'job_workflow_ref':
      // A job of the workflow itself (no reusable workflow): both name this file at the ref.
      return ref ? `${repository}/.github/workflows/${workflow.file}@${ref}` : undefined
    case 'runner_environment':
      return 'github-hosted'
    default:
      // actor, sha, run_id, head_ref, base_ref, enterprise, repo_property_*…: per run or unknown here.
      return undefined
  }
}
