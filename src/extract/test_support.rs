//! Helpers shared by the extractors' unit tests.

use super::FileFacts;
use crate::model::FactValue;

/// One line per fact, `field line:col [env] value`, secrets shown as `<secret>`: compact enough
/// to compare a whole file's facts in one assertion.
pub fn describe(out: &FileFacts) -> Vec<String> {
    out.facts
        .iter()
        .map(|f| {
            let value = match &f.value {
                FactValue::Plain(v) => v.clone(),
                FactValue::Secret(_) => "<secret>".to_string(),
                FactValue::Reference { kind, name } => format!("{kind}:{name}"),
            };
            let env = f
                .environment
                .as_deref()
                .map(|e| format!("[{e}] "))
                .unwrap_or_default();
            format!(
                "{} {}:{} {env}{value}",
                f.field.as_str(),
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0)
            )
        })
        .collect()
}
