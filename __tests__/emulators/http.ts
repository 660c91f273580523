/**
 * The plumbing every emulator shares: an HTTPS server on 127.0.0.1 with the test
 * certificate, body reading, JSON answers, and a tiny method + path-pattern router.
 */
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getTestTls } from './tls.js'

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

export interface RunningServer {
  /** `https://localhost:PORT`, no trailing slash. */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export async function startHttpsServer(handler: Handler): Promise<RunningServer> {
  const { certPem, keyPem } = getTestTls()
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      // An emulator bug must fail loudly in the test, not hang the client.
      if (!res.headersSent) sendJson(res, 500, { error: 'emulator_error', message: String(error) })
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `https://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      })
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text).toString(),
    ...headers
  })
  res.end(text)
}

/** The request's URL, resolved against the emulator's own origin. */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`)
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Headers as recorded: credentials removed so records can be printed safely. */
export function safeHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (name === 'authorization' || name === 'api-key' || name === 'cookie') continue
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export function bearer(req: IncomingMessage): string | undefined {
  const value = header(req, 'authorization')
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null
  return match?.[1]
}

export interface RouteContext {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: URL
  /** Named segments of the matched pattern (`:owner` → params.owner), URL-decoded. */
  readonly params: Readonly<Record<string, string>>
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void

interface Route {
  readonly method: string
  readonly segments: readonly string[]
  readonly handler: RouteHandler
}

/** Method + `/a/:b/c` patterns; the first match wins, so more specific routes go first. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: split(pattern), handler })
    return this
  }

  /** Runs the matching handler; false when no route matched. */
  async dispatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = split(url.pathname)
    for (const route of this.routes) {
      if (route.method !== (req.method ?? 'GET').toUpperCase()) continue
      const params = match(route.segments, path)
      if (!params) continue
      await route.handler({ req, res, url, params })
      return true
    }
    return false
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function match(pattern: readonly string[], path: readonly string[]): Record<string, string> | null {
  if (pattern.length !== path.length) return null
  const params: Record<string, string> = {}
  for (const [i, segment] of pattern.entries()) {
    const actual = path[i] ?? ''
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual)
    else if (segment !== actual) return null
  }
  return params
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
