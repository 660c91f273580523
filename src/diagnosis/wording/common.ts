/** Wording shared by several entries of the catalogue, and the fragments run facts fill. */

/** Lines of a command or YAML block, indented for the log. */
export function block(...lines: string[]): string {
  return lines.map((line) => `  ${line}`).join('\n')
}

export const DEBUG_FIX =
  'Re-run the job with debug logging (the repository secret or variable ACTIONS_STEP_DEBUG=true) and read the step log around this error.'

/** DEBUG_FIX at a terminal, where no job can be re-run with debug logging. */
export const VERBOSE_FIX =
  'Run the command again with --verbose: it prints every step, and the debug log, before this error.'

export const PERMISSIONS_YAML = block(
  'permissions:',
  '  id-token: write',
  '  contents: read',
  '  pull-requests: write'
)

export const SUBJECT_RULES =
  'Subjects are compared exactly and case-sensitively: a job with `environment:` presents `repo:OWNER/REPO:environment:NAME`, a `pull_request` run `…:pull_request`, a branch `…:ref:refs/heads/BRANCH`, and newer repositories use the immutable form `repo:OWNER@ID/REPO@ID:…`, so copy the subject printed here. An app or identity holds at most 20 federated credentials.'

/** Where the review identity's federated credentials are read, for an app and for an identity. */
export const LIST_CREDENTIALS_QUERY = '"[].{name:name,subject:subject,audiences:audiences}"'

const CREATE_ON_APP =
  'az ad app federated-credential create --id {{client-id}} --parameters {{parameters}}'
const CREATE_ON_IDENTITY =
  'az identity federated-credential create --name {{credential-name}} --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --issuer {{issuer}} --subject {{subject}} --audiences {{audience}}'

const ADD_CREDENTIAL = [
  'On an app registration:',
  block(CREATE_ON_APP),
  'or on a user-assigned managed identity:',
  block(CREATE_ON_IDENTITY)
].join('\n')

// Entra holds one credential per issuer and subject: a credential is replaced, not added twice.
const REPLACE_CREDENTIAL = [
  'On an app registration:',
  block(
    'az ad app federated-credential delete --id {{client-id}} --federated-credential-id CREDENTIAL_NAME',
    CREATE_ON_APP
  ),
  'or on a user-assigned managed identity:',
  block(
    'az identity federated-credential delete --name CREDENTIAL_NAME --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --yes',
    CREATE_ON_IDENTITY
  )
].join('\n')

/** How the page shows run facts whose NAME alone would say too little. */
export const PAGE_VALUES: Readonly<Record<string, string>> = {
  parameters: `'{"name":"CREDENTIAL_NAME","issuer":"ISSUER","subject":"SUBJECT","audiences":["AUDIENCE"]}'`,
  assignee: 'PRINCIPAL_ID',
  'principal-type': 'ServicePrincipal',
  'metadata-url': 'AUTHORITY_HOST/TENANT_ID/v2.0/.well-known/openid-configuration',
  'issuer-metadata': 'ISSUER/.well-known/openid-configuration',
  'see-more': `${DEBUG_FIX} From the command line: ${VERBOSE_FIX}`
}

/**
 * Blocks built from several facts. A template names one as {{name}}; the reader fills it with
 * `fragment()` and passes it as that value, and the page shows the fragment itself.
 */
export const FRAGMENTS = {
  /** Both ways to add the token's exact issuer, subject and audience as a federated credential. */
  'add-credential': ADD_CREDENTIAL,
  /** The same when no subject is known yet. */
  'add-credential-unknown-subject': `The token’s subject is unknown: run the action with \`mode: check\` to print it.\n${ADD_CREDENTIAL}`,
  /** The credential for the token's issuer and subject made again with the token's audience. */
  'replace-credential': REPLACE_CREDENTIAL,
  /** A probe of the host from the runner, when the host is known. */
  probe: `\nTest from the runner itself:\n${block("curl -sS -o /dev/null -w '%{http_code}\\n' https://{{host}}/")}`
} as const
