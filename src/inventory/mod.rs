//! The inventory: credential facts grouped by environment, and how environments are named.

pub mod app;
pub mod build;
pub mod environment;
pub mod keyvault;
pub mod reusable;
pub mod selection;
pub mod summary;
pub mod unreadable;
