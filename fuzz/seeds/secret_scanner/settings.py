"""Worker settings, read once from the process environment."""

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Settings:
    tenant_id: str
    client_id: str
    client_secret: str
    storage_account: str
    label_container: str = "labels"
    authority_host: str = "https://login.microsoftonline.com"


def load_settings(env: Mapping[str, str]) -> Settings:
    missing = [k for k in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
                           "STORAGE_ACCOUNT_NAME") if not env.get(k)]
    if missing:
        raise SystemExit(f"missing settings: {', '.join(missing)}")
    return Settings(
        tenant_id=env["AZURE_TENANT_ID"],
        client_id=env["AZURE_CLIENT_ID"],
        client_secret=env["AZURE_CLIENT_SECRET"],
        storage_account=env["STORAGE_ACCOUNT_NAME"],
        label_container=env.get("LABEL_CONTAINER", "labels"),
        authority_host=env.get("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com"),
    )
