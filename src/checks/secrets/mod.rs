//! Hard-coded secret rules: finds Entra client secrets, storage keys, connection strings, SAS
//! tokens, Azure DevOps PATs, private keys, azure/login creds and generic high-entropy
//! assignments in a file's bytes.
//!
//! Rules are data ([`RULES`]): keywords for a one-pass Aho-Corasick prefilter, a regex with a
//! `secret` capture, a validator that decides confidence, and samples that double as tests.
//! A file without any keyword costs one pass over its bytes; regexes only run near keyword
//! hits, in windows bounded per hit so minified files stay linear.
//!
//! No secret value leaves this module except inside [`crate::secret::SecretValue`]; findings
//! carry only the redacted form and a fingerprint.

mod assignment;
mod catalog;
mod engine;
mod entropy;
pub(crate) mod filekind;
mod generic;
pub mod marvin;
pub mod placeholder;
mod position;
mod prefilter;
mod rule;
pub mod shapes;
mod validate;
mod words;

#[cfg(test)]
mod tests;

pub use catalog::RULES;
pub use filekind::FileKind;
pub use marvin::{complete_entra_secret, entra_secret_checksum_valid, marvin32, marvin32_hash32};
pub use rule::{Candidate, Parser, Reach, Rule, Sample, Validator, Verdict};

use crate::model::Finding;

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileScan {
    /// Findings that were not suppressed.
    pub findings: Vec<Finding>,
    /// Findings hidden by `credgate:allow` comments.
    pub suppressed: usize,
}

/// Scans one file's bytes for hard-coded secrets, so a leak is caught before it ships.
/// Pure: no I/O. `path` is relative to the scan root, `/`-separated; it decides the file
/// kind (lock files, source code). Bytes may be invalid UTF-8. Findings are in file order.
pub fn scan_file(path: &str, bytes: &[u8]) -> FileScan {
    engine::scan(path, bytes)
}

/// Scans one content that was seen at several paths (a blob of git history, renamed or copied)
/// and returns what [`scan_file`] would for each path, in order: the rules run once per kind of
/// file name among the paths, not once per path, and only the context (test, docs, vendored)
/// and the place are worked out per path.
pub fn scan_paths(paths: &[&str], bytes: &[u8]) -> Vec<FileScan> {
    engine::scan_paths(paths, bytes)
}
