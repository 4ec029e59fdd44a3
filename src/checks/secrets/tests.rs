//! Scan-level tests: every rule's samples, boundaries, confidence, overlaps, suppression and
//! awkward input.

use super::engine::ENGINE;
use super::*;
use crate::model::Severity;

fn scan(path: &str, text: &str) -> FileScan {
    scan_file(path, text.as_bytes())
}

#[test]
fn every_rule_compiles_and_has_a_catalog_id() {
    assert_eq!(ENGINE.rules.len(), RULES.len(), "a rule failed to compile");
    assert!(ENGINE.prefilter.is_ready());
    for rule in RULES {
        let info = crate::rules::find(rule.id).expect("rule id in crate::rules");
        assert_eq!(info.family, crate::rules::Family::Secrets, "{}", rule.name);
        assert!(
            !rule.keywords.is_empty() || !rule.markers.is_empty(),
            "{}",
            rule.name
        );
        assert!(
            !rule.true_positives.is_empty(),
            "{} needs samples",
            rule.name
        );
        assert!(
            !rule.false_positives.is_empty(),
            "{} needs samples",
            rule.name
        );
    }
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len(), "rule names must be unique");
}

#[test]
fn every_secret_rule_id_is_implemented() {
    for info in crate::rules::RULES
        .iter()
        .filter(|r| r.family == crate::rules::Family::Secrets)
    {
        assert!(
            RULES.iter().any(|r| r.id == info.id),
            "{} has no rule",
            info.id
        );
    }
}

#[test]
fn true_positive_samples_are_found_exactly_once_at_their_column() {
    for rule in RULES {
        for sample in rule.true_positives {
            let result = scan(sample.path, sample.text);
            let places: Vec<(String, Option<u32>, Option<u32>)> = result
                .findings
                .iter()
                .map(|f| (f.rule_id.clone(), f.location.line, f.location.column))
                .collect();
            assert_eq!(
                places,
                vec![(rule.id.to_string(), Some(sample.line), Some(sample.column))],
                "rule {} sample {:?}",
                rule.name,
                sample.text
            );
            assert_eq!(result.suppressed, 0);
        }
    }
}

#[test]
fn false_positive_samples_produce_nothing() {
    for rule in RULES {
        for sample in rule.false_positives {
            let result = scan(sample.path, sample.text);
            let ids: Vec<&str> = result.findings.iter().map(|f| f.rule_id.as_str()).collect();
            assert!(
                ids.is_empty(),
                "rule {} false positive {:?} gave {:?}",
                rule.name,
                sample.text,
                ids
            );
        }
    }
}

/// The captured value of a finding can be recovered from its location; it must not appear
/// in the message or fix, and the redacted hint must be at most three characters.
#[test]
fn no_secret_value_in_any_message_or_fix() {
    for rule in RULES {
        for sample in rule.true_positives {
            for finding in scan(sample.path, sample.text).findings {
                let line_no = finding.location.line.unwrap_or(0) as usize;
                let line = sample.text.lines().nth(line_no - 1).unwrap_or("");
                let start = finding.location.column.unwrap_or(1) as usize - 1;
                let end = finding.location.end_column.unwrap_or(1) as usize - 1;
                let value: String = line.chars().skip(start).take(end - start).collect();
                assert!(value.chars().count() >= 8, "{}: {value:?}", rule.name);
                for text in [&finding.message, finding.fix.as_deref().unwrap_or("")] {
                    assert!(!text.contains(&value), "{} leaks in {text:?}", rule.name);
                    // Nor any 8-character slice of it.
                    let chars: Vec<char> = value.chars().collect();
                    for window in chars.windows(8) {
                        let piece: String = window.iter().collect();
                        assert!(!text.contains(&piece), "{} leaks {piece:?}", rule.name);
                    }
                }
                let redacted = finding.secret.as_ref().expect("redacted secret");
                assert!(redacted.hint.chars().count() <= 3);
                assert!(redacted.fingerprint.starts_with("sha256:"));
                let debug = format!("{finding:?}");
                assert!(!debug.contains(&value), "{} leaks via Debug", rule.name);
            }
        }
    }
}

fn valid_secret() -> &'static str {
    concat!("8Oq8Q", "~nEfjTD8h0DncOgBKiVIPW3IfOmCaiWTci~")
}

#[test]
fn client_secret_boundaries() {
    let s = valid_secret();
    let cases = [
        (s.to_string(), 1),
        (format!("X={s}"), 3),
        (format!("a;{s};b"), 3),
        (format!("a&{s}&b"), 3),
        (format!("\"{s}\""), 2),
        (format!("'{s}'"), 2),
        (format!("<{s}>"), 2),
        (format!("f({s})"), 3),
        (format!("k: {s}\r\n"), 4),
        (format!("k={s} # comment"), 3),
        (format!("?secret={s}&x=1"), 9),
    ];
    for (text, column) in cases {
        let result = scan("x.txt", &text);
        let cols: Vec<(String, Option<u32>, Option<u32>)> = result
            .findings
            .iter()
            .map(|f| (f.rule_id.clone(), f.location.column, f.location.end_column))
            .collect();
        assert_eq!(
            cols,
            vec![(
                "azure-client-secret".to_string(),
                Some(column),
                Some(column + 40)
            )],
            "{text:?}"
        );
    }
    // Glued to more secret characters on either side: a different, longer token.
    for text in [
        format!("a{s}"),
        format!("{s}a"),
        format!("-{s}"),
        format!("{s}~"),
    ] {
        assert!(scan("x.txt", &text).findings.is_empty(), "{text:?}");
    }
}

#[test]
fn checksum_decides_severity() {
    let valid = scan("a.env", &format!("X={}", valid_secret()));
    assert_eq!(valid.findings[0].severity, Severity::Error);
    assert!(valid.findings[0].message.contains("checksum valid"));
    let broken = valid_secret().replace("ci~", "cj~");
    let invalid = scan("a.env", &format!("X={broken}"));
    assert_eq!(invalid.findings.len(), 1);
    assert_eq!(invalid.findings[0].severity, Severity::Warning);
    assert!(invalid.findings[0].message.contains("does not match"));
    assert_ne!(
        valid.findings[0].fingerprint,
        invalid.findings[0].fingerprint
    );
}

#[test]
fn generated_secrets_are_found_with_full_confidence() {
    for body in [
        concat!("Ab1", "8Q~", "q.W-e_R~tY2uI3oP4aS5dF6gH7jK8lZ"),
        concat!("~~~", "8Q~", "0123456789abcdefghijKLMNOPQRSTU"),
    ] {
        let secret = complete_entra_secret(body).expect("a 37-char body with 8Q~");
        let result = scan("a.env", &format!("SECRET={secret}"));
        assert_eq!(result.findings.len(), 1, "{body}");
        assert_eq!(result.findings[0].severity, Severity::Error);
    }
}

#[test]
fn overlapping_rules_yield_the_most_specific_finding() {
    let key = concat!(
        "ytI4zYDgsGTM3QtJBdyPCdnL31J3oOPhsRxg5uXpAL2+K0e91y",
        "KCZr7nDs/YkMNv+51VCC/UZ+n+m3b++bEpAQ=="
    );
    let cases: Vec<(String, &str)> = vec![
        // connection string > storage key > generic
        (
            format!("STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={key};\""),
            "azure-connection-string",
        ),
        // storage key > generic
        (format!("storage_account_key = {key}"), "azure-storage-key"),
        // client secret > generic
        (format!("client_secret = \"{}\"", valid_secret()), "azure-client-secret"),
        // login creds > client secret > generic
        (
            format!(
                "{{\"clientId\": \"0b403db9-bc99-4148-8c0f-1b2a0d70518b\", \"clientSecret\": \"{}\"}}",
                valid_secret()
            ),
            "azure-login-creds",
        ),
        // sas > generic
        (
            "sas_token=\"?sv=2022-11-02&sp=r&sig=eQhP1OzMWQtgAQSZjzPx%2BbgY9y%2B8TxUfzRUDHQtvpCY%3D\"".to_string(),
            "azure-sas-token",
        ),
        // pat > generic
        (
            concat!("ADO_PAT=f67uyl3ohn4azziu3c5juhbggir43q", "nlqkpgma6mp7bsh3esceuo").to_string(),
            "azure-devops-pat",
        ),
    ];
    for (text, rule) in cases {
        let ids: Vec<String> = scan("settings.env", &text)
            .findings
            .iter()
            .map(|f| f.rule_id.clone())
            .collect();
        assert_eq!(ids, vec![rule.to_string()], "{text}");
    }
}

#[test]
fn several_secrets_on_one_line_are_all_found() {
    let s = valid_secret();
    let t = concat!("mLU7Q", "~p.KkYPSIJA3Hi7cbWzsd8UvOWXXctak");
    let result = scan("a.env", &format!("A={s};B={t};C={s}"));
    let cols: Vec<Option<u32>> = result.findings.iter().map(|f| f.location.column).collect();
    assert_eq!(cols, vec![Some(3), Some(46), Some(86)]);
}

#[test]
fn allow_comments_suppress_and_are_counted() {
    let s = valid_secret();
    let text = format!(
        "A={s} # credgate:allow\nB={s} # credgate:allow azure-client-secret\nC={s} # credgate:allow private-key\nD={s}\n"
    );
    let result = scan("a.env", &text);
    assert_eq!(result.suppressed, 2);
    let lines: Vec<Option<u32>> = result.findings.iter().map(|f| f.location.line).collect();
    assert_eq!(lines, vec![Some(3), Some(4)]);
}

#[test]
fn pem_suppression_uses_the_first_line() {
    let pem = concat!(
        "-----BEGIN RSA PRIVATE KEY----- # credgate:allow private-key\n",
        "9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRoerw2NjlSjU/DSBepy4QLFY9oFY6RD/1\n",
        "i7Zmt1v93EBAwNEyXEP9Cqe5vSh8AcNBz/tj7xb6X94MbmM5tDP5kE7OHgjjHtU3\n",
        "-----END RSA PRIVATE KEY-----\n"
    );
    let result = scan("k.pem", pem);
    assert!(result.findings.is_empty());
    assert_eq!(result.suppressed, 1);
}

fn a_fingerprint(scan: &FileScan) -> Option<String> {
    scan.findings
        .first()
        .and_then(|f| f.secret.as_ref())
        .map(|s| s.fingerprint.clone())
}

#[test]
fn one_finding_per_pem_block_with_stable_fingerprint() {
    let body = concat!(
        "9Lf7VoJyKKlIoDqK9hx/VSlT12LVzghRoerw2NjlSjU/DSBepy4QLFY9oFY6RD/1\n",
        "i7Zmt1v93EBAwNEyXEP9Cqe5vSh8AcNBz/tj7xb6X94MbmM5tDP5kE7OHgjjHtU3\n"
    );
    let lf = format!("-----BEGIN EC PRIVATE KEY-----\n{body}-----END EC PRIVATE KEY-----\n");
    let two = format!("{lf}\n{lf}");
    let result = scan("keys.pem", &two);
    assert_eq!(result.findings.len(), 2);
    assert_eq!(result.findings[1].location.line, Some(6));
    assert!(result.findings[0].message.contains("EC"));
    let quoted: String = lf.lines().map(|l| format!("    \"{l}\\n\"\n")).collect();
    let c = scan("keys.c", &format!("const char *k =\n{quoted};\n"));
    assert_eq!(
        a_fingerprint(&scan("keys.pem", &lf)),
        a_fingerprint(&c),
        "a key in a C string is the same key"
    );
    let crlf = lf.replace('\n', "\r\n");
    let a = scan("keys.pem", &lf);
    let b = scan("keys.pem", &crlf);
    assert_eq!(
        a.findings[0].secret.as_ref().map(|s| &s.fingerprint),
        b.findings[0].secret.as_ref().map(|s| &s.fingerprint)
    );
}

#[test]
fn crlf_files_keep_lines_and_values_clean() {
    let s = valid_secret();
    let text = format!("# config\r\nFOO=bar\r\nSECRET={s}\r\nDB_PASSWORD=Xk9#mQ2vL7pZ\r\n");
    let result = scan("app.env", &text);
    let places: Vec<(Option<u32>, Option<u32>, Option<u32>)> = result
        .findings
        .iter()
        .map(|f| (f.location.line, f.location.column, f.location.end_column))
        .collect();
    assert_eq!(
        places,
        vec![(Some(3), Some(8), Some(48)), (Some(4), Some(13), Some(25))]
    );
    // The CR is not part of the fingerprinted value.
    let plain = scan("app.env", &format!("SECRET={s}\n"));
    assert_eq!(
        result.findings[0].fingerprint,
        plain.findings[0].fingerprint
    );
}

#[test]
fn invalid_utf8_is_scanned_lossily() {
    let s = valid_secret();
    let mut bytes = b"\xff\xfe garbage \xc3(\n\x80x=".to_vec();
    bytes.extend_from_slice(s.as_bytes());
    bytes.extend_from_slice(b"\xff\n");
    let result = scan_file("bin.dat", &bytes);
    assert_eq!(result.findings.len(), 1);
    assert_eq!(result.findings[0].location.line, Some(2));
    // Line 2 is U+FFFD, 'x', '=' then the secret.
    assert_eq!(result.findings[0].location.column, Some(4));
}

#[test]
fn unicode_before_a_secret_counts_characters() {
    let s = valid_secret();
    let result = scan("a.yaml", &format!("clé: «{s}»"));
    assert_eq!(result.findings[0].location.column, Some(7));
}

#[test]
fn one_megabyte_single_line_is_linear_and_finds_secrets() {
    let s = valid_secret();
    let mut line = String::with_capacity(1 << 20);
    // Keyword-dense minified JavaScript: `key`/`token`/`password` every few dozen bytes.
    while line.len() < (1 << 20) {
        line.push_str("var key=a.token||b.password;function f(x){return x.secretKey+1};");
    }
    line.push_str(&format!("var s=\"{s}\";"));
    let result = scan("bundle.min.js", &line);
    assert_eq!(result.findings.len(), 1);
    assert_eq!(result.findings[0].location.line, Some(1));
    let expected = line.find(s).map(|i| i as u32 + 1);
    assert_eq!(result.findings[0].location.column, expected);
}

/// Keyword hits whose values never end (no closing quote, no newline) must not make each hit
/// scan to the end of the line: work per hit is bounded, so this finishes quickly.
#[test]
fn unterminated_values_on_a_huge_line_stay_bounded() {
    let mut line = String::with_capacity(1 << 20);
    while line.len() < (1 << 20) {
        line.push_str("password:\"sig=AccountKey=clientSecret\":\"-----BEGIN PRIVATE KEY-----");
    }
    let result = scan("blob.json", &line);
    let ids: Vec<&str> = result.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(ids.is_empty(), "{ids:?}");
}

#[test]
fn names_inside_an_earlier_value_are_not_assignments_of_their_own() {
    // One long bare value made of keywords, then a real assignment after a space: the keywords
    // inside the value are skipped (this keeps such lines linear), the real one is still found.
    let filler = "secret=".repeat(20_000);
    let text = format!("{filler} db_password=Zq7vK2mW9xR4tY8u\n");
    let result = scan("settings.conf", &text);
    let found: Vec<(&str, Option<u32>)> = result
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.location.column))
        .collect();
    let column = u32::try_from(filler.len() + 2 + "db_password=".len()).ok();
    assert!(
        found.contains(&("generic-secret-assignment", column)),
        "{found:?}"
    );
}

#[test]
fn empty_and_keywordless_files_are_clean() {
    assert!(scan("a.txt", "").findings.is_empty());
    assert!(scan("a.txt", "hello world\nnothing here\n")
        .findings
        .is_empty());
}

#[test]
fn lock_files_skip_hash_prone_rules() {
    let key = concat!(
        "ytI4zYDgsGTM3QtJBdyPCdnL31J3oOPhsRxg5uXpAL2+K0e91y",
        "KCZr7nDs/YkMNv+51VCC/UZ+n+m3b++bEpAQ=="
    );
    let text = format!("storage_key = \"{key}\"\n");
    assert_eq!(scan("settings.env", &text).findings.len(), 1);
    assert!(scan("Cargo.lock", &text).findings.is_empty());
    assert!(scan("yarn.lock", &text).findings.is_empty());
    // A real Entra secret is still reported there.
    let secret = format!("x = \"{}\"\n", valid_secret());
    assert_eq!(scan("poetry.lock", &secret).findings.len(), 1);
}

#[test]
fn findings_carry_fix_secret_and_stable_fingerprint() {
    let s = valid_secret();
    let a = scan("a.env", &format!("SECRET={s}\n"));
    let b = scan("a.env", &format!("\n\n# moved\nSECRET={s}\n"));
    let f = &a.findings[0];
    assert!(f.fix.as_deref().is_some_and(|t| t.contains("Key Vault")));
    assert_eq!(f.secret.as_ref().map(|r| r.hint.as_str()), Some("8Oq"));
    assert_eq!(f.fingerprint, b.findings[0].fingerprint);
    let other_file = scan("b.env", &format!("SECRET={s}\n"));
    assert_ne!(f.fingerprint, other_file.findings[0].fingerprint);
}

#[test]
fn legacy_entra_secret_is_found_by_the_generic_rule() {
    let result = scan(
        "appsettings.Staging.json",
        "{\"AzureAd\": {\"ClientSecret\": \"GHMrFBAPreMBLzV2D_e~sd-pW6mq.x4Q-t\"}}",
    );
    assert_eq!(result.findings.len(), 1);
    let f = &result.findings[0];
    assert_eq!(f.rule_id, "generic-secret-assignment");
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("legacy Entra ID client secret"),
        "{}",
        f.message
    );
}

/// Throughput report, run by hand: `cargo test --release --lib secrets::tests::throughput --
/// --ignored --nocapture`. Prints MB/s for keyword-free text and for keyword-dense source;
/// asserts nothing about time (machines differ), only that the synthetic text is clean.
#[test]
#[ignore]
fn throughput() {
    const SIZE: usize = 100 << 20;
    let prose = [
        "The quick brown fox jumps over the lazy dog while the river runs south.\n",
        "fn compute(values: &[u64]) -> u64 { values.iter().sum() }\n",
        "    for (i, item) in items.iter().enumerate() { total += item.price * item.qty; }\n",
        "    let url = format!(\"{}/items/{}\", base, id);\n",
        "<div class=\"row\"><span>Order number</span><b>{{ order.id }}</b></div>\n",
        "    if count > limit { return Err(Error::TooMany(count)); }\n",
    ];
    let source = [
        "    let token = request.headers().get(\"Authorization\").map(|v| v.to_str());\n",
        "    if password.len() < MIN_PASSWORD_LEN { return Err(Error::WeakPassword); }\n",
        "    cache.insert(key.clone(), value);\n",
        "    // resolve the path of the config file\n",
        "    config.api_key = env::var(\"API_KEY\").ok();\n",
        "    let url = format!(\"{}/items/{}\", base, id);\n",
        "    for (i, item) in items.iter().enumerate() { total += item.price * item.qty; }\n",
        "    secret_store.get(&secret_name).await?;\n",
        "fn compute(values: &[u64]) -> u64 { values.iter().sum() }\n",
        "    let storage_account = settings.storage.account_name.clone();\n",
    ];
    for (label, lines) in [
        ("no keywords", &prose[..]),
        ("keyword-dense source", &source[..]),
    ] {
        let mut text = String::with_capacity(SIZE + 200);
        let mut i = 0usize;
        while text.len() < SIZE {
            text.push_str(lines[i % lines.len()]);
            i = i.wrapping_mul(31).wrapping_add(7) % 1009;
        }
        let chunk = 64 << 10; // scan as many 64 KiB "files", like a repository walk
        let start = std::time::Instant::now();
        let mut findings = 0;
        for (n, piece) in text.as_bytes().chunks(chunk).enumerate() {
            findings += scan_file(if n % 2 == 0 { "src/a.rs" } else { "src/b.py" }, piece)
                .findings
                .len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{label}: {:.0} MB/s single-thread ({} MiB in {secs:.2}s)",
            text.len() as f64 / secs / 1e6,
            text.len() >> 20
        );
        assert_eq!(findings, 0, "{label}");
    }
}

/// Scans every file under `$CREDGATE_BENCH_DIR` (e.g. a cargo registry checkout: real source
/// that says `key`, `token` and `password` a lot), prints MB/s and each finding's place and
/// message for a false-positive review. Run by hand with `--ignored --nocapture`.
#[test]
#[ignore]
fn throughput_on_a_source_tree() {
    let Some(root) = std::env::var_os("CREDGATE_BENCH_DIR") else {
        println!("set CREDGATE_BENCH_DIR to a source tree");
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.len() < (10 << 20) && !bytes.iter().take(8192).any(|b| *b == 0) {
                    files.push((path.to_string_lossy().into_owned(), bytes));
                }
            }
        }
    }
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let start = std::time::Instant::now();
    let results: Vec<(&str, FileScan)> = files
        .iter()
        .map(|(p, b)| (p.as_str(), scan_file(p, b)))
        .collect();
    let secs = start.elapsed().as_secs_f64();
    for (path, scan) in &results {
        for f in &scan.findings {
            println!(
                "{path}:{}:{} {} {}",
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.rule_id,
                f.message
            );
        }
    }
    println!(
        "{} files, {} MiB: {:.0} MB/s single-thread",
        files.len(),
        total >> 20,
        total as f64 / secs / 1e6
    );
}

/// The references and placeholders the issue lists never produce a finding, whatever the
/// key they are assigned to or the file they are in.
#[test]
fn never_flags_references_placeholders_ids_or_public_keys() {
    let values = [
        "${{ secrets.AZURE_CLIENT_SECRET }}",
        "$(ClientSecret)",
        "${CLIENT_SECRET}",
        "$CLIENT_SECRET",
        "%CLIENT_SECRET%",
        "{{ .Values.clientSecret }}",
        "#{ClientSecret}#",
        "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/client-secret/)",
        "<your-client-secret>",
        "changeme",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "********************************",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "dummy-client-secret-0123456789",
        "example-secret-Kx81nQ2w",
        "sample_password_Zq9",
        "placeholder-Z1x2C3v4B5n6",
        "REDACTED-9f8e7d6c5b4a",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        "UseDevelopmentStorage=true",
        "0b403db9-bc99-4148-8c0f-1b2a0d70518b",
        "3f786850e387550fdab836ed7e6dc881de23001b",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ];
    let shapes = [
        ("app.env", "AZURE_CLIENT_SECRET={v}\n"),
        ("app.env", "export STORAGE_ACCOUNT_KEY=\"{v}\"\n"),
        (
            "appsettings.json",
            "{\"AzureAd\": {\"ClientSecret\": \"{v}\"}}\n",
        ),
        (
            "values.yaml",
            "auth:\n  client_secret: \"{v}\"\n  password: '{v}'\n",
        ),
        ("main.tf", "  client_secret = \"{v}\"\n"),
        ("Program.cs", "var secret = \"{v}\";\n"),
    ];
    for v in values {
        for (path, shape) in shapes {
            let text = shape.replace("{v}", v);
            // Published emulator keys are notes (see `emulator_keys_are_notes`), never more.
            let ids: Vec<String> = scan(path, &text)
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Note)
                .map(|f| f.rule_id.clone())
                .collect();
            assert!(ids.is_empty(), "{path}: {text:?} gave {ids:?}");
        }
    }
}

#[test]
fn emulator_keys_are_notes() {
    for text in [
        "AzureWebJobsStorage=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n",
        "STORAGE_ACCOUNT_KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\n",
    ] {
        let found = scan("local.settings.env", text).findings;
        assert_eq!(found.len(), 1, "{text}");
        let f = &found[0];
        assert_eq!(f.severity, Severity::Note, "{text}");
        assert!(f.message.contains("Azurite"), "{}", f.message);
    }
}

#[test]
fn dependency_lock_files_are_quiet() {
    let lock = concat!(
        "\"node_modules/keyv\": {\n",
        "  \"version\": \"4.5.4\",\n",
        "  \"resolved\": \"https://registry.npmjs.org/keyv/-/keyv-4.5.4.tgz\",\n",
        "  \"integrity\": \"sha512-oxVHkHR/EJf2CNXnWxRLW6mg7JyCCUcG0DtEGmL2ctUo1PNTin1PUil+r/+4r5MpVgC/fn1kjsx7mjSujKqIpw==\"\n",
        "},\n",
        "checksum = \"4a5d8c1e0f2b3a49d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9\"\n",
        "token h1:Xk9mQ2vL7pZwR4tY6uI8oP0aS2dF4gH6jK8lZ0xC=\n",
    );
    for path in [
        "package-lock.json",
        "Cargo.lock",
        "yarn.lock",
        "go.sum",
        "poetry.lock",
    ] {
        assert!(scan(path, lock).findings.is_empty(), "{path}");
    }
}

#[test]
fn lock_files_still_report_the_rules_that_run_there() {
    let secret =
        super::complete_entra_secret(concat!("abc8Q", "~nEfjTD8h0DncOgBKiVIPW3IfOmCaiWT")).unwrap();
    let text = format!("\"resolved\": \"https://x.example/y\", \"token\": \"{secret}\"\n");
    let found: Vec<String> = scan("package-lock.json", &text)
        .findings
        .iter()
        .map(|f| f.rule_id.clone())
        .collect();
    assert_eq!(found, ["azure-client-secret"]);
}
