/**
 * Whom `github-token` acts as, asked once per client (once per run): the action knows its own
 * summary comment, findings, reviews and threads by this login, never by an account type
 * ("Bot") or a marker alone, which any other bot could copy.
 *
 * - A person's token (a classic or fine-grained PAT, a user access token): `GET /user` names
 *   them.
 * - An installation token, the job's GITHUB_TOKEN included (`ghs_…`, asked GraphQL directly):
 *   `GET /user` answers 403 "Resource not accessible by integration", and `GET /app` wants the
 *   app's own JWT. GraphQL
 *   `viewer { login }` answers every kind of token and names the app's bot:
 *   `github-actions[bot]` for GITHUB_TOKEN, `<slug>[bot]` for another app.
 *
 * The limit: every workflow of the repository that posts with its GITHUB_TOKEN posts as
 * github-actions[bot] too. Such a workflow can write to the repository anyway (one trust
 * domain), so what we find is also held to the exact format of our markers (post/markers.ts).
 */
import { httpStatus } from '../errors.js'
import { calling } from './calling.js'
import type { GitHubClient } from './client.js'

export interface Identity {
  /** The login as the REST API shows it on what the token posts (`github-actions[bot]`). */
  readonly login: string
  /** An app's bot (an installation token), not a person's account. */
  readonly app: boolean
}

const asked = new WeakMap<GitHubClient, Promise<Identity>>()

/**
 * `viewer`: GraphQL's viewer login from a query already on its way (pull-state.ts asks it beside
 * the pull request; it never rejects): an installation token's identity is read from it instead
 * of a request of its own.
 */
export function tokenIdentity(
  gh: GitHubClient,
  viewer?: Promise<string | undefined>
): Promise<Identity> {
  let identity = asked.get(gh)
  if (!identity) {
    identity = calling('find out whom github-token acts as', () => whoAmI(gh, viewer))
    asked.set(gh, identity)
  }
  return identity
}

async function whoAmI(
  gh: GitHubClient,
  viewer: Promise<string | undefined> | undefined
): Promise<Identity> {
  // @octokit/auth-token tells an installation token (`ghs_`, GITHUB_TOKEN's kind) by its prefix:
  // for one, `GET /user` would only answer 403, so ask GraphQL first.
  const { tokenType } = (await gh.auth()) as { tokenType?: string }
  if (tokenType !== 'installation') {
    try {
      const { data } = await gh.rest.users.getAuthenticated()
      return { login: data.login, app: data.type === 'Bot' }
    } catch (error) {
      if (httpStatus(error) !== 403) throw error
    }
  }
  // That query may have failed, or given way to REST: then a query of our own.
  const login = (await viewer) ?? (await askViewer(gh))
  // REST names an app's bot `slug[bot]`; GraphQL's Bot.login elsewhere leaves the suffix out.
  return { login: login.endsWith('[bot]') ? login : `${login}[bot]`, app: true }
}

async function askViewer(gh: GitHubClient): Promise<string> {
  const { viewer } = await gh.graphql<{ viewer: { login: string } }>(
    'query Viewer { viewer { login } }'
  )
  return viewer.login
}

/** Whether an author, as the REST API renders one, is the token's identity. */
export function isOurs(
  identity: Identity,
  user: { readonly login: string } | null | undefined
): boolean {
  return user?.login.toLowerCase() === identity.login.toLowerCase()
}
