/**
 * The input defaults the runner would set from action.yml (every input with a `default:`
 * becomes INPUT_*). A line-based reader is enough for action.yml's flat `inputs:` block.
 */
import { existsSync, readFileSync } from 'node:fs'

export function readActionDefaults(actionYml: string): Record<string, string> {
  if (!existsSync(actionYml)) return {}
  const defaults: Record<string, string> = {}
  let inInputs = false
  let current: string | undefined
  for (const line of readFileSync(actionYml, 'utf8').split('\n')) {
    if (/^\S/.test(line)) {
      inInputs = line.startsWith('inputs:')
      current = undefined
      continue
    }
    if (!inInputs) continue
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line)
    if (name) {
      current = name[1]
      continue
    }
    const value = /^ {4}default:\s*(.*)$/.exec(line)
    if (current && value) defaults[current] = unquote((value[1] ?? '').trim())
  }
  return defaults
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value.endsWith(value[0])) {
    return value.slice(1, -1)
  }
  return value
}
