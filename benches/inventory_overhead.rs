//! How much the environment inventory adds to the plain secret scan (issue 3's target: < 20%).
//!
//! Generates (once, deterministically) a tree of 10,000 files, 500 of them credential-bearing
//! config files across 5 environments, then times, warm cache, median of several runs:
//!   A. the walk plus the secret scanner alone;
//!   B. the full `credgate scan` pipeline: secret scanner, extractors, inventory, consistency
//!      checks, report assembly.
//! Run: `cargo bench --bench inventory_overhead` (set `RUNS=n` for more runs).

use credgate::checks::secrets;
use credgate::config::Config;
use credgate::scan::{self, ScanRequest};
use credgate::walk::{self, WalkOptions};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

const ENVS: &[(&str, &str)] = &[
    ("Development", "dev"),
    ("Test", "test"),
    ("Uat", "uat"),
    ("Staging", "staging"),
    ("Production", "prod"),
];
const WORDS: &[&str] = &[
    "order", "invoice", "client", "request", "handler", "token", "key", "path", "value", "cache",
    "user", "session", "update", "config", "result", "item", "queue", "retry", "buffer", "parse",
];

/// A tiny deterministic generator (xorshift), so the tree is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn guid(&mut self) -> String {
        let h = format!("{:016x}{:016x}", self.next(), self.next());
        format!(
            "{}-{}-4{}-8{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, text).expect("write file");
}

fn source_file(rng: &mut Rng, lines: usize) -> String {
    let mut out = String::new();
    for _ in 0..lines {
        let (a, b, c) = (rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
        let _ = writeln!(
            out,
            "    let {a}_{b} = {c}.{a}({b}_{c}, \"{b}\")?; // {c} {a}"
        );
    }
    out
}

/// 9,500 source files and 500 config files (100 services × 5 environments).
fn generate(root: &Path) {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let tenant = rng.guid();
    for i in 0..9_500 {
        let lines = 40 + (rng.next() % 160) as usize;
        write(
            root,
            &format!("src/mod{}/file{i}.rs", i % 97),
            &source_file(&mut rng, lines),
        );
    }
    for svc in 0..25 {
        let ids: Vec<String> = ENVS.iter().map(|_| rng.guid()).collect();
        for (e, (long, short)) in ENVS.iter().enumerate() {
            let id = &ids[e];
            write(
                root,
                &format!("services/svc{svc}/appsettings.{long}.json"),
                &format!("{{\n  \"AzureAd\": {{\n    \"Instance\": \"https://login.microsoftonline.com/\",\n    \"TenantId\": \"{tenant}\",\n    \"ClientId\": \"{id}\",\n    \"ClientSecret\": \"@Microsoft.KeyVault(SecretUri=https://kv-{short}.vault.azure.net/secrets/api/)\",\n    \"CallbackPath\": \"/signin-oidc\"\n  }},\n  \"Logging\": {{ \"LogLevel\": {{ \"Default\": \"Information\" }} }}\n}}\n"),
            );
            write(
                root,
                &format!("services/svc{svc}/.env.{short}"),
                &format!("AZURE_TENANT_ID={tenant}\nAZURE_CLIENT_ID={id}\nAZURE_CLIENT_SECRET=${{SECRET_{svc}}}\nLOG_LEVEL=info\n"),
            );
            write(
                root,
                &format!("services/svc{svc}/helm/values-{short}.yaml"),
                &format!("replicaCount: 2\nazureAd:\n  tenantId: {tenant}\n  clientId: {id}\nresources:\n  limits:\n    cpu: 500m\n"),
            );
            write(
                root,
                &format!("services/svc{svc}/infra/{short}.tfvars"),
                &format!(
                    "tenant_id = \"{tenant}\"\nclient_id = \"{id}\"\nlocation  = \"westeurope\"\n"
                ),
            );
        }
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    let dir = std::env::temp_dir().join("credgate-bench-inventory-v1");
    if !dir.join("src").is_dir() {
        generate(&dir);
    }
    let options = WalkOptions::default();
    let request = ScanRequest {
        root: dir.clone(),
        root_display: ".".to_string(),
        staged: false,
        walk: options.clone(),
        environments: Vec::new(),
        variables: Vec::new(),
        plain_credentials: false,
        history: None,
    };
    // `uat` is not a built-in name: declared as a team would in credgate.toml.
    let config = Config::parse("[environments.uat]\n", "credgate.toml").expect("valid config");

    let plain = || {
        let (parts, stats) = walk::walk(&dir, &options, |acc: &mut usize, path, bytes| {
            *acc += secrets::scan_file(path, bytes).findings.len();
        });
        (parts.into_iter().sum::<usize>(), stats.files_scanned)
    };
    let full = || scan::run(&request, &config, None).expect("scan runs");

    // Warm the page cache and check the tree is what we think it is.
    let (_, files) = plain();
    let report = full();
    assert_eq!(files, 10_000, "tree has 10,000 files");
    assert_eq!(
        report.environments.len(),
        5,
        "five environments in the inventory"
    );

    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(plain());
        a.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(full());
        b.push(t.elapsed());
    }
    let (a, b) = (median(a), median(b));
    let overhead = (b.as_secs_f64() / a.as_secs_f64() - 1.0) * 100.0;
    println!(
        "tree: {} (10,000 files, 500 config files, 5 environments)",
        dir.display()
    );
    println!(
        "A. walk + secret scan:        {:>8.1} ms (median of {runs})",
        a.as_secs_f64() * 1e3
    );
    println!(
        "B. full scan with inventory:  {:>8.1} ms (median of {runs})",
        b.as_secs_f64() * 1e3
    );
    println!("inventory overhead:           {overhead:>8.1} % (target < 20 %)");
    println!(
        "inventory: {} environments, {} findings",
        report.environments.len(),
        report.findings.len()
    );
}
