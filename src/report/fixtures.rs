//! Reports shared by the reporters' golden tests: one rich report that exercises every branch
//! (all severities, a finding without a file, redacted secrets, characters that need escaping,
//! two environments with a dry-run) and an empty one.

use crate::model::{
    DryRunResult, EnvironmentSummary, Finding, Location, Report, SecretPresence, Severity,
    SkipCounts, Summary, ToolInfo,
};
use crate::secret::Redacted;

/// A raw value that stands in for a committed secret; no output may contain it.
pub(crate) const RAW_SECRET: &str = "Fx9q.Lw2~Zr7Kp4Vt8Nh3Bm6Yc1Dj5Gs0Qa2We8Ru"; // credgate:allow
/// A second stand-in, for the staging environment.
pub(crate) const RAW_SECRET_2: &str = "Hq4.Tz8~Mv2Xb6Wn1Lc9Rp3Ks7Jd5Fg0Ya4Ue2"; // credgate:allow

/// A fixed tool version, so snapshots do not change with every release.
fn tool() -> ToolInfo {
    ToolInfo {
        name: "credgate".into(),
        version: "0.0.0-test".into(),
    }
}

/// The rich report every golden test renders.
pub(crate) fn rich() -> Report {
    let prod_secret = Redacted::of(RAW_SECRET);
    let staging_secret = Redacted::of(RAW_SECRET_2);
    let mut report = Report {
        tool: tool(),
        root: ".".into(),
        environments: vec![
            EnvironmentSummary {
                name: "production".into(),
                tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
                client_id: Some("11111111-2222-3333-4444-555555555555".into()),
                secret: SecretPresence {
                    present: true,
                    source: Some("appsettings.Production.json:9".into()),
                    fingerprint: Some(prod_secret.fingerprint.clone()),
                },
                sources: vec![
                    "appsettings.Production.json".into(),
                    ".github/workflows/deploy.yml".into(),
                ],
                ..EnvironmentSummary::default()
            },
            EnvironmentSummary {
                name: "staging".into(),
                tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
                client_id: Some("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into()),
                secret: SecretPresence {
                    present: true,
                    source: Some("github:environment/staging/secrets/AZURE_CLIENT_SECRET".into()),
                    fingerprint: None,
                },
                sources: vec![".env.staging".into(), "github:environment/staging".into()],
                ..EnvironmentSummary::default()
            },
        ],
        dry_run: vec![
            DryRunResult {
                environment: "production".into(),
                status: "ok".into(),
                aadsts: None,
                trace_id: None,
                correlation_id: None,
                duration_ms: 180,
                blocked_by: None,
            },
            DryRunResult {
                environment: "staging".into(),
                status: "invalid_secret".into(),
                aadsts: Some(7_000_215),
                trace_id: Some("0a1b2c3d-0000-4000-8000-000000000001".into()),
                correlation_id: Some("0a1b2c3d-0000-4000-8000-000000000002".into()),
                duration_ms: 212,
                blocked_by: None,
            },
        ],
        summary: Summary {
            files_scanned: 42,
            bytes_scanned: 1_234_567,
            files_skipped: SkipCounts {
                binary: 2,
                too_large: 1,
                unreadable: 0,
                symlink: 1,
            },
            baseline_suppressed: 3,
            inline_suppressed: 1,
            ..Summary::default()
        },
        ..Report::default()
    };
    report.findings = vec![
        Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file("appsettings.Production.json", 9, 21).with_end_column(61),
            "An Entra ID client secret is committed in AzureAd:ClientSecret.",
            &prod_secret.fingerprint,
        )
        .with_environment("production")
        .with_redacted(prod_secret.clone())
        .with_fix("Rotate the secret in the app registration, then read it from a pipeline secret or Key Vault."),
        Finding::new(
            "cross-env-client-id",
            Severity::Error,
            Location::file("appsettings.Production.json", 7, 17).with_end_column(53),
            "production uses the client id of staging (.env.staging:2).",
            "production/staging",
        )
        .with_environment("production")
        .with_fix("Set production's AzureAd:ClientId to production's own app registration."),
        Finding::new(
            "dry-run-failed",
            Severity::Error,
            Location::source("github:environment/staging/secrets/AZURE_CLIENT_SECRET"),
            "staging: token request failed with invalid_secret (AADSTS7000215): the secret is wrong.",
            "staging/invalid_secret",
        )
        .with_environment("staging")
        .with_fix("Copy the secret's Value (not its Secret ID) into the staging environment's AZURE_CLIENT_SECRET."),
        Finding::new(
            "private-key",
            Severity::Error,
            Location::file("deploy/keys/tls.key", 1, 1),
            "A PEM private key is committed.",
            "pem",
        ),
        Finding::new(
            "generic-secret-assignment",
            Severity::Warning,
            Location::file(".env.staging", 3, 21).with_end_column(59),
            "A high-entropy value is assigned to AZURE_CLIENT_SECRET.",
            &staging_secret.fingerprint,
        )
        .with_environment("staging")
        .with_redacted(staging_secret),
        Finding::new(
            "missing-credential",
            Severity::Warning,
            Location::whole_file(".env.staging"),
            "staging has no tenant id while production has one.",
            "staging/tenant_id",
        )
        .with_environment("staging")
        .with_fix("Add AZURE_TENANT_ID to .env.staging."),
        Finding::new(
            "redirect-uri-mismatch",
            Severity::Warning,
            Location::file("config/auth,v2: settings.yaml", 12, 5),
            "Redirect URI is http://localhost:5000/signin-oidc; 100% of <prod> | traffic [would] fail\nsecond line",
            "localhost",
        )
        .with_environment("production")
        .with_fix("Use https://app.example.com/signin-oidc;\nthen redeploy."),
        Finding::new(
            "parse-error",
            Severity::Note,
            Location::file("broken/app.json", 3, 14),
            "Expected `,` or `}` at line 3 column 14; the file was skipped.",
            "json",
        ),
        Finding::new(
            "parse-error",
            Severity::Note,
            Location::whole_file("values-prod.yaml"),
            "Not valid YAML: found a tab character that violates indentation.",
            "yaml",
        ),
    ];
    report.finalize();
    report
}

/// A report with nothing in it, which every format must still render sensibly.
pub(crate) fn empty() -> Report {
    let mut report = Report {
        tool: tool(),
        root: ".".into(),
        summary: Summary {
            files_scanned: 3,
            bytes_scanned: 2_048,
            ..Summary::default()
        },
        ..Report::default()
    };
    report.finalize();
    report
}

/// `count` findings with long messages, for the size caps.
pub(crate) fn huge(count: usize) -> Report {
    let mut report = Report {
        root: ".".into(),
        ..Report::default()
    };
    let filler = "x".repeat(300);
    for i in 0..count {
        let severity = match i % 3 {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => Severity::Note,
        };
        report.findings.push(
            Finding::new(
                "generic-secret-assignment",
                severity,
                Location::file(
                    format!("dir{}/file{i}.env", i % 17),
                    (i % 500) as u32 + 1,
                    1,
                ),
                format!("Finding {i}: {filler}"),
                &i.to_string(),
            )
            .with_fix(format!("Fix {i}: {filler}")),
        );
    }
    report.finalize();
    report
}

/// Whether `text` contains any part of a raw secret longer than its three-character hint.
pub(crate) fn leaks_secret(text: &str) -> bool {
    [RAW_SECRET, RAW_SECRET_2].iter().any(|raw| {
        // Any six consecutive characters past the first would be more than the hint shows.
        let chars: Vec<char> = raw.chars().collect();
        chars.windows(6).skip(1).any(|w| {
            let needle: String = w.iter().collect();
            text.contains(&needle)
        })
    })
}
