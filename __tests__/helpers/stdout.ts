/** What @actions/core writes to stdout (log lines, ::warning:: and other workflow commands). */
import { jest } from '@jest/globals'

/** Captures stdout until jest.restoreAllMocks(); the lines written, in order. */
export function captureStdout(): string[] {
  const lines: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk))
    return true
  })
  return lines
}
