/** The action's log at a terminal: progress on stderr, no masked value ever, results on stdout. */
import { jest } from '@jest/globals'
import * as core from '@actions/core'
import { takeOverStdout } from '../../src/cli/terminal.js'

afterEach(() => {
  jest.restoreAllMocks()
})

function capture(): { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    out.push(String(chunk))
    return true
  })
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(String(chunk))
    return true
  })
  return { out, err }
}

describe('takeOverStdout (piped: stderr is not a terminal)', () => {
  it('turns workflow commands into readable lines on stderr and keeps stdout for results', () => {
    const { out, err } = capture()
    const terminal = takeOverStdout({ verbose: false })
    core.setSecret('s3cr3t-token-value')
    core.startGroup('Planning')
    core.info('3 files in 1 request')
    core.warning('Reviewing the 2 files over the budget would cost about 9,000 tokens')
    core.debug('internal detail')
    core.setOutput('prompt-tokens', 12)
    core.info('a line carrying s3cr3t-token-value by mistake')
    core.endGroup()
    terminal.result('## Summary\n\nAll good.\n<!-- keyless-pr-review:summary {} -->\n')
    terminal.close()

    const log = err.join('')
    expect(log).toContain('▸ Planning\n')
    expect(log).toContain('3 files in 1 request\n')
    expect(log).toContain(
      'warning: Reviewing the 2 files over the budget would cost about 9,000 tokens\n'
    )
    expect(log).toContain('a line carrying *** by mistake')
    expect(log).not.toContain('s3cr3t-token-value')
    expect(log).not.toContain('::')
    expect(log).not.toContain('internal detail')
    // Piped, the Markdown is printed as it is.
    expect(out.join('')).toBe('## Summary\n\nAll good.\n<!-- keyless-pr-review:summary {} -->\n')
  })

  it('shows debug lines with --verbose', () => {
    const { err } = capture()
    const terminal = takeOverStdout({ verbose: true })
    core.debug('internal detail')
    terminal.close()
    expect(err.join('')).toContain('debug: internal detail\n')
  })

  it('gives stdout back when it closes', () => {
    const { out } = capture()
    const terminal = takeOverStdout({ verbose: false })
    terminal.close()
    process.stdout.write('plain\n')
    expect(out).toEqual(['plain\n'])
  })
})

describe('takeOverStdout and untrusted text', () => {
  it('reads lines between stop-commands and its token as text, as a runner does', () => {
    const { err } = capture()
    const terminal = takeOverStdout({ verbose: false })
    core.info('::stop-commands::0f1e2d3c')
    core.info('::add-mask::plain-words')
    core.info('::warning::not a warning')
    core.info('::0f1e2d3c::')
    core.info('plain-words after')
    terminal.close()
    const log = err.join('')
    expect(log).toContain('::add-mask::plain-words\n')
    expect(log).toContain('::warning::not a warning\n')
    expect(log).not.toContain('warning: not a warning')
    // The mask in the text was never applied.
    expect(log).toContain('plain-words after\n')
    expect(log).not.toContain('0f1e2d3c')
  })
})
