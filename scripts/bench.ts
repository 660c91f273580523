/**
 * `npm run bench`: measurements, not tests. Runs the bundled action against the local world and
 * prints
 *  1. start-up: from spawning `node dist/index.js` to the first request any emulated service
 *     receives (mode: check, whose first request is the GitHub ID token), over RUNS runs, next to
 *     a bare `node -e ''` for scale;
 *  2. a 300-file pull request with 300 ms model latency and concurrency 4: wall time, model
 *     requests, most requests in flight, prompt tokens, and prompt tokens divided by the tokens
 *     of the reviewable diff (the patches of the files sent to the model, o200k).
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { countTokens, loadTokenizer } from '../src/review/tokens.js'
import { PR_NUMBER } from '../__tests__/emulators/constants.js'
import { startWorld, type World } from '../__tests__/emulators/world.js'
import { syntheticFiles } from '../__tests__/helpers/pr-fixture.js'
import { reviewer } from '../__tests__/helpers/reviewer.js'
import { runAction } from '../__tests__/helpers/run-action.js'

const entry = resolve('dist/index.js')
const RUNS = Number(process.env['RUNS'] ?? 21)

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

function firstRequestAt(world: World, since: number): number | undefined {
  const times = [
    ...world.oidc.requests.map((r) => r.at),
    ...world.github.requests.map((r) => r.at),
    ...world.openai.requests.map((r) => r.at)
  ].filter((t) => t >= since)
  return times.length > 0 ? Math.min(...times) : undefined
}

async function startup(): Promise<void> {
  const world = await startWorld()
  const toFirst: number[] = []
  const bare: number[] = []
  try {
    for (let i = 0; i < RUNS; i++) {
      const spawned = Date.now()
      const result = await runAction(world, { entry, inputs: { mode: 'check' } })
      const first = firstRequestAt(world, spawned)
      if (result.code !== 0 || first === undefined) throw new Error('the check run failed')
      toFirst.push(first - spawned)
      const t = performance.now()
      spawnSync(process.execPath, ['-e', ''])
      bare.push(performance.now() - t)
    }
  } finally {
    await world.close()
  }
  const fmt = (xs: number[]): string =>
    `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`
  console.log(`start-up, ${RUNS} runs of node dist/index.js (mode: check), Node ${process.version}`)
  console.log(`  spawn → first network request: ${fmt(toFirst)}`)
  console.log(`  node -e '' (whole process, for scale): ${fmt(bare)}`)
}

async function largePullRequest(): Promise<void> {
  const world = await startWorld()
  try {
    const files = syntheticFiles(300)
    world.github.pullRequest(PR_NUMBER).files = files
    world.openai.config.respond = reviewer()
    world.openai.config.latencyMs = 300
    world.openai.config.countTokens = countTokens
    const result = await runAction(world, {
      entry,
      inputs: { mode: 'both', concurrency: '4', 'token-budget': '200000' }
    })
    if (result.code !== 0) throw new Error(`the run failed:\n${result.stdout}${result.stderr}`)
    const diffTokens = countTokens(files.map((f) => f.patch ?? '').join('\n'))
    const prompt = Number(result.outputs['prompt-tokens'])
    const byTask = (name: string): number =>
      world.openai.requests.filter((r) =>
        JSON.stringify(r.body?.response_format ?? '').includes(name)
      ).length
    console.log('300-file pull request, 300 ms model latency, concurrency 4 (mode: both)')
    console.log(`  wall time: ${String(result.durationMs)} ms`)
    console.log(
      `  model requests: ${String(world.openai.requests.length)} (review ${String(byTask('review_findings'))}, summary ${String(byTask('pull_request_summary'))}, overview ${String(byTask('pull_request_overview'))}); most in flight: ${String(world.openai.maxInFlight)}`
    )
    console.log(`  GitHub API requests: ${String(world.github.requests.length)}`)
    console.log(
      `  prompt tokens: ${String(prompt)} (completion ${result.outputs['completion-tokens'] ?? ''})`
    )
    console.log(`  reviewable diff: ${String(diffTokens)} tokens (o200k, the 300 patches)`)
    console.log(
      `  prompt tokens ÷ diff tokens: ${(prompt / diffTokens).toFixed(2)} for both tasks (each task sends the diff once)`
    )
  } finally {
    await world.close()
  }
}

await loadTokenizer()
await startup()
await largePullRequest()
