//! credgate: a pre-deploy gate for Microsoft Entra ID app credentials.
//!
//! The pipeline (docs/design.md): extractors and the secret scanner turn files into `Fact`s and
//! `Finding`s, checks are pure functions over them, and reporters render one `Report`.
//! I/O lives only at the edges: [`walk`] and [`staged`] read files, [`app`] writes reports.
// credgate runs in CI next to production secrets: a panic there is a failed deploy gate, and a
// panic payload could carry a value. Production code must not panic on what input, the network
// or the filesystem hand it: no unwrap/expect/panic, no unchecked indexing, no cut inside a UTF-8
// character (repository files are arbitrary text). Tests may (a failing test is the point): unit tests are built with
// `cfg(test)`, and tests/ and benches/ are crates of their own.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::todo,
        clippy::unimplemented,
        clippy::unreachable
    )
)]

pub mod action;
pub mod app;
pub mod baseline;
pub mod checks;
pub mod cli;
pub mod config;
pub mod dryrun;
pub mod explain;
pub mod extract;
pub mod history;
pub mod init;
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
pub mod uri;
pub mod walk;
