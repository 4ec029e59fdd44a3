environment     = "staging"
location        = "westeurope"
tenant_id       = "14fb8883-c356-4c34-98f6-34c369728963"
subscription_id = "573e986c-4c08-4b49-bfb8-568ecbd23220"

azuread_client_id = "bf178375-4a86-4a0c-9256-9cf907bce18a"
key_vault_name    = "kv-shipments-stg"
app_service_sku   = "B2"

allowed_callback_urls = ["https://api.staging.tidewater-freight.example/signin-oidc"]
