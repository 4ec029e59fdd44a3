	# Production service principal (the secret comes from the pipeline: ARM_CLIENT_SECRET).
client_id      = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
tenant_id      = "72f988bf-86f1-41af-91ab-2d7cd011db47"
location       = "westeurope"
key_vault_name = "kv-prod"
