/** The runner's facts: the event file read as a JSON object, or why there is none. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEventFile } from '../src/context.js'
import { EventFileError, type EventProblem } from '../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'kpr-context-'))

/** The file at a new path holding `text`; no file when undefined. */
function eventFile(text: string | undefined): string {
  const path = join(dir, `event-${Math.random().toString(36).slice(2)}.json`)
  if (text !== undefined) writeFileSync(path, text)
  return path
}

describe('readEventFile', () => {
  it('reads a JSON object as the payload', () => {
    expect(readEventFile(eventFile('{"action":"opened","number":7}'))).toEqual({
      action: 'opened',
      number: 7
    })
  })

  it.each<[string, () => string, EventProblem, RegExp]>([
    ['no path', () => '', 'unset', /^not set$/],
    ['a missing file', () => eventFile(undefined), 'unreadable', /^ENOENT$/],
    ['a directory', () => dir, 'unreadable', /^EISDIR$/],
    ['an empty file', () => eventFile(''), 'not-json', /^0 bytes that are not JSON$/],
    ['a truncated object', () => eventFile('{"action":"op'), 'not-json', /^13 bytes that are/],
    ['null', () => eventFile('null'), 'not-json', /^JSON null, not an object$/],
    ['an array', () => eventFile('[]'), 'not-json', /^JSON an array, not an object$/],
    ['a number', () => eventFile('7'), 'not-json', /^JSON number, not an object$/]
  ])('refuses %s, saying why', (_what, at, problem, reason) => {
    const path = at()
    expect(() => readEventFile(path)).toThrow(EventFileError)
    try {
      readEventFile(path)
    } catch (error) {
      expect(error).toMatchObject({ problem, path })
      expect((error as EventFileError).reason).toMatch(reason)
    }
  })
})
