// Example: everything keyless-pr-review needs in Azure, for one repository.
// Deploy it to the resource group of the Azure OpenAI account, with main.bicepparam:
//
//   az deployment group create --resource-group RG --name keyless-pr-review \
//     --parameters main.bicepparam
//
// (Azure CLI 2.53 or later finds this template through the parameters file's `using` line.)

targetScope = 'resourceGroup'

@description('Name of the user-assigned managed identity to create.')
param identityName string = 'id-keyless-pr-review'

@description('Name of the existing Azure OpenAI account in this resource group.')
param openAiAccountName string

@description('Name of the model deployment the action calls; only echoed into the outputs.')
param openAiDeploymentName string

@description('GitHub OIDC subjects the review workflows run as (see main.bicepparam).')
param subjects string[]

@description('Audience of the GitHub ID token; change it only in Azure Government or Azure China.')
param audience string = 'api://AzureADTokenExchange'

module keyless 'keyless-pr-review.bicep' = {
  name: 'keyless-pr-review-identity'
  params: {
    identityName: identityName
    location: resourceGroup().location
    openAiAccountName: openAiAccountName
    subjects: subjects
    audience: audience
    tags: {
      purpose: 'keyless-pr-review'
    }
  }
}

// The four repository variables the workflows read (Settings > Secrets and variables >
// Actions > Variables). None of them is a secret.
output AZURE_CLIENT_ID string = keyless.outputs.clientId
output AZURE_TENANT_ID string = keyless.outputs.tenantId
output AZURE_OPENAI_ENDPOINT string = keyless.outputs.endpoint
output AZURE_OPENAI_DEPLOYMENT string = openAiDeploymentName
output principalId string = keyless.outputs.principalId
