/**
 * The four repository variables the workflows read (`${{ vars.… }}`), set with the GitHub CLI
 * only where missing or different. None of them is a secret.
 */
import { z } from 'zod'
import type { Runner } from './commands.js'

export const VARIABLE_NAMES = {
  clientId: 'AZURE_CLIENT_ID',
  tenantId: 'AZURE_TENANT_ID',
  endpoint: 'AZURE_OPENAI_ENDPOINT',
  deployment: 'AZURE_OPENAI_DEPLOYMENT'
} as const

export type VariableKey = keyof typeof VARIABLE_NAMES

type VariableState = 'exists' | 'set' | 'planned'

export interface VariableStatus {
  readonly name: string
  readonly value: string
  readonly state: VariableState
}

const Variable = z.object({ name: z.string(), value: z.string() })

export async function ensureVariables(
  runner: Runner,
  repository: string,
  values: Readonly<Record<VariableKey, string>>
): Promise<VariableStatus[]> {
  const current = await runner.query(
    z.array(Variable),
    'gh',
    ['variable', 'list', '--repo', repository, '--json', 'name,value'],
    `list the variables of ${repository}`
  )
  const statuses: VariableStatus[] = []
  for (const key of Object.keys(VARIABLE_NAMES) as VariableKey[]) {
    const name = VARIABLE_NAMES[key]
    const value = values[key]
    if (current.some((v) => v.name === name && v.value === value)) {
      statuses.push({ name, value, state: 'exists' })
      continue
    }
    await runner.change(
      undefined,
      'gh',
      ['variable', 'set', name, '--body', value, '--repo', repository],
      `set the repository variable ${name}`
    )
    statuses.push({ name, value, state: runner.dryRun ? 'planned' : 'set' })
  }
  return statuses
}
