/**
 * The catalogue's first and last entries: an input problem (the runner's event file included),
 * and an error with no diagnosis.
 */
import type { EntrySpec } from './spec.js'
import { block } from './common.js'

/** Reviews from a laptop, for runs that are not GitHub Actions jobs. */
const CLI = block('npx keyless-pr-review review --pr OWNER/REPO#NUMBER')

export const INPUTS = {
  inputs: {
    section: 'Inputs',
    heading: 'An input is missing or malformed',
    about:
      'The action checks every input before it touches the network and lists every problem at once, each with the input, what it got and the YAML line that fixes it. Common ones: `client-id` or `tenant-id` that are not GUIDs (an object id pasted instead of the client id), an `endpoint` that is a regional endpoint or plain `http`, a `deployment` that is empty. The inputs table in the README says what each input expects.',
    page: { 'library-says': "_@azure/identity's own message_" },
    cases: {
      'client-assertion': {
        when: '@azure/identity found no client id or tenant id',
        title: 'client-id and tenant-id are required for github-oidc',
        cause: '{{library-says}}',
        fix: block('with:', '  client-id: CLIENT_ID', '  tenant-id: TENANT_ID')
      }
    }
  },
  'event-file': {
    section: 'Inputs',
    heading: 'The runner’s event file is missing or not JSON',
    about:
      'The runner writes the webhook event that started the job (the pull request, the comment) to a JSON file and names it in GITHUB_EVENT_PATH. Without it the action cannot tell what it runs for, so it stops before signing in rather than guess.',
    cases: {
      unset: {
        when: 'GITHUB_EVENT_PATH is not set',
        title: 'GITHUB_EVENT_PATH is not set: this is not a GitHub Actions job',
        cause:
          'The runner names the event that started the job in GITHUB_EVENT_PATH; without it the action cannot tell which pull request or comment it runs for.',
        fix: `Run the action as a step of a workflow job; to review from your own machine, use the command line instead:\n${CLI}`
      },
      unreadable: {
        when: 'The file cannot be read',
        title: 'The runner’s event file {{path}} cannot be read ({{reason}})',
        cause:
          'The runner writes this file before the job’s first step: a step that changed GITHUB_EVENT_PATH, deleted the file or ran the action where the file is not mounted (a container) left the action without it.',
        fix: `Remove what changes GITHUB_EVENT_PATH or deletes the file (an \`env:\` entry, a cleanup step), and run the action as a step of the job itself. Outside GitHub Actions, use the command line:\n${CLI}`
      },
      'not-json': {
        when: 'The file does not hold a JSON object',
        title: 'The runner’s event file {{path}} is not a JSON object ({{reason}})',
        cause:
          'The runner writes the event as a JSON object before the job’s first step: a step that overwrote or truncated the file, or a GITHUB_EVENT_PATH that names another file, left the action without it.',
        fix: `Remove the step or \`env:\` entry that writes to or redirects GITHUB_EVENT_PATH; leave the file as the runner wrote it. Outside GitHub Actions, use the command line:\n${CLI}`
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>

export const UNEXPECTED = {
  'unexpected-errors': {
    section: 'Anything else',
    heading: 'Unexpected error',
    about:
      'Something the action has no diagnosis for: it prints the error’s own message, its name, code and status. Report it if it persists.',
    page: { message: "_The error's own message._" },
    cases: {
      doing: {
        when: 'The action knew what it was doing',
        title: 'Unexpected error while trying to {{doing}}',
        cause: '{{message}}',
        fix: '{{see-more}}'
      },
      stage: {
        when: 'The action knew which service it was talking to',
        title: 'Unexpected error at {{stage}}',
        cause: '{{message}}',
        fix: '{{see-more}}'
      },
      plain: {
        when: 'Nothing says where',
        title: 'Unexpected error',
        cause: '{{message}}',
        fix: '{{see-more}}'
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
