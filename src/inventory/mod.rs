//! The inventory: credential facts grouped by environment, and how environments are named.

pub mod environment;
