/**
 * A scripted model for the Azure OpenAI emulator that answers the way a reviewer would: it
 * reads the diff the action really sent (file headings and numbered lines) and answers what the
 * request's schema asks for: findings on lines it saw, a walkthrough row for each file it saw,
 * an overview. Tests add hostile extras (mentions, commands, forged markers, lines outside the
 * diff) to check what reaches GitHub.
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
    // `12+code` (and `R12 + code`, the rendering of earlier versions, for benchmarks of them).
    const added = /^(?:\s*R)?(\d+)(?: \+|\+)/.exec(line)
    if (current && added?.[1]) current.added.push(Number(added[1]))
  }
  return files
}

/** What the request's schema asks for (the system prompt, when it travels there instead). */
function wanted(request: ChatRequest): { overview: boolean; rows: boolean; findings: boolean } {
  const format = request.body.response_format
  const schema = format?.type === 'json_schema' ? format.json_schema?.schema : undefined
  const properties = Object.keys((schema as { properties?: object } | undefined)?.properties ?? {})

  if (properties.length > 0) {
    return {
      overview: properties.includes('overview'),
      rows: properties.includes('files'),
      findings: properties.includes('findings')
    }
  }
  const text = request.system
  return {
    overview: /"overview"/.test(text),
    rows: /"files"/.test(text),
    findings: /"findings"/.test(text)
  }
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
    const wants = wanted(request)
    return {
      ...(wants.overview
        ? {
            overview:
              files.length > 0
                ? `This change touches ${files.length} file(s).${options.overviewSuffix ?? ''}`
                : `Combined overview.${options.overviewSuffix ?? ''}`
          }
        : {}),
      ...(wants.rows
        ? { files: files.map((f) => ({ path: f.path, change: `Updates ${f.path}.` })) }
        : {}),
      ...(wants.findings
        ? {
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
        : {})
    }
  }
}
