//! Extractors: one module per file kind, each turning a file into credential `Fact`s.

pub mod dotenv;
pub mod keys;
pub mod value;

/// One key/value pair as a file format parser saw it, before it is mapped to a credential field.
/// The value may be a secret, so `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// Enclosing section names, outermost first (`["AzureAd"]` for `AzureAd:ClientId`).
    pub parents: Vec<String>,
    /// The key as written.
    pub key: String,
    /// The value with quotes and escapes resolved.
    pub value: String,
    /// 1-based line of the value's first character.
    pub line: u32,
    /// 1-based column (in characters) of the value's first character.
    pub column: u32,
}

impl Entry {
    /// An entry with no enclosing sections.
    pub fn new(key: &str, value: String, line: u32, column: u32) -> Self {
        Self {
            parents: Vec::new(),
            key: key.to_string(),
            value,
            line,
            column,
        }
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("parents", &self.parents)
            .field("key", &self.key)
            .field(
                "value",
                &format_args!("[REDACTED; {} chars]", self.value.chars().count()),
            )
            .field("line", &self.line)
            .field("column", &self.column)
            .finish()
    }
}
