/**
 * Answers, exactly as posted: a reply to `/ask` (or to a reply in a review thread) with the
 * question quoted and linked, the model's answer sanitized, and a footer of our own; and the
 * `/help` reply. Nobody is mentioned: the asker is named, not pinged (replying notifies them).
 */
import { COMMANDS } from '../commands.js'
import { thousands } from '../format.js'
import { appendMarker, answerMarker } from './markers.js'
import { sanitizeInline, sanitizeMarkdown } from './sanitize.js'

/** Room left for the answer under GitHub's 65,536 characters, after our quote and footer. */
const ANSWER_LENGTH = 60_000
const QUOTED_LINES = 3

export interface AnswerInput {
  readonly asker: string
  readonly question: string
  /** The comment that asked (its html_url), linked from the quote. */
  readonly questionUrl?: string
  /** In a review thread the reply sits under the question: no quote. */
  readonly inThread: boolean
  /** The model's answer: untrusted Markdown. Absent when no model answered (see `notice`). */
  readonly answer?: string
  /** Our own words in place of an answer (a question too large, a blocked prompt). */
  readonly notice?: string
  /** What the answer was based on, e.g. the files it could not see. */
  readonly notes: readonly string[]
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number }
}

export function renderAnswer(input: AnswerInput): string {
  const parts: string[] = []
  if (!input.inThread) parts.push(quote(input))
  if (input.answer !== undefined)
    parts.push(sanitizeMarkdown(input.answer, { maxLength: ANSWER_LENGTH }))
  if (input.notice) parts.push(input.notice)
  const footer = [
    'Answered by keyless-pr-review',
    ...input.notes,
    ...(input.usage ? [`${thousands(input.usage.promptTokens)} prompt tokens`] : []),
    'advice, not an approval'
  ]
  parts.push(`<sub>${footer.join(' · ')}</sub>`)
  return appendMarker(parts.join('\n\n'), answerMarker('answer'))
}

/** `> [Question](url) from name:` and the question's first lines, defused. */
function quote(input: AnswerInput): string {
  const lines = input.question.split(/\r?\n/).filter((l) => l.trim() !== '')
  const shown = lines.slice(0, QUOTED_LINES).map((l) => `> ${sanitizeInline(l, 300)}`)
  if (lines.length > QUOTED_LINES) shown.push('> …')
  const url =
    input.questionUrl && /^https:\/\/[^\s()<>]+$/.test(input.questionUrl)
      ? input.questionUrl
      : undefined
  const asked = url ? `[Question](${url})` : 'Question'
  return [`> ${asked} from ${sanitizeInline(input.asker, 100)}:`, ...shown].join('\n')
}

export interface HelpInput {
  readonly minPermission: string
  readonly answerReplies: boolean
  /** `mode`, deployments, budgets: one line each, our own text. */
  readonly settings: readonly string[]
}

const WHERE = {
  conversation: 'the conversation',
  either: 'the conversation, or a review thread on a diff line'
} as const

export function renderHelp(input: HelpInput): string {
  const body = [
    `**keyless-pr-review** answers these commands from collaborators with \`${input.minPermission}\` permission or higher (the \`min-permission\` input), at the start of a comment:`,
    [
      '| Command | Where | What it does |',
      '| --- | --- | --- |',
      ...COMMANDS.map(
        (c) =>
          `| \`/${c.name}\`${c.argument ? ` _${c.argument}_` : ''} | ${WHERE[c.where]} | ${c.does} |`
      )
    ].join('\n'),
    input.answerReplies
      ? 'Replies in a review thread the action started are answered like `/ask` (the `answer-replies` input turns that off).'
      : 'Replies in review threads are answered only when they start with `/ask` (`answer-replies: false`).',
    ['Configuration:', ...input.settings.map((s) => `- ${s}`)].join('\n'),
    'Answers and reviews are advice from a model: they never approve or block a pull request.'
  ].join('\n\n')
  return appendMarker(body, answerMarker('help'))
}
