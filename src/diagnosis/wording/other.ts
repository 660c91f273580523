/** The catalogue's first and last entries: an input problem, and an error with no diagnosis. */
import type { EntrySpec } from '../catalogue.js'
import { DEBUG_FIX, block } from './common.js'

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
        fix: DEBUG_FIX
      },
      stage: {
        when: 'The action knew which service it was talking to',
        title: 'Unexpected error at {{stage}}',
        cause: '{{message}}',
        fix: DEBUG_FIX
      },
      plain: {
        when: 'Nothing says where',
        title: 'Unexpected error',
        cause: '{{message}}',
        fix: DEBUG_FIX
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
