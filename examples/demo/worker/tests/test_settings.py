import pytest

from settings import load_settings

# A well-formed but never-registered secret: it only has to look like one to exercise parsing.
FIXTURE_SECRET = "8CA8Q~XQx~xvK6MWuC1gAsv7rTz76g6WYPcPCbhf"  # credgate:allow azure-client-secret (test fixture, not registered)


def fixture_env(**overrides):
    env = {
        "AZURE_TENANT_ID": "00000000-0000-0000-0000-000000000000",
        "AZURE_CLIENT_ID": "11111111-1111-1111-1111-111111111111",
        "AZURE_CLIENT_SECRET": FIXTURE_SECRET,
        "STORAGE_ACCOUNT_NAME": "stfixture",
    }
    env.update(overrides)
    return env


def test_reads_credentials_from_env():
    settings = load_settings(fixture_env())
    assert settings.client_secret == FIXTURE_SECRET
    assert settings.label_container == "labels"


def test_custom_authority_host():
    settings = load_settings(fixture_env(AZURE_AUTHORITY_HOST="https://login.microsoftonline.us"))
    assert settings.authority_host == "https://login.microsoftonline.us"


def test_missing_secret_is_reported_by_name():
    with pytest.raises(SystemExit, match="AZURE_CLIENT_SECRET"):
        load_settings(fixture_env(AZURE_CLIENT_SECRET=""))
