/**
 * "Cognitive Services OpenAI User" for the identity on the Azure OpenAI resource: call
 * deployments, nothing else. Assigned only when missing; an assignment inherited from the
 * resource group or subscription counts.
 */
import { z } from 'zod'
import type { OpenAIResource } from './azure-openai.js'
import type { Runner } from './commands.js'
import type { Identity } from './identity.js'

/** Lets the identity call deployments, and nothing else (no keys, no management). */
export const OPENAI_USER_ROLE = 'Cognitive Services OpenAI User'

export type RoleState = 'exists' | 'created' | 'planned'

const Assignment = z.object({
  principalId: z.string().nullish(),
  roleDefinitionName: z.string().nullish()
})

export async function ensureRole(
  runner: Runner,
  identity: Identity,
  resource: OpenAIResource
): Promise<RoleState> {
  // A principal this run created holds no role; asking would also race Graph replication.
  if (!identity.newPrincipal) {
    const held = await runner.query(
      z.array(Assignment),
      'az',
      [
        'role',
        'assignment',
        'list',
        '--assignee',
        identity.principalId,
        '--scope',
        resource.id,
        '--role',
        OPENAI_USER_ROLE,
        '--include-inherited',
        '-o',
        'json'
      ],
      `read the role assignments of ${identity.name}`
    )
    if (held.some((a) => a.principalId === identity.principalId)) return 'exists'
  }
  // --assignee-object-id with the principal type skips the Graph lookup a new principal may fail.
  await runner.change(
    undefined,
    'az',
    [
      'role',
      'assignment',
      'create',
      '--assignee-object-id',
      identity.principalId,
      '--assignee-principal-type',
      'ServicePrincipal',
      '--role',
      OPENAI_USER_ROLE,
      '--scope',
      resource.id,
      '-o',
      'json'
    ],
    `assign ${OPENAI_USER_ROLE} to ${identity.name}`
  )
  return runner.dryRun ? 'planned' : 'created'
}
