"""Renders shipping labels queued by the API and stores them as PDFs in blob storage.

Credentials come from the environment (AZURE_TENANT_ID, AZURE_CLIENT_ID,
AZURE_CLIENT_SECRET), which docker compose fills from the matching .env.<environment> file.
"""

import logging
import os
import sys

from azure.identity import ClientSecretCredential
from azure.storage.blob import BlobServiceClient

from settings import Settings, load_settings

log = logging.getLogger("label_worker")


def credential_from_env(settings: Settings) -> ClientSecretCredential:
    return ClientSecretCredential(
        tenant_id=settings.tenant_id,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        authority=settings.authority_host,
    )


def render_label(shipment: dict) -> bytes:
    lines = [
        f"SHIPMENT {shipment['id']}",
        f"TO: {shipment['recipient']}",
        f"CARRIER: {shipment['carrier']}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(settings: Settings) -> int:
    blobs = BlobServiceClient(
        account_url=f"https://{settings.storage_account}.blob.core.windows.net",
        credential=credential_from_env(settings),
    )
    container = blobs.get_container_client(settings.label_container)
    queued = container.list_blobs(name_starts_with="queue/")
    rendered = 0
    for item in queued:
        shipment_id = item.name.removeprefix("queue/").removesuffix(".json")
        log.info("rendering label for %s", shipment_id)
        payload = {"id": shipment_id, "recipient": "on file", "carrier": "on file"}
        container.upload_blob(f"{shipment_id}.pdf", render_label(payload), overwrite=True)
        container.delete_blob(item.name)
        rendered += 1
    log.info("rendered %d labels", rendered)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    sys.exit(run(load_settings(os.environ)))
