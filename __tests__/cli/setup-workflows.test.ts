/**
 * The workflows setup writes (src/cli/setup/workflows.ts), as text: every one passes actionlint
 * and the workflow schema; every value in them reads back as exactly the string it was, in
 * YAML 1.2 (js-yaml) and YAML 1.1 (the yaml package), and none becomes a live expression.
 */
import { validateWorkflow } from '@action-validator/core'
import { describe, expect, it } from '@jest/globals'
import { load } from 'js-yaml'
import { parse } from 'yaml'
import { ConfigError } from '../../src/errors.js'
import {
  subjectFormat,
  subjectTemplate,
  triggerSubject,
  type RepositoryFacts,
  type SubjectInputs
} from '../../src/cli/setup/subjects.js'
import { TRIGGERS, type Trigger } from '../../src/cli/setup/triggers.js'
import { renderWorkflow, type WorkflowSettings } from '../../src/cli/setup/workflows.js'
import { actionlint } from '../helpers/actionlint.js'

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

function subject(
  trigger: Trigger,
  environment?: string,
  template = subjectTemplate({ useDefault: true }, undefined)
) {
  const inputs: SubjectInputs = {
    facts: FACTS,
    format: subjectFormat(FACTS, { useDefault: true }, false),
    template,
    environment
  }
  return triggerSubject(trigger, inputs)
}

const SETTINGS: WorkflowSettings = {
  values: {
    clientId: '3c9e7a51-1f2b-4c3d-9e8f-0a1b2c3d4e5f',
    tenantId: '8f6b2d1e-2a3b-4c5d-8e9f-1a2b3c4d5e6f',
    endpoint: 'https://octo-openai.openai.azure.com',
    deployment: 'gpt-4o'
  },
  fromVariables: false,
  cloud: 'AzureCloud'
}

interface Parsed {
  jobs: Record<string, { environment?: unknown; steps: { with: Record<string, unknown> }[] }>
}

/** The job's environment and the action's inputs, read by a YAML 1.2 and a YAML 1.1 reader. */
function readBack(content: string): { yaml12: Parsed; yaml11: Parsed } {
  return {
    yaml12: load(content) as Parsed,
    yaml11: parse(content, { version: '1.1' }) as Parsed
  }
}

function onlyJob(parsed: Parsed) {
  const jobs = Object.values(parsed.jobs)
  expect(jobs).toHaveLength(1)
  const [job] = jobs
  if (job === undefined) throw new Error('no job')
  return { environment: job.environment, with: job.steps[0]?.with }
}

describe('every workflow setup writes', () => {
  const cases = TRIGGERS.flatMap((trigger) =>
    [undefined, 'pr-review'].flatMap((environment) =>
      [false, true].map((fromVariables) => ({ trigger, environment, fromVariables }))
    )
  )

  // A workflow depends only on its own trigger, so every set --triggers accepts is made of these.
  it.each(cases)(
    '$trigger, environment $environment, from variables $fromVariables: actionlint and the schema find nothing',
    async ({ trigger, environment, fromVariables }) => {
      const workflow = renderWorkflow(subject(trigger, environment), {
        ...SETTINGS,
        environment,
        fromVariables
      })
      expect(await actionlint(workflow.content, workflow.path)).toEqual([])
      expect(validateWorkflow(workflow.content).errors).toEqual([])
    }
  )

  it('passes actionlint with a subject not known in advance, and in a sovereign cloud', async () => {
    const unknown = subject('pull_request', undefined, {
      keys: ['repo', 'sha'],
      source: 'organization'
    })
    const workflow = renderWorkflow(unknown, { ...SETTINGS, cloud: 'AzureUSGovernment' })
    expect(workflow.content).toContain("# This job's subject carries sha")
    expect(await actionlint(workflow.content, workflow.path)).toEqual([])
  })
})

describe('renderWorkflow', () => {
  it('reviews forks on pull_request_target with allow-forks, and sets a sovereign cloud', () => {
    const workflow = renderWorkflow(subject('pull_request_target'), {
      ...SETTINGS,
      cloud: 'AzureUSGovernment'
    })
    const parsed = load(workflow.content) as Parsed & { on: object }
    expect(workflow.path).toBe('.github/workflows/pr-review.yml')
    expect(Object.keys(parsed.on)).toEqual(['pull_request_target'])
    expect(onlyJob(parsed).with).toEqual({
      'client-id': SETTINGS.values.clientId,
      'tenant-id': SETTINGS.values.tenantId,
      endpoint: SETTINGS.values.endpoint,
      deployment: 'gpt-4o',
      cloud: 'AzureUSGovernment',
      'allow-forks': true
    })
  })

  it('keys the concurrency group on the pull request: the event’s number, or the manual run’s input', () => {
    const group = (trigger: Trigger) =>
      (
        load(renderWorkflow(subject(trigger), SETTINGS).content) as {
          jobs: Record<string, { concurrency: { group: string; 'cancel-in-progress': boolean } }>
        }
      ).jobs
    for (const trigger of TRIGGERS) {
      const [job] = Object.values(group(trigger))
      expect(job?.concurrency).toEqual({
        group:
          trigger === 'workflow_dispatch'
            ? 'pr-review-${{ inputs.pr-number }}'
            : 'pr-review-${{ github.event.pull_request.number || github.event.issue.number }}',
        'cancel-in-progress': false
      })
    }
  })

  it('says in the header when the subject is not known in advance', () => {
    const unknown = subject('pull_request', undefined, {
      keys: ['repo', 'sha'],
      source: 'organization'
    })
    expect(renderWorkflow(unknown, SETTINGS).content.split('\n').slice(0, 3)).toEqual([
      '# Generated by `npx keyless-pr-review setup`.',
      "# This job's subject carries sha, which differs from run to run:",
      '# run it once with `mode: check` and add the printed `sub` as a federated credential.'
    ])
  })
})

describe('values written into a workflow', () => {
  // Plain, each of these is not the string it looks like to some YAML reader: a number, a
  // boolean (YAML 1.1's yes/no/on/off/y), null, infinity, a date, a mapping, a comment, a
  // list, or text with its quotes or its leading space lost. The last ones hold line breaks
  // (YAML 1.1 counts NEL and U+2028 as such), which must not end the subject's comment line.
  const NAMES = [
    '0x10',
    'on',
    'off',
    'yes',
    'no',
    'y',
    '1e3',
    '1_000',
    '012',
    '0o17',
    '.inf',
    '.nan',
    'null',
    '~',
    'true',
    '2024-01-01',
    'a: b',
    '#x',
    '- x',
    "'single'",
    '"double"',
    ' leading space',
    'two\nlines: x',
    'nel\u0085line',
    'ls\u2028x'
  ]

  /** The name as a JavaScript string literal, its invisible characters escaped. */
  const shown = (name: string) =>
    JSON.stringify(name).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )

  it.each(NAMES.map((name) => [shown(name), name]))(
    '%s reads back exactly, as the environment and every input, and passes actionlint',
    async (_shown, name) => {
      const workflow = renderWorkflow(subject('issue_comment', name), {
        ...SETTINGS,
        environment: name,
        values: { clientId: name, tenantId: name, endpoint: name, deployment: name }
      })
      const { yaml12, yaml11 } = readBack(workflow.content)
      for (const parsed of [yaml12, yaml11]) {
        const job = onlyJob(parsed)
        expect(job.environment).toBe(name)
        expect(job.with).toMatchObject({
          'client-id': name,
          'tenant-id': name,
          endpoint: name,
          deployment: name
        })
      }
      // The subject's comment stays a comment: the workflow has exactly its usual keys.
      expect(Object.keys(yaml12)).toEqual(['name', 'on', 'permissions', 'jobs'])
      expect(await actionlint(workflow.content, workflow.path)).toEqual([])
    }
  )

  it.each(['clientId', 'tenantId', 'endpoint', 'deployment'] as const)(
    'refuses a %s holding ${{, which GitHub would evaluate, and names --set-variables as the fix',
    (key) => {
      const render = (fromVariables: boolean) =>
        renderWorkflow(subject('pull_request'), {
          ...SETTINGS,
          fromVariables,
          values: { ...SETTINGS.values, [key]: 'x-${{ github.token }}' }
        })
      const error = thrown(() => render(false))
      expect(error).toBeInstanceOf(ConfigError)
      expect(error).toMatchObject({
        message: expect.stringContaining(
          '"x-${{ github.token }}" holds "${{", which GitHub Actions would evaluate'
        ),
        fix: expect.stringMatching(/^--set-variables /)
      })
      // A repository variable's value is data: with --set-variables the value is not written in.
      expect(render(true).content).not.toContain('x-${{')
    }
  )

  it('refuses an environment holding ${{, with the flag that fixes it', () => {
    const error = thrown(() =>
      renderWorkflow(subject('pull_request'), { ...SETTINGS, environment: '${{ vars.ENV }}' })
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({
      message: expect.stringContaining('setup: --environment "${{ vars.ENV }}" holds "${{"'),
      fix: '--environment pr-review   (a name without "${{")'
    })
  })
})

function thrown(render: () => unknown): unknown {
  try {
    render()
  } catch (error) {
    return error
  }
  throw new Error('expected a refusal, and the workflow was rendered')
}
