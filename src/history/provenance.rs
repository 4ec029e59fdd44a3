//! Which repository and revision a history scan read, for SARIF's `versionControlProvenance`: a
//! viewer that opens the log later (or in another repository's code scanning) can then tell which
//! commit the findings are about. The remote URL is shown without its user and password: a CI
//! checkout's `origin` often carries a token there (`https://x-access-token:…@github.com/…`).

use gix::ObjectId;

/// The repository and revision a scan is about.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The commit the scan ended at: `HEAD`, or a range's upper end.
    pub revision: Option<String>,
    /// The branch `HEAD` is on, when the selection starts at `HEAD` and `HEAD` is on one.
    pub branch: Option<String>,
    /// The default remote's fetch URL, credentials removed; none for a local or unparsable URL.
    pub repository: Option<String>,
}

/// The provenance of a scan that walked from `tips`: the revision is `HEAD` when it is one of
/// them (every `--history` and `--all-refs` scan), else the first tip (a range's upper end).
pub fn of(repo: &gix::Repository, tips: &[ObjectId]) -> Provenance {
    let head = repo.head_id().ok().map(|id| id.detach());
    let at_head = head.is_some_and(|h| tips.contains(&h));
    let revision = if at_head { head } else { tips.first().copied() };
    let branch = at_head
        .then(|| repo.head_name().ok().flatten())
        .flatten()
        .map(|name| name.shorten().to_string());
    let repository = repo
        .find_default_remote(gix::remote::Direction::Fetch)
        .and_then(Result::ok)
        .and_then(|remote| remote.url(gix::remote::Direction::Fetch).map(public_url))
        .flatten();
    Provenance {
        revision: revision.map(|id| id.to_string()),
        branch,
        repository,
    }
}

/// `url` as an absolute URI without user or password (an scp-like `git@host:org/repo` becomes
/// `ssh://host/org/repo`, the form hosting services show); `None` for local paths, `file://`
/// URLs and remote helpers, which name a folder or program on the scanning machine rather than
/// a repository anyone else can reach.
pub fn public_url(url: &gix::Url) -> Option<String> {
    use gix::url::Scheme;
    if !matches!(
        url.scheme,
        Scheme::Http | Scheme::Https | Scheme::Ssh | Scheme::Git
    ) {
        return None;
    }
    let host = url.host()?;
    let port = url.port.map(|p| format!(":{p}")).unwrap_or_default();
    let path = crate::uri::encode(&url.path.to_string(), crate::uri::PATH);
    let slash = if path.starts_with('/') { "" } else { "/" };
    Some(format!(
        "{}://{host}{port}{slash}{path}",
        url.scheme.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::public_url;

    fn shown(url: &str) -> Option<String> {
        gix::url::parse(url).ok().and_then(|u| public_url(&u))
    }

    #[test]
    fn credentials_never_reach_the_uri() {
        assert_eq!(
            shown("https://x-access-token:ghs_S3cretTokenValue@github.com/org/app.git").as_deref(),
            Some("https://github.com/org/app.git")
        );
        assert_eq!(
            shown("https://build:pat123@dev.azure.com/org/proj/_git/app").as_deref(),
            Some("https://dev.azure.com/org/proj/_git/app")
        );
    }

    #[test]
    fn scp_like_urls_become_ssh_uris_and_ports_stay() {
        assert_eq!(
            shown("git@github.com:org/app.git").as_deref(),
            Some("ssh://github.com/org/app.git")
        );
        assert_eq!(
            shown("ssh://git@example.com:2222/org/app.git").as_deref(),
            Some("ssh://example.com:2222/org/app.git")
        );
        assert_eq!(
            shown("https://dev.azure.com/org/My%20Project/_git/app").as_deref(),
            Some("https://dev.azure.com/org/My%20Project/_git/app")
        );
    }

    #[test]
    fn local_clones_have_no_repository_uri() {
        assert_eq!(shown("/srv/git/app.git"), None);
        assert_eq!(shown("file:///srv/git/app.git"), None);
        assert_eq!(shown("../app"), None);
    }
}
