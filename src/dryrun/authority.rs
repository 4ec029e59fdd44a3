//! Where a secret may be sent. docs/design.md: "Secrets go only to a trusted authority." The token
//! endpoint host comes from a built-in allow-list of Entra clouds unless the *user* overrides it
//! (`--authority-host` / `AZURE_AUTHORITY_HOST`); an authority written in a repository file can
//! only pick one of the allow-listed clouds, never another host. Plain `http://` is accepted
//! only for loopback addresses, so tests can run a stand-in without weakening production use.

use std::net::IpAddr;

/// The Entra cloud hosts a secret may be sent to without an explicit override.
pub const ALLOWED_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.chinacloudapi.cn",
];

/// The host used when nothing says otherwise: the public cloud.
pub const DEFAULT_HOST: &str = "login.microsoftonline.com";

/// Why an authority or Graph base was refused. Messages name the host, never a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityError {
    /// The value has no host that can be read.
    #[error("`{0}` is not a URL or host name")]
    Unparsable(String),
    /// A scheme other than `https` (or `http` to loopback).
    #[error("scheme `{0}` is not allowed: use https:// (http:// only for loopback addresses)")]
    Scheme(String),
    /// `http://` to a host that is not loopback.
    #[error("plain http:// is only accepted for loopback addresses (127.0.0.0/8, ::1, localhost), not `{0}`")]
    PlainHttp(String),
    /// A repository file named a host outside the allow-list.
    #[error("authority host `{0}` is not an Entra cloud on credgate's allow-list; no request was sent (only --authority-host or AZURE_AUTHORITY_HOST can name another host)")]
    NotAllowed(String),
}

/// A checked base URL (`scheme://host[:port]`, no trailing `/`) that requests may be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]`.
    pub base: String,
    /// The lower-case host alone.
    pub host: String,
}

/// The token authority and Graph base an environment's dry-run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Where token requests go.
    pub authority: Endpoint,
    /// Where Graph look-ups go; `None` when no Graph host is known (authority overridden to a
    /// host that is no Entra cloud and no `--graph-host`).
    pub graph: Option<Endpoint>,
    /// Whether the user overrode the authority.
    pub overridden: bool,
}

impl Target {
    /// The token endpoint for a tenant.
    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority.base, tenant)
    }

    /// The default scope: the cloud's Graph `/.default`.
    pub fn default_scope(&self) -> String {
        let graph = graph_for_host(&self.authority.host).unwrap_or("https://graph.microsoft.com");
        format!("{graph}/.default")
    }
}

/// Parses and checks a user-supplied URL or bare host (`--authority-host`, `--graph-host`):
/// any `https://` host is accepted (the user chose it), `http://` only for loopback.
pub fn parse_user_endpoint(value: &str) -> Result<Endpoint, AuthorityError> {
    let v = value.trim().trim_end_matches('/');
    let (scheme, rest) = match v.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("https".to_string(), v),
    };
    if rest.contains(['/', '?', '#', '@']) || rest.is_empty() || rest.contains(char::is_whitespace)
    {
        return Err(AuthorityError::Unparsable(shorten(value)));
    }
    let host = host_of(rest).ok_or_else(|| AuthorityError::Unparsable(shorten(value)))?;
    match scheme.as_str() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => return Err(AuthorityError::PlainHttp(host)),
        other => return Err(AuthorityError::Scheme(shorten(other))),
    }
    Ok(Endpoint {
        base: format!("{scheme}://{}", rest.to_ascii_lowercase()),
        host,
    })
}

/// Checks an authority read from a repository file: only allow-listed hosts over https.
pub fn from_repository(value: &str) -> Result<Endpoint, AuthorityError> {
    let v = value.trim();
    let (scheme, rest) = match v.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("https".to_string(), v),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let part = rest.get(..end).unwrap_or(rest);
    let host = host_of(part).ok_or_else(|| AuthorityError::Unparsable(shorten(value)))?;
    if !ALLOWED_HOSTS.contains(&host.as_str()) || part.contains(['@', ':']) {
        return Err(AuthorityError::NotAllowed(host));
    }
    if scheme != "https" {
        return Err(AuthorityError::Scheme(shorten(&scheme)));
    }
    Ok(Endpoint {
        base: format!("https://{host}"),
        host,
    })
}

/// The Graph base of an allow-listed authority host.
pub fn graph_for_host(host: &str) -> Option<&'static str> {
    match host {
        "login.microsoftonline.com" | "login.microsoft.com" | "login.windows.net" => {
            Some("https://graph.microsoft.com")
        }
        "login.microsoftonline.us" => Some("https://graph.microsoft.us"),
        "login.partner.microsoftonline.cn" | "login.chinacloudapi.cn" => {
            Some("https://microsoftgraph.chinacloudapi.cn")
        }
        _ => None,
    }
}

/// Decides an environment's target: the user's override wins; else the repository's authority
/// (allow-listed only); else the public cloud. `graph_override` replaces the Graph base.
pub fn resolve(
    user_override: Option<&str>,
    repository: Option<&str>,
    graph_override: Option<&str>,
) -> Result<Target, AuthorityError> {
    let graph_user = graph_override.map(parse_user_endpoint).transpose()?;
    let (authority, overridden) = match user_override.filter(|v| !v.trim().is_empty()) {
        Some(value) => (parse_user_endpoint(value)?, true),
        None => match repository {
            Some(value) => (from_repository(value)?, false),
            None => (
                Endpoint {
                    base: format!("https://{DEFAULT_HOST}"),
                    host: DEFAULT_HOST.to_string(),
                },
                false,
            ),
        },
    };
    let graph = match graph_user {
        Some(g) => Some(g),
        None if overridden && !ALLOWED_HOSTS.contains(&authority.host.as_str()) => None,
        None => graph_for_host(&authority.host).and_then(|g| parse_user_endpoint(g).ok()),
    };
    Ok(Target {
        authority,
        graph,
        overridden,
    })
}

/// Whether a host is a loopback address or `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The lower-case host of `host[:port]` (IPv6 in brackets kept with its brackets).
fn host_of(part: &str) -> Option<String> {
    let host = if part.starts_with('[') {
        let close = part.find(']')?;
        part.get(..=close)?
    } else {
        part.split(':').next().unwrap_or(part)
    };
    if let Some(port) = part.get(host.len()..).and_then(|p| p.strip_prefix(':')) {
        if port.parse::<u16>().is_err() {
            return None;
        }
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    valid.then_some(host)
}

/// At most 60 characters of a value for an error message (hosts, schemes; never credentials).
fn shorten(value: &str) -> String {
    value.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_override_accepts_https_and_loopback_http() {
        let e = parse_user_endpoint("http://127.0.0.1:8080/").unwrap();
        assert_eq!(e.base, "http://127.0.0.1:8080");
        assert_eq!(e.host, "127.0.0.1");
        assert!(parse_user_endpoint("http://localhost:1").is_ok());
        assert!(parse_user_endpoint("http://[::1]:9").is_ok());
        assert!(parse_user_endpoint("http://127.8.9.1").is_ok());
        assert_eq!(
            parse_user_endpoint("login.microsoftonline.us")
                .unwrap()
                .base,
            "https://login.microsoftonline.us"
        );
        assert!(matches!(
            parse_user_endpoint("http://evil.example.com"),
            Err(AuthorityError::PlainHttp(_))
        ));
        assert!(matches!(
            parse_user_endpoint("http://128.0.0.1"),
            Err(AuthorityError::PlainHttp(_))
        ));
        assert!(matches!(
            parse_user_endpoint("ftp://x"),
            Err(AuthorityError::Scheme(_))
        ));
        assert!(parse_user_endpoint("https://host/path").is_err());
        assert!(parse_user_endpoint("https://user@host").is_err());
        assert!(parse_user_endpoint("https://host:notaport").is_err());
    }

    #[test]
    fn repository_authorities_must_be_allow_listed() {
        for host in ALLOWED_HOSTS {
            let url = format!("https://{host}/contoso.onmicrosoft.com/v2.0");
            assert_eq!(from_repository(&url).unwrap().host, *host);
        }
        for bad in [
            "https://login.microsoftonline.com.evil.com/",
            "https://evil.com/",
            "http://127.0.0.1:8080/",
            "https://login.microsoftonline.com@evil.com/",
            "https://login.microsoftonline.com:8443/",
        ] {
            assert!(from_repository(bad).is_err(), "{bad}");
        }
        assert!(from_repository("http://login.microsoftonline.com/").is_err());
    }

    #[test]
    fn resolve_prefers_user_override_and_knows_graph() {
        let t = resolve(None, None, None).unwrap();
        assert_eq!(
            t.token_url("t"),
            "https://login.microsoftonline.com/t/oauth2/v2.0/token"
        );
        assert_eq!(t.graph.unwrap().base, "https://graph.microsoft.com");
        let t = resolve(None, Some("https://login.microsoftonline.us/x"), None).unwrap();
        assert_eq!(t.default_scope(), "https://graph.microsoft.us/.default");
        let t = resolve(Some("http://127.0.0.1:9"), Some("https://evil.com"), None).unwrap();
        assert!(t.overridden && t.graph.is_none());
        assert_eq!(t.default_scope(), "https://graph.microsoft.com/.default");
        let t = resolve(
            Some("http://127.0.0.1:9"),
            None,
            Some("http://127.0.0.1:10"),
        )
        .unwrap();
        assert_eq!(t.graph.unwrap().base, "http://127.0.0.1:10");
        assert!(resolve(None, Some("https://evil.com"), None).is_err());
        assert!(resolve(None, None, Some("http://evil.com")).is_err());
    }
}
