variable "subscription_id" {
  description = "Subscription of the resource groups. null: ARM_SUBSCRIPTION_ID (or, with azurerm 5, the Azure CLI's default subscription)."
  type        = string
  default     = null
}

variable "resource_group_name" {
  description = "Existing resource group for the managed identity (and, unless openai_resource_group_name says otherwise, of the Azure OpenAI account)."
  type        = string
}

variable "location" {
  description = "Azure region of the identity. null: the region of its resource group."
  type        = string
  default     = null
}

variable "identity_name" {
  description = "Name of the user-assigned managed identity to create."
  type        = string
  default     = "id-keyless-pr-review"

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z_-]{2,127}$", var.identity_name))
    error_message = "identity_name: 3 to 128 letters, digits, hyphens or underscores, starting with a letter or digit."
  }
}

variable "openai_account_name" {
  description = "Name of the existing Azure OpenAI (or Foundry / AI Services) account."
  type        = string
}

variable "openai_resource_group_name" {
  description = "Resource group of the Azure OpenAI account. null: resource_group_name."
  type        = string
  default     = null
}

variable "openai_deployment_name" {
  description = "Name of the model deployment the action calls; only echoed into the outputs."
  type        = string
}

variable "subjects" {
  description = "GitHub OIDC subjects to trust, one federated identity credential each, matched exactly and case-sensitively: repo:OWNER/REPO:environment:NAME, repo:OWNER/REPO:pull_request, repo:OWNER/REPO:ref:refs/heads/BRANCH, or the immutable repo:OWNER@OWNER_ID/REPO@REPO_ID:... form."
  type        = list(string)

  validation {
    condition     = length(var.subjects) >= 1 && length(var.subjects) <= 20
    error_message = "subjects: give 1 to 20 subjects; an identity holds at most 20 federated identity credentials (counting any it has already)."
  }

  validation {
    condition     = length(distinct(var.subjects)) == length(var.subjects)
    error_message = "subjects: each subject once; a duplicate would be the same credential twice."
  }

  validation {
    condition     = alltrue([for s in var.subjects : can(regex("^[^\\s*]+$", s))])
    error_message = "subjects: a subject holds no spaces and no wildcard (*); Entra compares it with the token's sub exactly."
  }
}

variable "audience" {
  description = "Audience (aud) of the GitHub ID token: api://AzureADTokenExchange in Azure public cloud, api://AzureADTokenExchangeUSGov in Azure Government, api://AzureADTokenExchangeChina in Azure China."
  type        = string
  default     = "api://AzureADTokenExchange"
}

variable "issuer" {
  description = "Issuer of the GitHub ID token. Change it only if your enterprise uses a customized issuer URL."
  type        = string
  default     = "https://token.actions.githubusercontent.com"
}

variable "tags" {
  description = "Tags for the identity."
  type        = map(string)
  default = {
    purpose = "keyless-pr-review"
  }
}
