# The repository variables the workflows read (Settings > Secrets and variables > Actions >
# Variables). None of them is a secret.

output "client_id" {
  description = "Client ID of the identity: the repository variable AZURE_CLIENT_ID."
  value       = azurerm_user_assigned_identity.pr_review.client_id
}

output "tenant_id" {
  description = "Entra tenant of the identity: the repository variable AZURE_TENANT_ID."
  value       = azurerm_user_assigned_identity.pr_review.tenant_id
}

output "principal_id" {
  description = "Object (principal) ID of the identity, the role assignment's assignee."
  value       = azurerm_user_assigned_identity.pr_review.principal_id
}

output "endpoint" {
  description = "Endpoint of the Azure OpenAI account: the repository variable AZURE_OPENAI_ENDPOINT."
  value       = data.azurerm_cognitive_account.openai.endpoint
}

output "github_variables" {
  description = "All four repository variables, by name."
  value = {
    AZURE_CLIENT_ID         = azurerm_user_assigned_identity.pr_review.client_id
    AZURE_TENANT_ID         = azurerm_user_assigned_identity.pr_review.tenant_id
    AZURE_OPENAI_ENDPOINT   = data.azurerm_cognitive_account.openai.endpoint
    AZURE_OPENAI_DEPLOYMENT = var.openai_deployment_name
  }
}

output "federated_credentials" {
  description = "Name of the federated identity credential of each subject."
  value       = { for subject, credential in azurerm_federated_identity_credential.github : subject => credential.name }
}
