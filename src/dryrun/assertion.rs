//! Signed client assertions for certificate credentials.
//!
//! An app registration with a certificate credential proves itself with a short-lived JWT signed by
//! the certificate's private key (RFC 7523). Entra finds the registered certificate by the JWT
//! header's thumbprint, so the header must carry `x5t#S256` (SHA-256 of the certificate DER, the
//! current form, with PS256) or `x5t` (SHA-1, with RS256, for older setups).
//!
//! Crates, and why: `ring` signs (constant-time RSA, already in the tree through rustls, unlike the
//! `rsa` crate which carries a timing advisory); `pem` splits PEM files that hold several blocks in
//! any order; `pkcs8` decrypts encrypted PKCS#8 keys (PBES2); `p12-keystore` reads PFX/PKCS#12 in
//! pure Rust (no OpenSSL); `x509-parser` reads the certificate's public key so that the key and
//! certificate are checked to belong together before anything is sent.
//!
//! Key material is held only as DER in zeroizing buffers; `ring`'s parsed key pair is built for the
//! moment of signing and dropped right after. No error message carries key bytes or password.

use crate::secret::SecretValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature::{self as ring_sig, RsaKeyPair};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Lifetime of an assertion. Entra accepts up to an hour; ten minutes is what MSAL uses and
/// bounds the damage if one ever leaked.
const ASSERTION_LIFETIME_SECS: u64 = 600;

/// OID of `rsaEncryption`, the only key algorithm certificate credentials are signed with here.
const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

/// A certificate credential ready to sign assertions: the private key (zeroized on drop) and the
/// certificate whose thumbprint Entra looks up.
pub struct CertificateCredential {
    key: PrivateKeyDer,
    cert_der: Vec<u8>,
    not_after_unix: Option<i64>,
}

/// The private key's DER, in the encoding it arrived in, so `ring` can parse it when signing.
enum PrivateKeyDer {
    /// PKCS#8 `PrivateKeyInfo` (PEM `PRIVATE KEY`, decrypted `ENCRYPTED PRIVATE KEY`, PFX).
    Pkcs8(Zeroizing<Vec<u8>>),
    /// PKCS#1 `RSAPrivateKey` (PEM `RSA PRIVATE KEY`).
    Pkcs1(Zeroizing<Vec<u8>>),
}

impl PrivateKeyDer {
    /// Parses the key with `ring`; the result lives only as long as the caller needs it.
    fn key_pair(&self) -> Result<RsaKeyPair, ring::error::KeyRejected> {
        match self {
            Self::Pkcs8(der) => RsaKeyPair::from_pkcs8(der),
            Self::Pkcs1(der) => RsaKeyPair::from_der(der),
        }
    }
}

impl CertificateCredential {
    /// The certificate's SHA-1 thumbprint in uppercase hex, as the Entra portal lists it, so a
    /// "certificate not registered" failure can say which certificate was presented.
    pub fn thumbprint(&self) -> String {
        crate::secret::hex(sha1(&self.cert_der).as_ref()).to_uppercase()
    }

    /// When the certificate expires (Unix seconds), so an expired certificate can be named as the
    /// cause instead of a generic assertion failure.
    pub fn not_after_unix(&self) -> Option<i64> {
        self.not_after_unix
    }
}

impl fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateCredential")
            .field("thumbprint", &self.thumbprint())
            .field("private_key", &"[REDACTED]")
            .finish()
    }
}

/// Why a certificate credential could not be loaded or used. Every message names the file and
/// what is wrong with it, and never contains key bytes or the password.
#[derive(Debug, thiserror::Error)]
pub enum AssertionError {
    /// The file could not be read at all.
    #[error("cannot read certificate file {}: {source}", path.display())]
    Unreadable {
        /// The certificate file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is neither PEM nor PKCS#12, or one of its parts could not be decoded.
    #[error("certificate file {} is malformed: {what}", path.display())]
    Malformed {
        /// The certificate file.
        path: PathBuf,
        /// Which part could not be decoded (no content of the file).
        what: &'static str,
    },
    /// The key or PFX is encrypted and no password was given.
    #[error(
        "certificate file {} is password-protected: set AZURE_CLIENT_CERTIFICATE_PASSWORD",
        path.display()
    )]
    PasswordRequired {
        /// The certificate file.
        path: PathBuf,
    },
    /// The password does not open the key or PFX.
    #[error(
        "wrong password for certificate file {} (AZURE_CLIENT_CERTIFICATE_PASSWORD)",
        path.display()
    )]
    WrongPassword {
        /// The certificate file.
        path: PathBuf,
    },
    /// An OpenSSL "traditional" encrypted PEM key, which is not supported.
    #[error(
        "certificate file {} holds a legacy encrypted key (Proc-Type: 4,ENCRYPTED): convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`",
        path.display()
    )]
    LegacyEncryptedKey {
        /// The certificate file.
        path: PathBuf,
    },
    /// The file holds no private key: a certificate alone cannot sign an assertion.
    #[error("certificate file {} contains no private key", path.display())]
    NoPrivateKey {
        /// The certificate file.
        path: PathBuf,
    },
    /// The file holds a key but no certificate: Entra needs the certificate's thumbprint.
    #[error("certificate file {} contains no certificate", path.display())]
    NoCertificate {
        /// The certificate file.
        path: PathBuf,
    },
    /// The key is not RSA (e.g. EC), which these assertions cannot be signed with.
    #[error("the private key in {} is {algorithm}, not RSA", path.display())]
    NotRsa {
        /// The certificate file.
        path: PathBuf,
        /// Name (or OID) of the key's algorithm.
        algorithm: String,
    },
    /// The RSA key was refused (too small, inconsistent, badly encoded).
    #[error("the private key in {} is unusable: {reason}", path.display())]
    KeyRejected {
        /// The certificate file.
        path: PathBuf,
        /// `ring`'s reason, a fixed word such as `TooSmall` or `InvalidEncoding`.
        reason: String,
    },
    /// No certificate in the file belongs to the private key.
    #[error("no certificate in {} matches its private key", path.display())]
    KeyCertificateMismatch {
        /// The certificate file.
        path: PathBuf,
    },
    /// Signing or encoding the assertion failed.
    #[error("cannot sign the client assertion: {0}")]
    Signing(&'static str),
}

/// Loads a certificate credential from `path`: PEM with key and certificate in any order (PKCS#1,
/// PKCS#8 or encrypted PKCS#8 RSA key), or PFX/PKCS#12 (by `.pfx`/`.p12` extension or content).
/// The password is `AZURE_CLIENT_CERTIFICATE_PASSWORD`; a PFX without one is tried with the empty
/// password, as Windows exports often use it.
pub fn load_certificate(
    path: &Path,
    password: Option<&SecretValue>,
) -> Result<CertificateCredential, AssertionError> {
    let bytes =
        Zeroizing::new(
            std::fs::read(path).map_err(|source| AssertionError::Unreadable {
                path: path.to_path_buf(),
                source,
            })?,
        );
    let parts = if is_pkcs12(path, &bytes) {
        pfx::read(path, &bytes, password)?
    } else {
        pem_parts::read(path, &bytes, password)?
    };
    assemble(path, parts)
}

/// A private key and the candidate certificates found in a file, before they are paired.
struct Parts {
    key: Option<PrivateKeyDer>,
    certs: Vec<Vec<u8>>,
}

/// PFX by extension, or by content for files named otherwise: DER starts with a SEQUENCE tag and
/// contains no PEM armour.
fn is_pkcs12(path: &Path, bytes: &[u8]) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pfx") || e.eq_ignore_ascii_case("p12"));
    by_name
        || (bytes.first() == Some(&0x30) && memchr::memmem::find(bytes, b"-----BEGIN").is_none())
}

/// Pairs the key with the certificate that carries its public key, so that a mismatched pair is
/// caught here with a clear message rather than as an opaque AADSTS700027 later.
fn assemble(path: &Path, parts: Parts) -> Result<CertificateCredential, AssertionError> {
    let key = parts.key.ok_or_else(|| AssertionError::NoPrivateKey {
        path: path.to_path_buf(),
    })?;
    if parts.certs.is_empty() {
        return Err(AssertionError::NoCertificate {
            path: path.to_path_buf(),
        });
    }
    if let PrivateKeyDer::Pkcs8(der) = &key {
        check_pkcs8_is_rsa(path, der)?;
    }
    let key_pair = key
        .key_pair()
        .map_err(|rejected| AssertionError::KeyRejected {
            path: path.to_path_buf(),
            reason: rejected.to_string(),
        })?;
    let public = key_pair.public().as_ref();
    let mut any_parsed = false;
    for cert_der in parts.certs {
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(&cert_der) else {
            continue;
        };
        any_parsed = true;
        if cert.public_key().subject_public_key.data.as_ref() == public {
            let not_after_unix = Some(cert.validity().not_after.timestamp());
            return Ok(CertificateCredential {
                key,
                cert_der,
                not_after_unix,
            });
        }
    }
    if any_parsed {
        Err(AssertionError::KeyCertificateMismatch {
            path: path.to_path_buf(),
        })
    } else {
        Err(AssertionError::Malformed {
            path: path.to_path_buf(),
            what: "the certificate could not be parsed",
        })
    }
}

/// Names a non-RSA PKCS#8 key's algorithm, since `ring` alone would only say "WrongAlgorithm".
fn check_pkcs8_is_rsa(path: &Path, der: &[u8]) -> Result<(), AssertionError> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|_| AssertionError::Malformed {
        path: path.to_path_buf(),
        what: "the private key is not valid PKCS#8",
    })?;
    let oid = info.algorithm.oid.to_string();
    if oid == RSA_ENCRYPTION_OID {
        return Ok(());
    }
    let algorithm = match oid.as_str() {
        "1.2.840.10045.2.1" => "EC".to_string(),
        "1.3.101.112" => "Ed25519".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        "1.2.840.113549.1.1.10" => "RSA-PSS (restricted key)".to_string(),
        _ => format!("an unsupported algorithm (OID {oid})"),
    };
    Err(AssertionError::NotRsa {
        path: path.to_path_buf(),
        algorithm,
    })
}

/// Reading PEM files: blocks in any order, text between them ignored.
mod pem_parts {
    use super::{AssertionError, Parts, PrivateKeyDer};
    use crate::secret::SecretValue;
    use std::path::Path;
    use zeroize::Zeroizing;

    /// Collects the first private key (decrypting it if needed) and every certificate.
    pub(super) fn read(
        path: &Path,
        bytes: &[u8],
        password: Option<&SecretValue>,
    ) -> Result<Parts, AssertionError> {
        let malformed = |what| AssertionError::Malformed {
            path: path.to_path_buf(),
            what,
        };
        let blocks =
            pem::parse_many(bytes).map_err(|_| malformed("a PEM block could not be decoded"))?;
        if blocks.is_empty() {
            return Err(malformed("it is neither PEM nor PKCS#12 (PFX)"));
        }
        let mut parts = Parts {
            key: None,
            certs: Vec::new(),
        };
        for block in blocks {
            let tag = block.tag().to_string();
            let legacy_encrypted = block
                .headers()
                .get("Proc-Type")
                .is_some_and(|v| v.contains("ENCRYPTED"));
            let contents = Zeroizing::new(block.into_contents());
            match tag.as_str() {
                "CERTIFICATE" | "X509 CERTIFICATE" => parts.certs.push(contents.to_vec()),
                _ if parts.key.is_some() => {}
                "PRIVATE KEY" => parts.key = Some(PrivateKeyDer::Pkcs8(contents)),
                "RSA PRIVATE KEY" if legacy_encrypted => {
                    return Err(AssertionError::LegacyEncryptedKey {
                        path: path.to_path_buf(),
                    })
                }
                "RSA PRIVATE KEY" => parts.key = Some(PrivateKeyDer::Pkcs1(contents)),
                "ENCRYPTED PRIVATE KEY" => {
                    parts.key = Some(PrivateKeyDer::Pkcs8(decrypt(path, &contents, password)?))
                }
                "EC PRIVATE KEY" => {
                    return Err(AssertionError::NotRsa {
                        path: path.to_path_buf(),
                        algorithm: "EC".to_string(),
                    })
                }
                _ => {}
            }
        }
        Ok(parts)
    }

    /// Decrypts an `ENCRYPTED PRIVATE KEY` (PBES2) into PKCS#8 DER held in a zeroizing buffer.
    fn decrypt(
        path: &Path,
        der: &[u8],
        password: Option<&SecretValue>,
    ) -> Result<Zeroizing<Vec<u8>>, AssertionError> {
        let password = password.ok_or_else(|| AssertionError::PasswordRequired {
            path: path.to_path_buf(),
        })?;
        let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(der).map_err(|_| {
            AssertionError::Malformed {
                path: path.to_path_buf(),
                what: "the encrypted private key is not valid PKCS#8",
            }
        })?;
        let document =
            info.decrypt(password.expose())
                .map_err(|_| AssertionError::WrongPassword {
                    path: path.to_path_buf(),
                })?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }
}

/// Reading PFX/PKCS#12 files.
mod pfx {
    use super::{AssertionError, Parts, PrivateKeyDer};
    use crate::secret::SecretValue;
    use p12_keystore::error::Error as P12Error;
    use p12_keystore::Pkcs12Archive;
    use std::path::Path;
    use zeroize::Zeroizing;

    /// Opens the archive with the password (or the empty one) and takes its first key and all of
    /// its certificates; pairing is done by public key, not by the archive's own links.
    pub(super) fn read(
        path: &Path,
        bytes: &[u8],
        password: Option<&SecretValue>,
    ) -> Result<Parts, AssertionError> {
        let archive = Pkcs12Archive::from_pkcs12(bytes, password.map_or("", |p| p.expose()))
            .map_err(|e| classify(path, &e, password.is_some()))?;
        let key = archive
            .keys
            .first()
            .map(|bag| PrivateKeyDer::Pkcs8(Zeroizing::new(bag.key.as_der().to_vec())));
        let certs = archive
            .certs
            .iter()
            .map(|bag| bag.cert.as_der().to_vec())
            .collect();
        Ok(Parts { key, certs })
    }

    /// A failed MAC or decryption means the password is wrong (or missing); anything else means
    /// the file is not a PKCS#12 archive this reader understands.
    fn classify(path: &Path, error: &P12Error, had_password: bool) -> AssertionError {
        let path = path.to_path_buf();
        match error {
            P12Error::MacError(_) | P12Error::UnpadError | P12Error::Pkcs5Error(_) => {
                if had_password {
                    AssertionError::WrongPassword { path }
                } else {
                    AssertionError::PasswordRequired { path }
                }
            }
            P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm => {
                AssertionError::Malformed {
                    path,
                    what: "the PKCS#12 file uses an unsupported encryption or MAC algorithm",
                }
            }
            _ => AssertionError::Malformed {
                path,
                what: "it is not a valid PKCS#12 (PFX) file",
            },
        }
    }
}

/// Builds and signs a client assertion for `client_id` at `token_endpoint`, valid from `now_unix`
/// for ten minutes. PS256 with `x5t#S256` by default; `legacy_rs256` gives RS256 with `x5t` for
/// registrations that still expect the SHA-1 thumbprint.
pub fn client_assertion(
    cert: &CertificateCredential,
    client_id: &str,
    token_endpoint: &str,
    now_unix: u64,
    legacy_rs256: bool,
) -> Result<SecretValue, AssertionError> {
    let header = if legacy_rs256 {
        serde_json::json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t": URL_SAFE_NO_PAD.encode(sha1(&cert.cert_der)),
        })
    } else {
        serde_json::json!({
            "alg": "PS256",
            "typ": "JWT",
            "x5t#S256": URL_SAFE_NO_PAD.encode(Sha256::digest(&cert.cert_der)),
        })
    };
    let claims = serde_json::json!({
        "aud": token_endpoint,
        "iss": client_id,
        "sub": client_id,
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now_unix,
        "iat": now_unix,
        "exp": now_unix.saturating_add(ASSERTION_LIFETIME_SECS),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key_pair = cert
        .key
        .key_pair()
        .map_err(|_| AssertionError::Signing("the private key could not be parsed"))?;
    let padding: &'static dyn ring_sig::RsaEncoding = if legacy_rs256 {
        &ring_sig::RSA_PKCS1_SHA256
    } else {
        &ring_sig::RSA_PSS_SHA256
    };
    let mut signature = vec![0u8; key_pair.public().modulus_len()];
    key_pair
        .sign(
            padding,
            &ring::rand::SystemRandom::new(),
            signing_input.as_bytes(),
            &mut signature,
        )
        .map_err(|_| AssertionError::Signing("the RSA signature failed"))?;
    Ok(SecretValue::new(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(&signature)
    )))
}

/// SHA-1 of the certificate DER, for the legacy `x5t` thumbprint (not used for security).
fn sha1(data: &[u8]) -> ring::digest::Digest {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
}

#[cfg(test)]
mod tests;
