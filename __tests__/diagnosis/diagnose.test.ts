/**
 * The dispatcher: every error of a run becomes a cause, the facts and the exact fix, with a
 * link to its entry in docs/troubleshooting.md; input errors pass through with theirs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RequestError } from '@octokit/request-error'
import { readEventFile } from '../../src/context.js'
import { EventFileError } from '../../src/errors.js'
import { diagnose, explain, type RunFacts } from '../../src/diagnosis/diagnose.js'
import { AuthError, ConfigError, StageError } from '../../src/errors.js'
import {
  ACCESS_TOKEN,
  contextFor,
  entraError,
  explain as diagnosed,
  githubError,
  ID_TOKEN,
  SUBJECT
} from '../helpers/diagnosis.js'

const DOCS = 'https://github.com/o/keyless-pr-review/blob/v1/docs/troubleshooting.md'
const facts = (): RunFacts => {
  const { azure, model, trace, eventName, repository, isFork, actor, now } = contextFor('github')
  return { azure, model, trace, eventName, repository, isFork, actor, now }
}

describe('diagnose', () => {
  it('names the stage of an unknown error and offers only debug logging', () => {
    const { d } = diagnosed(new RangeError('something odd'), contextFor('openai'))
    expect(d.title).toBe('Unexpected error at openai')
    expect(d.cause).toBe('something odd')
    expect(d.fix).toContain('ACTIONS_STEP_DEBUG=true')
    expect(d.entry).toBe('unexpected-errors')
  })

  it('redacts tokens and caps the length of untrusted error text', () => {
    const noisy = new Error(
      `failed with Authorization: Bearer ${ACCESS_TOKEN} and ${ID_TOKEN} ${'x'.repeat(2000)}`
    )
    const { d } = diagnosed(noisy, contextFor('github'))
    expect(d.cause).toContain('[redacted]')
    expect(d.cause.length).toBeLessThanOrEqual(500)
  })
})

describe('explain', () => {
  it('diagnoses a failure at the stage it was marked with, and says what the run was doing', () => {
    const refused = githubError(
      401,
      'Bad credentials',
      'https://api.github.com/repos/o/r/issues/7/comments'
    )
    const error = explain(
      new StageError('github', 'post the summary comment', refused),
      facts(),
      DOCS
    )
    expect(error).toBeInstanceOf(AuthError)
    expect(error.message.split('\n')[0]).toBe(
      'Could not post the summary comment: GitHub rejected the github-token (401 Bad credentials)'
    )
    expect(error.describe()).toMatch(/\nFix: .*github-token[\s\S]*\nMore: \S+#github-401$/)
    expect(error.describe()).toContain(`More: ${DOCS}#github-401`)
  })

  it('diagnoses an unmarked error by its kind: octokit’s is GitHub’s', () => {
    const error = explain(
      new RequestError('Not Found', 404, {
        request: { method: 'GET', url: 'https://api.github.com/repos/o/r/pulls/9', headers: {} },
        response: { status: 404, url: '', headers: {}, data: { message: 'Not Found' } }
      }),
      facts(),
      DOCS
    )
    expect(error.message).toMatch(/^GitHub answered 404 Not Found/)
    expect(error.fix).toContain('pr-number')
  })

  it('carries the fix and the original cause, and the token’s actual subject', () => {
    const original = entraError(700213, 'No matching federated identity record found.')
    const error = explain(new StageError('entra', 'get an access token', original), facts(), DOCS)
    expect(error.cause).toBeInstanceOf(StageError)
    expect(error.message).toContain(`token subject (sub): ${SUBJECT}`)
    expect(error.fix).toContain('az ad app federated-credential create')
    expect(error.fix).toContain(`${DOCS}#aadsts700213`)
    expect(diagnose(original, contextFor('entra')).entry).toBe('aadsts700213')
  })

  it('passes an input error through, with the link to the inputs entry', () => {
    const error = explain(
      new ConfigError('deployment: is empty', 'with:\n  deployment: NAME'),
      undefined,
      DOCS
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.describe()).toBe(
      `deployment: is empty\nFix: with:\n  deployment: NAME\nMore: ${DOCS}#inputs`
    )
  })

  describe('the runner’s event file, read before anything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpr-event-'))
    /** What the run prints for the event file at `path` holding `text` (none when undefined). */
    const printed = (text: string | undefined, path = join(dir, 'event.json')): string => {
      if (text !== undefined) writeFileSync(path, text)
      try {
        readEventFile(path)
      } catch (error) {
        expect(error).toBeInstanceOf(EventFileError)
        return explain(error, undefined, DOCS).describe()
      }
      throw new Error('the event file was read')
    }

    it('says a job without GITHUB_EVENT_PATH is no Actions job, and points to the CLI', () => {
      expect(printed(undefined, '')).toBe(
        [
          'GITHUB_EVENT_PATH is not set: this is not a GitHub Actions job',
          'The runner names the event that started the job in GITHUB_EVENT_PATH; without it the action cannot tell which pull request or comment it runs for.',
          'Fix: Run the action as a step of a workflow job; to review from your own machine, use the command line instead:',
          '  npx keyless-pr-review review --pr OWNER/REPO#NUMBER',
          `More: ${DOCS}#event-file`
        ].join('\n')
      )
    })

    it('names a missing file and its error code', () => {
      const missing = join(dir, 'gone.json')
      expect(printed(undefined, missing).split('\n')[0]).toBe(
        `The runner’s event file ${missing} cannot be read (ENOENT)`
      )
    })

    it.each([
      ['', '0 bytes that are not JSON'],
      ['{"comment": {"body": "/review now', '33 bytes that are not JSON'],
      ['null', 'JSON null, not an object'],
      ['[1]', 'JSON an array, not an object'],
      ['"text"', 'JSON string, not an object']
    ])('names what the file holds instead of an object, never its text: %j', (text, found) => {
      const message = printed(text)
      expect(message.split('\n')[0]).toBe(
        `The runner’s event file ${join(dir, 'event.json')} is not a JSON object (${found})`
      )
      expect(message).toContain(`More: ${DOCS}#event-file`)
      expect(message).not.toContain('/review now')
    })
  })

  it('explains an error before the inputs were read as unexpected, with debug advice', () => {
    const error = explain(new TypeError('boom'), undefined, DOCS)
    expect(error.describe()).toMatch(/^Unexpected error: boom\nFix: .*ACTIONS_STEP_DEBUG/)
  })
})
