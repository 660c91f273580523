/**
 * Failures below HTTP, at any stage: DNS, refused or cut connections, timeouts, and TLS chains
 * a proxy re-signed. Node's fetch hides the reason in `cause.code` under "TypeError: fetch
 * failed"; @actions/core keeps only the text, so codes are also read from messages.
 */
import {
  allMessages,
  field,
  block,
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

export interface NetworkFailure {
  readonly code: string
  readonly kind: NetworkKind
  /** The host named by the error itself (getaddrinfo's `hostname`), if any. */
  readonly host?: string
  /** An address read from the message ("connect ECONNREFUSED 10.0.0.4:443"), if any. */
  readonly address?: string
  readonly message: string
}

/** The network failure behind an error: a `code` on any link, else one named in the text. */
export function findNetworkFailure(error: unknown, extraText = ''): NetworkFailure | undefined {
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
  const doing = DOING[stage]
  const known = facts(
    ['stage', stage],
    ['host', host],
    ['code', failure.code],
    [aim.input ?? 'input', aim.value],
    ['error', untrusted(failure.message)]
  )
  const probe = aim.host
    ? `Test from the runner itself:\n${block(`curl -sS -o /dev/null -w '%{http_code}\\n' https://${aim.host}/`)}`
    : ''
  switch (failure.kind) {
    case 'dns':
      return {
        entry: 'network-dns',
        title: `Cannot resolve ${host} (${failure.code})`,
        cause: `The DNS lookup of ${host} failed while ${doing}. ${dnsHint(stage)}`,
        fix: [
          `Check the name from the runner, and fix the ${aim.input ? `\`${aim.input}\` input or the ` : ''}runner's DNS:`,
          block(`nslookup ${host}`)
        ].join('\n'),
        facts: known
      }
    case 'refused':
      return {
        entry: 'network-refused',
        title: `Connection to ${host} failed (${failure.code})`,
        cause: `The connection was refused or cut while ${doing}: a firewall, a proxy, or the runner's network stands in the way.`,
        fix: [
          `Allow outbound HTTPS (port 443) from the runner to ${host}, or route it through the proxy your network requires.`,
          probe
        ]
          .filter(Boolean)
          .join('\n'),
        facts: known
      }
    case 'timeout':
      return {
        entry: 'network-timeout',
        title: `No answer from ${host} in time (${failure.code})`,
        cause: `The connection timed out while ${doing}. Packets are likely dropped by a firewall${stage === 'openai' ? ', or the resource is reachable only through a private endpoint that this runner is outside of' : ''}.`,
        fix: [
          `Allow outbound HTTPS (port 443) from the runner to ${host}${stage === 'openai' ? ', or use a self-hosted runner inside the resource’s virtual network' : ''}.`,
          probe
        ]
          .filter(Boolean)
          .join('\n'),
        facts: known
      }
    case 'tls':
      return {
        entry: 'network-tls',
        title: `The TLS certificate of ${host} is not trusted (${failure.code})`,
        cause: `${tlsHint(failure.code, host)} This happened while ${doing}.`,
        fix: [
          "Give Node.js your proxy's root CA. Node reads it only at start, so set it in the job's or step's env:",
          block('env:', '  NODE_EXTRA_CA_CERTS: /path/to/proxy-root-ca.pem'),
          'Never turn verification off (NODE_TLS_REJECT_UNAUTHORIZED=0): the tokens would travel to whoever intercepts them.'
        ].join('\n'),
        facts: known
      }
  }
}

function dnsHint(stage: Stage): string {
  switch (stage) {
    case 'openai':
      return 'Check the `endpoint` input for a typo: it is the resource’s own host, e.g. https://NAME.openai.azure.com. A resource behind a private endpoint resolves only inside its virtual network (private DNS zone privatelink.openai.azure.com), which a GitHub-hosted runner is not in.'
    case 'entra':
      return 'Check the `authority-host` and `cloud` inputs (leave `authority-host` empty for the public clouds).'
    default:
      return 'GitHub’s hosts resolve from any connected runner, so the runner’s DNS or network is at fault.'
  }
}

function tlsHint(code: string, host: string): string {
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The certificate presented does not name ${host}: a TLS-intercepting proxy answered, or the host points at another server.`
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'The certificate presented is outside its validity period: a TLS-intercepting proxy with a stale certificate, or a runner clock that is far off.'
    default:
      return `The certificate chain presented for ${host} ends in a CA that Node.js does not trust: typically a TLS-intercepting proxy or firewall on a self-hosted runner’s network re-signs HTTPS traffic.`
  }
}
