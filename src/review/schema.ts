/**
 * What the model must answer with, and the validation of what it did answer. The JSON schemas
 * are written by hand in the subset Azure's strict structured outputs accept (every property
 * required, nullable instead of optional, no numeric bounds, `additionalProperties: false`);
 * zod then checks each item on its own, so one malformed finding costs only itself.
 */
import type { ResponseFormatJSONSchema } from 'openai/resources'
import { z } from 'zod'
import type { Side } from './diff.js'

export const SEVERITIES = ['critical', 'major', 'minor', 'nit'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface Finding {
  path: string
  line: number
  startLine?: number
  side?: Side
  severity: Severity
  title?: string
  body: string
  /** Replacement code for lines startLine..line on the RIGHT side; '' deletes them. */
  suggestion?: string
}

export interface FileChange {
  path: string
  change: string
}

export interface SummaryPart {
  overview: string
  files: FileChange[]
}

export const LIMITS = { title: 200, body: 4000, suggestion: 8000, overview: 4000, change: 400 }

const nullable = (type: string, description: string): object => ({
  type: [type, 'null'],
  description
})

const FINDINGS_SCHEMA = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'File path exactly as in its `## ` heading.' },
          line: { type: 'integer', description: 'The cited line (last line of a range).' },
          start_line: nullable('integer', 'First line of a range on the same side, or null.'),
          side: { type: 'string', enum: ['RIGHT', 'LEFT'] },
          severity: { type: 'string', enum: [...SEVERITIES] },
          title: { type: 'string', description: 'One line.' },
          body: { type: 'string', description: 'What is wrong, why it matters, how to fix it.' },
          suggestion: nullable(
            'string',
            'Replacement code for lines start_line..line on RIGHT, or null.'
          )
        },
        required: ['path', 'line', 'start_line', 'side', 'severity', 'title', 'body', 'suggestion'],
        additionalProperties: false
      }
    }
  },
  required: ['findings'],
  additionalProperties: false
}

const SUMMARY_SCHEMA = {
  type: 'object',
  properties: {
    overview: { type: 'string', description: 'What the change does and why, 2-5 sentences.' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          change: { type: 'string', description: 'One line: what changed in this file.' }
        },
        required: ['path', 'change'],
        additionalProperties: false
      }
    }
  },
  required: ['overview', 'files'],
  additionalProperties: false
}

const OVERVIEW_SCHEMA = {
  type: 'object',
  properties: { overview: { type: 'string' } },
  required: ['overview'],
  additionalProperties: false
}

function strict(name: string, schema: Record<string, unknown>): ResponseFormatJSONSchema {
  return { type: 'json_schema', json_schema: { name, strict: true, schema } }
}

export const FINDINGS_FORMAT = strict('review_findings', FINDINGS_SCHEMA)
export const SUMMARY_FORMAT = strict('pull_request_summary', SUMMARY_SCHEMA)
export const OVERVIEW_FORMAT = strict('pull_request_overview', OVERVIEW_SCHEMA)

/** The answer was not the JSON asked for at all (as opposed to single bad items). */
export class InvalidAnswerError extends Error {}

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s)

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .transform((s) => clip(s, max))

/** Missing and null mean the same (the json_object fallback is not held to the schema). */
const optional = <T extends z.ZodType>(schema: T) =>
  z
    .union([schema, z.null(), z.undefined()])
    .transform((v) => v ?? undefined)
    .optional()

const upper = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toUpperCase() : v)
const lower = (v: unknown): unknown => (typeof v === 'string' ? v.trim().toLowerCase() : v)

const FindingItem = z.object({
  path: z
    .string()
    .trim()
    .min(1)
    .transform((p) => p.replace(/^\.?\//, '')),
  line: z.number().int().positive(),
  start_line: optional(z.number().int().positive()),
  side: optional(z.preprocess(upper, z.enum(['RIGHT', 'LEFT']))),
  severity: z.preprocess(lower, z.enum(SEVERITIES)),
  title: optional(z.string().trim()),
  body: text(LIMITS.body),
  suggestion: optional(z.string())
})

function toFinding(item: z.infer<typeof FindingItem>): Finding {
  const side = item.side ?? 'RIGHT'
  const title = item.title?.replace(/\s+/g, ' ')
  // A suggestion replaces new-file lines; cut short it would be wrong code, so whole or not at all.
  // An empty one deletes the lines; "no suggestion" is null.
  const suggestion = item.suggestion?.replace(/\s+$/, '')
  return {
    path: item.path,
    line: item.line,
    ...(item.start_line !== undefined && item.start_line < item.line
      ? { startLine: item.start_line }
      : {}),
    side,
    severity: item.severity,
    ...(title ? { title: clip(title, LIMITS.title) } : {}),
    body: item.body,
    ...(side === 'RIGHT' && suggestion !== undefined && suggestion.length <= LIMITS.suggestion
      ? { suggestion }
      : {})
  }
}

export interface ParsedFindings {
  findings: Finding[]
  /** Items that were not valid findings. */
  dropped: number
}

/**
 * Validates a review answer item by item. `truncated` (the answer hit the output limit)
 * salvages the findings that were complete before the cut. Throws InvalidAnswerError when
 * no findings list can be read at all.
 */
export function parseFindings(content: string, truncated = false): ParsedFindings {
  const items = readItems(content, 'findings', truncated)
  const findings: Finding[] = []
  let dropped = 0
  for (const item of items) {
    const result = FindingItem.safeParse(item)
    if (result.success) findings.push(toFinding(result.data))
    else dropped += 1
  }
  return { findings, dropped }
}

const FileItem = z.object({
  path: z
    .string()
    .trim()
    .min(1)
    .transform((p) => p.replace(/^\.?\//, '')),
  change: text(LIMITS.change).transform((s) => s.replace(/\s+/g, ' '))
})

const Overview = z.object({ overview: text(LIMITS.overview) })

/** Validates a summary answer; file entries that are not valid are dropped. */
export function parseSummary(content: string, truncated = false): SummaryPart {
  const value = readJson(content)
  const overview = Overview.safeParse(value)
  if (!overview.success) {
    if (truncated) throw new InvalidAnswerError('the summary was cut off at the output limit')
    throw new InvalidAnswerError('the answer has no overview')
  }
  const files = readItems(content, 'files', truncated)
    .map((item) => FileItem.safeParse(item))
    .flatMap((r) => (r.success ? [r.data] : []))
  return { overview: overview.data.overview, files }
}

/** Validates a composition answer: `{ overview }`. */
export function parseOverview(content: string): string {
  const result = Overview.safeParse(readJson(content))
  if (!result.success) throw new InvalidAnswerError('the answer has no overview')
  return result.data.overview
}

/** The JSON in an answer: bare, in a ```json fence, or between the outermost braces. */
export function extractJson(content: string): string {
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

function readItems(content: string, key: string, truncated: boolean): unknown[] {
  const value = readJson(content)
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
