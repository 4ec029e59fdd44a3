//! `credgate dry-run` with certificate, federated-file and GitHub OIDC credentials, end to end:
//! the real binary against stand-ins on 127.0.0.1 (`--authority-host`). The token stand-in checks
//! what a real authority checks: the client assertion's signature with the certificate's public
//! key, its thumbprint header and its claims, or that the federated token is the one presented.

use crate::common::{assert_no_leak, credgate_isolated};
use crate::dryrun_support::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

const TENANT: &str = "7c3e5f1a-2b4d-4c6e-8f0a-1b2c3d4e5f60";
const CLIENT: &str = "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
const PASSWORD: &str = "fixture-password";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SUBJECT: &str = "repo:contoso/payments:environment:production";
const REQUEST_TOKEN: &str = "runner-request-token-0d9c8b7a6f5e4d3c2b1a";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/certs")
        .join(name)
}

/// `credgate dry-run --env prod` in an empty repository with a clean environment, the stand-in
/// as authority, and the given variables.
fn run(
    dir: &Path,
    authority: &str,
    extra: &[&str],
    vars: &[(&str, String)],
) -> std::process::Output {
    let mut c = credgate_isolated();
    c.arg("dry-run")
        .arg(dir)
        .args(["--env", "prod", "--authority-host", authority])
        .args(extra);
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn ids() -> Vec<(&'static str, String)> {
    vec![
        ("AZURE_TENANT_ID", TENANT.to_string()),
        ("AZURE_CLIENT_ID", CLIENT.to_string()),
    ]
}

fn path_var(name: &'static str, file: &str) -> (&'static str, String) {
    (name, fixture(file).display().to_string())
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The only `dry_run[]` row's status (and the report, for messages).
fn production(out: &std::process::Output) -> (String, serde_json::Value) {
    let report = json(&out.stdout);
    (status_of(&report, "production"), report)
}

fn success() -> Reply {
    token_reply(&jwt(serde_json::json!({
        "aud": "https://graph.microsoft.com",
        "appid": CLIENT,
        "tid": TENANT,
    })))
}

fn refused(why: &str) -> Reply {
    entra_error(
        401,
        "invalid_client",
        700027,
        &format!("Client assertion failed signature validation ({why})."),
    )
}

/// DER of the fixture certificate (the same certificate is inside every RSA fixture).
fn cert_der() -> Vec<u8> {
    pem::parse(std::fs::read(fixture("cert.pem")).unwrap())
        .unwrap()
        .into_contents()
}

fn decode_json(part: &str) -> Result<serde_json::Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| format!("base64: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("json: {e}"))
}

/// What the authority checks in a certificate client assertion: the signature with the
/// certificate's public key (PS256, or RS256 when `legacy`), the thumbprint header, and the claims.
fn verify_assertion(
    jwt: &str,
    cert_der: &[u8],
    endpoint: &str,
    client: &str,
    legacy: bool,
) -> Result<(), String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err(format!("{} parts, not 3", parts.len()));
    };
    let (_, cert) =
        x509_parser::parse_x509_certificate(cert_der).map_err(|e| format!("certificate: {e}"))?;
    let public = cert.public_key().subject_public_key.data.to_vec();
    let algorithm: &dyn ring::signature::VerificationAlgorithm = if legacy {
        &RSA_PKCS1_2048_8192_SHA256
    } else {
        &RSA_PSS_2048_8192_SHA256
    };
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|e| format!("signature base64: {e}"))?;
    UnparsedPublicKey::new(algorithm, &public)
        .verify(format!("{header}.{claims}").as_bytes(), &signature)
        .map_err(|_| "signature does not verify".to_string())?;
    let header = decode_json(header)?;
    let claims = decode_json(claims)?;
    let (alg, thumb_key, thumbprint) = if legacy {
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert_der);
        ("RS256", "x5t", URL_SAFE_NO_PAD.encode(sha1.as_ref()))
    } else {
        (
            "PS256",
            "x5t#S256",
            URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der)),
        )
    };
    let check = |ok: bool, what: &str| if ok { Ok(()) } else { Err(what.to_string()) };
    check(header["alg"] == alg, &format!("alg {}", header["alg"]))?;
    check(header[thumb_key] == thumbprint.as_str(), "thumbprint")?;
    check(claims["aud"] == endpoint, &format!("aud {}", claims["aud"]))?;
    check(claims["iss"] == client, "iss")?;
    check(claims["sub"] == client, "sub")?;
    let (nbf, exp) = (claims["nbf"].as_u64(), claims["exp"].as_u64());
    check(
        matches!((nbf, exp), (Some(n), Some(e)) if e > n),
        "exp > nbf",
    )?;
    Ok(())
}

/// A token stand-in that grants only a certificate assertion that verifies; `problems` collects
/// why it refused, for the test's failure message.
struct CertStandIn {
    server: StandIn,
    problems: Arc<Mutex<Vec<String>>>,
}

impl CertStandIn {
    fn start(legacy: bool) -> Self {
        let endpoint: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
        let problems = Arc::new(Mutex::new(Vec::new()));
        let (e, p, der) = (endpoint.clone(), problems.clone(), cert_der());
        let server = serve(move |seen, _| {
            let expected = e.get().cloned().unwrap_or_default();
            let form = &seen.form;
            let verdict =
                if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
                    Err(format!(
                        "client_assertion_type {:?}",
                        form.get("client_assertion_type")
                    ))
                } else if form.contains_key("client_secret") {
                    Err("a client_secret was sent too".into())
                } else if form.get("client_id").map(String::as_str) != Some(CLIENT) {
                    Err("client_id".into())
                } else {
                    let jwt = form.get("client_assertion").cloned().unwrap_or_default();
                    verify_assertion(&jwt, &der, &expected, CLIENT, legacy)
                };
            match verdict {
                Ok(()) => success(),
                Err(why) => {
                    p.lock().unwrap().push(why.clone());
                    refused(&why)
                }
            }
        });
        endpoint
            .set(format!("{}/{TENANT}/oauth2/v2.0/token", server.url()))
            .unwrap();
        CertStandIn { server, problems }
    }

    fn problems(&self) -> Vec<String> {
        self.problems.lock().unwrap().clone()
    }

    fn assertions(&self) -> Vec<String> {
        self.server
            .seen()
            .iter()
            .filter_map(|s| s.form.get("client_assertion").cloned())
            .collect()
    }
}

/// The base64 body lines of the fixture's private key, for leak checks.
fn key_lines(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(file)).unwrap();
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.starts_with("-----BEGIN") && line.contains("PRIVATE KEY") {
            inside = true;
        } else if line.starts_with("-----END") {
            inside = false;
        } else if inside && line.len() >= 40 {
            lines.push(line.to_string());
        }
    }
    assert!(lines.len() > 10, "{file} has a key");
    lines
}

fn assert_clean(out: &std::process::Output, secrets: &[String], what: &str) {
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for s in secrets {
        assert_no_leak(&all, s, what);
    }
}

#[test]
fn the_stand_in_verifier_rejects_a_tampered_assertion() {
    // The verifier used below is a real check: a header swapped in from another assertion, a
    // changed claim, or the wrong algorithm are refused.
    let der = cert_der();
    let signed = {
        let stand_in = CertStandIn::start(false);
        let dir = tempfile::tempdir().unwrap();
        let mut vars = ids();
        vars.push(path_var(
            "AZURE_CLIENT_CERTIFICATE_PATH",
            "combined_pkcs8.pem",
        ));
        let out = run(
            dir.path(),
            &stand_in.server.url(),
            &["--format", "json"],
            &vars,
        );
        assert_eq!(production(&out).0, "ok", "{:?}", stand_in.problems());
        let endpoint = format!("{}/{TENANT}/oauth2/v2.0/token", stand_in.server.url());
        (stand_in.assertions().remove(0), endpoint)
    };
    let (jwt, endpoint) = signed;
    assert_eq!(
        verify_assertion(&jwt, &der, &endpoint, CLIENT, false),
        Ok(())
    );
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut claims = decode_json(parts[1]).unwrap();
    claims["sub"] = "someone-else".into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    assert!(verify_assertion(&forged, &der, &endpoint, CLIENT, false).is_err());
    assert!(verify_assertion(&jwt, &der, &endpoint, CLIENT, true).is_err());
    assert!(verify_assertion(&jwt, &der, "https://elsewhere/token", CLIENT, false).is_err());
}

#[test]
fn pem_certificate_assertion_is_verified_by_the_stand_in() {
    let dir = tempfile::tempdir().unwrap();
    // PS256 + x5t#S256 (default), plain variable with one selected environment.
    let stand_in = CertStandIn::start(false);
    let mut vars = ids();
    vars.push(path_var(
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "combined_pkcs8.pem",
    ));
    let out = run(
        dir.path(),
        &stand_in.server.url(),
        &["--format", "json"],
        &vars,
    );
    let (status, report) = production(&out);
    assert_eq!(status, "ok", "{:?} {report}", stand_in.problems());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stand_in.server.hits(), 1);
    let seen = &stand_in.server.seen()[0];
    assert_eq!(seen.form["grant_type"], "client_credentials");
    assert_eq!(seen.form["client_assertion_type"], JWT_BEARER);
    assert!(seen
        .path
        .starts_with(&format!("/{TENANT}/oauth2/v2.0/token")));
    let mut secrets = stand_in.assertions();
    secrets.extend(key_lines("combined_pkcs8.pem"));
    assert_clean(&out, &secrets, "json report (PS256)");

    // RS256 + x5t with --legacy-rs256, through the environment-prefixed variables.
    let stand_in = CertStandIn::start(true);
    let vars = vec![
        ("PROD_AZURE_TENANT_ID", TENANT.to_string()),
        ("PROD_AZURE_CLIENT_ID", CLIENT.to_string()),
        path_var("PROD_AZURE_CLIENT_CERTIFICATE_PATH", "combined_pkcs1.pem"),
    ];
    for format in ["json", "text"] {
        let out = run(
            dir.path(),
            &stand_in.server.url(),
            &["--format", format, "--legacy-rs256"],
            &vars,
        );
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        if format == "json" {
            assert_eq!(production(&out).0, "ok", "{:?}", stand_in.problems());
        }
        let mut secrets = stand_in.assertions();
        secrets.extend(key_lines("combined_pkcs1.pem"));
        assert_clean(&out, &secrets, &format!("{format} report (RS256)"));
    }
    assert!(stand_in.problems().is_empty(), "{:?}", stand_in.problems());
    assert_eq!(stand_in.server.hits(), 2);

    // A PS256 assertion is refused by a stand-in expecting RS256: the verification is real.
    let strict = CertStandIn::start(true);
    let mut vars = ids();
    vars.push(path_var(
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "combined_pkcs8.pem",
    ));
    let out = run(
        dir.path(),
        &strict.server.url(),
        &["--format", "json"],
        &vars,
    );
    assert_eq!(production(&out).0, "invalid_certificate");
    assert_eq!(out.status.code(), Some(1));
    assert!(!strict.problems().is_empty());
}

#[test]
fn pfx_certificate_opens_with_its_password_and_a_wrong_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let stand_in = CertStandIn::start(false);
    let with_password = |password: &str| {
        let mut vars = ids();
        vars.push(path_var("AZURE_CLIENT_CERTIFICATE_PATH", "cert.pfx"));
        vars.push(("AZURE_CLIENT_CERTIFICATE_PASSWORD", password.to_string()));
        vars
    };
    for format in ["json", "text"] {
        let out = run(
            dir.path(),
            &stand_in.server.url(),
            &["--format", format],
            &with_password(PASSWORD),
        );
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        if format == "json" {
            assert_eq!(production(&out).0, "ok", "{:?}", stand_in.problems());
        }
        let mut secrets = stand_in.assertions();
        secrets.extend(key_lines("combined_pkcs8.pem"));
        secrets.push(PASSWORD.to_string());
        assert_clean(&out, &secrets, &format!("{format} report (pfx)"));
    }
    assert_eq!(stand_in.server.hits(), 2);

    let wrong = "Wrong-Passw0rd-4711";
    for format in ["json", "text"] {
        let out = run(
            dir.path(),
            &stand_in.server.url(),
            &["--format", format],
            &with_password(wrong),
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        // The text report wraps its prose to the width: compare words, not line breaks.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!text.contains("panicked"), "{text}");
        assert!(words.contains("cert.pfx"), "{format}: {text}");
        assert!(words.contains("wrong password"), "{format}: {text}");
        assert!(!text.contains(wrong), "{format}: the password is printed");
        if format == "json" {
            let (status, report) = production(&out);
            assert_eq!(status, "invalid_certificate", "{report}");
            let failed = findings(&report, "dry-run-failed");
            let message = failed[0]["message"].as_str().unwrap();
            assert!(message.contains("cert.pfx"), "{message}");
        }
    }
    assert_eq!(
        stand_in.server.hits(),
        2,
        "nothing is sent with a bad certificate"
    );
}

/// A token stand-in that grants only the expected federated token, or answers a federation
/// failure with Entra's real body.
fn federated_stand_in(expected: String, mismatch: bool) -> StandIn {
    serve(move |seen, _| {
        let form = &seen.form;
        let presented = form.get("client_assertion_type").map(String::as_str) == Some(JWT_BEARER)
            && form.get("client_assertion") == Some(&expected)
            && form.get("client_id").map(String::as_str) == Some(CLIENT)
            && !form.contains_key("client_secret");
        if !presented {
            refused("not the federated token")
        } else if mismatch {
            entra_error(
                400,
                "invalid_request",
                700213,
                &format!("No matching federated identity record found for presented assertion subject '{SUBJECT}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"),
            )
        } else {
            success()
        }
    })
}

fn federated_token() -> String {
    jwt(serde_json::json!({
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "api://AzureADTokenExchange",
        "sub": SUBJECT,
        "repository": "contoso/payments",
        "environment": "production",
        "exp": 4_102_444_800u64,
    }))
}

#[test]
fn federated_token_file_is_presented_and_a_mismatch_names_the_subject() {
    let dir = tempfile::tempdir().unwrap();
    let token = federated_token();
    let token_file = dir.path().join("federated-token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let mut vars = ids();
    vars.push((
        "AZURE_FEDERATED_TOKEN_FILE",
        token_file.display().to_string(),
    ));

    let good = federated_stand_in(token.clone(), false);
    for format in ["json", "text"] {
        let out = run(dir.path(), &good.url(), &["--format", format], &vars);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        if format == "json" {
            assert_eq!(production(&out).0, "ok");
        }
        assert_clean(&out, std::slice::from_ref(&token), format);
    }
    assert_eq!(good.hits(), 2);
    assert_eq!(good.seen()[0].form["client_assertion"], token);

    let mismatch = federated_stand_in(token.clone(), true);
    let out = run(dir.path(), &mismatch.url(), &["--format", "json"], &vars);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let (status, report) = production(&out);
    assert_eq!(status, "federation_mismatch", "{report}");
    let failed = findings(&report, "dry-run-failed");
    let message = failed[0]["message"].as_str().unwrap();
    assert!(message.contains("AADSTS700213"), "{message}");
    assert!(
        message.contains(&format!("presented subject `{SUBJECT}`")),
        "{message}"
    );
    assert_clean(&out, std::slice::from_ref(&token), "json mismatch");
    let out = run(dir.path(), &mismatch.url(), &["--format", "text"], &vars);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(SUBJECT),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_clean(&out, std::slice::from_ref(&token), "text mismatch");
}

#[test]
fn github_oidc_token_is_requested_and_presented() {
    let dir = tempfile::tempdir().unwrap();
    let token = federated_token();
    let oidc_token = token.clone();
    let oidc = serve(move |seen, _| {
        let query = seen.path.split_once('?').map(|(_, q)| q).unwrap_or("");
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| {
                let dec = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (dec(k), dec(v))
            })
            .collect();
        let has = |k: &str, v: &str| pairs.iter().any(|(a, b)| a == k && b == v);
        if seen.authorization.as_deref() != Some(&format!("Bearer {REQUEST_TOKEN}")) {
            Reply::json(401, serde_json::json!({"message": "bad request token"}))
        } else if seen.method != "GET"
            || !seen.path.starts_with("/token?")
            || !has("x", "1")
            || !has("audience", "api://AzureADTokenExchange")
        {
            Reply::json(400, serde_json::json!({"message": "bad request"}))
        } else {
            Reply::json(200, serde_json::json!({"count": 1, "value": oidc_token}))
        }
    });
    let authority = federated_stand_in(token.clone(), false);
    let vars = vec![
        ("GITHUB_ACTIONS", "true".to_string()),
        ("PROD_AZURE_TENANT_ID", TENANT.to_string()),
        ("PROD_AZURE_CLIENT_ID", CLIENT.to_string()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/token?x=1", oidc.url()),
        ),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN.to_string()),
    ];
    for format in ["json", "text"] {
        let out = run(dir.path(), &authority.url(), &["--format", format], &vars);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        );
        if format == "json" {
            assert_eq!(production(&out).0, "ok");
        }
        assert_clean(
            &out,
            &[token.clone(), REQUEST_TOKEN.to_string()],
            &format!("{format} report (github oidc)"),
        );
    }
    assert_eq!(oidc.hits(), 2);
    assert_eq!(authority.hits(), 2);
    assert_eq!(authority.seen()[0].form["client_assertion"], token);
    assert_eq!(
        authority.seen()[0].form["client_assertion_type"],
        JWT_BEARER
    );

    // A wrong request token: the OIDC endpoint refuses, nothing reaches the authority.
    let mut vars = vars;
    vars.retain(|(k, _)| *k != "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    vars.push((
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "another-request-token".into(),
    ));
    let out = run(dir.path(), &authority.url(), &["--format", "json"], &vars);
    assert_eq!(out.status.code(), Some(1));
    let (status, report) = production(&out);
    assert_ne!(status, "ok", "{report}");
    assert!(report.to_string().contains("HTTP 401"), "{report}");
    assert_eq!(authority.hits(), 2);
}

/// The notes that say a credential variable was set to nothing usable.
fn unset_notes(report: &serde_json::Value) -> Vec<String> {
    findings(report, "dry-run-failed")
        .into_iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap_or("")
                .contains("treated it as unset")
        })
        .map(|f| {
            assert_eq!(f["severity"], "note", "{f}");
            f["message"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn empty_and_unexpanded_variables_are_absent_never_sent_and_named_in_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = recorder();
    // What a step gets for a secret that does not exist: empty (GitHub), the macro text (Azure
    // Pipelines), or an expression nothing evaluated.
    for value in [
        "",
        "$(AZURE_CLIENT_SECRET)",
        "${{ secrets.AZURE_CLIENT_SECRET }}",
    ] {
        let mut vars = ids();
        vars.push(("AZURE_CLIENT_SECRET", value.to_string()));
        // An unexpanded certificate path is no certificate either.
        vars.push(("AZURE_CLIENT_CERTIFICATE_PATH", "$(CertPath)".to_string()));
        let out = run(dir.path(), &recorder.url(), &["--format", "json"], &vars);
        // With --env the job's environment was not proven: the gate fails.
        assert_eq!(out.status.code(), Some(1), "{value:?}: {}", stderr(&out));
        let (status, report) = production(&out);
        assert_eq!(status, "missing_credentials", "{value:?}: {report}");
        let notes = unset_notes(&report);
        assert_eq!(notes.len(), 2, "{value:?}: {notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("AZURE_CLIENT_SECRET ")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("AZURE_CLIENT_CERTIFICATE_PATH")),
            "{notes:?}"
        );
        let why = if value.is_empty() {
            "empty"
        } else {
            "unexpanded"
        };
        assert!(notes.iter().all(|n| n.contains("unset")), "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("AZURE_CLIENT_SECRET ") && n.contains(why)),
            "{notes:?}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        if !value.is_empty() {
            assert!(!text.contains(value), "the value is shown: {value}");
        }
        assert!(!text.contains("$(CertPath)"), "the path text is shown");
    }
    assert_eq!(recorder.connections(), 0, "an unset secret was sent");
}

#[test]
fn an_empty_environment_specific_secret_gives_way_to_the_next_variable() {
    let dir = tempfile::tempdir().unwrap();
    let authority = serve(|_, _| success());
    let secret = "real-secret-value-0123456789abcdefghij".to_string();
    let mut vars = ids();
    vars.push(("PROD_AZURE_CLIENT_SECRET", String::new()));
    vars.push(("AZURE_CLIENT_SECRET", secret.clone()));
    let out = run(dir.path(), &authority.url(), &["--format", "json"], &vars);
    let (status, report) = production(&out);
    assert_eq!(status, "ok", "{report}");
    assert_eq!(authority.seen()[0].form["client_secret"], secret);
    let notes = unset_notes(&report);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("PROD_AZURE_CLIENT_SECRET") && notes[0].contains("empty"),
        "{notes:?}"
    );
    assert_clean(&out, &[secret], "report");
}
