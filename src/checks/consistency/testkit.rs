//! A small builder for hand-made inventories in the rules' unit tests: values go through the
//! extractors' own classification (`fact_value`), so a test's `${{ secrets.X }}` is a reference
//! and its `<client-secret>` a placeholder, exactly as in a real scan.

use crate::extract::fact_value;
use crate::model::{
    EnvironmentExpectation, Fact, Field, Finding, Inventory, Location, ReferenceKind,
    ScopedReference, SharedApp,
};

/// Builds an [`Inventory`] fact by fact.
#[derive(Default)]
pub struct Inv {
    inventory: Inventory,
}

impl Inv {
    /// An empty inventory.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fact of environment `env` at `file:line`, column 5.
    pub fn env(self, env: &str, field: Field, raw: &str, file: &str, line: u32) -> Self {
        self.fact(Some(env), field, raw, file, line)
    }

    /// A base-configuration fact at `file:line`.
    pub fn base(self, field: Field, raw: &str, file: &str, line: u32) -> Self {
        self.fact(None, field, raw, file, line)
    }

    fn fact(mut self, env: Option<&str>, field: Field, raw: &str, file: &str, line: u32) -> Self {
        let value = fact_value(field, raw).expect("test values are not empty");
        let fact = Fact {
            environment: env.map(str::to_string),
            field,
            value,
            location: Location::file(file, line, 5),
            source: "test".to_string(),
        };
        match env {
            Some(env) => self
                .inventory
                .environments
                .entry(env.to_string())
                .or_default()
                .push(fact),
            None => self.inventory.unassigned.push(fact),
        }
        self
    }

    /// A name referenced from a pipeline job of `env`.
    pub fn reference(
        mut self,
        env: &str,
        kind: ReferenceKind,
        name: &str,
        file: &str,
        line: u32,
    ) -> Self {
        self.inventory.references.push(ScopedReference {
            environment: env.to_string(),
            kind,
            name: name.to_string(),
            location: Location::file(file, line, 9),
        });
        self
    }

    /// Edits what `credgate.toml` expects of `env`.
    pub fn expect(mut self, env: &str, edit: impl FnOnce(&mut EnvironmentExpectation)) -> Self {
        edit(
            self.inventory
                .expectations
                .entry(env.to_string())
                .or_default(),
        );
        self
    }

    /// Declares an app shared by `envs` (empty: all).
    pub fn shared(mut self, client_id: &str, envs: &[&str]) -> Self {
        self.inventory.shared_apps.push(SharedApp {
            client_id: client_id.to_string(),
            environments: envs.iter().map(|e| e.to_string()).collect(),
        });
        self
    }

    /// The finished inventory.
    pub fn build(self) -> Inventory {
        self.inventory
    }
}

/// `file:line` of a finding.
pub fn at(finding: &Finding) -> String {
    format!(
        "{}:{}",
        finding.location.file.as_deref().unwrap_or("-"),
        finding
            .location
            .line
            .map_or("-".to_string(), |l| l.to_string())
    )
}

/// Development's client id in the tests.
pub const DEV_APP: &str = "d0a1b2c3-0000-4000-8000-0000000000d1";
/// Staging's client id in the tests.
pub const STG_APP: &str = "5a1b2c3d-1111-4111-8111-1111111111c2";
/// Production's client id in the tests.
pub const PROD_APP: &str = "1f2e3d4c-2222-4222-8222-2222222222c3";
/// A tenant id.
pub const TENANT_A: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// Another tenant id.
pub const TENANT_B: &str = "9a8b7c6d-3333-4333-8333-333333333302";
/// A secret-shaped test value (not a real secret).
pub const SECRET_1: &str = "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678";
/// Another secret-shaped test value.
pub const SECRET_2: &str = "xyz8Q~MNbvcxzLKjhgfdsaPOiuytrewq87654321";
