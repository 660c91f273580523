/**
 * A world for suites that call the action's modules in this process. @actions/github reads
 * GITHUB_API_URL once, when first imported, so the client module is imported only after the
 * variable points at this world: one world then serves the whole suite.
 */
import type { GitHubClient } from '../../src/github/client.js'
import { startWorld, type World } from '../emulators/world.js'
import { trustTestCa } from './trust.js'

export interface InProcessWorld {
  world: World
  /** A client of the world's GitHub API with any token. */
  createClient: (token: string) => GitHubClient
  /** A client with the token the world accepts. */
  gh: GitHubClient
}

export async function startInProcessWorld(
  options?: Parameters<typeof startWorld>[0]
): Promise<InProcessWorld> {
  trustTestCa()
  const world = await startWorld(options)
  process.env['GITHUB_API_URL'] = world.urls.githubApiUrl
  const { createGitHubClient } = await import('../../src/github/client.js')
  return { world, createClient: createGitHubClient, gh: createGitHubClient(world.githubToken) }
}
