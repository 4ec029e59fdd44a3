//! Shared helpers for the whole-command tests: synthetic secrets and fixture trees.

use assert_cmd::Command;
use std::path::Path;

/// Deterministic pseudo-random characters from `alphabet` (a tiny LCG: fixtures must be stable).
pub fn synth(seed: u64, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            chars[((state >> 33) % chars.len() as u64) as usize]
        })
        .collect()
}

pub const SECRET_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-";
pub const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A current-format (40-char `xxx8Q~…`) Entra client secret with a valid checksum, as Entra
/// issues them (reported as an error).
pub fn entra_secret(seed: u64) -> String {
    let body = format!(
        "{}8Q~{}",
        synth(seed, 3, SECRET_CHARS),
        synth(seed + 1, 31, SECRET_CHARS)
    );
    credgate::checks::secrets::complete_entra_secret(&body).expect("37 secret characters")
}

/// A 40-char `xxx8Q~…` string whose checksum fails (reported at lower confidence: a warning).
pub fn entra_secret_bad_checksum(seed: u64) -> String {
    let good = entra_secret(seed);
    let (body, tail) = good.split_at(37);
    let flipped: String = tail
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    format!("{body}{flipped}")
}

/// An 88-char base64 storage account key.
pub fn storage_key(seed: u64) -> String {
    format!("{}==", synth(seed, 86, B64))
}

/// A PEM private key block (synthetic body).
pub fn pem_key(seed: u64) -> String {
    let body: Vec<String> = (0..8).map(|i| synth(seed + i, 64, B64)).collect();
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        body.join("\n")
    )
}

/// The secrets planted by [`secret_tree`], for leak assertions.
pub struct Planted {
    pub entra: String,
    pub storage: String,
    pub pem_line: String,
}

/// A small repository with one secret of each common kind and some clean files.
pub fn secret_tree(root: &Path) -> Planted {
    let entra = entra_secret(11);
    let storage = storage_key(22);
    let pem = pem_key(33);
    let pem_line = pem.lines().nth(2).unwrap_or_default().to_string();
    write(root, "src/Api/appsettings.Staging.json", &format!(
        "{{\n  \"AzureAd\": {{\n    \"Instance\": \"https://login.microsoftonline.com/\",\n    \"ClientSecret\": \"{entra}\"\n  }}\n}}\n"
    ));
    write(root, "config/storage.env", &format!(
        "STORAGE=DefaultEndpointsProtocol=https;AccountName=demoacct;AccountKey={storage};EndpointSuffix=core.windows.net\n"
    ));
    write(root, "deploy/key.pem", &pem);
    write(
        root,
        "src/main.rs",
        "fn main() {\n    let token = std::env::var(\"TOKEN\");\n}\n",
    );
    write(
        root,
        ".env.example",
        "AZURE_CLIENT_SECRET=<your-client-secret>\n",
    );
    Planted {
        entra,
        storage,
        pem_line,
    }
}

/// Runs git in `dir` as a fixed author, with author and committer date `date` (so commit ids
/// and reported dates are stable), and returns its trimmed standard output.
pub fn git_dated(dir: &Path, args: &[&str], date: &str) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Ada Lovelace",
            "-c",
            "user.email=ada@example.invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// [`git_dated`] on the first of March 2024.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_dated(dir, args, "2024-03-01T10:00:00+01:00")
}

/// The first finding of rule `rule` in a JSON report.
pub fn finding<'a>(json: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {json:#}"))
}

/// The names of a JSON report's environments, in the report's order.
pub fn environment_names(json: &serde_json::Value) -> Vec<&str> {
    json["environments"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default()
}

/// Writes a file, creating its folders.
pub fn write(root: &Path, rel: &str, content: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

/// The variables of a CI runner that change how credgate runs (format and side-file detection,
/// colour, the authority, remote sources); [`credgate`] removes them.
pub const CI_VARS: &[&str] = &[
    "GITHUB_ACTIONS",
    "TF_BUILD",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_OUTPUT",
    "NO_COLOR",
    "AZURE_AUTHORITY_HOST",
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "SYSTEM_ACCESSTOKEN",
    "SYSTEM_COLLECTIONURI",
];

/// The credgate binary with a clean CI environment (no GitHub/Azure DevOps auto-detection).
pub fn credgate() -> Command {
    let mut cmd = Command::cargo_bin("credgate").unwrap();
    for var in CI_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Every 12-character window of `secret` (and the secret itself) must be absent from `haystack`.
pub fn assert_no_leak(haystack: &str, secret: &str, what: &str) {
    LeakCheck::new(&[("secret", secret)]).assert_clean(haystack, what);
}

/// The variables through which the dry-run finds credentials outside the repository; tests
/// remove them so the host's own environment never feeds a run.
pub const CREDENTIAL_VARS: &[&str] = &[
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CREDENTIALS",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "AZURE_DEVOPS_TOKEN",
    "GITHUB_API_URL",
];

/// [`credgate`] without any credential variable of the host.
pub fn credgate_isolated() -> Command {
    let mut cmd = credgate();
    for var in CREDENTIAL_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Every 12-character window of many secrets at once: one pass over a text finds any of them
/// (what [`assert_no_leak`] does for one secret).
pub struct LeakCheck {
    windows: std::collections::HashMap<String, String>,
    short: Vec<(String, String)>,
}

impl LeakCheck {
    /// `secrets` are `(name, value)` pairs; the name is what a failure reports, never the value.
    pub fn new<N: AsRef<str>, V: AsRef<str>>(secrets: &[(N, V)]) -> Self {
        let mut windows = std::collections::HashMap::new();
        let mut short = Vec::new();
        for (name, value) in secrets {
            let chars: Vec<char> = value.as_ref().chars().collect();
            if chars.len() < 12 {
                assert!(!chars.is_empty(), "empty planted secret {}", name.as_ref());
                short.push((name.as_ref().to_string(), value.as_ref().to_string()));
                continue;
            }
            for window in chars.windows(12) {
                windows.insert(window.iter().collect(), name.as_ref().to_string());
            }
        }
        Self { windows, short }
    }

    /// [`LeakCheck::assert_clean`] on a finished command's standard output and error.
    pub fn assert_output_clean(&self, out: &std::process::Output, label: &str) {
        self.assert_clean(
            &String::from_utf8_lossy(&out.stdout),
            &format!("{label}: stdout"),
        );
        self.assert_clean(
            &String::from_utf8_lossy(&out.stderr),
            &format!("{label}: stderr"),
        );
    }

    /// Panics if `text` holds 12 characters of any secret (or a whole short one).
    pub fn assert_clean(&self, text: &str, what: &str) {
        for (name, value) in &self.short {
            assert!(
                !text.contains(value.as_str()),
                "{what} contains the planted {name}"
            );
        }
        let chars: Vec<char> = text.chars().collect();
        for (at, window) in chars.windows(12).enumerate() {
            let piece: String = window.iter().collect();
            if let Some(name) = self.windows.get(&piece) {
                panic!(
                    "{what} contains 12 characters of the planted {name} at char {at}: …{piece}…"
                );
            }
        }
    }
}
