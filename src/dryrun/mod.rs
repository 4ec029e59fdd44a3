//! Live token dry-run: per environment, a real client-credentials token request, run in
//! parallel, and every failure explained (docs/design.md "Dry-run statuses"). This is the one part of credgate
//! that sends credentials anywhere, so it is built around three guarantees: secrets go only to an
//! allow-listed authority ([`authority`]), nothing secret reaches output ([`diagnose`] keeps no
//! message text, tokens are only decoded in [`claims`]), and a fault is never a pass ([`run`]).

pub mod assertion;
pub mod authority;
pub mod claims;
pub mod client;
pub mod clock;
pub mod credentials;
pub mod crossmatch;
pub mod diagnose;
pub mod federated;
pub mod findings;
pub mod graph;
pub mod keyvault;
pub mod local;
pub mod lookups;
pub mod run;

pub use run::{run_blocking, Options, Outcome};
