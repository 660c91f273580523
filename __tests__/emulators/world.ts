/**
 * The whole test world: GitHub's OIDC token service, Entra ID, an Azure OpenAI resource and
 * GitHub's REST API, each on its own HTTPS origin, configured by default so that a correctly
 * set-up action succeeds. Tests mutate the emulators' `config`/`state` to break one link.
 */
import { getTestTls } from './tls.js'
import { createSigningKey } from './keys.js'
import { startHttpsServer, type RunningServer } from './http.js'
import { GithubOidcEmulator, type GithubOidcConfig } from './github-oidc.js'
import { EntraEmulator, type EntraConfig, type FederatedCredential } from './entra.js'
import { AzureOpenAIEmulator, type AzureOpenAIConfig } from './azure-openai.js'
import { GithubApiEmulator } from './github-api.js'
import { ApimGatewayEmulator } from './apim-gateway.js'
import type { RepoState } from './github-state.js'

export interface WorldOptions {
  oidc?: Partial<GithubOidcConfig>
  entra?: Partial<EntraConfig>
  openai?: Partial<AzureOpenAIConfig>
  /** Replaces the default app's federated credentials. */
  federatedCredentials?: FederatedCredential[]
  /** Replaces who holds the OpenAI role (default: the app's principal). */
  roleAssignments?: string[]
  /** Edits the repository state before the world starts. */
  github?: (state: RepoState) => void
}

interface WorldUrls {
  /** ACTIONS_ID_TOKEN_REQUEST_URL exactly as the runner gives it (query already started). */
  readonly oidcRequestUrl: string
  /** Origin of the OIDC service (JWKS at `/.well-known/jwks`). */
  readonly oidcOrigin: string
  /** Entra authority host (`authority-host` input); tenants are paths below it. */
  readonly authorityHost: string
  /** Azure OpenAI resource endpoint (`endpoint` input). */
  readonly openaiEndpoint: string
  /** GITHUB_API_URL. */
  readonly githubApiUrl: string
  /** An API Management gateway in front of the Azure OpenAI resource (`endpoint` behind a gateway). */
  readonly gatewayEndpoint: string
}

export interface World {
  readonly urls: WorldUrls
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken: string
  /** GITHUB_TOKEN / `github-token`. */
  readonly githubToken: string
  /** PEM file of the test CA, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string
  readonly caPem: string
  readonly oidc: GithubOidcEmulator
  readonly entra: EntraEmulator
  readonly openai: AzureOpenAIEmulator
  readonly github: GithubApiEmulator
  /** Forwards to `openai`; inert until a test points `endpoint` at it (see setUpGateway). */
  readonly gateway: ApimGatewayEmulator
  /** Every credential the world issued or holds, for leak scans. */
  secrets(): string[]
  close(): Promise<void>
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const tls = getTestTls()
  const [oidcKey, entraKey] = await Promise.all([createSigningKey(), createSigningKey()])
  const oidc = new GithubOidcEmulator(oidcKey)
  const entra = new EntraEmulator(entraKey)
  const openai = new AzureOpenAIEmulator(entraKey)
  const github = new GithubApiEmulator()

  Object.assign(oidc.config, options.oidc)
  // Entra fetches GitHub's keys from whatever issuer the world's OIDC service currently claims.
  entra.config.issuerKeys = (issuer) =>
    issuer === oidc.config.issuer ? [oidcKey.publicKey] : undefined
  Object.assign(entra.config, options.entra)
  if (options.federatedCredentials) entra.app().federatedCredentials = options.federatedCredentials
  Object.assign(openai.config, options.openai)
  if (options.roleAssignments) openai.config.roleAssignments = options.roleAssignments
  options.github?.(github.state)

  const servers: RunningServer[] = []
  try {
    servers.push(await startHttpsServer((req, res) => oidc.handle(req, res)))
    servers.push(await startHttpsServer((req, res) => entra.handle(req, res)))
    servers.push(await startHttpsServer((req, res) => openai.handle(req, res)))
    servers.push(await startHttpsServer((req, res) => github.handle(req, res)))
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()))
    throw error
  }
  const [oidcServer, entraServer, openaiServer, githubServer] = servers as [
    RunningServer,
    RunningServer,
    RunningServer,
    RunningServer
  ]
  github.apiUrl = githubServer.url
  const gateway = new ApimGatewayEmulator(entraKey, tls.caPem)
  gateway.config.backend = openaiServer.url
  let gatewayServer: RunningServer
  try {
    gatewayServer = await startHttpsServer((req, res) => gateway.handle(req, res))
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()))
    throw error
  }
  servers.push(gatewayServer)

  return {
    urls: {
      oidcRequestUrl: `${oidcServer.url}/_apis/oidc/token?api-version=2.0`,
      oidcOrigin: oidcServer.url,
      authorityHost: entraServer.url,
      openaiEndpoint: openaiServer.url,
      githubApiUrl: githubServer.url,
      gatewayEndpoint: gatewayServer.url
    },
    requestToken: oidc.requestToken,
    githubToken: github.token,
    caFile: tls.caFile,
    caPem: tls.caPem,
    oidc,
    entra,
    openai,
    github,
    gateway,
    secrets: () => [
      ...new Set([
        oidc.requestToken,
        github.token,
        ...oidc.issued.map((t) => t.jwt),
        ...entra.issued.map((t) => t.jwt),
        ...entra.requests.flatMap((r) => (r.assertion ? [r.assertion] : [])),
        ...gateway.issued
      ])
    ],
    close: async () => {
      await Promise.all(servers.map((s) => s.close()))
    }
  }
}
