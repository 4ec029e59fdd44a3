//! GitHub Actions expressions (`${{ … }}`): which secrets and variables a value reads, whether a
//! value is a computed expression rather than a literal, and which matrix key a value takes.

use super::shared::expression_ranges;
use crate::extract::value;
use crate::model::ReferenceKind;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// `secrets.NAME`, `vars.NAME` or the index forms `secrets['NAME']` / `vars["NAME"]`. Contexts
/// are case-insensitive in GitHub. The first group is a guard so that `inputs.secrets.x` or
/// `my_secrets.x` are not taken for the `secrets` context.
static CONTEXT_REFERENCE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?:^|[^A-Za-z0-9_.])((?i:secrets|vars))\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^'\]]+)'\s*\]|\[\s*"([^"\]]+)"\s*\])"#,
    )
    .ok()
});

/// A whole value that is exactly `${{ matrix.KEY }}` (or `matrix['KEY']`).
static MATRIX_VALUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"^\$\{\{\s*matrix\s*(?:\.\s*([A-Za-z0-9_-]+)|\[\s*'([^']+)'\s*\])\s*\}\}$"#).ok()
});

/// Secrets GitHub provides to every run, which no environment owns.
const BUILT_IN_SECRETS: &[&str] = &["GITHUB_TOKEN"];

/// One secret or variable a scalar reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContextReference {
    /// `Secret` for `secrets.X`, `Variable` for `vars.X`.
    pub kind: ReferenceKind,
    /// The name as written.
    pub name: String,
    /// Byte range in the scalar to point at: the whole `${{ … }}` holding the reference, or the
    /// reference itself in a bare `if:` condition.
    pub needle: Range<usize>,
}

/// The secrets and variables a scalar reads. `bare` is for `if:` conditions, which GitHub
/// evaluates as an expression even without `${{ }}`.
pub(crate) fn context_references(text: &str, bare: bool) -> Vec<ContextReference> {
    let Some(regex) = CONTEXT_REFERENCE.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut scan = |range: Range<usize>, whole_expression: bool| {
        let Some(piece) = text.get(range.clone()) else {
            return;
        };
        for caps in regex.captures_iter(piece) {
            let (Some(context), Some(name)) =
                (caps.get(1), caps.get(2).or(caps.get(3)).or(caps.get(4)))
            else {
                continue;
            };
            let name = name.as_str().trim();
            if BUILT_IN_SECRETS
                .iter()
                .any(|b| b.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let kind = if context.as_str().eq_ignore_ascii_case("secrets") {
                ReferenceKind::Secret
            } else {
                ReferenceKind::Variable
            };
            let needle = if whole_expression {
                range.clone()
            } else {
                let end = caps.get(0).map_or(context.end(), |m| m.end());
                range.start + context.start()..range.start + end
            };
            found.push(ContextReference {
                kind,
                name: name.to_string(),
                needle,
            });
        }
    };
    let ranges = expression_ranges(text);
    if ranges.is_empty() {
        if bare {
            scan(0..text.len(), false);
        }
    } else {
        for range in ranges {
            scan(range, true);
        }
    }
    found
}

/// When a value is computed by expressions but is not one whole reference that
/// [`value::classify`] knows (`${{ secrets.X }}`, `${{ vars.X }}`, `${{ env.X }}`), the
/// expressions it is made of, for a reference fact: `${{ matrix.client_id }}` →
/// `matrix.client_id`. Only the expressions are named, never the literal text around them,
/// which could be part of a secret.
pub(crate) fn unresolved_expression(raw: &str) -> Option<String> {
    if !raw.contains("${{") || value::reference(raw).is_some() {
        return None;
    }
    let names: Vec<&str> = expression_ranges(raw)
        .into_iter()
        .filter_map(|r| raw.get(r.start + 3..r.end - 2))
        .map(str::trim)
        .collect();
    Some(if names.is_empty() {
        "${{".to_string()
    } else {
        names.join(", ")
    })
}

/// The matrix key of a value that is exactly `${{ matrix.KEY }}`.
pub(crate) fn matrix_key(raw: &str) -> Option<&str> {
    let caps = MATRIX_VALUE.as_ref()?.captures(raw.trim())?;
    caps.get(1).or(caps.get(2)).map(|m| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, bare: bool) -> Vec<(ReferenceKind, String, &str)> {
        context_references(text, bare)
            .into_iter()
            .map(|r| (r.kind, r.name, &text[r.needle]))
            .collect()
    }

    #[test]
    fn finds_secrets_and_vars_inside_expressions() {
        let text = "az login -p ${{ secrets.PROD_SECRET }} -u ${{ vars.CLIENT_ID }}";
        assert_eq!(
            names(text, false),
            vec![
                (
                    ReferenceKind::Secret,
                    "PROD_SECRET".to_string(),
                    "${{ secrets.PROD_SECRET }}"
                ),
                (
                    ReferenceKind::Variable,
                    "CLIENT_ID".to_string(),
                    "${{ vars.CLIENT_ID }}"
                ),
            ]
        );
    }

    #[test]
    fn index_syntax_several_per_expression_and_case() {
        let text = "${{ Secrets['A-1'] || secrets.B || vars[\"C\"] }}";
        let found = names(text, false);
        let got: Vec<&str> = found.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(got, vec!["A-1", "B", "C"]);
        assert!(found.iter().all(|(_, _, needle)| *needle == text));
    }

    #[test]
    fn bare_conditions_and_false_friends() {
        assert_eq!(
            names("secrets.DEPLOY_KEY != ''", true),
            vec![(
                ReferenceKind::Secret,
                "DEPLOY_KEY".to_string(),
                "secrets.DEPLOY_KEY"
            )]
        );
        assert!(names("secrets.DEPLOY_KEY != ''", false).is_empty());
        assert!(names("${{ inputs.secrets.x }} ${{ my_secrets.y }}", false).is_empty());
        assert!(names("${{ secrets.GITHUB_TOKEN }}", false).is_empty());
        assert!(names("${{ secrets.UNCLOSED", false).is_empty());
    }

    #[test]
    fn unresolved_expressions_name_only_the_expressions() {
        assert_eq!(unresolved_expression("${{ secrets.X }}"), None);
        assert_eq!(unresolved_expression("plain"), None);
        assert_eq!(
            unresolved_expression("${{ matrix.client_id }}").as_deref(),
            Some("matrix.client_id")
        );
        assert_eq!(
            unresolved_expression("abc8Q~${{ env.A }}-${{ env.B }}").as_deref(),
            Some("env.A, env.B")
        );
    }

    #[test]
    fn matrix_keys() {
        assert_eq!(matrix_key("${{ matrix.env }}"), Some("env"));
        assert_eq!(matrix_key("${{matrix['client-id']}}"), Some("client-id"));
        assert_eq!(matrix_key("x-${{ matrix.env }}"), None);
    }
}
