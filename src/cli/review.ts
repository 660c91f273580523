/**
 * `review`, `summarize` and `ask` from a laptop: on a pull request (`--pr owner/name#123`, read
 * with a GitHub token; posted only with `--post`) or on a local diff (`--diff FILE` or `-` for
 * stdin, with the working tree as its head; never posted). The same planning, prompts,
 * sanitizing and diagnosis as the action: the pipeline and the conversation modules themselves.
 */
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { openKeylessChain } from '../chain/chain.js'
import { ConfigError } from '../errors.js'
import { createGitHubClient } from '../github/client.js'
import { tokenIdentity } from '../github/identity.js'
import type { PrFile, Task } from '../pull-request.js'
import { loadTokenizer } from '../review/tokens.js'
import { answerQuestion, composeAnswer } from '../run/conversation.js'
import { reviewPullRequest, reviewSnapshot } from '../run/pipeline.js'
import { signIn } from '../run/sign-in.js'
import { REPO_GUIDANCE_PATH, type Snapshot } from '../run/snapshot.js'
import { filesOfDiff, workingTree } from './local-diff.js'
import { configFrom, type Flags } from './options.js'
import { githubToken, parsePullRef } from './github.js'
import { diagnosed } from './diagnosis.js'
import { answerResult, reviewResult } from './results.js'
import type { Terminal } from './terminal.js'

export type ReviewCommand = 'review' | 'summarize' | 'ask'

/** `words`: the question of `ask`. */
export async function runReviewCommand(
  command: ReviewCommand,
  flags: Flags,
  words: readonly string[],
  terminal: Terminal
): Promise<void> {
  const pr = typeof flags['pr'] === 'string' ? flags['pr'] : undefined
  const diff = typeof flags['diff'] === 'string' ? flags['diff'] : undefined
  const post = flags['post'] === true
  if ((pr === undefined) === (diff === undefined)) {
    throw new ConfigError(
      `${command} needs a pull request or a diff: one of --pr and --diff.`,
      `keyless-pr-review ${command} --pr octo-org/octo-repo#123\n  git diff main | keyless-pr-review ${command} --diff -`
    )
  }
  const question = words.join(' ').trim()
  if (command === 'ask' && question === '') {
    throw new ConfigError(
      'ask needs a question.',
      `keyless-pr-review ask --pr octo-org/octo-repo#123 "why is the retry loop bounded?"`
    )
  }
  if (diff !== undefined && post) {
    throw new ConfigError(
      '--post needs --pr: a local diff has no pull request to post on.',
      'leave out --post, or review the pushed branch with --pr'
    )
  }
  const tasks: Task[] = command === 'summarize' ? ['summary'] : ['summary', 'review']
  if (pr !== undefined) {
    const ref = parsePullRef(pr)
    const token = githubToken()
    const config = configFrom(flags, { githubToken: token, post })
    const chain = openKeylessChain(config)
    const github = createGitHubClient(token)
    await diagnosed(config, chain, ref, async () => {
      await signIn(chain, config.azure.auth)
      if (command === 'ask') {
        // The asker is whom the token acts as: the one question read the same way as the action's.
        const { login } = await tokenIdentity(github)
        const answered = await answerQuestion({
          config,
          repo: ref,
          prNumber: ref.number,
          question,
          command: { commentId: 0, user: login },
          model: chain.model,
          github
        })
        terminal.result(answerResult(answered.body, answered.posted))
        return
      }
      const result = await reviewPullRequest({
        config,
        repo: ref,
        prNumber: ref.number,
        tasks,
        guidance: '',
        model: chain.model,
        github
      })
      terminal.result(reviewResult(result, post))
    })
    return
  }

  const root = gitRoot()
  const files = filesOfDiff(await readDiff(diff ?? '-'))
  if (files.length === 0) {
    throw new ConfigError(
      `--diff ${diff ?? '-'}: no changed files in it.`,
      'git diff main | keyless-pr-review review --diff -'
    )
  }
  const config = configFrom(flags, { post: false })
  const chain = openKeylessChain(config)
  await diagnosed(config, chain, undefined, async () => {
    await signIn(chain, config.azure.auth)
    await loadTokenizer()
    const title =
      typeof flags['title'] === 'string' ? flags['title'] : `Changes in ${basename(root)}`
    const repoGuidance = await readFile(join(root, REPO_GUIDANCE_PATH), 'utf8').catch(
      () => undefined
    )
    if (command === 'ask') {
      const answered = await composeAnswer({
        config,
        model: chain.model,
        asker: localUser(),
        question,
        read: { title, description: '', files, ...(repoGuidance ? { repoGuidance } : {}) }
      })
      terminal.result(answerResult(answered.body, undefined))
      return
    }
    const result = await reviewSnapshot(
      {
        config,
        tasks,
        guidance: '',
        model: chain.model,
        repo: { owner: 'local', repo: basename(root) }
      },
      localSnapshot(title, files, repoGuidance, root),
      workingTree(root)
    )
    terminal.result(reviewResult(result, false))
  })
}

async function readDiff(source: string): Promise<string> {
  if (source !== '-') {
    return readFile(source, 'utf8').catch((error: unknown) => {
      throw new ConfigError(
        `--diff: cannot read ${source} (${error instanceof Error ? error.message : String(error)}).`,
        'git diff main > change.diff && keyless-pr-review review --diff change.diff'
      )
    })
  }
  if (process.stdin.isTTY) {
    throw new ConfigError(
      '--diff -: reads the diff from stdin, and stdin is a terminal.',
      'git diff main | keyless-pr-review review --diff -'
    )
  }
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A local change as the snapshot of a pull request: no comments, no earlier review. */
function localSnapshot(
  title: string,
  files: readonly PrFile[],
  repoGuidance: string | undefined,
  root: string
): Snapshot {
  const head = git(['rev-parse', 'HEAD'], root) ?? '0'.repeat(40)
  return {
    repo: { owner: 'local', repo: basename(root) },
    pr: {
      number: 0,
      title,
      body: '',
      draft: false,
      state: 'open',
      author: localUser(),
      headSha: head,
      baseSha: head,
      headRef: '',
      baseRef: '',
      htmlUrl: '',
      changedFiles: files.length
    },
    files,
    summaryComment: undefined,
    postedFindings: new Set(),
    repoGuidance,
    incremental: undefined
  }
}

function gitRoot(): string {
  return git(['rev-parse', '--show-toplevel']) ?? process.cwd()
}

function git(args: string[], cwd = process.cwd()): string | undefined {
  try {
    return (
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore']
      }).trim() || undefined
    )
  } catch {
    return undefined
  }
}

function localUser(): string {
  return git(['config', 'user.name']) ?? process.env['USER'] ?? 'you'
}
