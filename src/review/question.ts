/**
 * A question about a pull request (`/ask` in its conversation, or a reply in a review thread)
 * as one model request within `ask-budget`: the pull request's title and description, the
 * question, the thread and the code around it when there is one, and as much of the diff as
 * fits, the files the question is about first. The answer is plain Markdown, posted after
 * sanitizing. Pure functions of data (tokens counted with tokens.ts).
 */
import type { PrFile } from '../pull-request.js'
import { renderForPrompt } from './diff.js'
import { fence, guidance, prContext, UNTRUSTED_RULE, type PromptInputs } from './prompts.js'
import { countTokens } from './tokens.js'

/** The review thread a question was asked in. */
export interface ThreadContext {
  readonly path: string
  /** The line it sits on (undefined for an outdated thread) and its side. */
  readonly line: number | undefined
  readonly side: 'LEFT' | 'RIGHT'
  /** The hunk GitHub shows above the thread. */
  readonly diffHunk: string
  /** The thread so far, oldest first, the question last. */
  readonly history: readonly { readonly author: string; readonly body: string }[]
  /** Lines of the file at head around the thread's line. */
  readonly window?: { readonly start: number; readonly lines: readonly string[] }
}

export interface QuestionInputs extends PromptInputs {
  readonly asker: string
  readonly question: string
  readonly thread?: ThreadContext
  /** The files a question may see, in the pull request's order (selection already applied). */
  readonly files: readonly PrFile[]
}

export interface QuestionRequest {
  readonly system: string
  readonly user: string
  /** Prompt tokens of both messages, framing included. */
  readonly tokens: number
  /** Paths whose diff the request shows, and those it had no room for. */
  readonly shown: readonly string[]
  readonly left: readonly string[]
}

/** The question does not fit: what its fixed part alone needs. */
export interface TooLarge {
  readonly needed: number
}

/** Longest thread comment, and thread history, the prompt carries. */
const MAX_COMMENT_CHARS = 4000
const MAX_HISTORY_COMMENTS = 20
/** Tokens OpenAI adds around two messages and to prime the reply. */
const FRAMING_TOKENS = 9
// Joining the files' renderings can merge tokens at a seam; 2 per seam keeps sums an upper bound.
const SEAM_TOKENS = 2

function systemForQuestion(inputs: QuestionInputs): string {
  // The path is the PR author's choice: quoted as a JSON string, it cannot leave its quotes.
  const where = inputs.thread
    ? `in a review thread on the file ${JSON.stringify(inputs.thread.path)}`
    : 'in the pull request’s conversation'
  return [
    [
      `You answer a question about a pull request, asked ${where} by ${inputs.asker}, a collaborator allowed to ask.`,
      '',
      '- Answer the question itself, directly and briefly, in Markdown. When a fix helps, show it as a short code block.',
      '- Base the answer on what you are shown: the diff, the thread and the code around it. When they do not tell, say what is missing instead of guessing.',
      '- Lines of the diff start with their number and `+` (added, new file) or `-` (removed, old file); unchanged lines start with a space. Lines of the file around a thread start with their number and `:`.',
      '- Your answer is advice posted as a comment: never approve or block the pull request, never claim to have run, tested or changed anything.',
      `- Write in ${inputs.language}.`
    ].join('\n'),
    UNTRUSTED_RULE.replace(
      'The pull request title, description and diff are',
      'The pull request title, description, diff, the code around it and the comments of the thread are'
    ),
    guidance(inputs)
  ]
    .filter((p) => p !== '')
    .join('\n\n')
}

/** The user message before the diff: the pull request, the thread, the question. */
function fixedPart(inputs: QuestionInputs): string {
  const parts = [prContext(inputs)]
  const thread = inputs.thread
  if (thread) {
    const where = thread.line === undefined ? 'an outdated line' : `line ${thread.line}`
    const side = thread.side === 'LEFT' ? 'the old file' : 'the new file'
    parts.push('', `The question is in a review thread on \`${thread.path}\`, ${where} of ${side}.`)
    if (thread.diffHunk)
      parts.push('The diff hunk the thread sits on:', fence('thread-hunk', thread.diffHunk))
    if (thread.window && thread.window.lines.length > 0) {
      const { start, lines } = thread.window
      const end = start + lines.length - 1
      parts.push(
        `The file at the head commit, lines ${start}-${end}:`,
        fence('head-file', lines.map((l, i) => `${start + i}:${l}`).join('\n'))
      )
    }
    const history = thread.history.slice(-MAX_HISTORY_COMMENTS)
    if (history.length > 0) {
      parts.push(
        'The thread so far, oldest first:',
        fence(
          'thread',
          history.map((c) => `${c.author} wrote:\n${clip(c.body, MAX_COMMENT_CHARS)}`).join('\n\n')
        )
      )
    }
  }
  parts.push('', `The question, from ${inputs.asker}:`, fence('question', inputs.question))
  return parts.join('\n')
}

/**
 * The request for a question within `budget` prompt tokens, or what its fixed part needs when
 * even that does not fit. Files whose rendering does not fit the room left are skipped for
 * smaller ones after them.
 */
export function planQuestion(inputs: QuestionInputs, budget: number): QuestionRequest | TooLarge {
  const system = systemForQuestion(inputs)
  const fixed = fixedPart(inputs)
  const empty = userMessage(fixed, [], [])
  const base = countTokens(system) + countTokens(empty) + FRAMING_TOKENS
  if (base > budget) return { needed: base }

  const room = budget - base
  let used = 0
  const shown: { path: string; text: string }[] = []
  const left: string[] = []
  for (const file of questionOrder(inputs)) {
    const text = renderForPrompt(file)
    const tokens = countTokens(text) + SEAM_TOKENS
    if (used + tokens > room) {
      left.push(file.path)
      continue
    }
    used += tokens
    shown.push({ path: file.path, text })
  }
  const user = userMessage(
    fixed,
    shown.map((s) => s.text),
    left
  )
  return {
    system,
    user,
    tokens: countTokens(system) + countTokens(user) + FRAMING_TOKENS,
    shown: shown.map((s) => s.path),
    left
  }
}

function userMessage(fixed: string, diffs: readonly string[], left: readonly string[]): string {
  const note =
    left.length > 0
      ? `Diff of the pull request (${left.length} more changed ${left.length === 1 ? 'file is' : 'files are'} not shown, for room: ${left.join(', ')}):`
      : 'Diff of the pull request:'
  return [fixed, '', note, fence('diff', diffs.join('\n\n'))].join('\n')
}

/**
 * The thread's file first, then the files the question names (by path or by file name), then
 * the rest in the pull request's order.
 */
export function questionOrder(inputs: QuestionInputs): PrFile[] {
  const question = inputs.question.toLowerCase()
  const rank = (file: PrFile): number => {
    if (file.path === inputs.thread?.path) return 0
    const name = file.path.slice(file.path.lastIndexOf('/') + 1).toLowerCase()
    if (question.includes(file.path.toLowerCase())) return 1
    if (name.length > 2 && question.includes(name)) return 2
    return 3
  }
  return inputs.files
    .filter((f) => f.hunks !== null && f.hunks.length > 0)
    .map((file, index) => ({ file, index, rank: rank(file) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((r) => r.file)
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)} […]` : text
}
