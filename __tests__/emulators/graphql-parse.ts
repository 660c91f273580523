/**
 * The part of GraphQL's query language the GitHub emulator answers: one query operation with
 * variable definitions, fields with aliases and arguments (variables, strings, numbers,
 * booleans, null, enums), selection sets and inline fragments. Anything else is a parse error
 * in GitHub's wording ("Parse error on "x" (IDENTIFIER) at [line, column]").
 */

export type Value =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }

interface Field {
  readonly kind: 'field'
  /** The key the answer uses: the alias, or the field's name. */
  readonly key: string
  readonly name: string
  readonly args: Readonly<Record<string, Value>>
  readonly selections: readonly Selection[] | undefined
  readonly line: number
  readonly column: number
}

interface InlineFragment {
  readonly kind: 'fragment'
  readonly on: string
  readonly selections: readonly Selection[]
}

export type Selection = Field | InlineFragment

export interface Operation {
  readonly kind: 'query' | 'mutation'
  readonly name: string | undefined
  /** Declared variables: name → type as written (`String!`, `Int`). */
  readonly variables: Readonly<Record<string, string>>
  readonly selections: readonly Selection[]
}

export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number
  ) {
    super(message)
  }
}

interface Token {
  readonly type: 'name' | 'string' | 'number' | 'punct' | 'end'
  readonly text: string
  readonly value: string
  readonly line: number
  readonly column: number
}

const PUNCT_NAMES: Record<string, string> = {
  '{': 'LCURLY',
  '}': 'RCURLY',
  '(': 'LPAREN',
  ')': 'RPAREN',
  ':': 'COLON',
  $: 'VAR_SIGN',
  '!': 'BANG',
  '[': 'LBRACKET',
  ']': 'RBRACKET',
  '=': 'EQUALS',
  '...': 'ELLIPSIS',
  '@': 'DIR_SIGN'
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let lineStart = 0
  let i = 0
  const at = (start: number): { line: number; column: number } => ({
    line,
    column: start - lineStart + 1
  })
  while (i < source.length) {
    const c = source[i] ?? ''
    if (c === '\n') {
      line++
      i++
      lineStart = i
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === '\ufeff') {
      i++
      continue
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++
      continue
    }
    const start = i
    if (source.startsWith('...', i)) {
      tokens.push({ type: 'punct', text: '...', value: '...', ...at(start) })
      i += 3
      continue
    }
    if (PUNCT_NAMES[c]) {
      tokens.push({ type: 'punct', text: c, value: c, ...at(start) })
      i++
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < source.length && /\w/.test(source[i] ?? '')) i++
      const text = source.slice(start, i)
      tokens.push({ type: 'name', text, value: text, ...at(start) })
      continue
    }
    if (/[-\d]/.test(c)) {
      while (i < source.length && /[-\d.eE+]/.test(source[i] ?? '')) i++
      const text = source.slice(start, i)
      tokens.push({ type: 'number', text, value: text, ...at(start) })
      continue
    }
    if (c === '"') {
      i++
      let value = ''
      for (;;) {
        const d = source[i]
        if (d === undefined || d === '\n') {
          throw new ParseError('Unterminated string', at(start).line, at(start).column)
        }
        i++
        if (d === '"') break
        if (d !== '\\') {
          value += d
          continue
        }
        const e = source[i++] ?? ''
        if (e === 'u') {
          value += String.fromCharCode(parseInt(source.slice(i, i + 4), 16))
          i += 4
        } else {
          value += { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }[e] ?? e
        }
      }
      tokens.push({ type: 'string', text: source.slice(start, i), value, ...at(start) })
      continue
    }
    throw new ParseError(
      `Parse error on "${c}" (error) at [${line}, ${start - lineStart + 1}]`,
      line,
      start - lineStart + 1
    )
  }
  tokens.push({ type: 'end', text: '', value: '', line, column: i - lineStart + 1 })
  return tokens
}

/** Parses the one operation of a document. */
export function parseQuery(source: string): Operation {
  const tokens = tokenize(source)
  let p = 0
  const peek = (): Token => tokens[p] ?? (tokens.at(-1) as Token)
  const unexpected = (t: Token): ParseError => {
    const kind =
      t.type === 'end'
        ? 'end of file'
        : `"${t.text}" (${t.type === 'punct' ? (PUNCT_NAMES[t.text] ?? 'PUNCT') : t.type === 'name' ? 'IDENTIFIER' : t.type.toUpperCase()})`
    return new ParseError(`Parse error on ${kind} at [${t.line}, ${t.column}]`, t.line, t.column)
  }
  const take = (text?: string): Token => {
    const t = peek()
    if (t.type === 'end' || (text !== undefined && t.text !== text)) throw unexpected(t)
    p++
    return t
  }
  const name = (): Token => {
    const t = peek()
    if (t.type !== 'name') throw unexpected(t)
    p++
    return t
  }

  const value = (): Value => {
    const t = peek()
    if (t.text === '$' && t.type === 'punct') {
      p++
      return { kind: 'variable', name: name().value }
    }
    p++
    if (t.type === 'string') return { kind: 'literal', value: t.value }
    if (t.type === 'number') return { kind: 'literal', value: Number(t.value) }
    if (t.type === 'name') {
      if (t.value === 'true' || t.value === 'false')
        return { kind: 'literal', value: t.value === 'true' }
      if (t.value === 'null') return { kind: 'literal', value: null }
      return { kind: 'literal', value: t.value }
    }
    throw unexpected(t)
  }

  const selectionSet = (): Selection[] => {
    take('{')
    const out: Selection[] = []
    while (peek().text !== '}' || peek().type !== 'punct') {
      if (peek().type === 'end') throw unexpected(peek())
      if (peek().text === '...') {
        p++
        if (peek().value !== 'on') throw unexpected(peek())
        p++
        const on = name().value
        out.push({ kind: 'fragment', on, selections: selectionSet() })
        continue
      }
      const first = name()
      let fieldName = first
      let key = first.value
      if (peek().text === ':' && peek().type === 'punct') {
        p++
        fieldName = name()
        key = first.value
      }
      const args: Record<string, Value> = {}
      if (peek().text === '(' && peek().type === 'punct') {
        p++
        while (peek().text !== ')') {
          const arg = name().value
          take(':')
          args[arg] = value()
        }
        take(')')
      }
      const selections = peek().text === '{' && peek().type === 'punct' ? selectionSet() : undefined
      out.push({
        kind: 'field',
        key,
        name: fieldName.value,
        args,
        selections,
        line: first.line,
        column: first.column
      })
    }
    take('}')
    return out
  }

  let kind: Operation['kind'] = 'query'
  let opName: string | undefined
  const variables: Record<string, string> = {}
  if (peek().type === 'name') {
    const keyword = name()
    if (keyword.value !== 'query' && keyword.value !== 'mutation') throw unexpected(keyword)
    kind = keyword.value
    if (peek().type === 'name') opName = name().value
    if (peek().text === '(') {
      p++
      while (peek().text !== ')') {
        take('$')
        const variable = name().value
        take(':')
        let type: string
        if (peek().text === '[') {
          p++
          type = `[${name().value}${peek().text === '!' ? (p++, '!') : ''}]`
          take(']')
        } else {
          type = name().value
        }
        if (peek().text === '!') {
          p++
          type += '!'
        }
        variables[variable] = type
      }
      take(')')
    }
  }
  const selections = selectionSet()
  if (peek().type !== 'end') throw unexpected(peek())
  return { kind, name: opName, variables, selections }
}
