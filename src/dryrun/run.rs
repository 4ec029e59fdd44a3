//! Running every environment's dry-run: concurrently (bounded), each within its own deadline
//! (retries included), then the cross-match and the report rows. A request that cannot reach the
//! authority ends as `timeout`/`unreachable`/`server_error`/`throttled`, never as a pass.

use super::authority::{self, Target};
use super::client::{self, Answer, ClientProof, TokenRequest};
use super::credentials::{Credential, Resolved};
use super::diagnose::{self, Diagnosis, Granted, Verdict};
use super::{assertion, claims, clock, crossmatch, federated, findings, graph, local, lookups};
use crate::model::{DryRunResult, Finding, Severity};
use crate::secret::SecretValue;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Semaphore;

/// Default number of environments in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// How the dry-run runs, from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--authority-host` / `AZURE_AUTHORITY_HOST`.
    pub authority_host: Option<String>,
    /// `--graph-host`.
    pub graph_host: Option<String>,
    /// Each environment's whole deadline.
    pub timeout: Duration,
    /// Environments in flight at once.
    pub concurrency: usize,
    /// Try a failed environment's secret with other environments' client ids.
    pub cross_match: bool,
    /// Faults (timeout, unreachable, 5xx, 429) are warnings instead of errors.
    pub allow_unreachable: bool,
    /// `secret-expiring` window in days.
    pub expiry_warning_days: u32,
    /// Sign certificate assertions with RS256 + `x5t` instead of PS256 + `x5t#S256`.
    pub legacy_rs256: bool,
    /// `--env` selected the environments (a deploy job): one that cannot be dry-run
    /// (`missing_credentials`) is an error unless `allow_missing_credentials`.
    pub selected: bool,
    /// `--allow-missing-credentials`: `missing_credentials` stays a warning with `--env`.
    pub allow_missing_credentials: bool,
    /// Reading secrets that are Key Vault references: the reader and `--keyvault-host`.
    pub key_vault: super::keyvault::KeyVaultOptions,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            authority_host: None,
            graph_host: None,
            timeout: Duration::from_secs(10),
            concurrency: DEFAULT_CONCURRENCY,
            cross_match: true,
            allow_unreachable: false,
            expiry_warning_days: 30,
            legacy_rs256: false,
            selected: false,
            allow_missing_credentials: false,
            key_vault: super::keyvault::KeyVaultOptions::default(),
        }
    }
}

/// What the dry-run adds to the report.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One row per environment, in input order.
    pub results: Vec<DryRunResult>,
    /// Findings about the environments.
    pub findings: Vec<Finding>,
    /// For each `dry-run-failed` finding (by fingerprint), the places of the values its status
    /// implicates, most likely first: lets the caller fold a failure into the local finding
    /// that already flagged one of them.
    pub causes: std::collections::HashMap<String, Vec<crate::model::Location>>,
}

/// Runs the dry-run on a tokio runtime of its own (the rest of credgate is synchronous).
pub fn run_blocking(envs: Vec<Resolved>, options: &Options) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(envs, options))
}

/// One environment's run, before the cross-match.
pub(super) struct EnvRun {
    pub(super) status: String,
    failure: Option<Diagnosis>,
    details: Vec<String>,
    findings: Vec<Finding>,
    date: Option<SystemTime>,
    target: Option<Target>,
    duration_ms: u64,
    /// The rule id of the local finding that kept the values from being sent (`not_sent`).
    blocked_by: Option<String>,
}

impl EnvRun {
    fn new(status: &str) -> Self {
        Self {
            status: status.to_string(),
            failure: None,
            details: Vec::new(),
            findings: Vec::new(),
            date: None,
            target: None,
            duration_ms: 0,
            blocked_by: None,
        }
    }

    fn failed(diagnosis: Diagnosis) -> Self {
        let mut run = Self::new(&diagnosis.status);
        run.failure = Some(diagnosis);
        run
    }
}

/// Runs every environment concurrently and assembles the outcome.
pub async fn run(mut envs: Vec<Resolved>, options: &Options) -> anyhow::Result<Outcome> {
    let http = client::http_client()?;
    // Secrets that are Key Vault references are read first (each once), so every later step,
    // cross-match included, sees them like any other secret.
    // `--timeout` bounds the whole run: the first wave of environments counts its deadline
    // from before the vault reads, which it waited for; a later wave from when it starts.
    let phase_start = Instant::now();
    let vault_findings = super::keyvault::read_all(&mut envs, &http, options).await;
    let envs = Arc::new(envs);
    let options = Arc::new(options.clone());
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    // Cross-match requests left for the whole run.
    let extra = Arc::new(AtomicUsize::new(crossmatch::MAX_EXTRA_REQUESTS));
    let mut set = tokio::task::JoinSet::new();
    for index in 0..envs.len() {
        let (envs, options, permits, http) =
            (envs.clone(), options.clone(), permits.clone(), http.clone());
        let extra = extra.clone();
        set.spawn(async move {
            let permit = permits.clone().acquire_owned().await;
            let started = if index < options.concurrency.max(1) {
                phase_start
            } else {
                Instant::now()
            };
            let mut run = match envs.get(index) {
                Some(r) => attempt(r, &http, &options, started).await,
                None => EnvRun::new("unexpected"),
            };
            // The permit goes back before the cross-match asks for one per request, so no
            // environment holds one while it waits for another.
            drop(permit);
            if options.cross_match {
                let deadline = started + options.timeout;
                let pairs = crossmatch::plan_for(&envs, index, Some(run.status.as_str()));
                cross_match(&envs, &mut run, pairs, &http, &permits, &extra, deadline).await;
            }
            run.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            (index, run)
        });
    }
    let mut runs: Vec<Option<EnvRun>> = (0..envs.len()).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        let (index, run) = joined?;
        if let Some(slot) = runs.get_mut(index) {
            *slot = Some(run);
        }
    }
    let runs: Vec<EnvRun> = runs
        .into_iter()
        .map(|r| r.unwrap_or_else(|| EnvRun::new("unexpected")))
        .collect();
    let mut outcome = assemble(&envs, runs, &options);
    outcome.findings.extend(vault_findings);
    Ok(outcome)
}

/// The report rows and findings, with one clock-skew warning at most.
fn assemble(envs: &[Resolved], runs: Vec<EnvRun>, options: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    let now = SystemTime::now();
    let mut skew_reported = false;
    for (r, run) in envs.iter().zip(runs) {
        if let (Some(date), false) = (run.date, skew_reported) {
            if let Some(f) = clock::check(&r.environment, date, now) {
                outcome.findings.push(f);
                skew_reported = true;
            }
        }
        let (aadsts, trace_id, correlation_id) = match &run.failure {
            Some(d) => (d.aadsts, d.trace_id.clone(), d.correlation_id.clone()),
            None => (None, None, None),
        };
        if let Some(d) = &run.failure {
            let failed = findings::dry_run_failed(&findings::Failure {
                resolved: r,
                diagnosis: d,
                details: &run.details,
                allow_unreachable: options.allow_unreachable,
            });
            outcome.causes.insert(
                failed.fingerprint.clone(),
                findings::implicated(r, &d.status),
            );
            outcome.findings.push(failed);
        }
        outcome.findings.extend(run.findings);
        outcome.results.push(DryRunResult {
            environment: r.environment.clone(),
            status: run.status,
            aadsts,
            trace_id,
            correlation_id,
            duration_ms: run.duration_ms,
            blocked_by: run.blocked_by,
        });
    }
    let mut seen = std::collections::HashSet::new();
    outcome
        .findings
        .retain(|f| seen.insert(f.fingerprint.clone()));
    outcome
}

/// One environment: local checks, credential, token request within the deadline, then claims
/// and Graph on success.
async fn attempt(
    r: &Resolved,
    http: &reqwest::Client,
    options: &Options,
    started: Instant,
) -> EnvRun {
    let deadline = started + options.timeout;
    let (Some(tenant), Some(client_id), Some(credential)) =
        (&r.tenant, &r.client_id, &r.credential)
    else {
        let mut run = EnvRun::new("missing_credentials");
        let severity = if options.selected && !options.allow_missing_credentials {
            Severity::Error
        } else {
            Severity::Warning
        };
        run.findings
            .push(findings::missing_credentials(r, severity));
        return run;
    };
    let rejected = local::rejections(r);
    if let Some(first) = rejected.first() {
        let mut run = EnvRun::new(local::NOT_SENT);
        run.blocked_by = Some(first.rule_id.clone());
        run.findings = rejected;
        return run;
    }
    let target = match authority::resolve(
        options.authority_host.as_deref(),
        r.authority.as_ref().map(|a| a.value.as_str()),
        options.graph_host.as_deref(),
    ) {
        Ok(t) => t,
        Err(e) => {
            let where_ = r
                .authority
                .as_ref()
                .map(|a| format!(" (authority from {})", a.origin.describe()))
                .unwrap_or_default();
            let mut run = EnvRun::failed(Diagnosis {
                status: "unexpected".into(),
                summary: "authority refused".into(),
                ..Diagnosis::default()
            });
            run.details.push(format!("{e}{where_}."));
            return run;
        }
    };
    let url = target.token_url(tenant.value.trim());
    let scope = r.scope.clone().unwrap_or_else(|| target.default_scope());
    let phase = tokio::time::timeout_at(
        deadline.into(),
        token_phase(
            http,
            &credential.value,
            &url,
            client_id.value.trim(),
            &scope,
            options,
            deadline,
        ),
    )
    .await;
    let mut run = match phase {
        Err(_) => EnvRun::failed(Diagnosis {
            status: "timeout".into(),
            summary: format!("no answer within {} s", options.timeout.as_secs()),
            ..Diagnosis::default()
        }),
        Ok(PhaseResult {
            answer: Err(mut run),
            subject,
            ..
        }) => {
            add_subject(&mut run, subject);
            *run
        }
        Ok(PhaseResult {
            answer: Ok(answer),
            subject,
        }) => {
            let mut run = match diagnose::diagnose(answer.status, &answer.body) {
                Verdict::Granted(granted) => {
                    let mut run = EnvRun::new("ok");
                    run.findings = on_success(r, &granted, &target, http, options, deadline).await;
                    run
                }
                Verdict::Failed(mut d) => {
                    if matches!(d.status.as_str(), "server_error" | "throttled") {
                        d.summary = format!("{} after {} attempt(s)", d.summary, answer.attempts);
                    }
                    EnvRun::failed(d)
                }
            };
            run.date = answer.date;
            add_subject(&mut run, subject);
            run
        }
    };
    run.target = Some(target);
    run
}

/// On a federation failure, the subject that was presented, to compare with the federated
/// credential's subject.
fn add_subject(run: &mut EnvRun, subject: Option<String>) {
    if run.status == "federation_mismatch" {
        if let Some(sub) = subject {
            run.details.push(format!(
                "The federated token presented subject `{sub}`: it must equal the federated credential's subject exactly."
            ));
        }
    }
}

pub(super) struct PhaseResult {
    pub(super) answer: Result<Answer, Box<EnvRun>>,
    pub(super) subject: Option<String>,
}

/// Builds the proof (secret, certificate assertion, federated token) and sends the request.
pub(super) async fn token_phase(
    http: &reqwest::Client,
    credential: &Credential,
    url: &str,
    client_id: &str,
    scope: &str,
    options: &Options,
    deadline: Instant,
) -> PhaseResult {
    let mut subject = None;
    let fail = |status: &str, detail: String| {
        let mut run = EnvRun::failed(Diagnosis {
            status: status.into(),
            summary: "no request was sent".into(),
            ..Diagnosis::default()
        });
        run.details.push(detail);
        Box::new(run)
    };
    let assertion_value: SecretValue;
    let proof = match credential {
        Credential::Secret(s) => ClientProof::Secret(s),
        Credential::Certificate { path, password } => {
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let signed = assertion::load_certificate(path, password.as_ref()).and_then(|cert| {
                assertion::client_assertion(&cert, client_id, url, now, options.legacy_rs256)
            });
            match signed {
                Ok(jwt) => {
                    assertion_value = jwt;
                    ClientProof::Assertion(&assertion_value)
                }
                Err(e) => {
                    return PhaseResult {
                        answer: Err(fail(
                            "invalid_certificate",
                            format!("The certificate could not be used: {e}."),
                        )),
                        subject,
                    }
                }
            }
        }
        Credential::FederatedFile(path) => match federated::read_token_file(path) {
            Ok(token) => {
                subject = federated::token_subject(&token);
                assertion_value = token;
                ClientProof::Assertion(&assertion_value)
            }
            Err(e) => {
                return PhaseResult {
                    answer: Err(fail(
                        "unexpected",
                        format!("The federated token could not be read: {e}."),
                    )),
                    subject,
                }
            }
        },
        Credential::GithubOidc {
            request_url,
            request_token,
        } => match federated::github_oidc_token(
            http,
            request_url,
            request_token,
            federated::GITHUB_AUDIENCE,
        )
        .await
        {
            Ok(token) => {
                subject = federated::token_subject(&token);
                assertion_value = token;
                ClientProof::Assertion(&assertion_value)
            }
            Err(e) => {
                return PhaseResult {
                    answer: Err(fail(
                        "unexpected",
                        format!("GitHub's OIDC token could not be obtained: {e}."),
                    )),
                    subject,
                }
            }
        },
    };
    let request = TokenRequest {
        url,
        client_id,
        scope,
        proof,
    };
    let answer = match client::request_token(http, &request, deadline).await {
        client::Outcome::Answer(a) => Ok(a),
        client::Outcome::Unreachable { attempts, reason } => {
            Err(Box::new(EnvRun::failed(Diagnosis {
                status: "unreachable".into(),
                summary: format!("{reason} after {attempts} attempt(s)"),
                ..Diagnosis::default()
            })))
        }
    };
    PhaseResult { answer, subject }
}

/// Claims, `live-secret-committed` and Graph after a token was granted.
async fn on_success(
    r: &Resolved,
    granted: &Granted,
    target: &Target,
    http: &reqwest::Client,
    options: &Options,
    deadline: Instant,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let (Some(tenant), Some(client)) = (&r.tenant, &r.client_id) else {
        return out;
    };
    if let Some(c) = claims::decode(&granted.access_token) {
        let location = client.origin.location();
        out.extend(claims::check(
            &c,
            &claims::Expected {
                environment: &r.environment,
                client_id: &client.value,
                tenant: &tenant.value,
                required_roles: &r.required_roles,
                client_location: &location,
            },
        ));
    }
    if r.committed {
        out.extend(findings::live_secret_committed(r));
    }
    let Some(graph_host) = &target.graph else {
        out.push(lookups::note(
            r,
            format!(
                "{}: Graph look-ups (secret expiry, redirect URIs) skipped: the authority is overridden and no --graph-host was given",
                r.environment
            ),
            "graph-skipped",
        ));
        return out;
    };
    let request = graph::GraphRequest {
        client: http,
        graph_base: &graph_host.base,
        access_token: &granted.access_token,
        app_id: client.value.trim(),
        deadline,
    };
    match tokio::time::timeout_at(deadline.into(), graph::application(request)).await {
        Ok(outcome) => out.extend(lookups::findings(
            r,
            &outcome,
            SystemTime::now(),
            options.expiry_warning_days,
        )),
        Err(_) => out.push(lookups::note(
            r,
            format!(
                "{}: the Graph look-up did not finish within the deadline: expiry and redirect URIs not checked",
                r.environment
            ),
            "graph-timeout",
        )),
    }
    out
}

/// Tries a failed environment's secret with other environments' client ids, as soon as its
/// own request has failed, each request within what is left of that environment's deadline
/// and the run's concurrency and [`crossmatch::MAX_EXTRA_REQUESTS`] budgets.
async fn cross_match(
    envs: &Arc<Vec<Resolved>>,
    run: &mut EnvRun,
    pairs: Vec<crossmatch::Pair>,
    http: &reqwest::Client,
    permits: &Arc<Semaphore>,
    extra: &AtomicUsize,
    deadline: Instant,
) {
    let Some(target) = run.target.clone() else {
        return;
    };
    let mut set = tokio::task::JoinSet::new();
    for pair in pairs {
        let taken = extra.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if taken.is_err() {
            break;
        }
        let (envs, permits, http, target) =
            (envs.clone(), permits.clone(), http.clone(), target.clone());
        set.spawn(async move {
            let (Some(x), Some(y)) = (envs.get(pair.failed), envs.get(pair.other)) else {
                return (pair, false);
            };
            let (Some(tenant), Some(client), Some(cred)) = (&x.tenant, &y.client_id, &x.credential)
            else {
                return (pair, false);
            };
            let Credential::Secret(secret) = &cred.value else {
                return (pair, false);
            };
            let url = target.token_url(tenant.value.trim());
            let scope = x.scope.clone().unwrap_or_else(|| target.default_scope());
            let request = TokenRequest {
                url: &url,
                client_id: client.value.trim(),
                scope: &scope,
                proof: ClientProof::Secret(secret),
            };
            let sent = tokio::time::timeout_at(deadline.into(), async {
                let _permit = permits.acquire_owned().await;
                client::request_token(&http, &request, deadline).await
            })
            .await;
            let ok = matches!(sent, Ok(client::Outcome::Answer(a)) if diagnose::diagnose(a.status, &a.body).is_granted());
            (pair, ok)
        });
    }
    while let Some(joined) = set.join_next().await {
        let Ok((pair, true)) = joined else {
            continue;
        };
        if let (Some(x), Some(y)) = (envs.get(pair.failed), envs.get(pair.other)) {
            run.details.push(crossmatch::belongs_to(x, y));
        }
    }
}
