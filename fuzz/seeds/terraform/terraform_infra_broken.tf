provider "azurerm" {
  client_id = var.client_id
  client_id = var.other_client_id
}
