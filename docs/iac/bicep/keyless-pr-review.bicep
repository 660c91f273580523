// Keyless PR review, the Azure side: GitHub OIDC ID token -> Microsoft Entra ID -> Azure OpenAI.
//
// Creates, in the resource group it is deployed to:
//   1. a user-assigned managed identity (the action's client-id);
//   2. one federated identity credential per GitHub subject (`sub` claim) to trust;
//   3. a "Cognitive Services OpenAI User" role assignment for that identity on the existing
//      Azure OpenAI account only: not on the resource group, not on the subscription.
//
// Deploy it to the resource group that holds the Azure OpenAI account: a role assignment's
// scope must lie in the deployment's resource group. See ../README.md.

metadata description = 'Managed identity, GitHub federated credentials and Azure OpenAI role for keyless-pr-review'

@description('Name of the user-assigned managed identity to create, or to update when it exists.')
@minLength(3)
@maxLength(128)
param identityName string

@description('Azure region of the identity. Defaults to the region of the resource group.')
param location string = resourceGroup().location

@description('Name of the existing Azure OpenAI (or Foundry / AI Services) account, in this resource group.')
@minLength(2)
@maxLength(64)
param openAiAccountName string

@description('GitHub OIDC subjects to trust, one federated identity credential each. Entra matches them exactly and case-sensitively, e.g. repo:OWNER/REPO:environment:pr-review. An identity holds at most 20 credentials, counting any it already has.')
@minLength(1)
@maxLength(20)
param subjects string[]

@description('Audience (aud) of the GitHub ID token: api://AzureADTokenExchange in Azure public cloud, api://AzureADTokenExchangeUSGov in Azure Government, api://AzureADTokenExchangeChina in Azure China.')
param audience string = 'api://AzureADTokenExchange'

@description('Issuer of the GitHub ID token. Change it only if your enterprise uses a customized issuer URL.')
param issuer string = 'https://token.actions.githubusercontent.com'

@description('Tags for the identity.')
param tags object = {}

// Built-in role "Cognitive Services OpenAI User": call deployments (chat, completions,
// embeddings...), nothing else: it cannot read keys, create deployments or change the account.
var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

// union() of an array with an empty one drops duplicates: a subject listed twice would
// otherwise be two writes of the same credential.
var uniqueSubjects = union(subjects, [])

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

// Azure refuses concurrent credential writes on one identity
// (ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity): one at a time.
// The name derives from the subject, so reordering the list renames nothing.
@batchSize(1)
resource credentials 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = [
  for subject in uniqueSubjects: {
    parent: identity
    name: 'github-${uniqueString(subject)}'
    properties: {
      issuer: issuer
      subject: subject
      audiences: [
        audience
      ]
    }
  }
]

resource openAi 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: openAiAccountName
}

// The name is a GUID of (scope, principal, role): redeploying finds the same assignment.
resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAi.id, identity.id, openAiUserRoleId)
  scope: openAi
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: identity.properties.principalId
    // A new identity may not have replicated yet; the type spares Azure the lookup.
    principalType: 'ServicePrincipal'
    description: 'keyless-pr-review: call Azure OpenAI deployments from GitHub Actions'
  }
}

@description('Client ID of the identity: the repository variable AZURE_CLIENT_ID.')
output clientId string = identity.properties.clientId

@description('Entra tenant of the identity: the repository variable AZURE_TENANT_ID.')
output tenantId string = identity.properties.tenantId

@description('Object (principal) ID of the identity, the role assignment\'s assignee.')
output principalId string = identity.properties.principalId

@description('Endpoint of the Azure OpenAI account: the repository variable AZURE_OPENAI_ENDPOINT.')
output endpoint string = openAi.properties.endpoint

@description('Names of the federated identity credentials, in the order of the distinct subjects.')
output credentialNames string[] = [for (subject, i) in uniqueSubjects: credentials[i].name]
