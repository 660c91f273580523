/**
 * The CLI's terminal. The action's code logs through @actions/core, which writes workflow
 * commands (`::group::`, `::warning::`, `::add-mask::`…) to stdout; here they become a progress
 * line on stderr (every line with --verbose, or when stderr is not a terminal), warnings and
 * errors stay visible, masked values never print, and stdout carries only the result: Markdown
 * rendered for a terminal, as it is when piped.
 */
import { Marked } from 'marked'
import { markedTerminal } from 'marked-terminal'
import { replaceHtmlComments } from '../format.js'

export interface TerminalOptions {
  readonly verbose: boolean
}

export interface Terminal {
  /** Prints a result (Markdown) on stdout. */
  result(markdown: string): void
  /** A line for the person at the terminal (stderr), kept clear of the progress line. */
  say(line: string): void
  /** Ends the progress line and gives stdout back. */
  close(): void
}

/** Workflow commands carry `%`, CR and LF escaped in their data. */
const unescape = (data: string): string =>
  data.replace(/%0A/gi, '\n').replace(/%0D/gi, '\r').replace(/%25/g, '%')

const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/
/** The pipeline's preview of what it would post: at a terminal that is the result, shown once. */
const PREVIEW_GROUP = 'Dry run: what would be posted'

export function takeOverStdout(options: TerminalOptions): Terminal {
  const stdout = process.stdout
  const stderr = process.stderr
  const original = stdout.write.bind(stdout)
  const live = stderr.isTTY && !options.verbose
  const masks: string[] = []
  let group = ''
  let status = ''
  let pending = ''

  const redact = (text: string): string =>
    masks.reduce((t, secret) => t.split(secret).join('***'), text)
  const clearStatus = (): void => {
    if (live && status) stderr.write('\r\x1b[2K')
  }
  const drawStatus = (): void => {
    if (!live || !status) return
    const width = Math.max(20, (stderr.columns || 80) - 1)
    const text = status.length > width ? `${status.slice(0, width - 1)}…` : status
    stderr.write(`\r\x1b[2K\x1b[2m${text}\x1b[0m`)
  }
  const say = (line: string): void => {
    clearStatus()
    stderr.write(`${redact(line)}\n`)
    drawStatus()
  }
  const progress = (line: string): void => {
    if (!live) {
      stderr.write(`${redact(line)}\n`)
      return
    }
    status = redact(group ? `${group} · ${line}` : line).replace(/\s+/g, ' ')
    drawStatus()
  }

  // Between `stop-commands` and its token every line is text, as on a runner.
  let stopToken: string | undefined
  const handle = (line: string): void => {
    if (stopToken !== undefined && line === `::${stopToken}::`) {
      stopToken = undefined
      return
    }
    const command = stopToken === undefined ? COMMAND.exec(line) : null
    if (!command) {
      if (line.trim() !== '' && (group !== PREVIEW_GROUP || options.verbose)) progress(line)
      return
    }
    const [, name, data = ''] = command
    switch (name) {
      case 'add-mask':
        if (data) masks.push(unescape(data))
        return
      case 'group':
        group = unescape(data)
        progress(`▸ ${group}`)
        return
      case 'endgroup':
        group = ''
        return
      case 'stop-commands':
        stopToken = data
        return
      case 'debug':
        if (options.verbose) say(`debug: ${unescape(data)}`)
        return
      case 'warning':
      case 'error':
      case 'notice':
        say(`${name}: ${unescape(data)}`)
        return
      default:
        // set-output, save-state and the like mean nothing at a terminal.
        return
    }
  }

  stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) handle(line.replace(/\r$/, ''))
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    done?.()
    return true
  }

  return {
    result(markdown) {
      clearStatus()
      const text = redact(markdown)
      original(stdout.isTTY ? render(text) : `${text.trimEnd()}\n`)
      // The result is the end of the work: no stale progress line under it.
      status = ''
    },
    say,
    close() {
      if (pending) handle(pending)
      clearStatus()
      status = ''
      stdout.write = original
    }
  }
}

/** Markdown for a terminal: headings, emphasis, code and tables drawn with its colours. */
function render(markdown: string): string {
  const marked = new Marked()
  marked.use(
    markedTerminal({ reflowText: true, width: Math.min(process.stdout.columns || 100, 100) })
  )
  return marked.parse(replaceHtmlComments(markdown), { async: false })
}
