terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.110"
    }
  }
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
  tenant_id       = var.tenant_id
}

variable "environment" { type = string }
variable "location" { type = string }
variable "tenant_id" { type = string }
variable "subscription_id" { type = string }
variable "azuread_client_id" {
  type        = string
  description = "Application (client) id of the shipments-api app registration for this environment."
}
variable "key_vault_name" { type = string }
variable "app_service_sku" { type = string }
variable "allowed_callback_urls" { type = list(string) }

resource "azurerm_resource_group" "shipments" {
  name     = "rg-shipments-${var.environment}"
  location = var.location
}

resource "azurerm_key_vault" "shipments" {
  name                      = var.key_vault_name
  location                  = azurerm_resource_group.shipments.location
  resource_group_name       = azurerm_resource_group.shipments.name
  tenant_id                 = var.tenant_id
  sku_name                  = "standard"
  enable_rbac_authorization = true
  purge_protection_enabled  = true
}

resource "azurerm_service_plan" "shipments" {
  name                = "asp-shipments-${var.environment}"
  location            = azurerm_resource_group.shipments.location
  resource_group_name = azurerm_resource_group.shipments.name
  os_type             = "Linux"
  sku_name            = var.app_service_sku
}

resource "azurerm_linux_web_app" "api" {
  name                = "app-shipments-api-${var.environment}"
  location            = azurerm_resource_group.shipments.location
  resource_group_name = azurerm_resource_group.shipments.name
  service_plan_id     = azurerm_service_plan.shipments.id

  identity {
    type = "SystemAssigned"
  }

  site_config {
    application_stack {
      dotnet_version = "8.0"
    }
  }

  app_settings = {
    "AzureAd__TenantId"     = var.tenant_id
    "AzureAd__ClientId"     = var.azuread_client_id
    "AzureAd__ClientSecret" = "@Microsoft.KeyVault(VaultName=${var.key_vault_name};SecretName=AzureAd--ClientSecret)"
  }
}
