# Keyless PR review, the Azure side: GitHub OIDC ID token -> Microsoft Entra ID -> Azure OpenAI.
#
# Creates:
#   1. a user-assigned managed identity (the action's client-id);
#   2. one federated identity credential per GitHub subject (`sub` claim) to trust;
#   3. a "Cognitive Services OpenAI User" role assignment for that identity on the existing
#      Azure OpenAI account only: not on its resource group, not on the subscription.
#
# terraform init && terraform plan -out tfplan && terraform apply tfplan. See ../README.md.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # azurerm_federated_identity_credential takes user_assigned_identity_id since 4.65.0;
      # 5.0 removed the older parent_id. This configuration works with both majors.
      version = ">= 4.65.0, < 6.0.0"
    }
  }
}

provider "azurerm" {
  features {}

  # null: taken from ARM_SUBSCRIPTION_ID (or, with azurerm 5, the Azure CLI's default).
  subscription_id = var.subscription_id

  # Register no resource providers: that would need rights on the whole subscription, and
  # Microsoft.ManagedIdentity and Microsoft.CognitiveServices are registered already where an
  # Azure OpenAI account exists. (5.0's default; 4.x registered a long list.)
  resource_provider_registrations = "none"
}

data "azurerm_resource_group" "identity" {
  name = var.resource_group_name
}

data "azurerm_cognitive_account" "openai" {
  name                = var.openai_account_name
  resource_group_name = coalesce(var.openai_resource_group_name, var.resource_group_name)
}

resource "azurerm_user_assigned_identity" "pr_review" {
  name                = var.identity_name
  resource_group_name = data.azurerm_resource_group.identity.name
  location            = coalesce(var.location, data.azurerm_resource_group.identity.location)
  tags                = var.tags
}

# Azure refuses concurrent credential writes on one identity; the provider already takes a
# lock on the identity for each write, so the for_each needs no -parallelism=1.
resource "azurerm_federated_identity_credential" "github" {
  for_each = toset(var.subjects)

  # Names allow letters, digits, "-" and "_" (3 to 120 characters): the subject with other
  # characters replaced, plus a hash of it so that distinct subjects never collide.
  name = format(
    "github-%s-%s",
    substr(replace(each.value, "/[^0-9A-Za-z_-]/", "-"), 0, 96),
    substr(sha256(each.value), 0, 8)
  )
  user_assigned_identity_id = azurerm_user_assigned_identity.pr_review.id
  issuer                    = var.issuer
  subject                   = each.value
  audience                  = [var.audience]
}

resource "azurerm_role_assignment" "openai_user" {
  # The account itself: the identity can call its deployments and nothing else, anywhere.
  scope                = data.azurerm_cognitive_account.openai.id
  role_definition_name = "Cognitive Services OpenAI User"
  principal_id         = azurerm_user_assigned_identity.pr_review.principal_id
  # A new identity may not have replicated yet; the type spares Azure the lookup.
  principal_type = "ServicePrincipal"
  description    = "keyless-pr-review: call Azure OpenAI deployments from GitHub Actions"
}
