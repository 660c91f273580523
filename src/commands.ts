/**
 * The comment commands (`/review`, `/summarize`, `/ask`, `/help`): their words, where each works,
 * and how a comment is read for one. Everything that names a command reads it here: the trigger,
 * the start-up guess of early.ts, the `/help` reply, and the workflows `setup` writes.
 */

export interface CommandSpec {
  readonly name: 'review' | 'summarize' | 'ask' | 'help'
  /** What may follow the command, for `/help`; empty when nothing does. */
  readonly argument: string
  /** Where it is answered: the pull request's conversation, or a review thread too. */
  readonly where: 'conversation' | 'either'
  readonly does: string
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'review',
    argument: 'guidance',
    where: 'conversation',
    does: 'Reviews the pull request (or what changed since the last review) with inline comments; text after the command guides the reviewer.'
  },
  {
    name: 'summarize',
    argument: 'guidance',
    where: 'conversation',
    does: 'Writes or updates the summary comment.'
  },
  {
    name: 'ask',
    argument: 'question',
    where: 'either',
    does: 'Answers from the pull request, the thread and the code around it.'
  },
  { name: 'help', argument: '', where: 'either', does: 'This message.' }
]

export type CommandName = CommandSpec['name']

/** "/review, /summarize, /ask or /help": the commands answered in `where`, for a sentence. */
export function commandList(where: CommandSpec['where'] | 'anywhere' = 'anywhere'): string {
  const words = COMMANDS.filter((c) => where === 'anywhere' || c.where === where).map(
    (c) => `/${c.name}`
  )
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words.join('')
}

/** A command word at a line's start, indented less than a code block, as a whole word. */
const COMMAND = new RegExp(`^ {0,3}/(${COMMANDS.map((c) => c.name).join('|')})(?=\\s|$)`, 'i')

/**
 * The command on the comment's first non-blank line, as a whole word in any case, and the
 * text after it: the rest of that line and every line after it, trimmed. Lines and blank lines
 * are Markdown's (CommonMark), as GitHub renders the comment: only CR and LF end a line, and only
 * spaces and tabs are blank, so U+2028, U+2029 or a no-break space are text that hides no
 * command. A command quoted (`>`), fenced or indented as code is not on the line's start.
 */
export function parseCommand(body: string): { name: CommandName; text: string } | undefined {
  const lines = body.split(/\r\n?|\n/)
  const first = lines.findIndex((line) => !/^[ \t]*$/.test(line))
  if (first < 0) return undefined
  const line = lines[first] ?? ''
  const match = COMMAND.exec(line)
  if (!match) return undefined
  const name = (match[1] ?? '').toLowerCase() as CommandName
  const text = [line.slice(match[0].length), ...lines.slice(first + 1)].join('\n').trim()
  return { name, text }
}
