location = "westeurope"

azuread = {
  client_id = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
  tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"
}
