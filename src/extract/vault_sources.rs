//! Configuration that makes Key Vault supply a value without naming it where the value is used:
//! a Secrets Store CSI driver `SecretProviderClass` syncing vault secrets into a Kubernetes
//! Secret, which a container reads through `secretKeyRef`, and a Spring Cloud Azure Key Vault
//! property source, which resolves `${name}` placeholders. Extractors record these providers
//! per file; `inventory::keyvault` joins them to the references they resolve, across documents
//! and files, before the dry-run reads anything. Names and vaults here are not secret.

use crate::model::Location;

/// One provider of Key Vault secrets, where it is configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultProvider {
    /// What it provides.
    pub kind: ProviderKind,
    /// Where it is written: the `secretObjects` entry's `objectName`, the `endpoint` setting.
    pub location: Location,
    /// The environment the document itself scopes (a namespace, a Spring profile), as written;
    /// otherwise the inventory infers it from the path, as for facts.
    pub environment: Option<String>,
}

/// The two kinds of provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    /// A CSI `SecretProviderClass`'s `secretObjects`: key `key` of Kubernetes Secret `secret`
    /// holds the vault secret `reference` (reference text for `extract::keyvault::parse`).
    SyncedKey {
        /// `secretObjects[].secretName`.
        secret: String,
        /// `secretObjects[].data[].key`.
        key: String,
        /// The vault secret, as `extract::keyvault::derived_text` writes it.
        reference: String,
    },
    /// A Spring Cloud Azure Key Vault property source: every placeholder it may hold resolves
    /// to a secret of the vault at `endpoint`.
    PropertySource {
        /// The endpoint as written; `None` when it is no literal (`${KEYVAULT_URI}`): some vault
        /// nobody can name, which still makes every placeholder it may hold ambiguous.
        endpoint: Option<String>,
        /// `secret-keys`: the only properties this source holds, when set.
        secret_keys: Option<Vec<String>>,
        /// `case-sensitive` (`case-sensitive-keys` in the 3.x starter).
        case_sensitive: bool,
    },
}
