/**
 * Values setup writes into a workflow's text: each one a quoted YAML string that every YAML
 * reader gives back exactly (YAML 1.1 reads `on`, `yes` or `0x10` as something else when plain),
 * never a GitHub Actions expression, and comments kept to their line.
 */
import { dump } from 'js-yaml'
import { ConfigError } from '../../errors.js'

/**
 * A single-quoted YAML string on one line; js-yaml switches to double quotes with escapes for
 * what single quotes cannot hold (line breaks, control characters).
 */
export function quoted(value: string): string {
  return dump(value, { forceQuotes: true, quotingType: "'", lineWidth: -1 }).trimEnd()
}

/**
 * GitHub evaluates `${{ … }}` in any string of a workflow, quoted or not, so a value holding one
 * would run as an expression instead of being read as a name.
 */
export function refuseExpression(what: string, value: string, fix: string): void {
  if (!value.includes('${{')) return
  throw new ConfigError(
    `setup: ${what} ${JSON.stringify(value)} holds "\${{", which GitHub Actions would evaluate as an expression in the workflow instead of reading it as written.`,
    fix
  )
}

/**
 * Comment text kept on its line: text with a line break (which would end the comment and start
 * YAML) or another character YAML does not allow as it is, shown escaped in double quotes.
 */
export function commentText(text: string): string {
  const escaped = quoted(text)
  return escaped.startsWith('"') ? escaped : text
}
