//! Checks: pure functions from scanned bytes or the inventory to findings.

pub mod consistency;
pub mod fold;
pub mod secrets;
pub mod suppress;
