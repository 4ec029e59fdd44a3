//! One mistake, one finding. Several rules can see the same mistake from different sides:
//! production's `ClientId` copied from staging is both a `client-id-mismatch` (production's
//! sources disagree) and a `cross-env-client-id` (the value is staging's); a dry-run that fails
//! because of a value a local rule flagged repeats that finding with a vaguer cause; a secret
//! committed twice carries the same rotation steps twice. These pure functions fold such
//! findings after the rules ran, so each rule stays simple and the report reads once.

use crate::model::{Finding, Location};
use crate::rules::{self, Family};
use std::collections::HashMap;

/// `client-id-mismatch` and `cross-env-client-id` on the same value (same environment and
/// place) become one `cross-env-client-id` finding. Its message is the mismatch's, which says
/// both things (the sources disagree, and whose id the odd one is); its fix is the mismatch's
/// plus what the cross-environment fix adds (declaring a deliberately shared app).
pub fn client_id_pairs(findings: &mut Vec<Finding>) {
    const MISMATCH: &str = "client-id-mismatch";
    const CROSS: &str = "cross-env-client-id";
    let mut folded = vec![false; findings.len()];
    for i in 0..findings.len() {
        let Some(cross) = findings.get(i).filter(|f| f.rule_id == CROSS) else {
            continue;
        };
        let partner = findings.iter().enumerate().position(|(j, f)| {
            f.rule_id == MISMATCH
                && same_place(&f.location, &cross.location)
                && f.environment == cross.environment
                && !folded.get(j).copied().unwrap_or(true)
        });
        let Some(j) = partner else {
            continue;
        };
        let Some(mismatch) = findings.get(j).cloned() else {
            continue;
        };
        if let Some(slot) = folded.get_mut(j) {
            *slot = true;
        }
        if let Some(cross) = findings.get_mut(i) {
            cross.severity = cross.severity.max(mismatch.severity);
            cross.message = mismatch.message;
            let extra = cross.fix.as_deref().map(after_first_sentence);
            cross.fix = match (mismatch.fix, extra) {
                (Some(m), Some(x)) if !x.is_empty() => Some(format!("{m} {x}")),
                (Some(m), _) => Some(m),
                (None, _) => cross.fix.clone(),
            };
        }
    }
    let mut flags = folded.into_iter();
    findings.retain(|_| !flags.next().unwrap_or(false));
}

/// The text after the first sentence (the rule's own "set the right value" advice, which the
/// mismatch's fix already gives precisely), or the whole text when it is one sentence.
fn after_first_sentence(text: &str) -> &str {
    match text.split_once(". ") {
        Some((_, rest)) => rest.trim(),
        None => "",
    }
}

/// Same file and position (or same non-file source): the same value.
fn same_place(a: &Location, b: &Location) -> bool {
    a.file == b.file
        && a.line == b.line
        && a.column == b.column
        && (a.file.is_some() || a.source == b.source)
}

/// A dry-run finding that repeats a local one: the dry-run's check of a value the scan already
/// flagged (same rule and place) is dropped and the scan's finding says the value was not sent;
/// a `dry-run-failed` whose implicated values (`causes`, by the failure's fingerprint) include
/// one a local rule flagged is folded into that finding, which then carries the token answer
/// (status, AADSTS code, support ids). Returns the dry-run findings that stay on their own.
pub fn dry_run_into_local(
    local: &mut [Finding],
    dry_run: Vec<Finding>,
    causes: &HashMap<String, Vec<Location>>,
) -> Vec<Finding> {
    let mut kept = Vec::new();
    for finding in dry_run {
        if let Some(target) = local
            .iter_mut()
            .find(|g| g.rule_id == finding.rule_id && same_place(&g.location, &finding.location))
        {
            if let Some(env) = &finding.environment {
                target.message.push_str(&format!(
                    " credgate did not send it to Entra ({env}'s dry-run status: not_sent)."
                ));
            }
            continue;
        }
        if finding.rule_id == "dry-run-failed" {
            let implicated = causes.get(&finding.fingerprint).map(Vec::as_slice);
            let target = implicated.and_then(|places| {
                places.iter().find_map(|place| {
                    local.iter_mut().position(|g| {
                        is_local_rule(&g.rule_id)
                            && g.environment == finding.environment
                            && same_place(&g.location, place)
                    })
                })
            });
            if let Some(g) = target.and_then(|at| local.get_mut(at)) {
                g.severity = g.severity.max(finding.severity);
                g.message
                    .push_str(&format!(" The dry-run confirms it: {}", finding.message));
                if g.secret.is_none() {
                    g.secret = finding.secret;
                }
                continue;
            }
        }
        kept.push(finding);
    }
    kept
}

/// The rules that judge values locally (consistency), whose findings a dry-run failure can
/// confirm.
fn is_local_rule(rule_id: &str) -> bool {
    rules::find(rule_id).is_some_and(|r| r.family == Family::Consistency)
}

/// Hard-coded secret findings about one secret (same redacted fingerprint) keep the rotation
/// steps once: on `live-secret-committed` when the dry-run proved the secret works (its fix
/// names the app), else on the first occurrence in report order. The others say where the
/// steps are and that this copy must go too. Call on the sorted, final list.
pub fn secret_fixes(findings: &mut [Finding]) {
    let is_secret_rule = |f: &Finding| {
        f.rule_id == "live-secret-committed"
            || rules::find(&f.rule_id).is_some_and(|r| r.family == Family::Secrets)
    };
    let mut keeper: HashMap<String, usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let (Some(secret), Some(_)) = (&f.secret, &f.fix) else {
            continue;
        };
        if !is_secret_rule(f) {
            continue;
        }
        let entry = keeper.entry(secret.fingerprint.clone()).or_insert(i);
        let current_is_live = findings
            .get(*entry)
            .is_some_and(|k| k.rule_id == "live-secret-committed");
        if f.rule_id == "live-secret-committed" && !current_is_live {
            *entry = i;
        }
    }
    let places: HashMap<String, (usize, String)> = keeper
        .iter()
        .filter_map(|(fp, &i)| {
            findings
                .get(i)
                .map(|f| (fp.clone(), (i, f.location.to_string())))
        })
        .collect();
    for (i, f) in findings.iter_mut().enumerate() {
        if f.fix.is_none() || !is_secret_rule(f) {
            continue;
        }
        let Some((at, place)) = f.secret.as_ref().and_then(|s| places.get(&s.fingerprint)) else {
            continue;
        };
        if *at != i {
            f.fix = Some(format!(
                "The same secret as at {place}: follow the rotation steps there once for every \
                 copy, and remove it from {} too.",
                f.location.file.as_deref().unwrap_or("this place")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::secret::Redacted;

    fn at(rule: &str, file: &str, line: u32, message: &str) -> Finding {
        Finding::new(
            rule,
            Severity::Error,
            Location::file(file, line, 18),
            message,
            message,
        )
        .with_environment("production")
        .with_fix(format!("Fix {rule} here. Also {rule} there."))
    }

    #[test]
    fn mismatch_and_cross_env_on_one_value_become_one_finding() {
        let mut findings = vec![
            at(
                "client-id-mismatch",
                "a.json",
                10,
                "disagrees; is staging's",
            ),
            at("cross-env-client-id", "a.json", 10, "uses staging's id"),
            at("client-id-mismatch", "b.json", 3, "other place"),
        ];
        client_id_pairs(&mut findings);
        assert_eq!(findings.len(), 2);
        let merged = &findings[0];
        assert_eq!(merged.rule_id, "cross-env-client-id");
        assert_eq!(merged.message, "disagrees; is staging's");
        assert_eq!(
            merged.fix.as_deref(),
            Some("Fix client-id-mismatch here. Also client-id-mismatch there. Also cross-env-client-id there.")
        );
        assert_eq!(findings[1].location.file.as_deref(), Some("b.json"));
    }

    #[test]
    fn the_real_rules_fold_into_a_message_that_says_both_things() {
        use crate::checks::consistency::testkit::Inv;
        use crate::model::Field;
        let inv = Inv::new()
            .env(
                "staging",
                Field::ClientId,
                "bf178375-4a86-4a0c-9256-9cf907bce18a",
                ".env.staging",
                4,
            )
            .env(
                "production",
                Field::ClientId,
                "1ee56472-6166-4e31-b902-c9f9c65b805e",
                "values-prod.yaml",
                8,
            )
            .env(
                "production",
                Field::ClientId,
                "1ee56472-6166-4e31-b902-c9f9c65b805e",
                "prod.tfvars",
                6,
            )
            .env(
                "production",
                Field::ClientId,
                "bf178375-4a86-4a0c-9256-9cf907bce18a",
                "appsettings.Production.json",
                10,
            )
            .build();
        let mut findings = crate::checks::consistency::check(&inv);
        client_id_pairs(&mut findings);
        let on_value: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.location.file.as_deref() == Some("appsettings.Production.json"))
            .collect();
        assert_eq!(on_value.len(), 1, "{findings:#?}");
        let m = &on_value[0].message;
        assert!(m.contains("1e…5e") && m.contains("bf…8a"), "{m}");
        assert!(m.contains("staging"), "{m}");
        assert!(on_value[0]
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("[[shared_apps]]")));
    }

    #[test]
    fn local_duplicates_and_confirmed_failures_fold_into_the_local_finding() {
        let mut local = vec![at("secret-id-as-value", ".env", 5, "is a GUID.")];
        let mut dup = at("secret-id-as-value", ".env", 5, "dry-run copy");
        dup.environment = Some("production".into());
        let failed = at(
            "dry-run-failed",
            ".env",
            5,
            "invalid_secret (AADSTS7000215)",
        );
        let unrelated = at("dry-run-failed", "other", 1, "timeout");
        let causes = HashMap::from([(
            failed.fingerprint.clone(),
            vec![Location::file("x", 1, 1), Location::file(".env", 5, 18)],
        )]);
        let kept = dry_run_into_local(&mut local, vec![dup, failed, unrelated], &causes);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].message, "timeout");
        let m = &local[0].message;
        assert!(m.contains("not_sent"), "{m}");
        assert!(
            m.contains("The dry-run confirms it: invalid_secret (AADSTS7000215)"),
            "{m}"
        );
    }

    #[test]
    fn rotation_steps_once_per_secret() {
        let secret = |f: Finding, fp: &str| {
            f.with_redacted(Redacted {
                hint: "zt5".into(),
                fingerprint: fp.into(),
            })
        };
        let mut findings = vec![
            secret(
                at("azure-client-secret", ".env.staging", 5, "a"),
                "sha256:1",
            ),
            secret(
                at("azure-client-secret", "appsettings.json", 6, "b"),
                "sha256:1",
            ),
            secret(at("azure-client-secret", "other.json", 6, "c"), "sha256:2"),
        ];
        secret_fixes(&mut findings);
        assert!(findings[0]
            .fix
            .as_deref()
            .is_some_and(|f| f.starts_with("Fix")));
        let second = findings[1].fix.as_deref().unwrap_or_default();
        assert!(
            second.contains("same secret as at .env.staging:5:18"),
            "{second}"
        );
        assert!(findings[2]
            .fix
            .as_deref()
            .is_some_and(|f| f.starts_with("Fix")));
        // A proof that the secret works keeps the steps (they name the app).
        findings.push(secret(
            at("live-secret-committed", "z.json", 1, "live"),
            "sha256:1",
        ));
        secret_fixes(&mut findings);
        assert!(findings[0]
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("same secret as at z.json")));
        assert!(findings[3]
            .fix
            .as_deref()
            .is_some_and(|f| f.starts_with("Fix")));
    }
}
