// Parameters for main.bicep. Replace OWNER/REPO, the account and the deployment names.
using 'main.bicep'

param identityName = 'id-keyless-pr-review'
param openAiAccountName = 'my-openai'
param openAiDeploymentName = 'gpt-4o'

// One federated identity credential per subject; Entra compares them exactly (case-sensitive).
// Keep only those your workflows use; a job with `environment: pr-review` needs only that one.
//
// Repositories created after 2026-07-15 (or opted in) get immutable subjects with the numeric
// ids, such as 'repo:OWNER@OWNER_ID/REPO@REPO_ID:environment:pr-review'. Find the ids with
//   gh api repos/OWNER/REPO --jq '"\(.owner.id) \(.id)"'
// and when in doubt run the action once with `mode: check`: it prints the token's actual sub.
param subjects = [
  'repo:OWNER/REPO:pull_request' // pull_request and pull_request_review_comment, no environment
  'repo:OWNER/REPO:environment:pr-review' // any job with environment: pr-review
  'repo:OWNER/REPO:ref:refs/heads/main' // comment commands and manual runs on the default branch
]
