/**
 * Failures below HTTP, at any stage: DNS, refused or cut connections, timeouts, and TLS chains
 * a proxy re-signed. Node's fetch hides the reason in `cause.code` under "TypeError: fetch
 * failed"; @actions/core keeps only the text, so codes are also read from messages.
 */
import { fragment, say, type CaseOf } from './catalogue.js'
import {
  allMessages,
  field,
  facts,
  hostOf,
  links,
  messageOf,
  stringField,
  untrusted,
  type Diagnosis,
  type DiagnosisContext
} from './facts.js'
import type { Stage } from '../errors.js'

type NetworkKind = 'dns' | 'refused' | 'timeout' | 'tls'

const CODES: Readonly<Record<string, NetworkKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EPIPE: 'refused',
  UND_ERR_SOCKET: 'refused',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  UNABLE_TO_GET_ISSUER_CERT: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  CERT_UNTRUSTED: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  CERT_NOT_YET_VALID: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls'
}

const CODE_IN_TEXT = new RegExp(`\\b(${Object.keys(CODES).join('|')})\\b`)

interface NetworkFailure {
  readonly code: string
  readonly kind: NetworkKind
  /** The host named by the error itself (getaddrinfo's `hostname`), if any. */
  readonly host?: string
  /** An address read from the message ("connect ECONNREFUSED 10.0.0.4:443"), if any. */
  readonly address?: string
  readonly message: string
}

/** The network failure behind an error: a `code` on any link, else one named in the text. */
function findNetworkFailure(error: unknown, extraText = ''): NetworkFailure | undefined {
  for (const link of links(error)) {
    const code = stringField(link, 'code')
    const kind = code ? CODES[code] : undefined
    if (code && kind) {
      const host = stringField(link, 'hostname') ?? stringField(link, 'host')
      return failure(code, kind, messageOf(link), host)
    }
  }
  const text = `${allMessages(error)}\n${extraText}`
  const code = CODE_IN_TEXT.exec(text)?.[1]
  const kind = code ? CODES[code] : undefined
  if (!code || !kind) return undefined
  const line = text.split('\n').find((l) => l.includes(code)) ?? code
  return failure(code, kind, line, /getaddrinfo \w+ ([\w.-]+)/.exec(text)?.[1])
}

function failure(
  code: string,
  kind: NetworkKind,
  message: string,
  host: string | undefined
): NetworkFailure {
  const address = /(?:connect|getaddrinfo) \w+ ([\w.-]+)/.exec(message)?.[1]
  return { code, kind, message, ...(host ? { host } : {}), ...(address ? { address } : {}) }
}

const DOING: Readonly<Record<Stage, string>> = {
  'github-oidc': "requesting the GitHub ID token from the runner's token service",
  entra: 'getting an access token from Microsoft Entra ID',
  openai: 'calling Azure OpenAI',
  github: 'calling the GitHub API'
}

/** Who the stage talks to, and the input that chose it. */
const SERVICE: Readonly<Record<Stage, string>> = {
  'github-oidc': "GitHub's ID token service",
  entra: 'Microsoft Entra ID',
  openai: 'Azure OpenAI',
  github: 'the GitHub API'
}

function target(
  stage: Stage,
  context: DiagnosisContext,
  error: unknown
): { host?: string | undefined; input?: string; value?: string } {
  switch (stage) {
    case 'openai':
      return {
        host: hostOf(context.model.endpoint),
        input: 'endpoint',
        value: context.model.endpoint
      }
    case 'entra':
      return {
        host: hostOf(context.azure.authorityHost),
        input: 'authority-host',
        value: context.azure.authorityHost
      }
    case 'github': {
      const request = links(error).find((e) => stringField(field(e, 'request'), 'url'))
      return { host: hostOf(stringField(field(request, 'request'), 'url')) }
    }
    default:
      return {}
  }
}

export function diagnoseNetwork(
  error: unknown,
  context: DiagnosisContext,
  extraText = ''
): Diagnosis | undefined {
  const found = findNetworkFailure(error, extraText)
  const { stage } = context
  return found && stage ? networkDiagnosis(found, { ...context, stage }, error) : undefined
}

function networkDiagnosis(
  failure: NetworkFailure,
  context: DiagnosisContext & { stage: Stage },
  error: unknown
): Diagnosis {
  const { stage } = context
  const aim = target(stage, context, error)
  const host = untrusted(failure.host ?? aim.host ?? failure.address ?? SERVICE[stage], 200)
  const known = facts(
    ['stage', stage],
    ['host', host],
    ['code', failure.code],
    [aim.input ?? 'input', aim.value],
    ['error', untrusted(failure.message)]
  )
  const values = {
    host,
    code: failure.code,
    doing: DOING[stage],
    probe: aim.host ? fragment('probe', { host: aim.host }) : ''
  }
  switch (failure.kind) {
    case 'dns':
      return { ...say('network-dns', dnsCase(stage), values), facts: known }
    case 'refused':
      return { ...say('network-refused', 'default', values), facts: known }
    case 'timeout':
      return {
        ...say('network-timeout', stage === 'openai' ? 'openai' : 'other', values),
        facts: known
      }
    case 'tls':
      return { ...say('network-tls', tlsCase(failure.code), values), facts: known }
  }
}

function dnsCase(stage: Stage): CaseOf<'network-dns'> {
  switch (stage) {
    case 'openai':
    case 'entra':
      return stage
    default:
      return 'github'
  }
}

function tlsCase(code: string): CaseOf<'network-tls'> {
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'altname'
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'validity'
    default:
      return 'untrusted'
  }
}
