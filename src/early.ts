/**
 * Work that needs only the environment, started before the bulk of the action loads (Azure
 * identity, OpenAI, Octokit, the tokenizer: most of the bundle): the event file is read (and a
 * broken one hidden from @actions/github, see context.ts), and the GitHub ID token of a
 * `github-oidc` run requested. The request is sent first and its answer read once the rest has
 * loaded. Deliberately free of imports that load code: node:https (built into Node, unlike
 * fetch's HTTP stack, which loads on first use), and the token masked with the add-mask
 * workflow command directly. Best effort: on any failure the token is fetched again later
 * through @actions/core, whose errors the diagnosis knows.
 */
import { request } from 'node:https'
import { parseCommand } from './commands.js'
import { runnerEvent, type Payload } from './context.js'
import type { EarlyIdToken } from './chain/credential.js'
import { CLOUD_NAMES, CLOUDS, GUID } from './settings.js'

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/
/** Loading waits at most this long for the request to leave (a TLS handshake or two). */
const SEND_WAIT_MS = 100

const input = (name: string): string =>
  (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()

/**
 * Whether the run will most likely sign in, from a first look at its inputs and event: a run
 * whose inputs are wrong, a comment holding no command and a draft end without signing in,
 * and they should mint no token.
 * A heuristic only (run/trigger.ts decides): a wrong guess costs one request or the head start.
 */
function likelyToSignIn(payload: Payload): boolean {
  // Inputs that will fail validation: nothing may touch the network (inputs.ts says why).
  if (!GUID.test(input('client-id')) || !/^https:\/\/./i.test(input('endpoint'))) return false
  if (input('mode').toLowerCase() === 'check') return true
  const event = payload as { comment?: { body?: unknown }; pull_request?: { draft?: unknown } }
  const body = event.comment?.body
  if (body !== undefined) return typeof body === 'string' && parseCommand(body) !== undefined
  const drafts = input('review-drafts').toLowerCase() === 'true'
  return event.pull_request?.draft !== true || drafts
}

/** The event, read now whatever else happens (see context.ts); undefined when it is broken. */
function eventOrUndefined(): Payload | undefined {
  try {
    return runnerEvent()
  } catch {
    // main.ts explains it; a run that cannot know its event signs in for nothing.
    return undefined
  }
}

/** The ID token request, started when this run will present one; undefined otherwise. */
export function requestIdTokenEarly(): EarlyIdToken | undefined {
  const payload = eventOrUndefined()
  const url = process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
  const bearer = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (
    !payload ||
    !url ||
    !bearer ||
    (input('auth') || 'github-oidc').toLowerCase() !== 'github-oidc' ||
    !likelyToSignIn(payload)
  ) {
    return undefined
  }
  // The audience inputs.ts will read: the input, else the cloud's.
  const cloud = CLOUD_NAMES.find((n) => n.toLowerCase() === input('cloud').toLowerCase())
  const audience = input('audience') || CLOUDS[cloud ?? 'AzureCloud'].audience
  let markSent = (): void => undefined
  const sent = new Promise<void>((resolve) => {
    markSent = resolve
    setTimeout(resolve, SEND_WAIT_MS).unref()
  })
  const token = new Promise<string | undefined>((resolve) => {
    const done = (value: unknown): void => {
      markSent()
      if (typeof value === 'string' && JWT.test(value)) {
        // Masked before anything could print it, as core.setSecret would.
        process.stdout.write(`::add-mask::${value}\n`)
        resolve(value)
      } else resolve(undefined)
    }
    try {
      const get = request(`${url}&audience=${encodeURIComponent(audience)}`, {
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
        timeout: 10_000
      })
      get.on('response', (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => {
          done(response.statusCode === 200 ? valueOf(body) : undefined)
        })
        response.on('error', () => {
          done(undefined)
        })
      })
      get.on('finish', markSent)
      get.on('timeout', () => get.destroy())
      get.on('error', () => {
        done(undefined)
      })
      get.end()
    } catch {
      done(undefined)
    }
  })
  return { audience, token, sent }
}

function valueOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { value?: unknown }).value
  } catch {
    return undefined
  }
}
