/**
 * The answers' schemas: the JSON schema sent as structured output is generated from the zod
 * schema that validates the answer, and it keeps to what Azure OpenAI's strict mode accepts.
 */
import {
  completeElements,
  LIMITS,
  OVERVIEW_SCHEMA,
  parseAnswer,
  schemaFor,
  type Wants
} from '../../src/review/schema.js'

const FINDINGS: Wants = { rows: false, findings: true, overview: false }
const ALL: Wants = { rows: true, findings: true, overview: true }
const FINDINGS_SCHEMA = schemaFor(FINDINGS)
const parseFindings = (content: string, truncated = false) =>
  parseAnswer(content, FINDINGS, truncated)

/** Keywords strict structured outputs refuse (Azure OpenAI docs, "Unsupported type-specific keywords"). */
const UNSUPPORTED = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'patternProperties',
  'unevaluatedProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'unevaluatedItems',
  'contains',
  'minContains',
  'maxContains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'default',
  '$schema'
]

type Node = Record<string, unknown>

/** Every rule of strict mode a node breaks, with its JSON path. */
function strictViolations(node: Node, path = '$', depth = 0): string[] {
  const out: string[] = []
  for (const key of UNSUPPORTED) if (key in node) out.push(`${path}: ${key}`)
  const types = ([] as unknown[]).concat(node['type'] ?? [])
  if (types.includes('object')) {
    if (depth > 5) out.push(`${path}: nested deeper than 5 object levels`)
    const properties = (node['properties'] ?? {}) as Record<string, Node>
    const required = (node['required'] ?? []) as string[]
    if (node['additionalProperties'] !== false)
      out.push(`${path}: additionalProperties is not false`)
    for (const name of Object.keys(properties)) {
      if (!required.includes(name)) out.push(`${path}.${name}: not required`)
      out.push(...strictViolations(properties[name] as Node, `${path}.${name}`, depth + 1))
    }
  }
  if (node['items']) out.push(...strictViolations(node['items'] as Node, `${path}[]`, depth))
  for (const [i, option] of ((node['anyOf'] ?? []) as Node[]).entries()) {
    out.push(...strictViolations(option, `${path}|${i}`, depth))
  }
  if (!types.length && !node['anyOf'] && !node['enum']) out.push(`${path}: no type`)
  return out
}

describe('the structured-output schemas', () => {
  it.each([
    FINDINGS_SCHEMA,
    schemaFor(ALL),
    schemaFor({ rows: true, findings: true, overview: false }),
    schemaFor({ rows: true, findings: false, overview: true }),
    schemaFor({ rows: true, findings: false, overview: false }),
    OVERVIEW_SCHEMA
  ])(
    '$name keeps to strict mode: an object root, every property required, nothing unsupported',
    ({ schema }) => {
      expect(schema['type']).toBe('object')
      expect(strictViolations(schema as Node)).toEqual([])
    }
  )

  it('the rule checker itself catches what strict mode refuses', () => {
    const loose: Node = {
      type: 'object',
      properties: { a: { type: 'integer', minimum: 1 }, b: { type: 'string' } },
      required: ['a']
    }
    expect(strictViolations(loose)).toEqual([
      '$: additionalProperties is not false',
      '$.a: minimum',
      '$.b: not required'
    ])
  })

  it('describes a finding with the fields the prompt asks for, nullable where optional', () => {
    const findings = schemaFor(ALL).schema['properties'] as Record<string, Node>
    const item = (findings['findings'] as Node)['items'] as Node
    expect(item['required']).toEqual([
      'path',
      'line',
      'start_line',
      'side',
      'severity',
      'title',
      'body',
      'suggestion'
    ])
    const properties = item['properties'] as Record<string, Node>
    expect(properties['side']).toMatchObject({ enum: ['RIGHT', 'LEFT'] })
    expect(properties['severity']).toMatchObject({ enum: ['critical', 'major', 'minor', 'nit'] })
    expect(JSON.stringify(properties['start_line'])).toContain('"null"')
    expect(properties['path']?.['description']).toMatch(/heading/)
  })
})

const finding = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  path: 'src/cart.js',
  line: 12,
  start_line: null,
  side: 'RIGHT',
  severity: 'major',
  title: 'Total ignores quantity',
  body: 'Multiply by `quantity`.',
  suggestion: null,
  ...overrides
})

describe('parseFindings', () => {
  it('keeps valid findings and drops invalid ones with a count', () => {
    const content = JSON.stringify({
      findings: [
        finding(),
        finding({ severity: 'blocker' }),
        finding({ line: 'twelve' }),
        finding({ body: '' }),
        finding({ line: 20, start_line: 18, side: 'left', severity: 'MINOR', suggestion: 'x' })
      ]
    })
    const { findings, dropped } = parseFindings(content)
    expect(dropped).toBe(3)
    expect(findings).toEqual([
      {
        path: 'src/cart.js',
        line: 12,
        side: 'RIGHT',
        severity: 'major',
        title: 'Total ignores quantity',
        body: 'Multiply by `quantity`.'
      },
      // LEFT lines take no suggestion.
      {
        path: 'src/cart.js',
        line: 20,
        startLine: 18,
        side: 'LEFT',
        severity: 'minor',
        title: 'Total ignores quantity',
        body: 'Multiply by `quantity`.'
      }
    ])
  })

  it('reads a fenced ```json block and tolerates missing nullable fields', () => {
    const content =
      'Here you go:\n```json\n{"findings":[{"path":"./a.ts","line":3,"severity":"nit","body":"b"}]}\n```'
    expect(parseFindings(content).findings).toEqual([
      { path: 'a.ts', line: 3, side: 'RIGHT', severity: 'nit', body: 'b' }
    ])
  })

  it('caps bodies and titles, and drops a start line that is not before the line', () => {
    const content = JSON.stringify({
      findings: [finding({ body: 'b'.repeat(10_000), title: 't'.repeat(500), start_line: 12 })]
    })
    const [f] = parseFindings(content).findings
    expect(f?.body).toHaveLength(LIMITS.body)
    expect(f?.title).toHaveLength(LIMITS.title)
    expect(f?.startLine).toBeUndefined()
  })

  it('throws on an answer that is not JSON, unless it was cut short', () => {
    expect(() => parseFindings('I found nothing.')).toThrow(/not JSON/)
    expect(() => parseFindings('{"items":[]}')).toThrow(/no "findings" list/)
    const cut = `{"findings":[${JSON.stringify(finding())},${JSON.stringify(finding({ line: 30 }))},{"path":"src/cart.js","line":4`
    expect(parseFindings(cut, true).findings.map((f) => f.line)).toEqual([12, 30])
  })

  it('salvages complete elements even with braces inside strings', () => {
    const cut = '{"findings":[{"a":"} ] {","b":[1]},{"c":"\\"}"},{"d":'
    expect(completeElements(cut, 'findings')).toEqual([{ a: '} ] {', b: [1] }, { c: '"}' }])
  })
})

describe('parseAnswer', () => {
  it('returns the overview, the valid rows and the valid findings of one answer', () => {
    const content = JSON.stringify({
      overview: 'Adds a cart.',
      files: [{ path: 'a.ts', change: 'New\nfile.' }, { path: '', change: 'x' }, { path: 'b.ts' }],
      findings: [finding(), finding({ line: -3 })]
    })
    expect(parseAnswer(content, ALL)).toEqual({
      overview: 'Adds a cart.',
      rows: [{ path: 'a.ts', change: 'New file.' }],
      findings: [expect.objectContaining({ path: 'src/cart.js', line: 12 })],
      dropped: 3
    })
    expect(() => parseAnswer('{"files":[], "findings":[]}', ALL)).toThrow(/no overview/)
    // Prose is said to be prose, not an answer missing its overview.
    expect(() => parseAnswer('Sorry, I cannot review this.', ALL)).toThrow(
      /^the answer is not JSON$/
    )
    expect(() => parseAnswer('{"overview":"x", "findings":[]}', ALL)).toThrow(/no "files" list/)
  })

  it('reads only what it was asked for', () => {
    const content = JSON.stringify({ overview: 'x', files: [{ path: 'a', change: 'b' }] })
    expect(parseAnswer(content, { rows: false, findings: false, overview: true })).toEqual({
      overview: 'x',
      rows: [],
      findings: [],
      dropped: 0
    })
  })
})
