/**
 * action.yml as the Marketplace reads it: valid against SchemaStore's github-action schema
 * (@action-validator/core, a WebAssembly build of it) and a description of at most 125
 * characters, the Marketplace's limit.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateAction, type ValidationError } from '@action-validator/core'
import { describe, expect, it } from '@jest/globals'
import { load } from 'js-yaml'

const ACTION_YML = readFileSync(
  join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'action.yml'),
  'utf8'
)

/**
 * The one error the schema may report: its snapshot (December 2024) knows node12, node16 and
 * node20 for `runs.using`, not node24, GitHub's current runtime, which this action uses. The
 * whole error is compared, so a JavaScript action that breaks anything else (a `main` missing,
 * say) still fails: its branch of the oneOf then lists more than the enum.
 */
const NODE24_UNKNOWN_TO_THE_SCHEMA: ValidationError = {
  code: 'one_of',
  path: '/runs',
  title: 'OneOf conditions are not met',
  states: [
    { errors: [{ code: 'enum', path: '/runs/using', title: 'Enum conditions are not met' }] },
    {
      errors: [
        {
          code: 'properties',
          detail: "Additional property 'main' is not allowed",
          path: '/runs',
          title: 'Property conditions are not met'
        },
        { code: 'const', path: '/runs/using', title: 'Const condition is not met' },
        { code: 'required', path: '/runs/steps', title: 'This property is required' }
      ]
    },
    {
      errors: [
        {
          code: 'properties',
          detail: "Additional property 'main' is not allowed",
          path: '/runs',
          title: 'Property conditions are not met'
        },
        { code: 'const', path: '/runs/using', title: 'Const condition is not met' },
        { code: 'required', path: '/runs/image', title: 'This property is required' }
      ]
    }
  ]
}

function schemaErrors(text: string): ValidationError[] {
  return validateAction(text).errors
}

describe('action.yml', () => {
  it('runs on node24', () => {
    expect((load(ACTION_YML) as { runs: { using: string } }).runs.using).toBe('node24')
  })

  it("is valid against the github-action schema, but for node24, which the schema's snapshot predates", () => {
    expect(schemaErrors(ACTION_YML)).toEqual([NODE24_UNKNOWN_TO_THE_SCHEMA])
    // The same file on a runtime the snapshot knows: no error at all.
    expect(schemaErrors(ACTION_YML.replace('using: node24', 'using: node20'))).toEqual([])
  })

  it('has a description of at most 125 characters that says keyless, Azure OpenAI, reviews and summaries', () => {
    const { description } = load(ACTION_YML) as { description: string }
    expect(Array.from(description).length).toBeLessThanOrEqual(125) // characters, not UTF-16 units
    expect(description).toMatch(/keyless/i)
    expect(description).toMatch(/Azure OpenAI/)
    expect(description).toMatch(/review/i)
    expect(description).toMatch(/summar/i)
  })
})

describe('the schema check catches a broken action.yml', () => {
  const BROKEN: { what: string; find: string | RegExp; replacement: string }[] = [
    { what: 'without a description', find: /^description:[^]*?(?=^#|^author:)/m, replacement: '' },
    {
      what: 'with a misspelled input key',
      find: "    required: false\n    default: ''\n  tenant-id:",
      replacement: "    requird: false\n    default: ''\n  tenant-id:"
    },
    {
      what: 'with a branding color GitHub does not offer',
      find: 'color: blue',
      replacement: 'color: pink'
    },
    { what: 'without runs.main', find: '  main: dist/index.js\n', replacement: '' },
    { what: 'that is not YAML', find: 'inputs:\n', replacement: 'inputs: [\n' }
  ]

  it.each(BROKEN)('$what', ({ find, replacement }) => {
    const broken = ACTION_YML.replace(find, replacement)
    expect(broken).not.toBe(ACTION_YML)
    const errors = schemaErrors(broken)
    expect(errors).not.toEqual([])
    expect(errors).not.toEqual([NODE24_UNKNOWN_TO_THE_SCHEMA])
  })
})
