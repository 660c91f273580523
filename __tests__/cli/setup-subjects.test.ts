/**
 * The subjects setup computes, as pure functions of what GitHub reports: GitHub's documented
 * rules (docs.github.com/actions/reference/security/oidc) and the immutable format's fields as
 * the repository endpoint returns them (use_immutable_subject, sub_claim_prefix).
 */
import { describe, expect, it } from '@jest/globals'
import { credentialName } from '../../src/cli/setup/credentials.js'
import { immutableAvailable } from '../../src/cli/setup/repository.js'
import {
  subjectFormat,
  subjectTemplate,
  triggerSubject,
  type OidcCustomization,
  type RepositoryFacts,
  type SubjectInputs
} from '../../src/cli/setup/subjects.js'
import { TRIGGERS, type Trigger } from '../../src/cli/setup/triggers.js'

const FACTS: RepositoryFacts = {
  owner: 'Octo-Org',
  name: 'octo-repo',
  ownerId: 123456,
  repoId: 456789,
  organization: true,
  defaultBranch: 'main',
  visibility: 'private',
  createdAt: '2025-03-01T10:00:00Z'
}
const DEFAULT: OidcCustomization = { useDefault: true }
const CLASSIC = subjectFormat(FACTS, DEFAULT, false)

function inputs(overrides: Partial<SubjectInputs> = {}): SubjectInputs {
  return {
    facts: FACTS,
    format: CLASSIC,
    template: subjectTemplate(DEFAULT, undefined),
    ...overrides
  }
}

describe('subjectFormat', () => {
  it('trusts sub_claim_prefix, which shows immutability even when use_immutable_subject is false', () => {
    const format = subjectFormat(
      FACTS,
      {
        useDefault: true,
        useImmutableSubject: false,
        subClaimPrefix: 'repo:Octo-Org@123456/octo-repo@456789'
      },
      true
    )
    expect(format).toEqual({
      immutable: true,
      repo: 'Octo-Org@123456/octo-repo@456789',
      reason: 'as GitHub reports it (sub_claim_prefix)'
    })
  })

  it('reads a classic prefix as classic, though the repository is new', () => {
    const format = subjectFormat(
      { ...FACTS, createdAt: '2026-09-01T00:00:00Z' },
      { useDefault: true, subClaimPrefix: 'repo:Octo-Org/octo-repo' },
      true
    )
    expect(format).toMatchObject({ immutable: false, repo: 'Octo-Org/octo-repo' })
  })

  it('builds the immutable form from the ids when only use_immutable_subject: true is reported', () => {
    expect(subjectFormat(FACTS, { useDefault: true, useImmutableSubject: true }, true)).toEqual({
      immutable: true,
      repo: 'Octo-Org@123456/octo-repo@456789',
      reason: 'the repository opted in (use_immutable_subject)'
    })
  })

  it.each([
    ['2026-07-15T00:00:00Z', true, true],
    ['2026-07-14T23:59:59Z', true, false],
    ['2026-09-01T00:00:00Z', false, false]
  ])(
    'without either field, a repository created %s on github.com=%s is immutable: %s',
    (createdAt, dotcom, immutable) => {
      expect(subjectFormat({ ...FACTS, createdAt }, DEFAULT, dotcom).immutable).toBe(immutable)
    }
  )
})

describe('immutableAvailable', () => {
  it.each([
    ['https://api.github.com', true],
    ['https://api.octocorp.ghe.com', true],
    ['https://github.example.com/api/v3', false],
    ['https://localhost:4443', false]
  ])('%s → %s', (url, available) => {
    expect(immutableAvailable(url)).toBe(available)
  })
})

describe('subjectTemplate', () => {
  it.each<[OidcCustomization, string[] | undefined, string[], string]>([
    [
      { useDefault: true, includeClaimKeys: ['repository_id'] },
      ['actor'],
      ['repo', 'context'],
      'default'
    ],
    [
      { useDefault: false, includeClaimKeys: ['repository_id'] },
      ['actor'],
      ['repository_id'],
      'repository'
    ],
    [
      { useDefault: false },
      ['repo', 'job_workflow_ref'],
      ['repo', 'job_workflow_ref'],
      'organization'
    ],
    [{ useDefault: false, includeClaimKeys: [] }, [], ['repo', 'context'], 'default']
  ])('%j with the organization’s %j → %j (%s)', (repo, org, keys, source) => {
    expect(subjectTemplate(repo, org)).toEqual({ keys, source })
  })
})

describe('triggerSubject with the default template', () => {
  it.each<[Trigger, string]>([
    ['pull_request', 'repo:Octo-Org/octo-repo:pull_request'],
    ['pull_request_target', 'repo:Octo-Org/octo-repo:pull_request'],
    ['pull_request_review_comment', 'repo:Octo-Org/octo-repo:pull_request'],
    ['issue_comment', 'repo:Octo-Org/octo-repo:ref:refs/heads/main'],
    ['workflow_dispatch', 'repo:Octo-Org/octo-repo:ref:refs/heads/main']
  ])('%s → %s', (trigger, subject) => {
    expect(triggerSubject(trigger, inputs()).subject).toBe(subject)
  })

  it('puts the environment first for every trigger, a colon in its name as %3A', () => {
    for (const trigger of TRIGGERS) {
      expect(triggerSubject(trigger, inputs({ environment: 'prod:eu' })).subject).toBe(
        'repo:Octo-Org/octo-repo:environment:prod%3Aeu'
      )
    }
  })

  it('keeps the ids in the repo segment of an immutable repository', () => {
    const format = subjectFormat(FACTS, { useDefault: true, useImmutableSubject: true }, true)
    expect(triggerSubject('issue_comment', inputs({ format })).subject).toBe(
      'repo:Octo-Org@123456/octo-repo@456789:ref:refs/heads/main'
    )
  })
})

describe('triggerSubject with a customized template', () => {
  const custom = (...keys: string[]) => inputs({ template: { keys, source: 'repository' } })

  it('joins key:value in the template’s order, with the repository’s spelling', () => {
    expect(
      triggerSubject(
        'workflow_dispatch',
        custom('repository_owner_id', 'repository', 'event_name', 'workflow', 'runner_environment')
      )
    ).toEqual({
      trigger: 'workflow_dispatch',
      file: 'pr-review-manual.yml',
      subject:
        'repository_owner_id:123456:repository:Octo-Org/octo-repo:event_name:workflow_dispatch:workflow:PR review (manual):runner_environment:github-hosted',
      unknownClaims: []
    })
  })

  it('names the workflow file at the default branch in job_workflow_ref for commands', () => {
    expect(
      triggerSubject('issue_comment', custom('repo', 'context', 'job_workflow_ref')).subject
    ).toBe(
      'repo:Octo-Org/octo-repo:ref:refs/heads/main:job_workflow_ref:Octo-Org/octo-repo/.github/workflows/pr-review-commands.yml@refs/heads/main'
    )
  })

  it('cannot know the merge ref of a pull request in advance', () => {
    expect(triggerSubject('pull_request', custom('repo', 'ref'))).toMatchObject({
      subject: undefined,
      unknownClaims: ['ref']
    })
    expect(triggerSubject('pull_request_target', custom('repo', 'ref')).subject).toBe(
      'repo:Octo-Org/octo-repo:ref:refs/heads/main'
    )
  })

  it('lists every claim that differs per run, and environment without --environment', () => {
    expect(
      triggerSubject('issue_comment', custom('actor', 'repo', 'sha', 'environment'))
    ).toMatchObject({
      subject: undefined,
      unknownClaims: ['actor', 'sha', 'environment']
    })
    expect(
      triggerSubject('issue_comment', {
        ...custom('environment', 'repository_owner'),
        environment: 'production:eastus'
      }).subject
    ).toBe('environment:production%3Aeastus:repository_owner:Octo-Org')
  })
})

describe('credentialName', () => {
  it('is the subject’s slug, as the action’s diagnosis suggests it', () => {
    expect(credentialName('repo:octo-org/octo-repo:pull_request')).toBe(
      'github-octo-org-octo-repo-pull_request'
    )
    expect(credentialName('repo:o@1/r@2:ref:refs/heads/main')).toBe(
      'github-o-1-r-2-ref-refs-heads-main'
    )
  })

  it('stays within 120 characters and tells long subjects apart', () => {
    const long = (file: string) =>
      `job_workflow_ref:octo-org/octo-repo/.github/workflows/${'x'.repeat(100)}-${file}@refs/heads/main`
    const [a, b] = [credentialName(long('a.yml')), credentialName(long('b.yml'))]
    expect(a.length).toBeLessThanOrEqual(120)
    expect(a).not.toBe(b)
    expect(credentialName(long('a.yml'))).toBe(a)
  })

  it('takes another name when the natural one is held by a different subject', () => {
    const name = credentialName('repo:o/r:pull_request', new Set(['github-o-r-pull_request']))
    expect(name).toMatch(/^github-o-r-pull_request-[0-9a-f]{8}$/)
  })
})
