/**
 * Fixed, non-secret identifiers of the test world. Shaped like the real ones (GUIDs, numeric
 * GitHub ids) so that anything the action prints about them reads like a real run.
 */
export const TENANT_ID = '8f6b2d1e-4c3a-4e5f-9a7b-0c1d2e3f4a5b'
/** Application (client) id of the app registration holding the federated credential. */
export const CLIENT_ID = '3c9e7a51-2b4d-4f68-8e0a-6d5c4b3a2f19'
/** Object id of the app's service principal: the `oid` of its access tokens, the role assignee. */
export const PRINCIPAL_ID = 'b7a41f2c-93d8-4e06-a5c1-2f8e9d7b6a40'

export const OWNER = 'octo-org'
export const REPO = 'octo-repo'
export const REPOSITORY = `${OWNER}/${REPO}`
export const OWNER_ID = 79927191
export const REPO_ID = 864209517

/** The pull request every default event points at. */
export const PR_NUMBER = 7
export const BASE_REF = 'main'
export const HEAD_REF = 'feature/keyless-review'
export const BASE_SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e'
export const HEAD_SHA = 'a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4'
export const ACTOR = 'octocat'

export const DEPLOYMENT = 'gpt-4o-review'
export const REASONING_DEPLOYMENT = 'o4-mini-review'

/** The real GitHub Actions issuer: federated credentials in tests look exactly like real ones. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const AZURE_AUDIENCE = 'api://AzureADTokenExchange'
export const COGNITIVE_RESOURCE = 'https://cognitiveservices.azure.com'
export const AI_RESOURCE = 'https://ai.azure.com'
export const COGNITIVE_SCOPE = `${COGNITIVE_RESOURCE}/.default`
