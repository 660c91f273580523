/**
 * The plan's requests, each to the model as soon as it is ready: as it is packed when the diff
 * fills token-budget; otherwise once the files at head it shows are read (read while the diff is
 * packed) and the code around its hunks is added, a slice of requests at a time, so that no
 * request waits for another wave's files.
 */
import * as core from '@actions/core'
import { count, shortSha } from '../format.js'
import type { HeadFiles, Task } from '../pull-request.js'
import { pack, packing, type Request } from '../review/pack.js'
import type { Requests } from '../review/parts.js'
import type { PromptInputs } from '../review/prompts.js'
import type { Config } from '../settings.js'
import { contextWork, likelyReads, roomLikely, withContext } from './plan-context.js'
import { planOf, scopeRun, type Plan, type Scoped } from './plan.js'
import type { Snapshot } from './snapshot.js'

/**
 * What the model sees (the plan: `scoped` now, `plan` once packed), and its requests as they
 * become ready. When the diff leaves room for the code around the hunks, its files at head are
 * read (two queries: the first wave's files, the others') while the diff is packed; each request
 * then waits only for the files it shows. When the diff fills token-budget, each request leaves
 * as soon as it is packed, without that code.
 */
export async function readyRequests(
  config: Config,
  snapshot: Snapshot,
  tasks: readonly Task[],
  prompt: PromptInputs,
  heads: HeadFiles
): Promise<{ planned: { scoped: Scoped; plan: Promise<Plan> }; requests: Requests }> {
  const scoped = scopeRun(config, snapshot, tasks, prompt)
  if (!roomLikely(scoped)) {
    const stream = packedAsTheyCome(config, scoped)
    return { planned: { scoped, plan: stream.plan }, requests: stream.requests }
  }
  for (const paths of likelyReads(scoped, config.concurrency)) heads.prefetch?.(paths)
  const plan = planOf(config, scoped, pack(scoped.scope, scoped.packOptions))
  const batches = aroundTheHunks(heads, snapshot, plan, config.concurrency)
  // One request: whether it holds the overview too depends on its count after the context.
  const requests: Requests =
    plan.packed.requests.length === 1
      ? (await Promise.all(batches.map((b) => Promise.resolve(b)))).flat()
      : inOrderOfReadiness(batches)
  return { planned: { scoped, plan: Promise.resolve(plan) }, requests }
}

/** Most milliseconds of counting between two turns of the event loop. */
const TURN_MS = 5

/**
 * The requests as pack() makes them, each given to the model as soon as it is full; the event
 * loop gets a turn after each and every few milliseconds of counting, so that the requests
 * already given are on their way (a TLS handshake is several turns) while the rest is counted.
 */
function packedAsTheyCome(
  config: Config,
  scoped: Scoped
): { requests: AsyncIterable<readonly Request[]>; plan: Promise<Plan> } {
  let done: (plan: Plan) => void = () => undefined
  const plan = new Promise<Plan>((resolve) => (done = resolve))
  async function* requests(): AsyncGenerator<readonly Request[]> {
    const steps = packing(scoped.scope, scoped.packOptions)
    let turn = Date.now()
    for (;;) {
      const step = steps.next()
      if (step.done) {
        const planned = planOf(config, scoped, step.value)
        core.info(
          planned.packed.overBudget
            ? 'Context: none this run (token-budget is spent on the diff itself).'
            : 'Context: none this run (the diff was estimated to fill token-budget).'
        )
        done(planned)
        return
      }
      if (step.value) yield [step.value]
      if (step.value || Date.now() - turn > TURN_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        turn = Date.now()
      }
    }
  }
  return { requests: requests(), plan }
}

/**
 * The plan's requests in batches: those that read no file at head at once, then each slice of
 * contextWork once its files at head are read and the code around its hunks is added.
 */
function aroundTheHunks(
  heads: HeadFiles,
  snapshot: Snapshot,
  plan: Plan,
  wave: number
): (readonly Request[] | Promise<readonly Request[]>)[] {
  const work = contextWork(plan, wave)
  if (work.slices.length === 0) {
    withContext(plan, new Map())
    return [work.ready]
  }
  for (const slice of work.slices) heads.prefetch?.(slice.reads)
  const labels =
    work.slices.length > 1 ? ['the first requests', 'the other requests'] : ['this run']
  return [
    work.ready,
    ...work.slices.map(async (slice, i) => {
      const started = Date.now()
      const read = await Promise.all(
        slice.reads.map(async (path) => [path, await heads.lines(path)] as const)
      )
      const found = new Map<string, readonly string[]>()
      for (const [path, lines] of read) if (lines) found.set(path, lines)
      core.info(
        `Read ${count(found.size, 'file')} at ${shortSha(snapshot.pr.headSha)} for the code around the hunks of ${labels[i] ?? 'this run'} in ${((Date.now() - started) / 1000).toFixed(1)} s.`
      )
      return withContext(slice.plan, found, labels[i]).packed.requests
    })
  ]
}

/** Batches, each as soon as it is ready. */
async function* inOrderOfReadiness(
  batches: readonly (readonly Request[] | Promise<readonly Request[]>)[]
): AsyncGenerator<readonly Request[]> {
  const pending = new Map(
    batches.map((batch, i) => [i, Promise.resolve(batch).then((requests) => ({ i, requests }))])
  )
  while (pending.size > 0) {
    const { i, requests } = await Promise.race(pending.values())
    pending.delete(i)
    if (requests.length > 0) yield requests
  }
}
