/**
 * The catalogue's Azure CLI entries (azure-cli.ts reads them): `auth: azure-cli`, in a workflow
 * after azure/login and at a terminal, where it is the command line's default sign-in.
 */
import type { EntrySpec } from './spec.js'
import { block } from './common.js'

const INSTALL = 'https://learn.microsoft.com/cli/azure/install-azure-cli'

const FROM_THE_CLI = 'From the command line (`npx keyless-pr-review`)'
const IN_A_WORKFLOW = 'In a workflow, with `auth: azure-cli`'

/** Sign-in by the action itself: a fresh GitHub ID token whenever it needs one, no Azure CLI. */
const SIGN_IN_BY_ITSELF = block(
  'with:',
  '  auth: github-oidc',
  '  client-id: ${{ vars.AZURE_CLIENT_ID }}',
  '  tenant-id: ${{ vars.AZURE_TENANT_ID }}'
)

/** An azure/login step before this one, signed in with the job's GitHub ID token. */
const AZURE_LOGIN_STEP = block(
  'permissions:',
  '  id-token: write',
  '  contents: read',
  '  pull-requests: write',
  'steps:',
  '  - uses: azure/login@v2',
  '    with:',
  '      client-id: ${{ vars.AZURE_CLIENT_ID }}',
  '      tenant-id: ${{ vars.AZURE_TENANT_ID }}',
  '      allow-no-subscriptions: true   # or subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}',
  '  - uses: keyless-pr-review/keyless-pr-review@v1'
)

export const AZURE_CLI = {
  'azure-cli-not-signed-in': {
    section: 'Azure CLI sign-in',
    heading: 'The Azure CLI is not signed in',
    about:
      "`auth: azure-cli`, the command line's default, takes its Entra token from the Azure CLI (`az account get-access-token`). The Azure CLI answers “Please run 'az login' to setup account.”, which @azure/identity reports as “Please run 'az login' from a command prompt to authenticate before using this credential.” The printed `az login` names the tenant when one is known (`--tenant-id`).",
    page: { 'az-login': 'az login --tenant TENANT_ID' },
    cases: {
      cli: {
        when: FROM_THE_CLI,
        title: 'The Azure CLI is not signed in',
        cause:
          "The command signs in with the Azure CLI's login (`--auth azure-cli`, the default), and no account is signed in to the Azure CLI: it answered “Please run 'az login'”.",
        fix: `Sign in, then run the command again:\n${block('{{az-login}}')}`
      },
      workflow: {
        when: IN_A_WORKFLOW,
        title:
          'The Azure CLI is not signed in on this runner: no azure/login step ran before this one',
        cause:
          "`auth: azure-cli` takes its token from the Azure CLI's sign-in on the runner, which an `azure/login` step makes earlier in the same job. The Azure CLI answered “Please run 'az login'”: no such step ran in this job (a step in another job does not count: each job gets a fresh runner).",
        fix: [
          'Add an azure/login step before this one, in the same job, and let the job request a GitHub ID token:',
          AZURE_LOGIN_STEP,
          'or let the action sign in by itself, without the Azure CLI:',
          SIGN_IN_BY_ITSELF
        ].join('\n')
      }
    }
  },
  'azure-cli-not-installed': {
    section: 'Azure CLI sign-in',
    heading: 'The Azure CLI is not installed',
    about:
      '@azure/identity runs `az` and finds none on PATH: it says “Azure CLI could not be found.”',
    page: { 'az-login': 'az login --tenant TENANT_ID' },
    cases: {
      cli: {
        when: FROM_THE_CLI,
        title: 'The Azure CLI is not installed: there is no az on PATH',
        cause:
          "The command signs in with the Azure CLI's login (`--auth azure-cli`, the default), and there is no `az` on PATH to ask for a token.",
        fix: `Install the Azure CLI (${INSTALL}), sign in, and run the command again:\n${block('{{az-login}}')}`
      },
      workflow: {
        when: IN_A_WORKFLOW,
        title: 'The Azure CLI is not installed on this runner',
        cause:
          '`auth: azure-cli` runs `az`, and this runner has none on PATH: GitHub-hosted runners have it, self-hosted runners and job containers often do not.',
        fix: [
          `Install the Azure CLI on the runner (${INSTALL}) and sign it in with an azure/login step before this one:`,
          AZURE_LOGIN_STEP,
          'or let the action sign in by itself, without the Azure CLI:',
          SIGN_IN_BY_ITSELF
        ].join('\n')
      }
    }
  },
  'azure-cli-sign-in-expired': {
    section: 'Azure CLI sign-in',
    heading: 'The Azure CLI must sign in again',
    about:
      'The Azure CLI is signed in, but Entra ID refused to renew its token, and the Azure CLI printed Entra’s refusal with “Interactive authentication is needed”: the refresh token expired after 90 days unused (AADSTS700082) or was revoked (AADSTS50173, a password change), Conditional Access asks for a new sign-in or multifactor authentication (AADSTS70043, AADSTS50076, AADSTS50079), or, in a workflow, the GitHub ID token azure/login signed in with has expired (AADSTS700024).',
    page: {
      refusal: 'AADSTS_CODE',
      'az-login': 'az login --scope SCOPE --tenant TENANT_ID'
    },
    cases: {
      cli: {
        when: FROM_THE_CLI,
        title: 'The Azure CLI must sign in again ({{refusal}})',
        cause:
          "The Azure CLI is signed in, but Entra ID no longer accepts its sign-in, and the Azure CLI cannot renew it without you: the sign-in went unused too long or was revoked, or Conditional Access wants a fresh sign-in or multifactor authentication for Azure OpenAI. Entra's own words are below.",
        fix: `Sign in again, then run the command again:\n${block('{{az-login}}')}`
      },
      workflow: {
        when: IN_A_WORKFLOW,
        title: 'The Azure CLI’s sign-in on this runner has expired ({{refusal}})',
        cause:
          "`auth: azure-cli` uses the sign-in an azure/login step made earlier in the job, and Entra ID no longer accepts it: azure/login signs the Azure CLI in with the job's GitHub ID token, which is short-lived and which the Azure CLI cannot renew, so once the access token it got with it expires, the Azure CLI cannot get another.",
        fix: [
          'Let the action sign in by itself: with `auth: github-oidc` it asks for a fresh GitHub ID token whenever it needs one:',
          SIGN_IN_BY_ITSELF,
          'or run azure/login again in the step just before this one.'
        ].join('\n')
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
