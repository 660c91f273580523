/**
 * A scripted model for the Azure OpenAI emulator that answers the way a reviewer would: it
 * reads the diff the action really sent (file headers and `R<n>`/`L<n>` citations) and returns
 * findings on lines it saw, summaries of the files it saw. Tests add hostile extras (mentions,
 * commands, forged markers, lines outside the diff) to check what reaches GitHub.
 */
import type { ChatRequest, Responder } from '../emulators/azure-openai.js'

interface SeenFile {
  path: string
  /** RIGHT-side lines shown with a `+` (added). */
  added: number[]
}

/** The files and added lines of the diff in a prompt. */
export function filesInPrompt(user: string): SeenFile[] {
  const files: SeenFile[] = []
  let current: SeenFile | undefined
  for (const line of user.split('\n')) {
    const header = /^## (\S+)/.exec(line)
    if (header?.[1]) {
      current = files.find((f) => f.path === header[1])
      if (!current) {
        current = { path: header[1], added: [] }
        files.push(current)
      }
      continue
    }
    const added = /^\s*R(\d+) \+/.exec(line)
    if (current && added?.[1]) current.added.push(Number(added[1]))
  }
  return files
}

type Task = 'review' | 'summary' | 'overview'

function taskOf(request: ChatRequest): Task {
  const format = request.body.response_format
  const name = format?.type === 'json_schema' ? (format.json_schema?.name ?? '') : ''
  if (name === 'review_findings' || (!name && /findings/i.test(request.system))) return 'review'
  if (name === 'pull_request_overview' || (!name && /part overviews|merge/i.test(request.system))) {
    return 'overview'
  }
  return 'summary'
}

export interface ReviewerOptions {
  /** Extra findings appended to every review answer (hostile or unanchorable ones). */
  extraFindings?: (files: SeenFile[]) => Record<string, unknown>[]
  /** Text appended to every summary overview. */
  overviewSuffix?: string
  /** Findings per file (default 1). */
  findingsPerFile?: number
}

export function reviewer(options: ReviewerOptions = {}): Responder {
  return (request) => {
    const files = filesInPrompt(request.user)
    switch (taskOf(request)) {
      case 'review':
        return {
          findings: [
            ...files.flatMap((file) =>
              file.added.slice(0, options.findingsPerFile ?? 1).map((line) => ({
                path: file.path,
                line,
                start_line: null,
                side: 'RIGHT',
                severity: 'major',
                title: 'Unchecked result',
                body: `The value produced on line ${line} is used without checking for failure.`,
                suggestion: null
              }))
            ),
            ...(options.extraFindings?.(files) ?? [])
          ]
        }
      case 'summary':
        return {
          overview: `This change touches ${files.length} file(s).${options.overviewSuffix ?? ''}`,
          files: files.map((f) => ({ path: f.path, change: `Updates ${f.path}.` }))
        }
      case 'overview':
        return { overview: `Combined overview.${options.overviewSuffix ?? ''}` }
    }
  }
}
