//! credgate: a pre-deploy gate for Microsoft Entra ID app credentials.
//!
//! The pipeline (DESIGN.md): extractors and the secret scanner turn files into `Fact`s and
//! `Finding`s, checks are pure functions over them, and reporters render one `Report`.
//! I/O lives only at the edges: [`walk`] and [`staged`] read files, [`app`] writes reports.
// Unit tests may slice strings (a bad index fails the test); production code may not (Cargo.toml
// [lints.clippy]; clippy.toml covers the other panic lints for tests).
#![cfg_attr(test, allow(clippy::string_slice))]

pub mod action;
pub mod app;
pub mod baseline;
pub mod checks;
pub mod cli;
pub mod config;
pub mod dryrun;
pub mod explain;
pub mod extract;
pub mod inventory;
pub mod model;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secret;
pub mod sources;
pub mod staged;
#[cfg(test)]
mod test_env;
pub mod walk;
