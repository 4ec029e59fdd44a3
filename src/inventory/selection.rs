//! `--env NAME` checked against the environments a run actually knows, so a gate fails closed:
//! a typo (`--env prodution`) or a name nothing defines (`--env ${{ matrix.environment }}` left
//! unexpanded, an environment the repository never mentions) would otherwise filter everything
//! away and pass a deploy that nothing checked. Pure: the caller gathers where names come from.

use super::environment::{promotion_rank, EnvironmentNames};
use crate::dryrun::credentials::convention_names;
use std::collections::BTreeMap;

/// Every environment a run found, canonical name → where it was found (`files`,
/// `credgate.toml`, `a pipeline's environment:`, `GitHub environment`…), plus the names of the
/// process variables that are set, which can define an environment on their own.
#[derive(Debug, Default, Clone)]
pub struct Known {
    /// Canonical name → where it was found, in the order first seen.
    found: BTreeMap<String, Vec<String>>,
    /// Names of set, non-empty process variables (names only, never values).
    variables: Vec<String>,
    /// Whether the plain `AZURE_*` credentials are set and the dry-run would use them for a
    /// single selected environment.
    plain_credentials: bool,
}

impl Known {
    /// Records that `canonical` was found in `place`.
    pub fn add(&mut self, canonical: &str, place: &str) {
        let places = self.found.entry(canonical.to_string()).or_default();
        if !places.iter().any(|p| p == place) {
            places.push(place.to_string());
        }
    }

    /// The process variables that are set (names only) and whether plain `AZURE_*` credentials
    /// are among those the run uses.
    pub fn with_variables(mut self, variables: Vec<String>, plain_credentials: bool) -> Self {
        self.variables = variables;
        self.plain_credentials = plain_credentials;
        self
    }

    /// Whether `canonical` has `<ALIAS>_AZURE_*` or `AZURE_*_<ALIAS>` variables set.
    /// The names are the dry-run's own ([`convention_names`]), so `--env` accepts exactly the
    /// variables the dry-run would read (docs/design.md "Where values come from", level 2).
    fn has_convention_variables(&self, canonical: &str, names: &EnvironmentNames) -> bool {
        convention_names(names, canonical)
            .iter()
            .any(|name| self.variables.contains(name))
    }
}

/// The `--env` names that match no known environment, or `None` when every one matches. A name
/// matches when the repository, `credgate.toml`, a pipeline or a CI platform defines it, when
/// its convention variables are set, or (one name, nothing found anywhere) when the plain
/// `AZURE_*` credentials are: the deploy job's own credentials then are the environment.
pub fn unmatched(selected: &[String], known: &Known, names: &EnvironmentNames) -> Vec<String> {
    let plain_stands_in = selected.len() == 1 && known.plain_credentials && known.found.is_empty();
    selected
        .iter()
        .filter(|name| {
            let canonical = names.canonical(name);
            !(known.found.contains_key(&canonical)
                || known.has_convention_variables(&canonical, names)
                || plain_stands_in)
        })
        .cloned()
        .collect()
}

/// The usage error for unmatched `--env` names: what was asked, what exists (and where), the
/// nearest name when it looks like a typo, and how to declare an environment.
pub fn unmatched_message(unmatched: &[String], known: &Known) -> String {
    let asked = unmatched
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = if unmatched.len() == 1 {
        format!(
            "--env {asked} matches no environment of this repository, so nothing would be checked."
        )
    } else {
        format!("--env {asked} match no environment of this repository, so nothing would be checked for them.")
    };
    if known.found.is_empty() {
        out.push_str(
            " No environment was found: no per-environment configuration file \
             (appsettings.<Env>.json, .env.<env>, values-<env>.yaml, <env>.tfvars…), no \
             [environments.<name>] table in credgate.toml, no pipeline job with `environment:`, \
             and no <ENV>_AZURE_* variables.",
        );
    } else {
        let mut found: Vec<(&String, &Vec<String>)> = known.found.iter().collect();
        found.sort_by_key(|(name, _)| (promotion_rank(name), name.as_str()));
        let listed: Vec<String> = found
            .iter()
            .map(|(name, places)| format!("{name} ({})", places.join(", ")))
            .collect();
        out.push_str(&format!(" Environments found: {}.", listed.join("; ")));
        for name in unmatched {
            if let Some(near) = nearest(name, known.found.keys()) {
                out.push_str(&format!(" Did you mean `{near}` for `{name}`?"));
            }
        }
    }
    let example = unmatched
        .first()
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .unwrap_or_else(|| "<name>".to_string());
    let upper = example.to_ascii_uppercase().replace('-', "_");
    out.push_str(&format!(
        " To check an environment credgate does not find, declare it in credgate.toml \
         ([environments.{example}], optionally with aliases = [\"…\"] and the variables that hold \
         its credentials), scope a pipeline job to it (`environment: {example}`), or set its \
         credentials as {upper}_AZURE_TENANT_ID, {upper}_AZURE_CLIENT_ID and \
         {upper}_AZURE_CLIENT_SECRET. An unexpanded expression such as \
         `${{{{ matrix.environment }}}}` means the workflow passed no name."
    ));
    out
}

/// The known name closest to `name` when it is a likely typo: at most two edits away (one for
/// names of four characters or fewer).
fn nearest<'a>(name: &str, known: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let lower = name.trim().to_ascii_lowercase();
    let limit = if lower.chars().count() <= 4 { 1 } else { 2 };
    known
        .map(|k| (distance(&lower, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            current.push(substitute.min(insert).min(delete));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        let mut k = Known::default();
        k.add("production", "files");
        k.add("staging", "files");
        k.add("staging", "credgate.toml");
        k
    }

    fn names() -> EnvironmentNames {
        EnvironmentNames::default()
    }

    #[test]
    fn aliases_of_found_environments_match() {
        let sel = vec!["prod".to_string(), "Staging".to_string()];
        assert!(unmatched(&sel, &known(), &names()).is_empty());
    }

    #[test]
    fn typos_and_unexpanded_names_do_not_match_and_the_message_lists_what_exists() {
        let sel = vec!["prodution".to_string()];
        assert_eq!(unmatched(&sel, &known(), &names()), sel);
        let m = unmatched_message(&sel, &known());
        assert!(m.contains("production (files)"), "{m}");
        assert!(m.contains("staging (files, credgate.toml)"), "{m}");
        assert!(m.contains("Did you mean `production`"), "{m}");
        assert!(m.contains("[environments.prodution]"), "{m}");
        let expr = vec!["${{ matrix.environment }}".to_string()];
        assert_eq!(unmatched(&expr, &known(), &names()), expr);
        let m = unmatched_message(&expr, &known());
        assert!(m.contains("[environments.<name>]"), "{m}");
        assert!(!m.contains("Did you mean"), "{m}");
    }

    #[test]
    fn a_built_in_name_the_repository_lacks_does_not_match() {
        let sel = vec!["development".to_string()];
        assert_eq!(unmatched(&sel, &known(), &names()), sel);
    }

    #[test]
    fn convention_variables_define_an_environment() {
        let sel = vec!["uat".to_string()];
        let k = known().with_variables(vec!["UAT_AZURE_CLIENT_SECRET".into()], false);
        assert!(unmatched(&sel, &k, &names()).is_empty());
        let k = known().with_variables(vec!["AZURE_CLIENT_ID_UAT".into()], false);
        assert!(unmatched(&sel, &k, &names()).is_empty());
        let k = known().with_variables(vec!["UATX_AZURE_CLIENT_ID".into()], false);
        assert_eq!(unmatched(&sel, &k, &names()), sel);
        // `prod` folds to production: PRD_ variables count for it.
        let sel = vec!["live".to_string()];
        let k = Known::default().with_variables(vec!["PRD_AZURE_TENANT_ID".into()], false);
        assert!(unmatched(&sel, &k, &names()).is_empty());
    }

    #[test]
    fn plain_credentials_stand_in_only_for_one_name_in_an_empty_repository() {
        let one = vec!["prod".to_string()];
        let empty = Known::default().with_variables(vec![], true);
        assert!(unmatched(&one, &empty, &names()).is_empty());
        let two = vec!["prod".to_string(), "staging".to_string()];
        assert_eq!(unmatched(&two, &empty, &names()).len(), 2);
        let typo = vec!["prodution".to_string()];
        let found = known().with_variables(vec![], true);
        assert_eq!(unmatched(&typo, &found, &names()), typo);
        let m = unmatched_message(&one, &Known::default());
        assert!(m.contains("No environment was found"), "{m}");
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("prodution", "production"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("stg", "staging"), 4);
        assert_eq!(nearest("qa", ["uat".to_string()].iter()), None);
    }
}
