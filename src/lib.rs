//! credgate: a pre-deploy gate for Microsoft Entra ID app credentials.
//!
//! The pipeline (DESIGN.md): extractors and the secret scanner turn files into `Fact`s and
//! `Finding`s, checks are pure functions over them, and reporters render one `Report`.
//! I/O lives only at the edges: [`walk`] and [`staged`] read files, [`app`] writes reports.

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
pub mod walk;
