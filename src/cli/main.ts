#!/usr/bin/env node
/**
 * `npx keyless-pr-review`: checks the Node version before anything else loads (the Azure and
 * OpenAI libraries need Node 22 or later), then runs the command.
 */
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(
    `keyless-pr-review needs Node.js 22 or later; this is ${process.version}. Install a current Node (https://nodejs.org) or run it with: npx -p node@24 -p keyless-pr-review keyless-pr-review …\n`
  )
  process.exit(1)
}
const { runCli } = await import('./cli.js')
process.exitCode = await runCli(process.argv.slice(2))
