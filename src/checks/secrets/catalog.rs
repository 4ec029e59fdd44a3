//! The rule table: every hard-coded secret rule as data, with its samples.
//!
//! Samples are synthetic. Values that would trip a push-protection scanner (checksum-valid
//! Entra secrets, key-shaped base64, PEM bodies) are split with `concat!` so the source file
//! itself holds no contiguous secret.

use super::assignment;
use super::generic;
use super::marvin::is_entra_secret_char;
use super::placeholder::{AZURITE_ACCOUNT_KEY, COSMOS_EMULATOR_KEY};
use super::rule::{Confidence, Reach, Rule, Sample};
use super::validate;

/// Bytes of a base64 value (without the `=` padding, which may follow a key name's `=`).
fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

fn is_alphanumeric(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

const FIX_CLIENT_SECRET: &str = "Rotate it: in the Entra admin center open App registrations → the app → Certificates & secrets, \
add a new secret, roll it out, then delete this one (the portal lists it by its first three characters). \
Keep the new value in Key Vault or a pipeline secret and reference it (`${{ secrets.AZURE_CLIENT_SECRET }}`, \
`$(ClientSecret)`, `@Microsoft.KeyVault(...)`), or drop secrets altogether with workload identity federation. \
Deleting the line is not enough: the value stays in git history until it is rotated.";

const FIX_STORAGE_KEY: &str = "Rotate the key: move consumers to the other account key, then Storage account → Access keys → Rotate key. \
Keep keys in Key Vault or a pipeline secret, or better, give the app a managed identity with an RBAC role and \
disable shared-key access.";

const FIX_CONNECTION_STRING: &str = "Regenerate the key the connection string embeds (Storage: Access keys → Rotate; Service Bus / Event Hubs: \
Shared access policies → Regenerate; Cosmos DB: Keys → Regenerate), then load the connection string from Key Vault \
(`@Microsoft.KeyVault(...)`) or a pipeline secret, or connect with a managed identity and no key at all.";

const FIX_SAS: &str = "Revoke the signature: rotate the account key that signed it (or change the stored access policy it uses, or \
revoke user delegation keys). Create short-lived SAS tokens at run time instead of committing them, and keep any \
long-lived one in Key Vault or a pipeline secret.";

const FIX_PAT: &str = "Revoke the token in Azure DevOps (User settings → Personal access tokens → Revoke), create a new one with the \
narrowest scopes and shortest expiry, and store it as a secret pipeline variable or in Key Vault. In pipelines prefer \
`$(System.AccessToken)` or a workload identity service connection.";

const FIX_PRIVATE_KEY: &str = "Treat the key as compromised: revoke certificates issued for it, generate a new key pair, and keep the private key \
in Key Vault (or a pipeline secure file) loaded at run time. Never commit key files: add them to .gitignore.";

const FIX_LOGIN_CREDS: &str = "Rotate the service principal's client secret (Entra admin center → App registrations → Certificates & secrets), \
then pass the JSON as a secret (`creds: ${{ secrets.AZURE_CREDENTIALS }}`), or better, switch azure/login to OpenID \
Connect (client-id, tenant-id, subscription-id with a federated credential) and delete the secret.";

const FIX_GENERIC: &str = "If this is a real credential, rotate it where it was issued, move it to Key Vault or a pipeline secret and \
reference it (`${{ secrets.NAME }}`, `$(Name)`, `${NAME}`, `@Microsoft.KeyVault(...)`). If it is not a secret, mark \
the line with `credgate:allow generic-secret-assignment` or accept it in the baseline.";

/// Every secret rule, most specific first.
pub static RULES: &[Rule] = &[
    Rule {
        id: "azure-client-secret",
        name: "azure-client-secret/current",
        description: "Entra ID client secret, current 40-char format with a Marvin32 checksum",
        keywords: &[],
        markers: &["Q~"],
        pattern: r"(?-u)(?P<secret>[A-Za-z0-9_~.\-]{3}8Q~[A-Za-z0-9_~.\-]{34})",
        parser: None,
        reach: Reach::Line,
        token: Some(is_entra_secret_char),
        min_len: 40,
        precedence: 50,
        in_lock_files: true,
        confidence: Confidence::Format,
        validate: validate::client_secret_current,
        allow: &[],
        fix: FIX_CLIENT_SECRET,
        true_positives: &[
            Sample::found(concat!("AZURE_CLIENT_SECRET=8Oq8Q", "~nEfjTD8h0DncOgBKiVIPW3IfOmCaiWTci~"), 1, 21),
            Sample::found(concat!("{\"ClientSecret\": \"eVy8Q", "~_jpss1OD6Sc6mH6ngyEo7bvq9bgP5.lbbV\"}"), 1, 19)
                .at("appsettings.Production.json"),
            Sample::found(concat!("x\n  --password 'eVy8Q", "~_jpss1OD6Sc6mH6ngyEo7bvq9bgP5.lbbV' \\"), 2, 15)
                .at("deploy.sh"),
            // Checksum fails: still reported (as a warning).
            Sample::found(concat!("secret=8Oq8Q", "~nEfjTD8h0DncOgBKiVIPW3IfOmCaiWTcj~"), 1, 8),
        ],
        false_positives: &[
            // 41 characters: part of a longer token, not a secret.
            Sample::clean(concat!("id=x8Oq8Q", "~nEfjTD8h0DncOgBKiVIPW3IfOmCaiWTci~")),
            // Microsoft's documented example and masked values.
            Sample::clean(concat!("AZURE_CLIENT_SECRET=zzz8Q", "~zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzblP")),
            Sample::clean(concat!("AZURE_CLIENT_SECRET=abc8Q", "~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")),
            Sample::clean("AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}"),
        ],
    },
    Rule {
        id: "azure-client-secret",
        name: "azure-client-secret/previous",
        description: "Entra ID client secret, previous 37-char format (no checksum)",
        keywords: &[],
        markers: &["Q~"],
        pattern: r"(?-u)(?P<secret>[A-Za-z0-9_~.\-]{3}7Q~[A-Za-z0-9_~.\-]{31})",
        parser: None,
        reach: Reach::Line,
        token: Some(is_entra_secret_char),
        min_len: 37,
        precedence: 50,
        in_lock_files: true,
        confidence: Confidence::Format,
        validate: validate::client_secret_previous,
        allow: &[],
        fix: FIX_CLIENT_SECRET,
        true_positives: &[
            Sample::found(concat!("    client_secret = \"mLU7Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctak\""), 1, 22)
                .at("infra/main.tf"),
            Sample::found(concat!("mLU7Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctak"), 1, 1),
        ],
        false_positives: &[
            // 38 characters after the signature is no Entra format.
            Sample::clean(concat!("value: mLU7Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctakabcdefg")),
        ],
    },
    Rule {
        id: "azure-client-secret",
        name: "azure-client-secret/any-version",
        description: "Entra ID client secret of another format version (xxxNQ~, 31-34 chars after the signature)",
        keywords: &[],
        markers: &["Q~"],
        pattern: r"(?-u)(?P<secret>[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})",
        parser: None,
        reach: Reach::Line,
        token: Some(is_entra_secret_char),
        min_len: 37,
        // Below the two exact formats, which say more when they match the same value.
        precedence: 45,
        in_lock_files: true,
        confidence: Confidence::Format,
        validate: validate::client_secret_any_version,
        allow: &[],
        fix: FIX_CLIENT_SECRET,
        true_positives: &[
            Sample::found(concat!("SECRET=abc1Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctakx"), 1, 8),
            Sample::found(concat!("S2=abc9Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctakxyz"), 1, 4),
            // 7Q~ with 34 characters after it: neither exact format, still Entra's signature.
            Sample::found(concat!("value: mLU7Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctakabc"), 1, 8),
            Sample::found(concat!("{\"secret\": \"Zx_5Q", "~vC3bN6mQ9wE2rT5yU8iO1pA4sD7fG0hJ\"}"), 1, 13)
                .at("local.settings.json"),
        ],
        false_positives: &[
            // 35 characters after the signature: part of a longer token.
            Sample::clean(concat!("id=abc1Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctakxyz12")),
            // 30 after it: too short for any Entra format.
            Sample::clean(concat!("id=abc1Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXcta")),
        ],
    },
    Rule {
        id: "azure-connection-string",
        name: "azure-connection-string/account-key",
        description: "Storage or Cosmos DB connection string with AccountKey=",
        keywords: &["AccountKey"],
        markers: &[],
        pattern: r"(?i-u)AccountKey[ \t]*=[ \t]*(?P<secret>[A-Za-z0-9+/]{30,}={0,2})",
        parser: None,
        reach: Reach::Line,
        token: None,
        min_len: 0,
        precedence: 70,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::account_key_connection_string,
        allow: &[AZURITE_ACCOUNT_KEY, COSMOS_EMULATOR_KEY],
        fix: FIX_CONNECTION_STRING,
        true_positives: &[
            Sample::found(
                concat!(
                    "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=ytI4zYDgsGTM3QtJBdyPCdnL31J3oOPhsRxg5uXp",
                    "AL2+K0e91yKCZr7nDs/YkMNv+51VCC/UZ+n+m3b++bEpAQ==;EndpointSuffix=core.windows.net"
                ),
                1,
                60,
            ),
            Sample::found(
                concat!(
                    "COSMOS=AccountEndpoint=https://acme.documents.azure.com:443/;AccountKey=G8vZmQQj/PNegaDQ/xLVkeyBoq/",
                    "IUDsJzuRAMuoRYkx4NwnoGzIUfzCO4zc6L5Fu/2c+Lg6aIgu7AY3Gk/RvQQ==;"
                ),
                1,
                73,
            ),
        ],
        false_positives: &[
            Sample::clean("AzureWebJobsStorage=UseDevelopmentStorage=true"),
            Sample::clean("Storage=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net"),
            Sample::clean("Storage=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<account-key>"),
        ],
    },
    Rule {
        id: "azure-connection-string",
        name: "azure-connection-string/shared-access-key",
        description: "Service Bus, Event Hubs, Relay or IoT Hub connection string with SharedAccessKey=",
        keywords: &["SharedAccessKey"],
        markers: &[],
        pattern: r"(?i-u)SharedAccessKey[ \t]*=[ \t]*(?P<secret>[A-Za-z0-9+/]{30,}={0,2})",
        parser: None,
        reach: Reach::Line,
        token: None,
        min_len: 0,
        precedence: 70,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::shared_access_key_connection_string,
        allow: &[],
        fix: FIX_CONNECTION_STRING,
        true_positives: &[
            Sample::found(
                concat!(
                    "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;",
                    "SharedAccessKey=y+LLkWtGleUeHSRhjQXf31Y2h4oYwrIdC61Ynl/Jw9k="
                ),
                1,
                106,
            ),
            Sample::found(
                concat!(
                    "{\n  \"EventHub\": \"Endpoint=sb://acme-eh.servicebus.windows.net/;SharedAccessKeyName=send;",
                    "SharedAccessKey=y+LLkWtGleUeHSRhjQXf31Y2h4oYwrIdC61Ynl/Jw9k=;EntityPath=orders\"\n}"
                ),
                2,
                103,
            )
            .at("appsettings.json"),
        ],
        false_positives: &[
            Sample::clean("Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=$(SbKey)"),
            Sample::clean("Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=<key>"),
        ],
    },
    Rule {
        id: "azure-sas-token",
        name: "azure-sas-token",
        description: "Shared access signature: sig= with sv= in the same query string",
        keywords: &["sig="],
        markers: &[],
        pattern: r"(?-u)\bsig=(?P<secret>[A-Za-z0-9%+/=_\-]{20,})",
        parser: None,
        reach: Reach::Line,
        token: None,
        min_len: 0,
        precedence: 60,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::sas_token,
        allow: &[],
        fix: FIX_SAS,
        true_positives: &[
            Sample::found(
                concat!(
                    "url: https://acme.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z",
                    "&spr=https&sig=eQhP1OzMWQtgAQSZjzPx%2BbgY9y%2B8TxUfzRUDHQtvpCY%3D"
                ),
                1,
                119,
            )
            .at("deploy/values.yaml"),
            Sample::found(
                concat!(
                    "<a href=\"https://acme.blob.core.windows.net/c/b.txt?sp=r&sig=eQhP1OzMWQtgAQSZjzPx%2BbgY9y%2B8TxUfzRUDHQtvpCY%3D",
                    "&se=2030-01-01&sv=2022-11-02&sr=b\">report</a>"
                ),
                1,
                62,
            )
            .at("docs/index.html"),
            Sample::found(
                concat!(
                    "SharedAccessSignature=sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupx&se=2030-01-01T00:00:00Z&sig=eQhP1OzMWQtgAQSZjz",
                    "Px%2BbgY9y%2B8TxUfzRUDHQtvpCY%3D;BlobEndpoint=https://acme.blob.core.windows.net/"
                ),
                1,
                94,
            ),
        ],
        false_positives: &[
            // A signature without the SAS version parameter is some other signed URL.
            Sample::clean("src: https://cdn.contoso.com/a.js?sig=0a1B2c3D4e5F6g7H8i9J0kLmN"),
            Sample::clean("url: https://acme.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=<signature>"),
            Sample::clean("url: https://acme.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=${SAS_SIGNATURE}"),
        ],
    },
    Rule {
        id: "azure-devops-pat",
        name: "azure-devops-pat/current",
        description: "Azure DevOps PAT, 84-char format with the AZDO signature",
        keywords: &["AZDO"],
        markers: &[],
        pattern: r"(?-u)(?P<secret>[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}AZDO[A-Za-z0-9]{4})",
        parser: None,
        reach: Reach::Line,
        token: Some(is_alphanumeric),
        min_len: 84,
        precedence: 50,
        in_lock_files: true,
        confidence: Confidence::Format,
        validate: validate::pat_current,
        allow: &[],
        fix: FIX_PAT,
        true_positives: &[
            Sample::found(
                concat!(
                    "  - script: git clone https://build:rpfjz6zo02m8X6fEyJtZLlkh6oTo6pMtWU8FbkOeS8Kg8ymS7AG4JQQJ",
                    "99BFEc0FB9dx0MAp5AeoAZDOZedd@dev.azure.com/acme/_git/repo"
                ),
                1,
                37,
            )
            .at("azure-pipelines.yml"),
        ],
        false_positives: &[Sample::clean("AZDO_ORG=acme")],
    },
    Rule {
        id: "azure-devops-pat",
        name: "azure-devops-pat/legacy",
        description: "Azure DevOps PAT, legacy 52-char base32 next to a PAT or DevOps name",
        // `pat` and `ado` alone hit `path`, `update`, `shadow`… hundreds of times per MB of
        // code; a PAT's name always joins them to a separator or an assignment.
        keywords: &[
            "_pat", "pat_", "-pat", "pat-", ".pat", "pat=", "pat:", "pat\"", "pat'", "ado_", "_ado",
            "ado-", "-ado", "ado=", "ado:", "devops", "azdo", "personal",
            "dev.azure.com", "visualstudio.com", "token", "secret", "passw", "credential",
        ],
        markers: &[],
        pattern: r"(?-u)(?P<secret>[a-z2-7]{52})",
        parser: None,
        reach: Reach::Line,
        token: Some(is_alphanumeric),
        min_len: 52,
        precedence: 50,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::pat_legacy,
        allow: &[],
        fix: FIX_PAT,
        true_positives: &[
            Sample::found(concat!("AZURE_DEVOPS_EXT_PAT=f67uyl3ohn4azziu3c5juhbggir43q", "nlqkpgma6mp7bsh3esceuo"), 1, 22),
            Sample::found(
                concat!(
                    "git clone https://f67uyl3ohn4azziu3c5juhbggir43q",
                    "nlqkpgma6mp7bsh3esceuo@dev.azure.com/acme/proj/_git/repo"
                ),
                1,
                19,
            )
            .at("scripts/clone.sh"),
            // Under any secret-like name, and in a Jenkins credentials file.
            Sample::found(concat!("MY_TOKEN=f67uyl3ohn4azziu3c5juhbggir43q", "nlqkpgma6mp7bsh3esceuo"), 1, 10),
            Sample::found(
                concat!(
                    "<org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>\n",
                    "  <secret>f67uyl3ohn4azziu3c5juhbggir43q",
                    "nlqkpgma6mp7bsh3esceuo</secret>\n"
                ),
                2,
                11,
            )
            .at("jenkins/credentials.xml"),
        ],
        false_positives: &[
            // No PAT, DevOps or secret name on the line (`path` is not `pat`).
            Sample::clean(concat!("path: f67uyl3ohn4azziu3c5juhbggir43q", "nlqkpgma6mp7bsh3esceuo")),
            Sample::clean("pat: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"),
        ],
    },
    Rule {
        id: "private-key",
        name: "private-key",
        description: "PEM private key block with a body",
        keywords: &["PRIVATE KEY"],
        markers: &[],
        pattern: r#"(?-u)(?P<at>-----BEGIN (?P<kind>[A-Z0-9 ]{0,40}?) ?PRIVATE KEY(?: BLOCK)?-----)(?:[ \t]+(?:\#|//)[^\r\n]*)?(?P<secret>(?:[A-Za-z0-9+/=\s\\:,"']|-[A-Za-z0-9])*)(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)?"#,
        parser: None,
        reach: Reach::Lines {
            before: 128,
            after: 64 * 1024,
        },
        token: None,
        min_len: 0,
        precedence: 90,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::private_key,
        allow: &[],
        fix: FIX_PRIVATE_KEY,
        true_positives: &[
            Sample::found(
                concat!(
                    "-----BEGIN RSA PRIVATE KEY-----\n",
                    "9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRoerw2NjlSjU/DSBepy4QLFY9oFY6RD/1\n",
                    "i7Zmt1v93EBAwNEyXEP9Cqe5vSh8AcNBz/tj7xb6X94MbmM5tDP5kE7OHgjjHtU3\n",
                    "kgfxVxp3tXVjl4wLjHVWBxq++nHw+yq2H7qexJn0ehQwpem8hPBx6QDxWeOcou/z\n",
                    "-----END RSA PRIVATE KEY-----\n"
                ),
                1,
                1,
            )
            .at("certs/server.key"),
            Sample::found(
                concat!(
                    "tls:\n  key: |\n    -----BEGIN PRIVATE KEY-----\n",
                    "    i7Zmt1v93EBAwNEyXEP9Cqe5vSh8AcNBz/tj7xb6X94MbmM5tDP5kE7OHgjjHtU3\n",
                    "    Y703j7Mu2WF8TfMjG80/NO9f/bWCXfStfSBCicHKNvPM1Z4+8scpG3eFxADeqSsz\n",
                    "    -----END PRIVATE KEY-----\n"
                ),
                3,
                5,
            )
            .at("deploy/values.yaml"),
            Sample::found(
                concat!(
                    "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRo",
                    "erw2NjlSjU/DSBepy4QLFY9oFY6RD/1\\nkgfxVxp3tXVjl4wLjHVWBxq++nHw+yq2H7qexJn0ehQwpem8hPBx6QDxWeOcou/z\\n-----END PRIVATE KEY-----\\n\"}"
                ),
                1,
                45,
            )
            .at("sa.json"),
            Sample::found(
                concat!(
                    "-----BEGIN OPENSSH PRIVATE KEY-----\r\n",
                    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n",
                    "QyNTUxOQAAACB9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRoerw2NjlSjUAAAJgi7Zmt1v93\r\n",
                    "-----END OPENSSH PRIVATE KEY-----\r\n"
                ),
                1,
                1,
            )
            .at("id_ed25519"),
            // Inside a C (or Java, Python, JS) string literal, one quoted line at a time.
            Sample::found(
                concat!(
                    "static const char *TEST_KEY =\n",
                    "    \"-----BEGIN RSA PRIVATE KEY-----\\n\"\n",
                    "    \"9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRoerw2NjlSjU/DSBepy4QLFY9oFY6RD/1\\n\"\n",
                    "    \"i7Zmt1v93EBAwNEyXEP9Cqe5vSh8AcNBz/tj7xb6X94MbmM5tDP5kE7OHgjjHtU3\\n\"\n",
                    "    \"-----END RSA PRIVATE KEY-----\\n\";\n"
                ),
                2,
                6,
            )
            .at("native/test_keys.c"),
            Sample::found(
                concat!(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
                    "kgfxVxp3tXVjl4wLjHVWBxq++nHw+yq2H7qexJn0ehQwpem8hPBx6QDxWeOcou/z\n",
                    "Y703j7Mu2WF8TfMjG80/NO9f/bWCXfStfSBCicHKNvPM1Z4+8scpG3eFxADeqSsz\n",
                    "-----END ENCRYPTED PRIVATE KEY-----\n"
                ),
                1,
                1,
            )
            .at("deploy/tls.key"),
        ],
        false_positives: &[
            Sample::clean("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"),
            Sample::clean("# Paste the key after -----BEGIN RSA PRIVATE KEY----- below\n"),
            Sample::clean(concat!(
                "-----BEGIN RSA PRIVATE KEY-----\n",
                "Paste the base64 body of your key here and keep the lines as they are\n",
                "-----END RSA PRIVATE KEY-----\n"
            )),
            // Documentation fills the block with base64 of text ("world" repeated).
            Sample::clean(concat!(
                "-----BEGIN PRIVATE KEY-----\n",
                "d29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQK\n",
                ":\n",
                "d29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQKd29ybGQK\n",
                "-----END PRIVATE KEY-----\n"
            ))
            .at("docs/r/key_vault_certificate.html.markdown"),
            Sample::clean(concat!(
                "-----BEGIN PUBLIC KEY-----\n",
                "9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRoerw2NjlSjU/DSBepy4QLFY9oFY6RD/1\n",
                "i7Zmt1v93EBAwNEyXEP9Cqe5vSh8AcNBz/tj7xb6X94MbmM5tDP5kE7OHgjjHtU3\n",
                "-----END PUBLIC KEY-----\n"
            )),
        ],
    },
    Rule {
        id: "azure-login-creds",
        name: "azure-login-creds",
        description: "azure/login creds JSON: a clientSecret in the same object as a clientId",
        // `secret` rather than `clientSecret`: one keyword fewer keeps the keyword pass fast.
        keywords: &["secret"],
        markers: &[],
        pattern: r#"(?-u)\\?"clientSecret\\?"[ \t]*:[ \t]*\\?"(?P<secret>[^"\\\r\n]+)\\?""#,
        parser: None,
        reach: Reach::Line,
        token: None,
        min_len: 0,
        precedence: 80,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::login_creds,
        allow: &[],
        fix: FIX_LOGIN_CREDS,
        true_positives: &[
            Sample::found(
                concat!(
                    "creds: '{\"clientId\":\"0b403db9-bc99-4148-8c0f-1b2a0d70518b\",\"clientSecret\":\"GHMrFBAPreMBLzV2D_e",
                    "~sd-pW6mq.x4Q-t\",\"subscriptionId\":\"5a1c9b1e-8f0d-4c55-9d51-3c1b2a7e6f40\",\"tenantId\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\"}'"
                ),
                1,
                76,
            )
            .at(".github/workflows/deploy.yml"),
            Sample::found(
                concat!(
                    "      - uses: azure/login@v2\n",
                    "        with:\n",
                    "          creds: |\n",
                    "            {\n",
                    "              \"clientId\": \"0b403db9-bc99-4148-8c0f-1b2a0d70518b\",\n",
                    "              \"clientSecret\": \"eVy8Q",
                    "~_jpss1OD6Sc6mH6ngyEo7bvq9bgP5.lbbV\",\n",
                    "              \"tenantId\": \"72f988bf-86f1-41af-91ab-2d7cd011db47\"\n",
                    "            }\n"
                ),
                6,
                32,
            )
            .at(".github/workflows/deploy.yml"),
            Sample::found(
                concat!(
                    "{\"AzureCredentials\": \"{\\\"clientId\\\":\\\"0b403db9-bc99-4148-8c0f-1b2a0d70518b\\\",\\\"clientSecret\\\":\\\"",
                    "GHMrFBAPreMBLzV2D_e~sd-pW6mq.x4Q-t\\\"}\"}"
                ),
                1,
                97,
            )
            .at("settings.json"),
        ],
        false_positives: &[
            Sample::clean("          creds: ${{ secrets.AZURE_CREDENTIALS }}").at(".github/workflows/deploy.yml"),
            Sample::clean(
                "creds: '{\"clientId\":\"0b403db9-bc99-4148-8c0f-1b2a0d70518b\",\"clientSecret\":\"${{ secrets.AZURE_CLIENT_SECRET }}\"}'",
            )
            .at(".github/workflows/deploy.yml"),
        ],
    },
    Rule {
        id: "azure-storage-key",
        name: "azure-storage-key",
        description: "88-char base64 storage account key next to a key or storage name",
        keywords: &["key", "storage"],
        markers: &[],
        pattern: r"(?-u)(?P<secret>[A-Za-z0-9+/]{86}==)",
        parser: None,
        reach: Reach::Line,
        token: Some(is_base64_byte),
        min_len: 86, // The `==` padding is not a token byte.
        precedence: 40,
        in_lock_files: false,
        confidence: Confidence::Format,
        validate: validate::storage_key,
        allow: &[AZURITE_ACCOUNT_KEY, COSMOS_EMULATOR_KEY],
        fix: FIX_STORAGE_KEY,
        true_positives: &[
            Sample::found(
                concat!(
                    "STORAGE_ACCOUNT_KEY=ytI4zYDgsGTM3QtJBdyPCdnL31J3oOPhsRxg5uXpAL2+K0e91y",
                    "KCZr7nDs/YkMNv+51VCC/UZ+n+m3b++bEpAQ=="
                ),
                1,
                21,
            ),
            Sample::found(
                concat!(
                    "{\n  \"storageKey\": \"G8vZmQQj/PNegaDQ/xLVkeyBoq/IUDsJzuRAMuoRYkx4NwnoGzIU",
                    "fzCO4zc6L5Fu/2c+Lg6aIgu7AY3Gk/RvQQ==\",\n}"
                ),
                2,
                18,
            )
            .at("local.settings.json"),
        ],
        false_positives: &[
            Sample::clean(concat!(
                "<script src=\"x.js\" data-key=\"a\" integrity=\"sha512-ytI4zYDgsGTM3QtJBdyPCdnL31J3oOPhsRxg5uXpAL2+K0e91y",
                "KCZr7nDs/YkMNv+51VCC/UZ+n+m3b++bEpAQ==\"></script>"
            ))
            .at("index.html"),
            Sample::clean(concat!(
                "    \"node_modules/keyv\": {\"integrity\": \"sha512-ytI4zYDgsGTM3QtJBdyPCdnL31J3oOPhsRxg5uXpAL2+K0e91y",
                "KCZr7nDs/YkMNv+51VCC/UZ+n+m3b++bEpAQ==\"}"
            ))
            .at("package-lock.json"),
        ],
    },
    Rule {
        id: "generic-secret-assignment",
        name: "generic-secret-assignment/assignment",
        description: "High-entropy literal assigned to a secret-like name (env, YAML, JSON, TOML, code)",
        // `pat` only joined to a separator or an assignment (see the legacy PAT rule).
        keywords: &[
            "passw", "passphrase", "pwd", "secret", "token", "credential", "key",
            "_pat", "pat_", "-pat", "pat-", ".pat", "pat=", "pat:", "pat\"", "pat'",
        ],
        markers: &[],
        pattern: r#"(?i-u)(?P<key>[a-z0-9_.\-]*(?:password|passwd|passphrase|pwd|secret|token|credential|key|pat)[a-z0-9_.\-]*)["']?[ \t]*(?::=|=>|=|:)[ \t]*(?:"(?P<secret_dq>[^"\r\n]+)"|'(?P<secret_sq>[^'\r\n]+)'|`(?P<secret_bt>[^`\r\n]+)`|(?P<secret_bare>[^\s"'`,;&=\[\](){}<>][^\s"'`,;&]*))"#,
        parser: Some(assignment::parse),
        reach: Reach::Name,
        token: None,
        min_len: 0,
        precedence: 10,
        in_lock_files: false,
        confidence: Confidence::Heuristic,
        validate: generic::assignment,
        allow: &[],
        fix: FIX_GENERIC,
        true_positives: &[
            Sample::found("DB_PASSWORD=Xk9#mQ2vL7pZ", 1, 13).at(".env.production"),
            Sample::found("db:\n  password: S3cr3t!xyz  # prod only\n", 2, 13).at("config/db.yaml"),
            Sample::found("auth:\n  client_secret: GHMrFBAPreMBLzV2D_e~sd-pW6mq.x4Q-t\n", 2, 18)
                .at("config/application-prod.yml"),
            Sample::found("{\n  \"ApiKey\": \"v25ZtWw87XOYwTWpaLCwgsAmTzxGD9UG\",\n}", 2, 14)
                .at("appsettings.json"),
            Sample::found("[service]\napi_token = \"Tq8vLm2Rx9Kp4Wz7Nc3Bj6Hf\"\n", 2, 14).at("config.toml"),
            Sample::found("SECRET_KEY = \"t7Rk2pXw9LmQ4vZn8Bc3Hj6D\"\n", 1, 15).at("app/settings.py"),
            Sample::found("spring.datasource.password=Summer2024!xQ\n", 1, 28)
                .at("src/main/resources/application.properties"),
        ],
        false_positives: &[
            Sample::clean("password: ${DB_PASSWORD}\nclient_secret: <your-client-secret>\ntoken: {{ .Values.token }}\n")
                .at("values.yaml"),
            Sample::clean("secret: #{ClientSecret}#\npassword=$(DbPassword)\nSECRET=%SECRET%\nTOKEN=$TOKEN\n"),
            Sample::clean("ClientSecret=@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)\n"),
            Sample::clean("client_secret: 0b403db9-bc99-4148-8c0f-1b2a0d70518b\n"),
            Sample::clean("token_url: https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token\n"),
            Sample::clean("password_min_length: 12\nsecret_name: prod-client-secret\napi_key_enabled: true\n"),
            Sample::clean("password = get_password()\ntoken = os.environ[\"TOKEN\"]\nsecret = settings.secret\n")
                .at("app/auth.py"),
            Sample::clean("commit_token: 3f786850e387550fdab836ed7e6dc881de23001b\n"),
            Sample::clean("key_file: /etc/ssl/private/server.key\nsecret_path: ./secrets/dev.json\n"),
            Sample::clean("password: \"********\"\nsecret: dummy-secret-value\nSECRET_KEY=your-secret-key-here\n"),
            Sample::clean("token: \"xxxxxxxxxxxxxxxx\"\npassword: changeme\napi_key: ProductionApiKeyName\n"),
            Sample::clean("ConnectionStrings__Storage=UseDevelopmentStorage=true\n"),
            // Real-world shapes: a YAML reference, a badge token in a URL, a CI cache key
            // template, a Rust lexer test string, a regex in a `pat` variable.
            Sample::clean("  credentials: yegor256/home#assets/crates-credentials\n").at(".rultor.yml"),
            Sample::clean("[![codecov](https://codecov.io/gh/o/r/graph/badge.svg?style=flat&token=B1EnafGlRL)](x)\n")
                .at("README.md"),
            Sample::clean("          key: project-cache-v7-<< parameters.img >>-{{ checksum \"Cargo.toml\" }}\n")
                .at(".circleci/config.yml"),
            Sample::clean("    let mut tokens = \"'a 'static 'struct 'r#gen 'r#prefix#lifetime\";\n").at("tests/test.rs"),
            Sample::clean("    let pat = r\"(?i)\\b[a-z0-9]{44}(?:x|y)\\b\";\n").at("tests/fuzz.rs"),
            Sample::clean("let key = map.get(&token);\nif password == \"\" { return; }\n").at("src/lib.rs"),
            Sample::clean("\"resolved\": \"https://registry.npmjs.org/keyv/-/keyv-4.5.4.tgz\", \"token\": \"sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==\"\n")
                .at("package-lock.json"),
            // Seen on real repositories (issue: precision). A .NET strong-name token is public.
            Sample::clean("<value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value>\n")
                .at("desktop-winforms/MainWindow.resx"),
            Sample::clean("<Reference Include=\"System.Web.Mvc, Version=5.2.3.0, Culture=neutral, publicKeyToken=\"31bf3856ad364e35\"\" />\n")
                .at("src/Web/Web.csproj"),
            // A paging cursor in a recorded Azure REST call (`$skiptoken`, URL-encoded).
            Sample::clean("        url: https://management.azure.com:443/subscriptions/5ca082f3-38f2-4bb0-b0a4-c401184ae3a8/providers/Microsoft.Resources/deployments/?%24skiptoken=1c%2FBbsIwDAbgZ2nORUqAw9RbRzypjLgksTX1iKaOFVAqbUVtivruW4d4iJ1s%2Bf8P%2Fm7ivQ1dE66HrmkDtec6fIv&api-version=2021-04-01\n")
                .at("deploy/recordings/list.yaml"),
            Sample::clean("nextPageToken: \"CjQKDwoLY3JlYXRlZF9hdBICCAESHWoLc35wcm9qZWN0LWlkcg4LEgRVc2VyGICAgICAgIAK\"\n")
                .at("config/state.yaml"),
            // Code and expressions, in Markdown and in source.
            Sample::clean("**MSAL.js** exposes APIs for acquiring a token: `acquireTokenPopup()`, `acquireTokenRedirect()`\n")
                .at("README.md"),
            Sample::clean("    TokenBindingCertificate = leg1Result.BindingCertificate  // Leg 1's cert\n").at("SKILL.md"),
            Sample::clean("credentials := auth.Credentials{\n").at("sdk/auth/README.md"),
            Sample::clean("await client.GetAsync(url, cancellationToken: cancellationToken);\n").at("docs/usage.md"),
            Sample::clean("$value = $secret.SecretText\n").at("deploy/README.md"),
            Sample::clean("{{range $secretName, $secret := $componentValue.Secrets}}\n").at("templates/resources.bicept"),
            Sample::clean("$unencodedAuthToken = \"nobody:$AuthToken\"\n$UnsignedToken = \"$EncodedHeader.$EncodedPayload\"\n")
                .at("eng/scripts/login.ps1"),
            // Template and parameter syntax.
            Sample::clean("client_secret: %{client_secret}\ntoken: %env.TEAMCITY_TOKEN%\nsecret: #{Secret}#\napi_key: __TOKEN__\n")
                .at("deploy/params.yml"),
            Sample::clean("  name = \"acctest-ackey-%d\"\n  token = \"Bearer %s\"\n").at("internal/acc.tf"),
            // Identifiers with a public format.
            Sample::clean("  forgotPassword: 'B2C_1_reset_v3',\n  editProfileSecret: 'B2C_1A_ProfileEdit',\n")
                .at("SPA/src/authConfig.js"),
            Sample::clean("RESETPASSWORD_USER_FLOW=B2C_1_Password_Reset_Policy\nERROR_TOKEN=AADB2C90118\n"),
            Sample::clean("parent_key = \"tagKeys/281480326968824\"\n").at("main.tf"),
            Sample::clean("IAMUserChangePassword = \"arn:aws:iam::aws:policy/IAMUserChangePassword\"\n")
                .at("rules.yml"),
            Sample::clean("    const KeyVaultSecrets.AppPCAClient = \"App-PCAClient-Config\" -> string\n")
                .at("PublicAPI.Shipped.txt"),
            // Another scanner's reviewed allow comment.
            Sample::clean("api_token = \"Tq8vLm2Rx9Kp4Wz7Nc3Bj6Hf\" # gitleaks:allow\n").at("config.toml"),
        ],
    },
    Rule {
        id: "generic-secret-assignment",
        name: "generic-secret-assignment/app-settings",
        description: "High-entropy value of a secret-like key in .NET <add key=\"…\" value=\"…\"/> settings",
        keywords: &["key"],
        markers: &[],
        pattern: r#"(?i-u)\bkey[ \t]*=[ \t]*"(?P<key>[^"\r\n]+)"[ \t]+value[ \t]*=[ \t]*"(?P<secret>[^"\r\n]+)""#,
        parser: None,
        reach: Reach::Name,
        token: None,
        min_len: 0,
        precedence: 10,
        in_lock_files: false,
        confidence: Confidence::Heuristic,
        validate: generic::assignment,
        allow: &[],
        fix: FIX_GENERIC,
        true_positives: &[Sample::found(
            "<appSettings>\n  <add key=\"ClientSecret\" value=\"v25ZtWw87XOYwTWpaLCwgsAmTzxGD9UG\" />\n</appSettings>",
            2,
            34,
        )
        .at("Web.config")],
        false_positives: &[
            Sample::clean("<add key=\"ClientSecretName\" value=\"prod-client-secret\" />").at("Web.config"),
            Sample::clean("<add key=\"ClientSecret\" value=\"#{ClientSecret}#\" />").at("Web.config"),
        ],
    },
];
