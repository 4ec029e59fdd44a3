//! Azure Pipelines variable syntaxes: macros `$(Var)`, template expressions
//! `${{ variables.Var }}` / `${{ variables['Var'] }}`, runtime expressions `$[variables.Var]`,
//! and bare `condition:` expressions. Which variables a value reads, and whether a value is
//! computed rather than literal.

use crate::extract::github_workflow::shared::expression_ranges;
use crate::extract::value;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// `$(Name)`: letters, digits, `_`, `.` and `-` (Key Vault-linked groups use dashes).
static MACRO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\$\(([A-Za-z_][A-Za-z0-9_.\-]*)\)").ok());

/// `variables.Name` or `variables['Name']` inside an expression; the guard keeps
/// `stageDependencies.x.variables` style paths from matching as a bare `variables`.
static VARIABLES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^A-Za-z0-9_.])(variables)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_.\-]*)|\[\s*'([^'\]]+)'\s*\])",
    )
    .ok()
});

/// Namespaces of variables Azure Pipelines defines itself, which no environment owns.
const PREDEFINED: &[&str] = &[
    "agent.",
    "build.",
    "system.",
    "pipeline.",
    "environment.",
    "release.",
    "strategy.",
    "resources.",
    "checks.",
    "common.",
];

/// One variable a value reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VariableReference {
    /// The variable name as written.
    pub name: String,
    /// Byte range to point at: the macro, the whole expression, or the bare reference.
    pub needle: Range<usize>,
}

/// Whether a name is one of the variables Azure Pipelines predefines.
fn is_predefined(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "tf_build" || PREDEFINED.iter().any(|p| lower.starts_with(p))
}

/// Byte ranges of the runtime expressions `$[ … ]` in a value, nested brackets included.
fn runtime_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(bytes.get(from..).unwrap_or(&[]), b"$[") {
        let start = from + found;
        let mut depth = 0usize;
        let mut end = None;
        for (i, b) in bytes.iter().enumerate().skip(start + 1) {
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        ranges.push(start..end);
        from = end;
    }
    ranges
}

/// `variables.X` references inside `range` of `text`; each points at `range` when
/// `whole_range`, else at the reference itself.
fn variables_in(
    text: &str,
    range: Range<usize>,
    whole_range: bool,
    out: &mut Vec<VariableReference>,
) {
    let (Some(regex), Some(piece)) = (VARIABLES.as_ref(), text.get(range.clone())) else {
        return;
    };
    for caps in regex.captures_iter(piece) {
        let (Some(word), Some(name)) = (caps.get(1), caps.get(2).or(caps.get(3))) else {
            continue;
        };
        let needle = if whole_range {
            range.clone()
        } else {
            let end = caps.get(0).map_or(word.end(), |m| m.end());
            range.start + word.start()..range.start + end
        };
        out.push(VariableReference {
            name: name.as_str().trim().to_string(),
            needle,
        });
    }
}

/// The (non-predefined) variables a value reads, in order of position. `condition` is for
/// `condition:` values, which are expressions without any wrapper.
pub(crate) fn variable_references(text: &str, condition: bool) -> Vec<VariableReference> {
    let mut found = Vec::new();
    if let Some(regex) = MACRO.as_ref() {
        for caps in regex.captures_iter(text) {
            if let (Some(all), Some(name)) = (caps.get(0), caps.get(1)) {
                found.push(VariableReference {
                    name: name.as_str().to_string(),
                    needle: all.range(),
                });
            }
        }
    }
    for range in expression_ranges(text)
        .into_iter()
        .chain(runtime_ranges(text))
    {
        variables_in(text, range, true, &mut found);
    }
    if condition && !text.contains("${{") && !text.contains("$[") {
        variables_in(text, 0..text.len(), false, &mut found);
    }
    found.retain(|r| !r.name.is_empty() && !is_predefined(&r.name));
    found.sort_by_key(|r| (r.needle.start, r.needle.end));
    found
}

/// When a value is computed by macros or expressions but is not one whole reference that
/// [`value::classify`] knows (`$(X)`, `${{ variables.X }}`, `${{ parameters.X }}`,
/// `$[variables.X]`), the pieces it is computed from: `https://$(host)/$(tenant)` →
/// `$(host), $(tenant)`. Only those pieces are named, never the literal text around them.
pub(crate) fn unresolved_expression(raw: &str) -> Option<String> {
    if value::reference(raw).is_some() {
        return None;
    }
    let mut pieces: Vec<Range<usize>> = expression_ranges(raw);
    pieces.extend(runtime_ranges(raw));
    if let Some(regex) = MACRO.as_ref() {
        pieces.extend(regex.find_iter(raw).map(|m| m.range()));
    }
    if pieces.is_empty() {
        return None;
    }
    pieces.sort_by_key(|r| r.start);
    let names: Vec<&str> = pieces.into_iter().filter_map(|r| raw.get(r)).collect();
    Some(names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str, condition: bool) -> Vec<(String, &str)> {
        variable_references(text, condition)
            .into_iter()
            .map(|r| (r.name, &text[r.needle]))
            .collect()
    }

    #[test]
    fn macros_template_and_runtime_expressions() {
        let text = "az login -p $(prod-client-secret) -t ${{ variables.TenantId }} $[ variables['Client.Id'] ]";
        assert_eq!(
            refs(text, false),
            vec![
                ("prod-client-secret".to_string(), "$(prod-client-secret)"),
                ("TenantId".to_string(), "${{ variables.TenantId }}"),
                ("Client.Id".to_string(), "$[ variables['Client.Id'] ]"),
            ]
        );
    }

    #[test]
    fn predefined_variables_and_shell_substitutions_are_skipped() {
        assert!(refs(
            "$(Build.BuildId) $(System.AccessToken) $(Agent.TempDirectory)",
            false
        )
        .is_empty());
        assert!(refs("echo $(date +%s) ${{ parameters.env }}", false).is_empty());
    }

    #[test]
    fn bare_conditions() {
        let text = "and(succeeded(), eq(variables['deployTarget'], 'prod'), ne(variables.Build.Reason, 'PR'))";
        assert_eq!(
            refs(text, true),
            vec![("deployTarget".to_string(), "variables['deployTarget']")]
        );
        assert!(refs(text, false).is_empty());
    }

    #[test]
    fn unresolved_expressions_name_only_the_pieces() {
        assert_eq!(unresolved_expression("$(ClientSecret)"), None);
        assert_eq!(unresolved_expression("${{ parameters.clientId }}"), None);
        assert_eq!(unresolved_expression("plain"), None);
        assert_eq!(
            unresolved_expression("abc8Q~$(suffix)").as_deref(),
            Some("$(suffix)")
        );
        assert_eq!(
            unresolved_expression("https://$(host)/${{ parameters.tenant }}").as_deref(),
            Some("$(host), ${{ parameters.tenant }}")
        );
    }
}
