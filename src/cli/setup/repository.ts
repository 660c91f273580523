/**
 * What GitHub says about the repository's subjects: its ids and default branch, its OIDC subject
 * customization, and the organization's template when the repository defers to it. Read with
 * the same octokit client as the action (GITHUB_API_URL, retries, rate limits).
 */
import { z } from 'zod'
import { ActionError, httpStatus } from '../../errors.js'
import type { GitHubClient } from '../../github/client.js'
import type { RepoRef } from '../../pull-request.js'
import {
  subjectFormat,
  subjectTemplate,
  usesOrganizationTemplate,
  type OidcCustomization,
  type RepositoryFacts,
  type SubjectFormat,
  type SubjectTemplate
} from './subjects.js'

export interface SubjectSettings {
  readonly facts: RepositoryFacts
  readonly customization: OidcCustomization
  readonly format: SubjectFormat
  readonly template: SubjectTemplate
}

const Repository = z.object({
  id: z.number(),
  name: z.string(),
  owner: z.object({ login: z.string(), id: z.number(), type: z.string() }),
  default_branch: z.string(),
  visibility: z.string().optional(),
  private: z.boolean(),
  created_at: z.string()
})

const RepositoryCustomization = z.object({
  use_default: z.boolean(),
  include_claim_keys: z.array(z.string()).nullish(),
  use_immutable_subject: z.boolean().nullish(),
  sub_claim_prefix: z.string().nullish()
})

const OrganizationCustomization = z.object({ include_claim_keys: z.array(z.string()).nullish() })

export async function readSubjectSettings(
  client: GitHubClient,
  repo: RepoRef,
  apiUrl: string
): Promise<SubjectSettings> {
  const facts = await readFacts(client, repo)
  const customization = await readCustomization(client, facts)
  const organizationKeys =
    facts.organization && usesOrganizationTemplate(customization)
      ? await readOrganizationKeys(client, facts)
      : undefined
  return {
    facts,
    customization,
    format: subjectFormat(facts, customization, immutableAvailable(apiUrl)),
    template: subjectTemplate(customization, organizationKeys)
  }
}

/** Immutable subjects exist on github.com and GHE.com (data residency), not on GHES. */
export function immutableAvailable(apiUrl: string): boolean {
  const host = new URL(apiUrl).hostname.toLowerCase()
  return host === 'api.github.com' || /^api\.[a-z0-9-]+\.ghe\.com$/.test(host)
}

async function readFacts(client: GitHubClient, repo: RepoRef): Promise<RepositoryFacts> {
  const data = await get(client, 'GET /repos/{owner}/{repo}', { ...repo }, Repository, (status) =>
    status === 404
      ? new ActionError(
          `GitHub finds no repository ${repo.owner}/${repo.repo} (HTTP 404): it does not exist, or the GitHub token cannot see it.`,
          'Check --repo OWNER/NAME, and that the token can read the repository: gh auth status (or export GITHUB_TOKEN=<a token with access>)'
        )
      : undefined
  )
  return {
    owner: data.owner.login,
    name: data.name,
    ownerId: data.owner.id,
    repoId: data.id,
    organization: data.owner.type === 'Organization',
    defaultBranch: data.default_branch,
    visibility: data.visibility ?? (data.private ? 'private' : 'public'),
    createdAt: data.created_at
  }
}

async function readCustomization(
  client: GitHubClient,
  facts: RepositoryFacts
): Promise<OidcCustomization> {
  const repo = { owner: facts.owner, repo: facts.name }
  const data = await get(
    client,
    'GET /repos/{owner}/{repo}/actions/oidc/customization/sub',
    repo,
    RepositoryCustomization,
    (status) =>
      status === 403 || status === 404
        ? new ActionError(
            `GitHub did not show ${facts.owner}/${facts.name}'s OIDC subject settings (HTTP ${status}): reading them needs the repo scope, or Actions: read on a fine-grained token.`,
            'gh auth refresh -s repo   (or a token with Actions: read on the repository); to see the subject instead, run the action once with `mode: check`'
          )
        : undefined
  )
  return {
    useDefault: data.use_default,
    includeClaimKeys: data.include_claim_keys ?? undefined,
    useImmutableSubject: data.use_immutable_subject ?? undefined,
    subClaimPrefix: data.sub_claim_prefix ?? undefined
  }
}

async function readOrganizationKeys(
  client: GitHubClient,
  facts: RepositoryFacts
): Promise<readonly string[]> {
  const data = await get(
    client,
    'GET /orgs/{org}/actions/oidc/customization/sub',
    { org: facts.owner },
    OrganizationCustomization,
    (status) =>
      new ActionError(
        `${facts.owner}/${facts.name} uses its organization's OIDC subject template (use_default: false), which GitHub did not show (HTTP ${status}): reading it needs the read:org scope.`,
        `gh auth refresh -s read:org   (or ask an owner of ${facts.owner} for: gh api orgs/${facts.owner}/actions/oidc/customization/sub)`
      )
  )
  return data.include_claim_keys ?? []
}

/** A GET, validated; an HTTP failure becomes the explanation `refused` gives, or a generic one. */
async function get<T>(
  client: GitHubClient,
  route: string,
  parameters: Record<string, string>,
  schema: z.ZodType<T>,
  refused: (status: number) => ActionError | undefined
): Promise<T> {
  let data: unknown
  try {
    data = (await client.request(route, parameters)).data
  } catch (error) {
    const status = httpStatus(error)
    const explained = status === undefined ? undefined : refused(status)
    if (explained) throw explained
    const text = error instanceof Error ? error.message : String(error)
    throw new ActionError(
      `GitHub failed ${route} (${status === undefined ? text : `HTTP ${status}: ${text}`}).`,
      status === 401
        ? 'gh auth login   (or export GITHUB_TOKEN=<a valid token>): the token was refused'
        : 'Check GITHUB_API_URL and your network, then run setup again',
      { cause: error }
    )
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    throw new ActionError(
      `GitHub answered ${route} with an unexpected shape: ${parsed.error.message}`,
      'Check GITHUB_API_URL points at the GitHub API (https://api.github.com, or https://HOST/api/v3)'
    )
  }
  return parsed.data
}
