/**
 * The world `setup` runs in, for the suites that run it in this process: the GitHub emulator
 * (GITHUB_TOKEN and GITHUB_API_URL pointed at it) and the fake `az` and `gh` first on PATH.
 */
import type { Terminal } from '../../src/cli/terminal.js'
import { DEPLOYMENT, OWNER, REPO } from '../emulators/constants.js'
import type { World } from '../emulators/world.js'
import { FakeCli, RESOURCE_GROUP } from './fake-cli.js'
import { startInProcessWorld } from './in-process.js'

export type RunSetup = (argv: readonly string[], terminal: Terminal) => Promise<void>

/** The identity setup names after the repository. */
export const IDENTITY = `keyless-pr-review-${REPO}`

/** The flags every run passes: the repository, the resource and the deployment. */
export const SETUP_FLAGS: readonly string[] = [
  '--repo',
  `${OWNER}/${REPO}`,
  '--resource',
  'my-openai',
  '--resource-group',
  RESOURCE_GROUP,
  '--deployment',
  DEPLOYMENT
]

/** The commands that change something; everything else setup runs is a read. */
export const CHANGES =
  /^(identity create|identity federated-credential create|ad app create|ad sp create|ad app federated-credential create|role assignment create|variable set)\b/

export interface SetupWorld {
  readonly world: World
  readonly fake: FakeCli
  readonly runSetup: RunSetup
  /** Puts back PATH and the GitHub variables, and stops the servers. */
  close(): Promise<void>
}

export async function startSetupWorld(): Promise<SetupWorld> {
  const saved = { token: process.env['GITHUB_TOKEN'], api: process.env['GITHUB_API_URL'] }
  const { world } = await startInProcessWorld()
  process.env['GITHUB_TOKEN'] = world.githubToken
  // Imported after the world: @actions/github reads GITHUB_API_URL when first loaded.
  const { runSetup } = await import('../../src/cli/setup/setup.js')
  const fake = await FakeCli.install()
  return {
    world,
    fake,
    runSetup,
    async close() {
      await fake.uninstall()
      await world.close()
      for (const [name, value] of [
        ['GITHUB_TOKEN', saved.token],
        ['GITHUB_API_URL', saved.api]
      ] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, name)
        else process.env[name] = value
      }
    }
  }
}
