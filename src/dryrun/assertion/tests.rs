use super::*;
use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256};
use std::path::PathBuf;

const PASSWORD: &str = "fixture-password";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/certs")
        .join(name)
}

fn password() -> SecretValue {
    SecretValue::new(PASSWORD)
}

/// DER of the fixture certificate, read independently of the code under test.
fn cert_der() -> Vec<u8> {
    let text = std::fs::read(fixture("cert.pem")).unwrap();
    pem::parse(text).unwrap().into_contents()
}

/// The RSAPublicKey bits of the fixture certificate, to verify signatures with.
fn cert_public_key() -> Vec<u8> {
    let der = cert_der();
    let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
    cert.public_key().subject_public_key.data.to_vec()
}

fn decode_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

const ENDPOINT: &str =
    "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token";
const CLIENT: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

/// Signs with `cred`, checks the signature against the certificate's public key, and returns
/// the decoded header and claims.
fn sign_and_verify(
    cred: &CertificateCredential,
    legacy: bool,
) -> (serde_json::Value, serde_json::Value) {
    let jwt = client_assertion(cred, CLIENT, ENDPOINT, 1_700_000_000, legacy).unwrap();
    let parts: Vec<&str> = jwt.expose().split('.').collect();
    assert_eq!(parts.len(), 3);
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    let public = cert_public_key();
    let algorithm: &dyn ring::signature::VerificationAlgorithm = if legacy {
        &RSA_PKCS1_2048_8192_SHA256
    } else {
        &RSA_PSS_2048_8192_SHA256
    };
    UnparsedPublicKey::new(algorithm, &public)
        .verify(signing_input.as_bytes(), &signature)
        .expect("signature verifies with the certificate's public key");
    // A tampered payload must not verify: the check above is a real one.
    let tampered = format!("{}.{}x", parts[0], parts[1]);
    assert!(UnparsedPublicKey::new(algorithm, &public)
        .verify(tampered.as_bytes(), &signature)
        .is_err());
    (decode_json(parts[0]), decode_json(parts[1]))
}

#[test]
fn ps256_assertion_verifies_and_carries_sha256_thumbprint() {
    let cred = load_certificate(&fixture("combined_pkcs8.pem"), None).unwrap();
    let (header, claims) = sign_and_verify(&cred, false);
    assert_eq!(header["alg"], "PS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(
        header["x5t#S256"],
        URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der()))
    );
    assert!(header.get("x5t").is_none());
    assert_eq!(claims["aud"], ENDPOINT);
    assert_eq!(claims["iss"], CLIENT);
    assert_eq!(claims["sub"], CLIENT);
    assert_eq!(claims["nbf"], 1_700_000_000u64);
    assert_eq!(claims["iat"], 1_700_000_000u64);
    assert_eq!(claims["exp"], 1_700_000_600u64);
    let jti = claims["jti"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(jti).is_ok());
}

#[test]
fn rs256_assertion_verifies_and_carries_sha1_thumbprint() {
    let cred = load_certificate(&fixture("combined_pkcs1.pem"), None).unwrap();
    let (header, _) = sign_and_verify(&cred, true);
    assert_eq!(header["alg"], "RS256");
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert_der());
    assert_eq!(header["x5t"], URL_SAFE_NO_PAD.encode(sha1.as_ref()));
    assert!(header.get("x5t#S256").is_none());
}

#[test]
fn each_assertion_has_a_fresh_jti() {
    let cred = load_certificate(&fixture("combined_pkcs8.pem"), None).unwrap();
    let (_, a) = sign_and_verify(&cred, false);
    let (_, b) = sign_and_verify(&cred, false);
    assert_ne!(a["jti"], b["jti"]);
}

#[test]
fn thumbprint_is_uppercase_sha1_hex_of_the_certificate() {
    let cred = load_certificate(&fixture("combined_pkcs8.pem"), None).unwrap();
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert_der());
    assert_eq!(
        cred.thumbprint(),
        crate::secret::hex(sha1.as_ref()).to_uppercase()
    );
    assert!(cred.not_after_unix().is_some_and(|t| t > 1_700_000_000));
}

#[test]
fn encrypted_pkcs8_opens_with_the_password() {
    let cred = load_certificate(&fixture("combined_encrypted.pem"), Some(&password())).unwrap();
    sign_and_verify(&cred, false);
}

#[test]
fn encrypted_pkcs8_wrong_or_missing_password_is_named() {
    let path = fixture("combined_encrypted.pem");
    let wrong = SecretValue::new("not-the-password");
    let err = load_certificate(&path, Some(&wrong)).unwrap_err();
    assert!(matches!(err, AssertionError::WrongPassword { .. }), "{err}");
    assert!(err.to_string().contains("combined_encrypted.pem"));
    let err = load_certificate(&path, None).unwrap_err();
    assert!(
        matches!(err, AssertionError::PasswordRequired { .. }),
        "{err}"
    );
}

#[test]
fn legacy_encrypted_pem_is_refused_with_advice() {
    let err =
        load_certificate(&fixture("legacy_encrypted_pkcs1.pem"), Some(&password())).unwrap_err();
    assert!(matches!(err, AssertionError::LegacyEncryptedKey { .. }));
    assert!(err.to_string().contains("openssl pkcs8"));
}

#[test]
fn pfx_opens_with_the_right_password() {
    for name in ["cert.pfx", "cert_legacy.p12"] {
        let cred = load_certificate(&fixture(name), Some(&password())).unwrap();
        sign_and_verify(&cred, false);
    }
}

#[test]
fn pfx_with_empty_password_opens_without_one() {
    let cred = load_certificate(&fixture("cert_nopass.pfx"), None).unwrap();
    sign_and_verify(&cred, true);
}

#[test]
fn pfx_wrong_password_names_the_file() {
    let wrong = SecretValue::new("Wrong-Passw0rd-123");
    let err = load_certificate(&fixture("cert.pfx"), Some(&wrong)).unwrap_err();
    assert!(matches!(err, AssertionError::WrongPassword { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("cert.pfx"), "{msg}");
    assert!(!msg.contains("Wrong-Passw0rd-123"));
    let err = load_certificate(&fixture("cert.pfx"), None).unwrap_err();
    assert!(
        matches!(err, AssertionError::PasswordRequired { .. }),
        "{err}"
    );
}

#[test]
fn pfx_is_sniffed_without_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credential.bin");
    std::fs::copy(fixture("cert.pfx"), &path).unwrap();
    let cred = load_certificate(&path, Some(&password())).unwrap();
    sign_and_verify(&cred, false);
}

#[test]
fn unreadable_file_is_named() {
    let path = fixture("does-not-exist.pem");
    let err = load_certificate(&path, None).unwrap_err();
    assert!(matches!(err, AssertionError::Unreadable { .. }));
    assert!(err.to_string().contains("does-not-exist.pem"));
}

#[test]
fn files_without_a_key_or_without_a_certificate() {
    let err = load_certificate(&fixture("cert.pem"), None).unwrap_err();
    assert!(matches!(err, AssertionError::NoPrivateKey { .. }), "{err}");
    assert!(err.to_string().contains("cert.pem"));
    for name in ["key_pkcs8.pem", "key_pkcs1.pem"] {
        let err = load_certificate(&fixture(name), None).unwrap_err();
        assert!(matches!(err, AssertionError::NoCertificate { .. }), "{err}");
    }
}

#[test]
fn key_and_certificate_must_belong_together() {
    let err = load_certificate(&fixture("mismatched.pem"), None).unwrap_err();
    assert!(
        matches!(err, AssertionError::KeyCertificateMismatch { .. }),
        "{err}"
    );
}

#[test]
fn non_rsa_and_small_keys_are_refused() {
    let err = load_certificate(&fixture("ec_combined.pem"), None).unwrap_err();
    assert!(matches!(err, AssertionError::NotRsa { .. }), "{err}");
    assert!(err.to_string().contains("EC"));
    let err = load_certificate(&fixture("small_combined.pem"), None).unwrap_err();
    assert!(matches!(err, AssertionError::KeyRejected { .. }), "{err}");
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        ("plain.pem", b"just some text, no armour\n".to_vec()),
        (
            "broken.pem",
            b"-----BEGIN PRIVATE KEY-----\n!!!notbase64!!!\n-----END PRIVATE KEY-----\n".to_vec(),
        ),
        ("broken.pfx", vec![0x30, 0x82, 0x01, 0x00, 0x02, 0x01]),
        ("empty.pem", Vec::new()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = load_certificate(&path, None).unwrap_err();
        assert!(
            matches!(err, AssertionError::Malformed { .. }),
            "{name}: {err}"
        );
        assert!(err.to_string().contains(name));
    }
}

#[test]
fn no_key_bytes_in_debug_or_errors() {
    let key_pem = std::fs::read_to_string(fixture("key_pkcs8.pem")).unwrap();
    // A line of the key's base64 body, and the decoded key bytes as hex.
    let key_line = key_pem.lines().nth(2).unwrap().to_string();
    let key_der = pem::parse(&key_pem).unwrap().into_contents();
    let key_hex = crate::secret::hex(&key_der[40..60]);

    let cred = load_certificate(&fixture("combined_encrypted.pem"), Some(&password())).unwrap();
    let debug = format!("{cred:?}");
    assert!(debug.contains("[REDACTED]"));
    let jwt = client_assertion(&cred, CLIENT, ENDPOINT, 1, false).unwrap();
    let mut outputs = vec![debug, format!("{jwt:?}")];
    let wrong = SecretValue::new("Wrong-Passw0rd-123");
    for name in [
        "combined_encrypted.pem",
        "cert.pfx",
        "mismatched.pem",
        "key_pkcs8.pem",
    ] {
        if let Err(e) = load_certificate(&fixture(name), Some(&wrong)) {
            outputs.push(e.to_string());
            outputs.push(format!("{e:?}"));
        }
    }
    for out in outputs {
        assert!(!out.contains(&key_line), "{out}");
        assert!(!out.to_lowercase().contains(&key_hex), "{out}");
        assert!(!out.contains("Wrong-Passw0rd-123"), "{out}");
        assert!(!out.contains(PASSWORD), "{out}");
        assert!(!out.contains(jwt.expose()), "{out}");
    }
}
