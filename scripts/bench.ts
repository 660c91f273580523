/**
 * `npm run bench`: measurements, not tests. Runs the bundled action (dist/index.js, as a child
 * process with a runner's environment) against the local world, on pull requests that look
 * like the field (scripts/bench/pull-requests.ts), and prints Markdown tables; the figures also
 * go to docs/bench/results.json and a chart to docs/bench/chart.svg.
 *
 * GitHub answers every request after `--github-latency` ms (default 100: a hosted runner's round
 * trip to api.github.com) and the model after `--model-latency` ms (default 1,000), concurrency 4,
 * default inputs (mode both). Per pull request:
 *  - wall time against the floor: the model rounds (part requests `concurrency` at a time, plus
 *    one round for the overview's composition when there is one) and two GitHub round trips
 *    (read, post); the time of the first model request; where the rest goes (a timeline of the
 *    run as the emulators saw it);
 *  - GitHub requests (every one the emulator received, by route) against the target
 *    ceil(files / 100) + 10;
 *  - prompt tokens ÷ tokens of the reviewable diff (the patches of the files the action reviews
 *    by default, o200k), the share of its added lines that reached a prompt, the code around the
 *    hunks the run showed; peak RSS of the action's process; an incremental run after a one-file
 *    push.
 * And: the prompt tokens of a question (`/ask`, and a reply in a finding's thread) on a 20-file
 * pull request; start-up (spawn → first network request) against a bare `node -e ''`; bundle size.
 *
 * Flags (each also an environment variable, as named in brackets):
 *   --github-latency MS [GITHUB_LATENCY_MS]   --model-latency MS [MODEL_LATENCY_MS]
 *   --sizes 10,300,3000 [SIZES]   --release / --no-release (the 265-file major release)
 *   --runs 21 [RUNS] (start-up runs)
 *   --git-pr DIR:BASE..HEAD   a real pull request from a local clone, measured beside the rest
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { OWNER, PR_NUMBER, REPO } from '../__tests__/emulators/constants.js'
import { defaultFederatedCredential } from '../__tests__/emulators/entra.js'
import type { GithubRequestRecord } from '../__tests__/emulators/github-api.js'
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
import {
  generatePullRequest,
  gitPullRequest,
  majorReleasePullRequest,
  type BenchFile
} from './bench/pull-requests.js'
import { chart } from './bench/chart.js'

const { values: flags } = parseArgs({
  options: {
    'github-latency': { type: 'string', default: process.env['GITHUB_LATENCY_MS'] ?? '100' },
    'model-latency': { type: 'string', default: process.env['MODEL_LATENCY_MS'] ?? '1000' },
    sizes: { type: 'string', default: process.env['SIZES'] ?? '10,300,3000' },
    release: { type: 'boolean', default: true },
    'no-release': { type: 'boolean', default: false },
    runs: { type: 'string', default: process.env['RUNS'] ?? '21' },
    'git-pr': { type: 'string' }
  }
})

// BENCH_DIST measures another build (an earlier commit's dist/) on the same pull requests.
const dist = resolve(process.env['BENCH_DIST'] ?? 'dist')
const entry = join(dist, 'index.js')
const probe = resolve('scripts/bench/rss-probe.js')
const RUNS = Number(flags.runs)
const SIZES = flags.sizes.split(',').filter(Boolean).map(Number)
const GITHUB_LATENCY_MS = Number(flags['github-latency'])
const MODEL_LATENCY_MS = Number(flags['model-latency'])
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

/** When things happened, in ms after the action was spawned, as the emulators saw them. */
interface Timeline {
  /** The Entra token issued (start-up and signing in done). */
  signedIn: number
  firstGithubRequest: number
  firstModelRequest: number
  lastModelAnswer: number
  /** The first write to GitHub (the first post). */
  firstPost: number
  exit: number
}

interface PullRequestResult {
  label: string
  files: number
  reviewableFiles: number
  diffTokens: number
  wallMs: number
  /** Model rounds × model latency + two GitHub round trips. */
  floorMs: number
  /** Waves of part requests, plus one when a composition request wrote the overview. */
  modelRounds: number
  modelRequests: number
  timeline: Timeline
  promptTokens: number
  tokensPerDiffToken: number
  addedLines: number
  addedLinesShown: number
  /** Every request the GitHub emulator received… */
  githubRequests: number
  /** …by route. */
  githubRoutes: Record<string, number>
  /** Tokens of code around the hunks, and its share of the diff's own tokens the run counted. */
  contextTokens: number
  contextShare: number
  peakRssMb: number
  incrementalPromptTokens: number
  incrementalShare: number
  incrementalGithubRequests: number
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

/** The files as they are at the pull request's head, for the contents API and GraphQL. */
function headsOf(files: readonly BenchFile[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of files) if (f.head !== undefined) out[f.filename] = f.head
  return out
}

/** `GET /pulls/:n/files`, `POST /graphql PullRequest`: a request's route, for counting. */
function routeOf(request: GithubRequestRecord): string {
  const path = (request.path.split('?')[0] ?? '')
    .replace(`/repos/${OWNER}/${REPO}`, '')
    .replace(/^\/repositories\/\d+/, '')
  if (path === '/graphql') {
    const query = (request.body as { query?: unknown } | undefined)?.query
    const name = typeof query === 'string' ? /^\s*query\s+(\w+)/.exec(query)?.[1] : undefined
    return `POST /graphql${name ? ` ${name}` : ''}`
  }
  return `${request.method} ${path.replace(/\/contents\/.*/, '/contents/…').replace(/\/\d+(?=\/|$)/g, '/:n')}`
}

function tally(requests: readonly GithubRequestRecord[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of requests) out[routeOf(r)] = (out[routeOf(r)] ?? 0) + 1
  return out
}

async function measured(
  world: World,
  options: Parameters<typeof runAction>[1]
): Promise<{ result: RunResult; rssKb: number; spawned: number }> {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'kpr-bench-')), 'rss')
  const spawned = Date.now()
  const result = await runAction(world, {
    entry,
    nodeArgs: ['--import', probe],
    timeoutMs: 600_000,
    ...options,
    env: { KPR_BENCH_RSS_FILE: rssFile, ...options?.env }
  })
  if (result.code !== 0) throw new Error(`the run failed:\n${result.stdout}${result.stderr}`)
  return { result, rssKb: Number(readFileSync(rssFile, 'utf8')), spawned }
}

function timelineOf(world: World, spawned: number, wallMs: number): Timeline {
  const after = (t: number | undefined): number => (t === undefined ? Number.NaN : t - spawned)
  // The action writes through REST only: a POST to /graphql is a query.
  const writes = world.github.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql')
  return {
    signedIn: after(world.entra.requests.at(-1)?.at),
    firstGithubRequest: after(world.github.requests[0]?.at),
    firstModelRequest: after(world.openai.requests[0]?.at),
    lastModelAnswer: after(Math.max(...world.openai.requests.map((r) => r.at + r.durationMs))),
    firstPost: after(writes[0]?.at),
    exit: wallMs
  }
}

async function pullRequestOf(label: string, files: BenchFile[]): Promise<PullRequestResult> {
  const world = await startWorld()
  try {
    const pull = world.github.pullRequest(PR_NUMBER)
    pull.files = files
    world.github.state.contents.set(pull.headSha, headsOf(files))
    world.github.latencyMs = GITHUB_LATENCY_MS
    world.openai.config.respond = reviewer()
    world.openai.config.latencyMs = MODEL_LATENCY_MS
    world.openai.config.countTokens = countTokens
    const { result, rssKb, spawned } = await measured(world, {
      payload: loadEvent('pull_request', 'opened', { pull }),
      inputs: { mode: 'both' }
    })

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
    // One line per slice of requests whose context is read together.
    const contextTokens = [
      ...result.stdout.matchAll(/Context[^:\n]*: ([\d,]+) tokens of code around/g)
    ].reduce((n, m) => n + Number(m[1]?.replace(/,/g, '')), 0)
    const contextShare = contextTokens / diffTokens
    const githubRequests = world.github.requests.length
    const githubRoutes = tally(world.github.requests)
    const timeline = timelineOf(world, spawned, result.durationMs)

    // One more push that changes one file, reviewed incrementally.
    const changedFile = reviewable[Math.floor(reviewable.length / 2)] ?? reviewable[0]
    let incrementalPromptTokens = Number.NaN
    let incrementalGithubRequests = Number.NaN
    if (changedFile?.patch) {
      const changed: BenchFile = {
        ...changedFile,
        patch: `${changedFile.patch}\n+// one more line`
      }
      const next = files.map((f) => (f === changedFile ? changed : f))
      const sha = pushToPull(world.github.state, PR_NUMBER, { files: next, changes: [changed] })
      world.github.state.contents.set(sha, headsOf(next))
      const before = world.github.requests.length
      const { result: second } = await measured(world, {
        payload: loadEvent('pull_request', 'synchronize', { pull }),
        inputs: { mode: 'both' }
      })
      incrementalPromptTokens = Number(second.outputs['prompt-tokens'])
      incrementalGithubRequests = world.github.requests.length - before
    }
    return {
      label,
      files: files.length,
      reviewableFiles: reviewable.length,
      diffTokens,
      wallMs: result.durationMs,
      floorMs: modelRounds * MODEL_LATENCY_MS + 2 * GITHUB_LATENCY_MS,
      modelRounds,
      modelRequests,
      timeline,
      promptTokens,
      tokensPerDiffToken: promptTokens / diffTokens,
      addedLines: addedTotal,
      addedLinesShown: addedShown,
      githubRequests,
      githubRoutes,
      contextTokens,
      contextShare,
      peakRssMb: rssKb / 1024,
      incrementalPromptTokens,
      incrementalShare: incrementalPromptTokens / promptTokens,
      incrementalGithubRequests
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
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
/** GitHub requests a run may make: a files page per 100 files, and ten more. */
const target = (files: number): number => Math.ceil(files / 100) + 10

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
  prs: PullRequestResult[],
  start: Startup,
  bundle: ReturnType<typeof bundleBytes>,
  questions: QuestionCosts
): string {
  const routes = [...new Set(prs.flatMap((p) => Object.keys(p.githubRoutes)))].sort()
  return [
    `GitHub latency ${GITHUB_LATENCY_MS} ms a request, model latency ${MODEL_LATENCY_MS} ms, concurrency ${CONCURRENCY}, default inputs (mode both), Node ${process.version}.`,
    '',
    '| pull request | files (reviewable) | wall | floor | wall ÷ floor | first model request | model requests (rounds) | GitHub requests (target) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...prs.map(
      (p) =>
        `| ${p.label} | ${n(p.files)} (${n(p.reviewableFiles)}) | ${sec(p.wallMs)} | ${sec(p.floorMs)} | ${(p.wallMs / p.floorMs).toFixed(2)} | ${sec(p.timeline.firstModelRequest)} | ${p.modelRequests} (${p.modelRounds}) | ${p.githubRequests} (${target(p.files)}) |`
    ),
    '',
    'Where the time goes (seconds after spawn, as the emulators saw it):',
    '',
    '| pull request | signed in | first GitHub request | first model request | last model answer | first post | exit | wall − floor |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...prs.map(
      (p) =>
        `| ${p.label} | ${sec(p.timeline.signedIn)} | ${sec(p.timeline.firstGithubRequest)} | ${sec(p.timeline.firstModelRequest)} | ${sec(p.timeline.lastModelAnswer)} | ${sec(p.timeline.firstPost)} | ${sec(p.timeline.exit)} | ${sec(p.wallMs - p.floorMs)} |`
    ),
    '',
    'GitHub requests by route:',
    '',
    `| route | ${prs.map((p) => p.label).join(' | ')} |`,
    `| --- | ${prs.map(() => '---').join(' | ')} |`,
    ...routes.map(
      (route) => `| \`${route}\` | ${prs.map((p) => p.githubRoutes[route] ?? 0).join(' | ')} |`
    ),
    '',
    'What the model sees:',
    '',
    '| pull request | diff tokens | prompt ÷ diff tokens | context ÷ diff | added lines shown | peak RSS | incremental run (GitHub requests) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...prs.map(
      (p) =>
        `| ${p.label} | ${n(p.diffTokens)} | ${p.tokensPerDiffToken.toFixed(2)} (${n(p.promptTokens)}) | ${p.contextTokens > 0 ? `${pct(p.contextShare)} (${n(p.contextTokens)})` : 'none (budget spent)'} | ${pct(p.addedLinesShown / p.addedLines)} of ${n(p.addedLines)} | ${p.peakRssMb.toFixed(0)} MB | ${pct(p.incrementalShare)} of the tokens (${p.incrementalGithubRequests}) |`
    ),
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
const cases: [string, () => BenchFile[]][] = SIZES.map((size) => [
  `${n(size)} files`,
  () => generatePullRequest(size)
])
if (flags.release && !flags['no-release']) {
  cases.splice(1, 0, ['major release, 265 files', () => majorReleasePullRequest()])
}
if (flags['git-pr']) {
  const [dir = '', range = ''] = flags['git-pr'].split(/:(?=[^:]*$)/)
  const [base = '', head = ''] = range.split('..')
  cases.push([`${base}..${head}`, () => gitPullRequest(dir, base, head)])
}
const prs: PullRequestResult[] = []
for (const [label, files] of cases) {
  process.stderr.write(`bench: ${label}…\n`)
  prs.push(await pullRequestOf(label, files()))
}
process.stderr.write('bench: questions…\n')
const questions = await questionCosts()
const bundle = bundleBytes()
const text = table(prs, start, bundle, questions)
console.log(text)
mkdirSync(OUT, { recursive: true })
writeFileSync(
  join(OUT, 'results.json'),
  `${JSON.stringify({ githubLatencyMs: GITHUB_LATENCY_MS, modelLatencyMs: MODEL_LATENCY_MS, concurrency: CONCURRENCY, node: process.version, startup: start, pullRequests: prs, questions, bundle }, null, 2)}\n`
)
writeFileSync(join(OUT, 'results.md'), `${text}\n`)
writeFileSync(join(OUT, 'chart.svg'), chart(prs))
