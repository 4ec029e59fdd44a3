//! The values that flow through credgate's pipeline:
//! `Fact` (one observed value) → `Inventory` (facts per environment) → `Finding` → `Report`.
//!
//! Every reporter renders the same [`Report`]; nothing downstream of this module reads files or
//! the network.

use crate::secret::{fingerprint_of, Redacted, SecretValue};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How bad a finding is. Ordered so that `Error > Warning > Note`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Note,
    /// Likely a problem; fails the run with `--fail-on warning`.
    Warning,
    /// Breaks sign-in or leaks a credential; fails the run by default.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a value or finding sits: a file position, or a named source such as an environment
/// variable or a CI API path when it has no place in a file.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scanned root, `/`-separated.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column of the first character, counted in characters.
    pub column: Option<u32>,
    /// 1-based column just past the value on the same line, when known (for precise spans).
    pub end_column: Option<u32>,
    /// A non-file origin, e.g. `env:AZURE_CLIENT_SECRET` or `github:environment/production/variables/X`.
    pub source: Option<String>,
}

impl Location {
    /// A position in a file.
    pub fn file(path: impl Into<String>, line: u32, column: u32) -> Self {
        Self {
            file: Some(path.into()),
            line: Some(line),
            column: Some(column),
            ..Self::default()
        }
    }

    /// A whole file, with no position inside it.
    pub fn whole_file(path: impl Into<String>) -> Self {
        Self {
            file: Some(path.into()),
            ..Self::default()
        }
    }

    /// A value that came from somewhere other than a file.
    pub fn source(source: impl Into<String>) -> Self {
        Self {
            source: Some(source.into()),
            ..Self::default()
        }
    }

    /// Sets the end column (exclusive) of the span.
    pub fn with_end_column(mut self, end_column: u32) -> Self {
        self.end_column = Some(end_column);
        self
    }
}

impl fmt::Display for Location {
    /// `file:line:col`, `file:line`, `file`, or the source name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(col)) => write!(f, "{file}:{line}:{col}"),
            (Some(file), Some(line), None) => write!(f, "{file}:{line}"),
            (Some(file), None, _) => f.write_str(file),
            (None, _, _) => f.write_str(self.source.as_deref().unwrap_or("(unknown)")),
        }
    }
}

/// One problem credgate found, ready for every reporter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id from docs/design.md (`azure-client-secret`, `cross-env-client-id`, …).
    pub rule_id: String,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// Canonical environment name, when the finding belongs to one.
    pub environment: Option<String>,
    /// Where the finding points.
    pub location: Location,
    /// What is wrong, in one or two sentences. Never contains a secret value.
    pub message: String,
    /// How to fix it, when there is more to say than the message.
    pub fix: Option<String>,
    /// The redacted secret involved, if any.
    pub secret: Option<Redacted>,
    /// Stable identity for baselines and SARIF `partialFingerprints`: rule + path (or source) +
    /// a hash of what was found, never the line number, so it survives lines moving.
    pub fingerprint: String,
    /// The commit that introduced what was found, for findings from git history (`--history`,
    /// `--commits`) and working-tree secrets whose introducing commit the history scan saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitInfo>,
}

/// A commit as reports show it: who introduced a secret, when, and in which change, so the
/// person who can rotate it is found without `git log -S`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitInfo {
    /// Full hex object id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339 with the author's offset (`2024-05-01T12:34:56+02:00`).
    pub date: String,
    /// First line of the message (withheld when it looks like it holds a secret itself).
    pub summary: String,
}

impl CommitInfo {
    /// The first seven hex digits, as `git log --oneline` shows them.
    pub fn short_id(&self) -> &str {
        self.id.get(..7).unwrap_or(&self.id)
    }

    /// The date part of [`CommitInfo::date`] (`2024-05-01`).
    pub fn day(&self) -> &str {
        self.date.get(..10).unwrap_or(&self.date)
    }

    /// `abc1234 (2024-05-01, Jane Doe)`: the commit where a text report names a place.
    pub fn describe(&self) -> String {
        format!("{} ({}, {})", self.short_id(), self.day(), self.author)
    }
}

impl Finding {
    /// Builds a finding whose identity is `identity` (a value fingerprint, a pair of environment
    /// names, …). The fingerprint is derived from rule id, file or source, and identity.
    pub fn new(
        rule_id: &str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
        identity: &str,
    ) -> Self {
        let place = location
            .file
            .as_deref()
            .or(location.source.as_deref())
            .unwrap_or("");
        let fingerprint = finding_fingerprint(rule_id, place, identity);
        Self {
            rule_id: rule_id.to_string(),
            severity,
            environment: None,
            location,
            message: message.into(),
            fix: None,
            secret: None,
            fingerprint,
            commit: None,
        }
    }

    /// Attaches the redacted form of the secret this finding is about.
    pub fn with_secret(mut self, secret: &SecretValue) -> Self {
        self.secret = Some(secret.redacted());
        self
    }

    /// Attaches an already redacted secret.
    pub fn with_redacted(mut self, redacted: Redacted) -> Self {
        self.secret = Some(redacted);
        self
    }

    /// Attaches fix guidance.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Attaches the environment this finding belongs to.
    pub fn with_environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }
}

/// `<16 hex>` of SHA-256 over rule id, place and identity.
pub fn finding_fingerprint(rule_id: &str, place: &str, identity: &str) -> String {
    let joined = format!("{rule_id}\u{0}{place}\u{0}{identity}");
    fingerprint_of(&joined)
        .trim_start_matches("sha256:")
        .to_string()
}

/// The credential-related field a [`Fact`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Directory (tenant) id or verified domain.
    TenantId,
    /// Application (client) id.
    ClientId,
    /// Client secret value (or a reference to one).
    ClientSecret,
    /// Certificate path, thumbprint or Key Vault reference.
    Certificate,
    /// Authority URL or host.
    Authority,
    /// Redirect (reply) URI.
    RedirectUri,
    /// Requested scope or resource.
    Scope,
}

impl Field {
    /// The snake_case name of the field, as in docs/design.md.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::TenantId => "tenant_id",
            Field::ClientId => "client_id",
            Field::ClientSecret => "client_secret",
            Field::Certificate => "certificate",
            Field::Authority => "authority",
            Field::RedirectUri => "redirect_uri",
            Field::Scope => "scope",
        }
    }
}

/// A value as it was written: a literal, or a reference to a value held elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactValue {
    /// A literal that is not secret (ids, URLs).
    Plain(String),
    /// A literal secret; never printed.
    Secret(SecretValue),
    /// A reference such as `${{ secrets.X }}`, `$(X)`, `${X}` or `@Microsoft.KeyVault(...)`;
    /// `name` is the referenced variable or secret name as written.
    Reference {
        /// The kind of reference, e.g. `github-secret`, `pipeline-variable`, `key-vault`.
        kind: String,
        /// The referenced name.
        name: String,
    },
}

/// One observed credential value with its place of origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Canonical environment name, when one could be inferred.
    pub environment: Option<String>,
    /// What the value is.
    pub field: Field,
    /// The value or reference.
    pub value: FactValue,
    /// Where it was seen.
    pub location: Location,
    /// Which extractor or API produced it, e.g. `dotenv`, `appsettings`, `github-api`.
    pub source: String,
}

/// What a reference in a pipeline points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReferenceKind {
    /// `${{ secrets.X }}`, or a secret variable of Azure Pipelines.
    Secret,
    /// `${{ vars.X }}`, `$(X)`, `${{ variables.X }}`.
    Variable,
    /// An Azure Pipelines `group:` (variable group).
    VariableGroup,
}

impl ReferenceKind {
    /// A word for messages: `secret`, `variable`, `variable group`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Secret => "secret",
            ReferenceKind::Variable => "variable",
            ReferenceKind::VariableGroup => "variable group",
        }
    }
}

/// A name referenced from a pipeline job or stage that is scoped to an environment
/// (`environment: production`). Feeds `cross-env-secret-reference` and `missing-credential`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopedReference {
    /// The job's or stage's environment: as written by extractors, canonical in the inventory.
    pub environment: String,
    /// What kind of name it is.
    pub kind: ReferenceKind,
    /// The referenced name (`PROD_CLIENT_SECRET`, `staging-secrets`).
    pub name: String,
    /// Where the reference is written.
    pub location: Location,
}

/// What `credgate.toml` says an environment should look like.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvironmentExpectation {
    /// The tenant the environment must use.
    pub tenant_id: Option<String>,
    /// The client id the environment must use.
    pub client_id: Option<String>,
    /// Hosts its redirect URIs may use (besides what the rules allow by default).
    pub redirect_hosts: Vec<String>,
    /// Whether it is deployed (placeholders are errors there); `None` means the default: every
    /// environment but development.
    pub deployed: Option<bool>,
}

/// An app (client id) that several environments legitimately share, e.g. a multi-tenant app
/// used in two tenants; `cross-env-client-id` does not flag it between those environments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharedApp {
    /// The shared client id.
    pub client_id: String,
    /// Canonical names of the environments that share it (empty: all).
    pub environments: Vec<String>,
}

/// The secret, variable and group names one CI platform defines, so that rules can tell whether
/// a name a pipeline references exists where the job runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlatformNames {
    /// `github` or `azure-devops`.
    pub platform: String,
    /// Whether every list was read; "not defined" is concluded only from complete lists.
    pub complete: bool,
    /// Names defined for one environment, by canonical environment name.
    pub by_environment: BTreeMap<String, BTreeSet<(ReferenceKind, String)>>,
    /// Names every environment sees (repository, organization or project level).
    pub shared: BTreeSet<(ReferenceKind, String)>,
    /// Where each name was read, for messages: `(kind, name)` → source path.
    pub origins: BTreeMap<(ReferenceKind, String), String>,
}

/// Facts grouped by canonical environment name: what the consistency checks read.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// Environment name → the facts observed for it.
    pub environments: BTreeMap<String, Vec<Fact>>,
    /// Facts that belong to no environment (shared base config such as `appsettings.json`).
    pub unassigned: Vec<Fact>,
    /// References made from environment-scoped pipeline jobs and stages (canonical names).
    pub references: Vec<ScopedReference>,
    /// Expectations per canonical environment name, from `credgate.toml`.
    pub expectations: BTreeMap<String, EnvironmentExpectation>,
    /// Apps that environments may share.
    pub shared_apps: Vec<SharedApp>,
    /// Names defined by the CI platforms that were read (empty offline).
    pub platforms: Vec<PlatformNames>,
    /// Folders holding a project manifest, which scope values to one app.
    pub project_roots: std::collections::BTreeSet<String>,
    /// Environment → files that name it by a framework convention but set no credential of
    /// their own (`appsettings.UAT.json` with only logging in it): the environment exists and
    /// runs on its app's base configuration.
    pub environment_files: BTreeMap<String, Vec<String>>,
}

/// How the secret of an environment is known, for the JSON `environments[].secret` object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretPresence {
    /// Whether any secret (literal or reference) is configured.
    pub present: bool,
    /// Where it comes from, e.g. `env:AZURE_CLIENT_SECRET` or `appsettings.Production.json:9`.
    pub source: Option<String>,
    /// Fingerprint of the literal value, when one is known.
    pub fingerprint: Option<String>,
}

/// One row of the environment matrix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentSummary {
    /// Canonical environment name.
    pub name: String,
    /// The tenant id in use, when there is one.
    pub tenant_id: Option<String>,
    /// The client id in use, when there is one.
    pub client_id: Option<String>,
    /// How the secret is known.
    pub secret: SecretPresence,
    /// Files and API paths that contributed facts.
    pub sources: Vec<String>,
    /// Files that define the environment but could not be read or parsed: its values there
    /// are unknown.
    pub unreadable: Vec<String>,
    /// Values of the environment's own sources that disagree with the one shown, so the
    /// matrix shows a disagreement instead of hiding it behind the majority value.
    pub conflicts: Vec<Conflict>,
}

/// One value of an environment that disagrees with the value its matrix row shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// `client_id` or `tenant_id`.
    pub field: String,
    /// The other value, as written (ids are not secret).
    pub value: String,
    /// Where it is set, `file:line` or a source name.
    pub sources: Vec<String>,
}

/// Outcome of one environment's live token request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRunResult {
    /// Canonical environment name.
    pub environment: String,
    /// One of the statuses of docs/design.md (`ok`, `invalid_secret`, `timeout`, …).
    pub status: String,
    /// The first AADSTS code of the error answer, when there was one.
    pub aadsts: Option<u32>,
    /// Entra's trace id, for a support ticket.
    pub trace_id: Option<String>,
    /// Entra's correlation id, for a support ticket.
    pub correlation_id: Option<String>,
    /// Wall time of the environment's whole dry-run, retries included.
    pub duration_ms: u64,
    /// With status `not_sent`: the rule id of the local finding whose value kept the request
    /// from being sent (`secret-id-as-value`, `placeholder-credential`, …).
    pub blocked_by: Option<String>,
}

/// Why the walker passed over a file, counted in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipCounts {
    /// NUL byte in the first 8 KiB.
    pub binary: u64,
    /// Larger than `--max-file-size`.
    pub too_large: u64,
    /// Could not be read (permissions, vanished during the walk, not a regular file).
    pub unreadable: u64,
    /// Symbolic links, which are never followed.
    pub symlink: u64,
}

impl SkipCounts {
    /// Total files skipped for any reason.
    pub fn total(&self) -> u64 {
        self.binary + self.too_large + self.unreadable + self.symlink
    }

    /// Adds another set of counts into this one.
    pub fn add(&mut self, other: &SkipCounts) {
        self.binary += other.binary;
        self.too_large += other.too_large;
        self.unreadable += other.unreadable;
        self.symlink += other.symlink;
    }
}

/// Totals shown at the end of every report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity note.
    pub notes: usize,
    /// Files read and scanned.
    pub files_scanned: u64,
    /// Bytes read and scanned.
    pub bytes_scanned: u64,
    /// Files passed over, by reason.
    pub files_skipped: SkipCounts,
    /// Findings hidden because the baseline lists them.
    pub baseline_suppressed: usize,
    /// Findings hidden by `credgate:allow` comments.
    pub inline_suppressed: usize,
    /// What the git history scan read, when one ran (`--history`, `--commits`, a pull request).
    pub history: Option<HistoryStats>,
}

/// What a git history scan read: so "no findings" can be told apart from "no history read".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryStats {
    /// What was scanned, as the user would write it: `HEAD`, `--all-refs`, `BASE..HEAD`.
    pub range: String,
    /// Commits walked.
    pub commits: u64,
    /// Distinct blobs read and scanned (each once, however many commits hold it).
    pub blobs_scanned: u64,
    /// Bytes of those blobs.
    pub bytes_scanned: u64,
    /// Blobs passed over, by the walker's reasons (`unreadable`: missing or corrupt objects).
    pub blobs_skipped: SkipCounts,
    /// Full id of the commit the scan ended at (`HEAD`, or a range's upper end): what SARIF's
    /// `versionControlProvenance` names as the revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The branch `HEAD` is on, when the scan started at `HEAD` on a branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The default remote's URL without user or password, when it is not a local path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
}

/// Name and version of the tool, as the JSON and SARIF reports show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Always `credgate`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        Self {
            name: "credgate".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Everything one run found. Every output format renders this one value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Tool name and version.
    pub tool: ToolInfo,
    /// The scanned root as given on the command line.
    pub root: String,
    /// The environment matrix.
    pub environments: Vec<EnvironmentSummary>,
    /// Findings, sorted by severity (most severe first), then file and line.
    pub findings: Vec<Finding>,
    /// Live token request outcomes.
    pub dry_run: Vec<DryRunResult>,
    /// Totals.
    pub summary: Summary,
}

impl Report {
    /// Sorts findings (most severe first, then by place) and recomputes the severity totals.
    pub fn finalize(&mut self) {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.location.file.cmp(&b.location.file))
                .then_with(|| a.location.source.cmp(&b.location.source))
                .then_with(|| a.location.line.cmp(&b.location.line))
                .then_with(|| a.location.column.cmp(&b.location.column))
                .then_with(|| a.rule_id.cmp(&b.rule_id))
        });
        self.summary.errors = self.count(Severity::Error);
        self.summary.warnings = self.count(Severity::Warning);
        self.summary.notes = self.count(Severity::Note);
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_line_numbers() {
        let a = Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file("a.env", 1, 1),
            "m",
            "sha256:abc",
        );
        let b = Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file("a.env", 9, 4),
            "m",
            "sha256:abc",
        );
        assert_eq!(a.fingerprint, b.fingerprint);
        let c = Finding::new(
            "azure-client-secret",
            Severity::Error,
            Location::file("b.env", 1, 1),
            "m",
            "sha256:abc",
        );
        assert_ne!(a.fingerprint, c.fingerprint);
    }

    #[test]
    fn finalize_sorts_most_severe_first_and_counts() {
        let mut r = Report::default();
        r.findings.push(Finding::new(
            "parse-error",
            Severity::Note,
            Location::whole_file("x"),
            "m",
            "1",
        ));
        r.findings.push(Finding::new(
            "private-key",
            Severity::Error,
            Location::file("y", 2, 1),
            "m",
            "2",
        ));
        r.finalize();
        assert_eq!(r.findings[0].severity, Severity::Error);
        assert_eq!((r.summary.errors, r.summary.notes), (1, 1));
        assert_eq!(r.worst(), Some(Severity::Error));
    }

    #[test]
    fn location_display() {
        assert_eq!(Location::file("a", 2, 3).to_string(), "a:2:3");
        assert_eq!(Location::source("env:X").to_string(), "env:X");
    }
}
