//! Normal forms of ids, tenants, authorities and redirect hosts, so that the rules compare what
//! Entra compares and not how a value happens to be spelled: `{1F…C3}` and `1f…c3` are one client
//! id, `https://login.microsoftonline.com/` and `login.windows.net` are one cloud.

/// A GUID in canonical form (lower-case, no braces), when `value` is one. Braces are accepted
/// because .NET and the registry print GUIDs with them; anything else is not a GUID.
pub fn guid(value: &str) -> Option<String> {
    let v = value.trim();
    let v = v
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or(v);
    is_strict_guid(v).then(|| v.to_ascii_lowercase())
}

/// Whether `value` is exactly a GUID in its 36-character 8-4-4-4-12 hexadecimal form, the shape
/// of every id Entra shows (client id, tenant id, and the Secret ID beside a secret's value).
pub fn is_strict_guid(value: &str) -> bool {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut parts = value.split('-');
    let shaped = GROUPS.iter().all(|&len| {
        parts
            .next()
            .is_some_and(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    shaped && parts.next().is_none()
}

/// A GUID shortened for messages (first two and last two hex digits: `1f…c3`): ids are not
/// secret, but two full GUIDs in one sentence are unreadable. Non-GUIDs are returned as given.
pub fn short_id(value: &str) -> String {
    match guid(value) {
        Some(g) => {
            let hex: Vec<char> = g.chars().filter(char::is_ascii_hexdigit).collect();
            let head: String = hex.iter().take(2).collect();
            let tail: String = hex.iter().skip(hex.len().saturating_sub(2)).collect();
            format!("{head}…{tail}")
        }
        None => value.trim().to_string(),
    }
}

/// Shortened forms of two values for one message; when the short forms would look identical
/// (same first and last digits) the full values are shown so that the reader sees the difference.
pub fn short_pair(a: &str, b: &str) -> (String, String) {
    let (sa, sb) = (short_id(a), short_id(b));
    if sa == sb && a.trim() != b.trim() {
        (a.trim().to_string(), b.trim().to_string())
    } else {
        (sa, sb)
    }
}

/// The tenant names Entra accepts instead of a tenant for user sign-in, which name no tenant and
/// are refused for app-only (client credentials) token requests.
pub const WELL_KNOWN_TENANTS: &[&str] = &["common", "organizations", "consumers"];

/// What a tenant value is. A tenant can be named by its GUID or by any of its verified domains,
/// so values of different kinds cannot be compared: `contoso.onmicrosoft.com` and a GUID may well
/// be the same tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tenant {
    /// The directory (tenant) id, canonical form.
    Guid(String),
    /// A domain name, lower-cased, without a trailing dot.
    Domain(String),
    /// `common`, `organizations` or `consumers`, lower-cased.
    WellKnown(String),
    /// Neither: a typo, a URL, a stray quote.
    Malformed,
}

impl Tenant {
    /// The comparable normal form, for the kinds that have one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Tenant::Guid(k) | Tenant::Domain(k) | Tenant::WellKnown(k) => Some(k),
            Tenant::Malformed => None,
        }
    }
}

/// Classifies a tenant value as written.
pub fn tenant(value: &str) -> Tenant {
    let v = value.trim();
    if let Some(g) = guid(v) {
        return Tenant::Guid(g);
    }
    let lower = v.to_ascii_lowercase();
    if WELL_KNOWN_TENANTS.contains(&lower.as_str()) {
        return Tenant::WellKnown(lower);
    }
    let domain = lower.strip_suffix('.').unwrap_or(&lower);
    if is_domain(domain) {
        return Tenant::Domain(domain.to_string());
    }
    Tenant::Malformed
}

/// Whether `name` is a syntactically valid DNS name with at least two labels and an alphabetic
/// top-level label, which is what Entra resolves as a verified domain.
pub fn is_domain(name: &str) -> bool {
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
    labels.iter().all(label_ok) && tld_ok
}

/// The Entra cloud an authority belongs to. The public cloud answers on three host names; B2C,
/// External ID (CIAM) and unknown hosts are an authority of their own.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cloud {
    /// `login.microsoftonline.com`, `login.microsoft.com`, `login.windows.net`, `sts.windows.net`.
    Public,
    /// `login.microsoftonline.us` (and the older `login.usgovcloudapi.net`).
    UsGovernment,
    /// `login.partner.microsoftonline.cn`, `login.chinacloudapi.cn`.
    China,
    /// Any other host (`contoso.b2clogin.com`, `contoso.ciamlogin.com`, ADFS): itself.
    Host(String),
}

impl Cloud {
    /// A phrase for messages, e.g. `the public cloud (login.microsoftonline.com)`.
    pub fn describe(&self) -> String {
        match self {
            Cloud::Public => "the public cloud (login.microsoftonline.com)".to_string(),
            Cloud::UsGovernment => "the US Government cloud (login.microsoftonline.us)".to_string(),
            Cloud::China => "the China cloud (login.partner.microsoftonline.cn)".to_string(),
            Cloud::Host(host) => format!("the authority host {host}"),
        }
    }

    /// A stable key for grouping and fingerprints.
    pub fn key(&self) -> String {
        match self {
            Cloud::Public => "public".to_string(),
            Cloud::UsGovernment => "usgov".to_string(),
            Cloud::China => "china".to_string(),
            Cloud::Host(host) => host.clone(),
        }
    }
}

/// The cloud of a lower-case authority host.
pub fn cloud_of(host: &str) -> Cloud {
    match host {
        "login.microsoftonline.com"
        | "login.microsoft.com"
        | "login.windows.net"
        | "sts.windows.net" => Cloud::Public,
        "login.microsoftonline.us" | "login.usgovcloudapi.net" => Cloud::UsGovernment,
        "login.partner.microsoftonline.cn" | "login.chinacloudapi.cn" => Cloud::China,
        other => Cloud::Host(other.to_string()),
    }
}

/// An authority URL (or bare host) taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    /// The cloud its host belongs to.
    pub cloud: Cloud,
    /// The tenant named by its first path segment, when there is one (`tfp/` skipped for B2C).
    pub tenant: Option<Tenant>,
}

/// Parses `https://login.microsoftonline.com/<tenant>/v2.0`, `https://login.microsoftonline.com/`
/// or a bare host such as `login.microsoftonline.us`. `None` when no host can be found.
pub fn authority(value: &str) -> Option<Authority> {
    let v = value.trim();
    let rest = v.split_once("://").map_or(v, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host_part, path) = rest.split_at(end);
    let host = host_of_authority_part(host_part)?;
    let mut segments = path.split(['/', '?', '#']).filter(|s| !s.is_empty());
    let mut first = segments.next();
    if first.is_some_and(|s| s.eq_ignore_ascii_case("tfp")) {
        first = segments.next();
    }
    let tenant = first
        .filter(|s| !crate::extract::value::is_placeholder(s) && !looks_like_version(s))
        .map(tenant);
    Some(Authority {
        cloud: cloud_of(&host),
        tenant,
    })
}

/// `v2.0`, `oauth2`: path segments that follow the tenant, never a tenant themselves.
fn looks_like_version(segment: &str) -> bool {
    let s = segment.to_ascii_lowercase();
    s == "oauth2"
        || s.strip_prefix('v').is_some_and(|version| {
            !version.is_empty() && version.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
}

/// The host of a URI, lower-cased and without port, user info or trailing dot; `None` for a
/// relative URI (a bare `CallbackPath` such as `/signin-oidc`), which has no host of its own.
pub fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.trim().split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    host_of_authority_part(rest.get(..end)?)
}

/// The host of the `user@host:port` part of a URL.
fn host_of_authority_part(part: &str) -> Option<String> {
    let after_user = part.rsplit_once('@').map_or(part, |(_, h)| h);
    let host = if after_user.starts_with('[') {
        let close = after_user.find(']')?;
        after_user.get(..=close)?
    } else {
        after_user.split(':').next().unwrap_or(after_user)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Whether a host only exists on the developer's machine: `localhost`, loopback addresses,
/// `*.localhost` and mDNS `*.local` names. A deployed app's users can never be sent back there.
pub fn is_local_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host == "[::1]"
        || host == "0.0.0.0"
        || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_fold_case_and_braces() {
        let g = "1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3";
        assert_eq!(guid(&g.to_uppercase()).as_deref(), Some(g));
        assert_eq!(guid(&format!("{{{g}}}")).as_deref(), Some(g));
        assert_eq!(guid(&format!("  {g} ")).as_deref(), Some(g));
        assert_eq!(guid("1f2a9c1e5b7d4e8f9a0b1c2d3e4f5ac3"), None);
        assert_eq!(guid("1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac"), None);
        assert_eq!(guid("1f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3-00"), None);
        assert_eq!(guid("zf2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5ac3"), None);
        assert!(!is_strict_guid(&format!("{{{g}}}")));
    }

    #[test]
    fn short_ids_keep_two_digits_each_side() {
        assert_eq!(short_id("1F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5AC3"), "1f…c3");
        assert_eq!(
            short_id("contoso.onmicrosoft.com"),
            "contoso.onmicrosoft.com"
        );
        let a = "1f000000-0000-0000-0000-0000000000c3";
        let b = "1f111111-1111-1111-1111-1111111111c3";
        assert_eq!(short_pair(a, b), (a.to_string(), b.to_string()));
        let c = "9a111111-1111-1111-1111-111111111102";
        assert_eq!(short_pair(a, c), ("1f…c3".to_string(), "9a…02".to_string()));
    }

    #[test]
    fn tenants_are_classified() {
        assert_eq!(
            tenant("Contoso.OnMicrosoft.com"),
            Tenant::Domain("contoso.onmicrosoft.com".to_string())
        );
        assert_eq!(
            tenant("contoso.com."),
            Tenant::Domain("contoso.com".to_string())
        );
        assert_eq!(tenant("Common"), Tenant::WellKnown("common".to_string()));
        assert!(matches!(
            tenant("{1F2A9C1E-5B7D-4E8F-9A0B-1C2D3E4F5AC3}"),
            Tenant::Guid(_)
        ));
        for bad in [
            "contoso",
            "https://login.microsoftonline.com/contoso.com",
            "'contoso.com'",
            "contoso..com",
            "-contoso.com",
            "contoso.c0m",
            "1f2a9c1e-5b7d-4e8f-9a0b",
        ] {
            assert_eq!(tenant(bad), Tenant::Malformed, "{bad}");
        }
    }

    #[test]
    fn authorities_name_cloud_and_tenant() {
        let a =
            authority("https://login.microsoftonline.com/Contoso.onmicrosoft.com/v2.0").unwrap();
        assert_eq!(a.cloud, Cloud::Public);
        assert_eq!(
            a.tenant,
            Some(Tenant::Domain("contoso.onmicrosoft.com".to_string()))
        );
        let b = authority("https://login.windows.net/").unwrap();
        assert_eq!(b.cloud, Cloud::Public);
        assert_eq!(b.tenant, None);
        assert_eq!(
            authority("login.microsoftonline.us").unwrap().cloud,
            Cloud::UsGovernment
        );
        assert_eq!(
            authority("https://login.chinacloudapi.cn/x.partner.onmschina.cn")
                .unwrap()
                .cloud,
            Cloud::China
        );
        let b2c =
            authority("https://Contoso.b2clogin.com/tfp/contoso.onmicrosoft.com/B2C_1_signin")
                .unwrap();
        assert_eq!(b2c.cloud, Cloud::Host("contoso.b2clogin.com".to_string()));
        assert_eq!(
            b2c.tenant,
            Some(Tenant::Domain("contoso.onmicrosoft.com".to_string()))
        );
        assert_eq!(
            authority("https://login.microsoftonline.com/v2.0")
                .unwrap()
                .tenant,
            None
        );
        assert_eq!(
            authority("https://login.microsoftonline.com/<tenant-id>/")
                .unwrap()
                .tenant,
            None
        );
        assert_eq!(authority(""), None);
    }

    #[test]
    fn uri_hosts() {
        assert_eq!(
            uri_host("https://App.Contoso.com:8443/signin-oidc?x=1").as_deref(),
            Some("app.contoso.com")
        );
        assert_eq!(
            uri_host("http://user@localhost:5000/cb").as_deref(),
            Some("localhost")
        );
        assert_eq!(uri_host("http://[::1]:5000/cb").as_deref(), Some("[::1]"));
        assert_eq!(uri_host("/signin-oidc"), None);
        assert_eq!(uri_host("https://"), None);
        for local in [
            "localhost",
            "127.0.0.1",
            "[::1]",
            "myapp.local",
            "api.localhost",
        ] {
            assert!(is_local_host(local), "{local}");
        }
        assert!(!is_local_host("app.contoso.com"));
        assert!(!is_local_host("localhost.contoso.com"));
    }
}
