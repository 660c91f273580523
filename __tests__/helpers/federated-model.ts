/**
 * The action's model client against a world, signed in as the chain signs in: a
 * ClientAssertionCredential presenting the world's GitHub ID tokens to its Entra ID, the access
 * token it gets sent to its Azure OpenAI. For suites that call the modules in this process.
 */
import { ClientAssertionCredential } from '@azure/identity'
import { ModelClient } from '../../src/chain/openai.js'
import { accessTokenProvider } from '../../src/chain/token.js'
import type { ModelConfig } from '../../src/settings.js'
import {
  AZURE_AUDIENCE,
  CLIENT_ID,
  COGNITIVE_SCOPE,
  DEPLOYMENT,
  TENANT_ID
} from '../emulators/constants.js'
import type { World } from '../emulators/world.js'

/** The world's Azure OpenAI endpoint and deployment, one deployment for both passes. */
export function worldModelConfig(world: World, overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    endpoint: world.urls.openaiEndpoint,
    deployment: DEPLOYMENT,
    summaryDeployment: DEPLOYMENT,
    apiVersion: undefined,
    requestTimeoutMs: 60_000,
    ...overrides
  }
}

export function federatedModel(
  world: World,
  config: ModelConfig = worldModelConfig(world)
): ModelClient {
  const credential = new ClientAssertionCredential(
    TENANT_ID,
    CLIENT_ID,
    () => world.oidc.mint(AZURE_AUDIENCE),
    { authorityHost: world.urls.authorityHost, disableInstanceDiscovery: true }
  )
  return new ModelClient(config, accessTokenProvider(credential, COGNITIVE_SCOPE))
}
