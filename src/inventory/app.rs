//! Which app a file configures, for repositories that hold several apps (a monorepo of
//! services, a .NET solution with an API and a worker): two client ids in one environment are
//! a mismatch only when they configure the same app.
//!
//! A path's app scope is the folder right under a conventional container folder (`services/x`,
//! `apps/x`, `src/Api`, `packages/x`, `functions/x`); paths outside any container (root `.env`
//! files, `deploy/`, `infra/`) belong to the repository-level scope, which is compared with
//! every app.

/// Folders whose sub-folders are separate apps by convention.
const CONTAINERS: &[&str] = &[
    "services",
    "service",
    "apps",
    "applications",
    "packages",
    "src",
    "modules",
    "functions",
    "microservices",
    "projects",
    "components",
    "workers",
];

/// The app scope of a `/`-separated path: `services/orders` for
/// `services/orders/appsettings.json`; empty for repository-level files.
pub fn app_scope(path: &str) -> &str {
    let mut offset = 0;
    let parts: Vec<&str> = path.split('/').collect();
    // The last part is the file; a container needs a sub-folder and a file below it.
    for (i, part) in parts.iter().enumerate() {
        if i + 2 < parts.len() && CONTAINERS.contains(&part.to_ascii_lowercase().as_str()) {
            if let Some(next) = parts.get(i + 1) {
                let end = offset + part.len() + 1 + next.len();
                return path.get(..end).unwrap_or(path);
            }
        }
        offset += part.len() + 1;
    }
    ""
}

/// Whether two paths may configure the same app: the same scope, or one of them at repository
/// level.
pub fn same_app(a: &str, b: &str) -> bool {
    let (sa, sb) = (app_scope(a), app_scope(b));
    sa.is_empty() || sb.is_empty() || sa == sb
}

/// Splits items into groups that each configure one app: one group per app scope, each also
/// holding the repository-level items; only repository-level items make one group of their own.
pub fn partition<T: Clone>(items: &[T], path: impl Fn(&T) -> &str) -> Vec<Vec<T>> {
    let shared: Vec<T> = items
        .iter()
        .filter(|i| app_scope(path(i)).is_empty())
        .cloned()
        .collect();
    let mut scopes: Vec<&str> = items
        .iter()
        .map(|i| app_scope(path(i)))
        .filter(|s| !s.is_empty())
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    if scopes.is_empty() {
        return if shared.is_empty() {
            Vec::new()
        } else {
            vec![shared]
        };
    }
    scopes
        .into_iter()
        .map(|scope| {
            let mut group: Vec<T> = items
                .iter()
                .filter(|i| app_scope(path(i)) == scope)
                .cloned()
                .collect();
            group.extend(shared.iter().cloned());
            group
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_container_folders() {
        assert_eq!(
            app_scope("services/orders/appsettings.Production.json"),
            "services/orders"
        );
        assert_eq!(
            app_scope("services/orders/helm/values-prod.yaml"),
            "services/orders"
        );
        assert_eq!(app_scope("src/Api/appsettings.json"), "src/Api");
        assert_eq!(app_scope("deploy/helm/values-prod.yaml"), "");
        assert_eq!(app_scope(".env.production"), "");
        assert_eq!(
            app_scope("src/app.env"),
            "",
            "a file directly in a container is repo-level"
        );
    }

    #[test]
    fn same_app_compares_scopes() {
        assert!(same_app(
            "src/Api/appsettings.Production.json",
            "infra/prod.tfvars"
        ));
        assert!(same_app(
            "services/a/x.env",
            "services/a/helm/values-prod.yaml"
        ));
        assert!(!same_app("services/a/.env.prod", "services/b/.env.prod"));
    }

    #[test]
    fn partition_adds_repository_level_items_to_every_app() {
        let items = ["services/a/x", "services/b/y", "deploy/z", "services/a/w"];
        let groups = partition(&items, |s| s);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0], vec!["services/a/x", "services/a/w", "deploy/z"]);
        assert_eq!(groups[1], vec!["services/b/y", "deploy/z"]);
        assert_eq!(partition(&["a", "b"], |s| s).len(), 1);
    }
}
