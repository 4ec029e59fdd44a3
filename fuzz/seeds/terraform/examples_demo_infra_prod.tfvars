environment     = "prod"
location        = "westeurope"
tenant_id       = "14fb8883-c356-4c34-98f6-34c369728963"
subscription_id = "573e986c-4c08-4b49-bfb8-568ecbd23220"

azuread_client_id = "1ee56472-6166-4e31-b902-c9f9c65b805e"
key_vault_name    = "kv-shipments-prod"
app_service_sku   = "P1v3"

allowed_callback_urls = ["https://api.tidewater-freight.example/signin-oidc"]
