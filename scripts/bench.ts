/**
 * `npm run bench`: measurements, not tests. Runs the bundled action (dist/index.js, as a child
 * process with a runner's environment) against the local world, on pull requests that look
 * like the field (scripts/bench/pull-requests.ts), and prints a Markdown table; the figures also
 * go to docs/bench/results.json and a chart to docs/bench/chart.svg.
 *
 * Per pull request, at default inputs with a model that answers in MODEL_LATENCY_MS:
 *  - wall time, and the ideal ceil(model requests / concurrency) × latency; beside it the model
 *    rounds the run really waits for (waves of parts, then the overview's composition, which
 *    needs every part's rows) and the action's own time (wall time less those rounds);
 *  - model requests, and prompt tokens ÷ tokens of the reviewable diff (the patches of the files
 *    the action reviews by default, o200k);
 *  - the share of the reviewable diff's added lines that reached a prompt;
 *  - the code around the hunks the run showed, in tokens and as a share of the diff's;
 *  - GitHub API requests (and, apart, the files read at head for that code); peak RSS of the
 *    action's process;
 *  - an incremental run after a one-file push: its prompt tokens against the full run's.
 * And: the prompt tokens of a question (`/ask`, and a reply in a finding's thread) on a 20-file
 * pull request; start-up (spawn → first network request) against a bare `node -e ''`; bundle size.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PR_NUMBER } from '../__tests__/emulators/constants.js'
import { defaultFederatedCredential } from '../__tests__/emulators/entra.js'
import {
  addIssueComment,
  addReviewComment,
  pushToPull
} from '../__tests__/emulators/github-state.js'
import { startWorld, type World } from '../__tests__/emulators/world.js'
import { loadEvent } from '../__tests__/helpers/events.js'
import { filesInPrompt, reviewer } from '../__tests__/helpers/reviewer.js'
import { runAction, type RunResult } from '../__tests__/helpers/run-action.js'
import { countTokens, loadTokenizer } from '../src/review/tokens.js'
import { generatePullRequest, type BenchFile } from './bench/pull-requests.js'
import { chart } from './bench/chart.js'

// BENCH_DIST measures another build (an earlier commit's dist/) on the same pull requests.
const dist = resolve(process.env['BENCH_DIST'] ?? 'dist')
const entry = join(dist, 'index.js')
const probe = resolve('scripts/bench/rss-probe.js')
const RUNS = Number(process.env['RUNS'] ?? 21)
const SIZES = (process.env['SIZES'] ?? '10,300,3000').split(',').map(Number)
const MODEL_LATENCY_MS = Number(process.env['MODEL_LATENCY_MS'] ?? 1000)
const CONCURRENCY = 4
// Figures of another build go elsewhere than the committed ones.
const OUT = process.env['BENCH_DIST'] ? resolve('.tmp', 'bench') : resolve('docs', 'bench')

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

interface Startup {
  runs: number
  medianMs: number
  minMs: number
  maxMs: number
  bareNodeMedianMs: number
  ratio: number
}

async function startup(): Promise<Startup> {
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
      const t = Date.now()
      spawnSync(process.execPath, ['-e', ''])
      bare.push(Date.now() - t)
    }
  } finally {
    await world.close()
  }
  return {
    runs: RUNS,
    medianMs: median(toFirst),
    minMs: Math.min(...toFirst),
    maxMs: Math.max(...toFirst),
    bareNodeMedianMs: median(bare),
    ratio: median(toFirst) / median(bare)
  }
}

interface SizeResult {
  files: number
  reviewableFiles: number
  diffTokens: number
  wallMs: number
  idealMs: number
  /** Waves of part requests, plus one when a composition request wrote the overview. */
  modelRounds: number
  modelRequests: number
  promptTokens: number
  tokensPerDiffToken: number
  addedLines: number
  addedLinesShown: number
  /** API requests other than reading files at head for the code around the hunks… */
  githubRequests: number
  /** …and those reads. */
  headReads: number
  /** Tokens of code around the hunks, and the diff's own tokens the run counted. */
  contextTokens: number
  contextShare: number
  peakRssMb: number
  incrementalPromptTokens: number
  incrementalShare: number
}

/** Added (RIGHT) line numbers of each reviewable file, from its patch. */
function addedLines(files: readonly BenchFile[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>()
  for (const file of files) {
    if (!file.reviewable || !file.patch) continue
    const lines = new Set<number>()
    let next = 0
    for (const line of file.patch.split('\n')) {
      const header = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(line)
      if (header) next = Number(header[1])
      else if (line.startsWith('+')) lines.add(next++)
      else if (!line.startsWith('-') && !line.startsWith('\\')) next++
    }
    out.set(file.filename, lines)
  }
  return out
}

/** The files as they are at the pull request's head, for the contents API. */
function headsOf(files: readonly BenchFile[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of files) if (f.head !== undefined) out[f.filename] = f.head
  return out
}

async function measured(
  world: World,
  options: Parameters<typeof runAction>[1]
): Promise<{ result: RunResult; rssKb: number }> {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'kpr-bench-')), 'rss')
  const result = await runAction(world, {
    entry,
    nodeArgs: ['--import', probe],
    timeoutMs: 600_000,
    ...options,
    env: { KPR_BENCH_RSS_FILE: rssFile, ...options?.env }
  })
  if (result.code !== 0) throw new Error(`the run failed:\n${result.stdout}${result.stderr}`)
  return { result, rssKb: Number(readFileSync(rssFile, 'utf8')) }
}

async function pullRequestOf(size: number): Promise<SizeResult> {
  const files = generatePullRequest(size)
  const world = await startWorld()
  try {
    const pull = world.github.pullRequest(PR_NUMBER)
    pull.files = files
    world.github.state.contents.set(pull.headSha, headsOf(files))
    world.openai.config.respond = reviewer()
    world.openai.config.latencyMs = MODEL_LATENCY_MS
    world.openai.config.countTokens = countTokens
    const { result, rssKb } = await measured(world, { inputs: { mode: 'both' } })

    const reviewable = files.filter((f) => f.reviewable && f.patch)
    const diffTokens = countTokens(reviewable.map((f) => f.patch ?? '').join('\n'))
    const wanted = addedLines(files)
    const shown = new Map<string, Set<number>>()
    for (const request of world.openai.requests) {
      const user = (request.body?.messages ?? [])
        .filter((m) => m.role === 'user')
        .map((m) => String(m.content))
        .join('\n')
      for (const file of filesInPrompt(user)) {
        const seen = shown.get(file.path) ?? new Set<number>()
        for (const line of file.added) seen.add(line)
        shown.set(file.path, seen)
      }
    }
    let addedTotal = 0
    let addedShown = 0
    for (const [path, lines] of wanted) {
      addedTotal += lines.size
      for (const line of lines) if (shown.get(path)?.has(line)) addedShown++
    }
    const answered = world.openai.requests.filter((r) => r.status === 200)
    const modelRequests = answered.length
    const compositions = answered.filter(
      (r) => r.body?.response_format?.json_schema?.name === 'pull_request_overview'
    ).length
    const modelRounds =
      Math.ceil((modelRequests - compositions) / CONCURRENCY) + (compositions > 0 ? 1 : 0)
    const promptTokens = Number(result.outputs['prompt-tokens'])
    const headReads = world.github.requests.filter((r) => r.path.includes('/contents/')).length
    const githubRequests = world.github.requests.length - headReads
    const context = /Context: ([\d,]+) tokens .* of the diff's ([\d,]+) tokens/.exec(result.stdout)
    const contextTokens = Number(context?.[1]?.replace(/,/g, '') ?? 0)
    const contextShare = contextTokens / Number(context?.[2]?.replace(/,/g, '') ?? Number.NaN)

    // One more push that changes one file, reviewed incrementally.
    const changedFile = reviewable[Math.floor(reviewable.length / 2)] ?? reviewable[0]
    let incrementalPromptTokens = Number.NaN
    if (changedFile?.patch) {
      const changed: BenchFile = {
        ...changedFile,
        patch: `${changedFile.patch}\n+// one more line`
      }
      const next = files.map((f) => (f === changedFile ? changed : f))
      const pull = world.github.pullRequest(PR_NUMBER)
      const sha = pushToPull(world.github.state, PR_NUMBER, { files: next, changes: [changed] })
      world.github.state.contents.set(sha, headsOf(next))
      const { result: second } = await measured(world, {
        payload: loadEvent('pull_request', 'synchronize', { pull }),
        inputs: { mode: 'both' }
      })
      incrementalPromptTokens = Number(second.outputs['prompt-tokens'])
    }
    return {
      files: files.length,
      reviewableFiles: reviewable.length,
      diffTokens,
      wallMs: result.durationMs,
      idealMs: Math.ceil(modelRequests / CONCURRENCY) * MODEL_LATENCY_MS,
      modelRounds,
      modelRequests,
      promptTokens,
      tokensPerDiffToken: promptTokens / diffTokens,
      addedLines: addedTotal,
      addedLinesShown: addedShown,
      githubRequests,
      headReads,
      contextTokens,
      contextShare,
      peakRssMb: rssKb / 1024,
      incrementalPromptTokens,
      incrementalShare: incrementalPromptTokens / promptTokens
    }
  } finally {
    await world.close()
  }
}

function bundleBytes(): { total: number; files: Record<string, number> } {
  const files: Record<string, number> = {}
  for (const name of readdirSync(dist).filter(
    (n) => /\.(c?js|json)$/.test(n) && n !== 'package.json'
  )) {
    files[name] = statSync(join(dist, name)).size
  }
  return { total: Object.values(files).reduce((a, b) => a + b, 0), files }
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US')
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`

interface QuestionCosts {
  files: number
  /** Prompt tokens of `/ask` in the conversation, and of a reply in a finding's thread. */
  ask: number
  thread: number
}

/** What answering costs on a 20-file pull request, after its review. */
async function questionCosts(): Promise<QuestionCosts> {
  const files = generatePullRequest(20)
  const world = await startWorld()
  try {
    const pull = world.github.pullRequest(PR_NUMBER)
    pull.files = files
    world.github.state.contents.set(pull.headSha, headsOf(files))
    // Conversation comments present the default branch's subject.
    world.entra
      .app()
      .federatedCredentials.push(
        defaultFederatedCredential('repo:octo-org/octo-repo:ref:refs/heads/main')
      )
    const review = reviewer()
    world.openai.config.respond = (request) =>
      request.body.response_format
        ? review(request)
        : 'Because the value is checked before it is used; see the guard above.'
    await measured(world, {
      payload: loadEvent('pull_request', 'opened', { pull }),
      inputs: { mode: 'both' }
    })

    const body = '/ask Which of these changes could break existing callers, and why?'
    const payload = loadEvent('issue_comment', 'created', { pull, commentBody: body })
    const id = (payload['comment'] as { id: number }).id
    addIssueComment(world.github.state, { issueNumber: PR_NUMBER, body, id })
    const { result: ask } = await measured(world, {
      eventName: 'issue_comment',
      payload,
      inputs: { mode: 'both' }
    })

    const finding = world.github.state.reviewComments[0]
    if (!finding) throw new Error('the review left no inline comment to reply to')
    const reply = addReviewComment(world.github.state, {
      pullNumber: PR_NUMBER,
      user: { login: 'octocat', type: 'User' },
      body: 'Is this really a problem when the input comes from our own config?',
      inReplyToId: finding.id
    })
    const { result: thread } = await measured(world, {
      eventName: 'pull_request_review_comment',
      payload: loadEvent('pull_request_review_comment', 'created', {
        reviewComment: reply,
        repo: world.github.state
      }),
      inputs: { mode: 'both' }
    })
    return {
      files: files.length,
      ask: Number(ask.outputs['prompt-tokens']),
      thread: Number(thread.outputs['prompt-tokens'])
    }
  } finally {
    await world.close()
  }
}

function table(
  sizes: SizeResult[],
  start: Startup,
  bundle: ReturnType<typeof bundleBytes>,
  questions: QuestionCosts
): string {
  const rows = [
    '| files (reviewable) | diff tokens | wall time | ideal | ratio | model requests (rounds) | own time | prompt ÷ diff tokens | context ÷ diff | added lines shown | GitHub requests (limit) + files read | peak RSS | incremental run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...sizes.map(
      (s) =>
        `| ${n(s.files)} (${n(s.reviewableFiles)}) | ${n(s.diffTokens)} | ${(s.wallMs / 1000).toFixed(1)} s | ${(s.idealMs / 1000).toFixed(1)} s | ${(s.wallMs / s.idealMs).toFixed(2)} | ${s.modelRequests} (${s.modelRounds}) | ${((s.wallMs - s.modelRounds * MODEL_LATENCY_MS) / 1000).toFixed(1)} s | ${s.tokensPerDiffToken.toFixed(2)} (${n(s.promptTokens)}) | ${s.contextTokens > 0 ? `${pct(s.contextShare)} (${n(s.contextTokens)})` : 'none (budget spent)'} | ${pct(s.addedLinesShown / s.addedLines)} of ${n(s.addedLines)} | ${s.githubRequests} (${Math.ceil(s.files / 100) + 10}) + ${s.headReads} | ${s.peakRssMb.toFixed(0)} MB | ${pct(s.incrementalShare)} (${n(s.incrementalPromptTokens)} tokens) |`
    )
  ]
  return [
    `Model latency ${MODEL_LATENCY_MS} ms, concurrency ${CONCURRENCY}, default inputs (mode both), Node ${process.version}.`,
    '',
    ...rows,
    '',
    `Questions on a ${questions.files}-file pull request (ask-budget 30,000): \`/ask\` in the conversation ${n(questions.ask)} prompt tokens; a reply in a finding's thread ${n(questions.thread)}.`,
    `Start-up (spawn → first network request, ${start.runs} runs): median ${n(start.medianMs)} ms (min ${n(start.minMs)}, max ${n(start.maxMs)}); bare \`node -e ''\` median ${n(start.bareNodeMedianMs)} ms; ratio ${start.ratio.toFixed(2)}.`,
    `Bundle: ${(bundle.total / 1e6).toFixed(2)} MB of JavaScript and data in dist/ (${Object.entries(
      bundle.files
    )
      .map(([name, bytes]) => `${name} ${(bytes / 1e6).toFixed(2)} MB`)
      .join(', ')}).`
  ].join('\n')
}

await loadTokenizer()
const start = await startup()
const sizes: SizeResult[] = []
for (const size of SIZES) {
  process.stderr.write(`bench: ${size}-file pull request…\n`)
  sizes.push(await pullRequestOf(size))
}
process.stderr.write('bench: questions…\n')
const questions = await questionCosts()
const bundle = bundleBytes()
const text = table(sizes, start, bundle, questions)
console.log(text)
mkdirSync(OUT, { recursive: true })
writeFileSync(
  join(OUT, 'results.json'),
  `${JSON.stringify({ modelLatencyMs: MODEL_LATENCY_MS, concurrency: CONCURRENCY, node: process.version, startup: start, sizes, questions, bundle }, null, 2)}\n`
)
writeFileSync(join(OUT, 'results.md'), `${text}\n`)
writeFileSync(join(OUT, 'chart.svg'), chart(sizes))
