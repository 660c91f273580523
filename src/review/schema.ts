/**
 * What the model must answer with, and the validation of what it did answer. Each answer is
 * one zod schema; the JSON schema sent as structured output is generated from it, in the
 * subset Azure's strict mode accepts (every property required, null instead of optional, no
 * numeric or length bounds, `additionalProperties: false`). Items are validated one by one, so
 * one malformed finding costs only itself.
 */
import { z } from 'zod'
import { InvalidAnswerError } from '../errors.js'
import { clip } from '../format.js'
import type { AnswerSchema } from '../model.js'
import type { Side } from '../pull-request.js'

export const SEVERITIES = ['critical', 'major', 'minor', 'nit'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface Finding {
  readonly path: string
  readonly line: number
  readonly startLine?: number
  readonly side?: Side
  readonly severity: Severity
  readonly title?: string
  readonly body: string
  /** Replacement code for lines startLine..line on the RIGHT side; '' deletes them. */
  readonly suggestion?: string
}

export interface FileChange {
  readonly path: string
  readonly change: string
}

export const LIMITS = { title: 200, body: 4000, suggestion: 8000, overview: 4000, change: 400 }

// Leniency for answers in json_object mode, which no schema holds: a missing nullable field
// reads as null, enums ignore case and spaces, paths lose a leading `./`.
const orNull = (v: unknown): unknown => v ?? null
const upper = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toUpperCase() : v)
const lower = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toLowerCase() : v)
const nullable = <T extends z.ZodType>(schema: T) => z.preprocess(orNull, schema.nullable())
const filePath = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().replace(/^\.?\//, '') : v),
  z.string().min(1)
)

const lineNumber = z.number().int().positive()

const FindingItem = z.object({
  path: filePath.describe('File path exactly as in its `## ` heading.'),
  line: lineNumber.describe('The cited line (last line of a range).'),
  start_line: nullable(lineNumber).describe('First line of a range on the same side, or null.'),
  side: z.preprocess((v) => upper(v ?? 'RIGHT'), z.enum(['RIGHT', 'LEFT'])),
  severity: z.preprocess(lower, z.enum(SEVERITIES)),
  title: nullable(z.string()).describe('One line.'),
  body: z.string().trim().min(1).describe('What is wrong, why it matters, how to fix it.'),
  suggestion: nullable(z.string()).describe(
    'Replacement code for lines start_line..line on RIGHT, or null.'
  )
})

const FileItem = z.object({
  path: filePath,
  change: z.string().trim().min(1).describe('One line: what changed in this file.')
})

const overviewText = z
  .string()
  .trim()
  .min(1)
  .describe('What the change does and why, 2-5 sentences.')
const Overview = z.object({ overview: overviewText })

/** What one request asks the model for: walkthrough rows, findings, and (alone) the overview. */
export interface Wants {
  readonly rows: boolean
  readonly findings: boolean
  readonly overview: boolean
}

/**
 * zod's JSON schema without what strict mode refuses: bounds and patterns are checked here,
 * after the answer arrives, not by the model's decoder.
 */
const UNSUPPORTED_IN_STRICT = [
  '$schema',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format'
]

function answerSchema(name: string, schema: z.ZodType): AnswerSchema {
  const json = z.toJSONSchema(schema, {
    io: 'output',
    override: ({ jsonSchema }) => {
      for (const key of UNSUPPORTED_IN_STRICT) Reflect.deleteProperty(jsonSchema, key)
    }
  })
  // The root's `$schema` is added after the overrides ran.
  Reflect.deleteProperty(json, '$schema')
  return { name, schema: json }
}

const schemas = new Map<string, AnswerSchema>()

/** The schema of an answer holding what `wants` asks for, in a fixed property order. */
export function schemaFor(wants: Wants): AnswerSchema {
  const key = `${wants.overview ? 'o' : ''}${wants.rows ? 'r' : ''}${wants.findings ? 'f' : ''}`
  let schema = schemas.get(key)
  if (!schema) {
    schema = answerSchema(
      SCHEMA_NAMES[key] ?? 'pull_request_part',
      z.object({
        ...(wants.overview ? { overview: overviewText } : {}),
        ...(wants.rows ? { files: z.array(FileItem) } : {}),
        ...(wants.findings ? { findings: z.array(FindingItem) } : {})
      })
    )
    schemas.set(key, schema)
  }
  return schema
}

/** Names the model and the logs see: what the request is for. */
const SCHEMA_NAMES: Record<string, string> = {
  orf: 'pull_request_review_and_summary',
  rf: 'pull_request_part_review_and_walkthrough',
  f: 'review_findings',
  or: 'pull_request_summary',
  r: 'pull_request_part_walkthrough',
  o: 'pull_request_overview'
}

export const OVERVIEW_SCHEMA = schemaFor({ rows: false, findings: false, overview: true })

function toFinding(item: z.infer<typeof FindingItem>): Finding {
  const side = item.side
  const title = item.title?.replace(/\s+/g, ' ').trim()
  // A suggestion replaces new-file lines; cut short it would be wrong code, so whole or not at all.
  // An empty one deletes the lines; "no suggestion" is null.
  const suggestion = item.suggestion?.replace(/\s+$/, '')
  return {
    path: item.path,
    line: item.line,
    ...(item.start_line !== null && item.start_line < item.line
      ? { startLine: item.start_line }
      : {}),
    side,
    severity: item.severity,
    ...(title ? { title: clip(title, LIMITS.title) } : {}),
    body: clip(item.body, LIMITS.body),
    ...(side === 'RIGHT' && suggestion !== undefined && suggestion.length <= LIMITS.suggestion
      ? { suggestion }
      : {})
  }
}

export interface Answer {
  readonly overview?: string
  readonly rows: FileChange[]
  readonly findings: Finding[]
  /** Items that were not valid rows or findings. */
  readonly dropped: number
}

/**
 * Validates an answer item by item: what `wants` asked for must be there (the overview, the
 * lists), and items that are not valid are dropped and counted. `truncated` (the answer hit
 * the output limit) salvages the items that were complete before the cut. Throws
 * InvalidAnswerError when the answer cannot be read at all.
 */
export function parseAnswer(content: string, wants: Wants, truncated = false): Answer {
  const value = readJson(content)
  // Said first: an answer that is no JSON at all lacks the overview too, which would hide why.
  if (value === undefined && !truncated) throw new InvalidAnswerError('the answer is not JSON')
  let overview: string | undefined
  if (wants.overview) {
    const parsed = Overview.safeParse(value)
    if (parsed.success) overview = clip(parsed.data.overview, LIMITS.overview)
    else if (!truncated) throw new InvalidAnswerError('the answer has no overview')
  }
  let dropped = 0
  const rows: FileChange[] = []
  if (wants.rows) {
    for (const item of readItems(value, content, 'files', truncated)) {
      const row = FileItem.safeParse(item)
      if (row.success) {
        rows.push({
          path: row.data.path,
          change: clip(row.data.change.replace(/\s+/g, ' '), LIMITS.change)
        })
      } else dropped++
    }
  }
  const findings: Finding[] = []
  if (wants.findings) {
    for (const item of readItems(value, content, 'findings', truncated)) {
      const finding = FindingItem.safeParse(item)
      if (finding.success) findings.push(toFinding(finding.data))
      else dropped++
    }
  }
  return { ...(overview !== undefined ? { overview } : {}), rows, findings, dropped }
}

/** The JSON in an answer: bare, in a ```json fence, or between the outermost braces. */
function extractJson(content: string): string {
  const fenced = /```(?:json)?[ \t]*\r?\n([\s\S]*?)(?:\r?\n)?```/i.exec(content)
  if (fenced?.[1] !== undefined) return fenced[1].trim()
  const start = content.indexOf('{')
  const end = content.lastIndexOf('}')
  return start >= 0 && end > start ? content.slice(start, end + 1) : content.trim()
}

function readJson(content: string): unknown {
  try {
    return JSON.parse(extractJson(content)) as unknown
  } catch {
    return undefined
  }
}

function readItems(value: unknown, content: string, key: string, truncated: boolean): unknown[] {
  if (typeof value === 'object' && value !== null) {
    const items = (value as Record<string, unknown>)[key]
    if (Array.isArray(items)) return items as unknown[]
    throw new InvalidAnswerError(`the answer has no "${key}" list`)
  }
  if (truncated) return completeElements(content, key)
  throw new InvalidAnswerError('the answer is not JSON')
}

/**
 * The elements of the array `"key": [ … ]` that were complete before the text was cut:
 * a scan that tracks strings and nesting, so braces inside strings do not count.
 */
export function completeElements(content: string, key: string): unknown[] {
  const open = new RegExp(`"${key}"\\s*:\\s*\\[`).exec(content)
  if (!open) return []
  const out: unknown[] = []
  let depth = 0
  let inString = false
  let escaped = false
  let start = -1
  for (let i = open.index + open[0].length; i < content.length; i++) {
    const c = content[i]
    if (inString) {
      if (escaped) escaped = false
      else if (c === '\\') escaped = true
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') inString = true
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i
      depth += 1
    } else if (c === '}' || c === ']') {
      if (depth === 0) break // the array itself closed
      depth -= 1
      if (depth === 0) {
        try {
          out.push(JSON.parse(content.slice(start, i + 1)) as unknown)
        } catch {
          // not a complete element after all; skip it
        }
      }
    }
  }
  return out
}
