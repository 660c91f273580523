/** The smallest value a JSON schema accepts: the default structured answer when a test gives none. */
export function exampleFromSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return null
  const s = schema as Record<string, unknown>
  if ('const' in s) return s.const
  if (Array.isArray(s.enum)) return (s.enum as unknown[])[0] ?? null
  const alternatives = s.anyOf ?? s.oneOf
  if (Array.isArray(alternatives)) return exampleFromSchema((alternatives as unknown[])[0])
  const type: unknown = Array.isArray(s.type)
    ? (s.type as unknown[]).find((t) => t !== 'null')
    : s.type
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>
      const required = Array.isArray(s.required)
        ? (s.required as string[])
        : Object.keys(properties)
      return Object.fromEntries(required.map((name) => [name, exampleFromSchema(properties[name])]))
    }
    case 'array':
      return []
    case 'string':
      return 'ok'
    case 'integer':
    case 'number':
      return 0
    case 'boolean':
      return false
    default:
      return null
  }
}
