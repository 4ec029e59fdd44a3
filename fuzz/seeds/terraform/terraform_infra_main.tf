terraform {
  backend "azurerm" {
    use_oidc = true
  }
}

variable "client_id" {
  type = string
}

variable "tenant_id" {
  type    = string
  default = "72f988bf-86f1-41af-91ab-2d7cd011db47"
}

provider "azurerm" {
  features {}
  client_id       = var.client_id
  tenant_id       = "${var.tenant_id}"
  subscription_id = var.subscription_id
}

provider "azuread" {
  tenant_id     = var.tenant_id
  client_secret = data.azurerm_key_vault_secret.sp.value
}

resource "azurerm_linux_web_app" "api" {
  name = "app-api"
  app_settings = {
    "AZURE_CLIENT_ID"   = var.client_id
    "AzureAd__Instance" = "https://login.microsoftonline.com/"
  }
}

output "client_secret" {
  value     = data.azurerm_key_vault_secret.sp.value
  sensitive = true
}
