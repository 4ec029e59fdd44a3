//! Which app a file configures, for repositories that hold several apps (a monorepo of
//! services, a .NET solution with an API and a worker, a repository of samples): two client ids
//! in one environment are a mismatch only when they configure the same app.
//!
//! A path's app scope is the deepest folder above it that holds a project manifest
//! (`*.csproj`, `package.json`, `pom.xml`, `pyproject.toml`, `go.mod`…: see
//! [`is_project_manifest`]), else the folder right under a conventional container folder
//! (`services/x`, `apps/x`, `src/Api`). Paths in neither (root `.env` files, `deploy/`,
//! `infra/`) belong to the repository-level scope, which is compared with every app. A
//! container scope holds the projects inside it (`services/orders/helm/values.yaml`
//! configures the same app as `services/orders/src/Api/appsettings.json`); a project holds no
//! other project (a web app and the API inside its folder are two apps).

use std::collections::BTreeSet;

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

/// Manifest file names that make their folder a project of its own.
const MANIFESTS: &[&str] = &[
    "package.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "pyproject.toml",
    "setup.py",
    "requirements.txt",
    "go.mod",
    "Cargo.toml",
    "Gemfile",
    "composer.json",
    "host.json",
];

/// Manifest extensions (.NET project files).
const MANIFEST_EXTENSIONS: &[&str] = &[".csproj", ".fsproj", ".vbproj"];

/// Whether a file name is a project manifest, which makes its folder an app's root.
pub fn is_project_manifest(name: &str) -> bool {
    MANIFESTS.contains(&name)
        || MANIFEST_EXTENSIONS
            .iter()
            .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// The folder of `path` if its file is a project manifest: what a scan records as a project
/// root (never the repository root itself, which is the repository-level scope).
pub fn project_root_of(path: &str) -> Option<&str> {
    let (dir, name) = path.rsplit_once('/')?;
    (is_project_manifest(name) && !dir.is_empty()).then_some(dir)
}

/// The project roots of a repository: folders holding a project manifest.
pub type ProjectRoots = BTreeSet<String>;

/// The app scope of a `/`-separated path: the deepest project root above it, else
/// `services/orders` for `services/orders/appsettings.json`; empty for repository-level files.
pub fn app_scope<'a>(path: &'a str, roots: &ProjectRoots) -> &'a str {
    let mut end = path.rfind('/');
    while let Some(at) = end {
        let dir = path.get(..at).unwrap_or("");
        if roots.contains(dir) {
            return dir;
        }
        end = dir.rfind('/');
    }
    container_scope(path)
}

/// The folder right under a container folder, or empty.
fn container_scope(path: &str) -> &str {
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

/// Whether scope `outer` holds scope `inner` (or is it): the repository level holds all, a
/// container scope the folders below it, a project only itself.
fn holds(outer: &str, inner: &str, roots: &ProjectRoots) -> bool {
    outer.is_empty()
        || outer == inner
        || (!roots.contains(outer)
            && inner.starts_with(outer)
            && inner.as_bytes().get(outer.len()) == Some(&b'/'))
}

/// Whether two paths may configure the same app: one scope holds the other (the
/// repository level holds every app).
pub fn same_app(a: &str, b: &str, roots: &ProjectRoots) -> bool {
    let (sa, sb) = (app_scope(a, roots), app_scope(b, roots));
    holds(sa, sb, roots) || holds(sb, sa, roots)
}

/// Splits items into groups that each configure one app: one group per innermost app scope,
/// each also holding the items of every scope around it (the repository level included);
/// only repository-level items make one group of their own.
pub fn partition<T: Clone>(
    items: &[T],
    path: impl Fn(&T) -> &str,
    roots: &ProjectRoots,
) -> Vec<Vec<T>> {
    partition_by_app(items, path, roots)
        .into_iter()
        .map(|(_, group)| group)
        .collect()
}

/// [`partition`], each group with the app it is for: its innermost scope, empty for the one
/// group of a repository whose items are all repository-level. For callers that name the apps
/// (`credgate init` says which apps configure an environment), so they group as the rules do.
pub fn partition_by_app<T: Clone>(
    items: &[T],
    path: impl Fn(&T) -> &str,
    roots: &ProjectRoots,
) -> Vec<(String, Vec<T>)> {
    let scoped: Vec<(&str, &T)> = items
        .iter()
        .map(|i| (app_scope(path(i), roots), i))
        .collect();
    let mut scopes: Vec<&str> = scoped
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !s.is_empty())
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    let innermost: Vec<&str> = scopes
        .iter()
        .copied()
        .filter(|s| !scopes.iter().any(|o| o != s && holds(s, o, roots)))
        .collect();
    if innermost.is_empty() {
        return if items.is_empty() {
            Vec::new()
        } else {
            vec![(String::new(), items.to_vec())]
        };
    }
    innermost
        .into_iter()
        .map(|leaf| {
            // Items of the app first, then those of the scopes around it.
            let app = scoped
                .iter()
                .filter(|(s, _)| !s.is_empty() && holds(s, leaf, roots));
            let shared = scoped.iter().filter(|(s, _)| s.is_empty());
            let group = app.chain(shared).map(|(_, i)| (*i).clone()).collect();
            (leaf.to_string(), group)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(dirs: &[&str]) -> ProjectRoots {
        dirs.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn scopes_follow_container_folders() {
        let none = roots(&[]);
        assert_eq!(
            app_scope("services/orders/appsettings.Production.json", &none),
            "services/orders"
        );
        assert_eq!(
            app_scope("services/orders/helm/values-prod.yaml", &none),
            "services/orders"
        );
        assert_eq!(app_scope("src/Api/appsettings.json", &none), "src/Api");
        assert_eq!(app_scope("deploy/helm/values-prod.yaml", &none), "");
        assert_eq!(app_scope(".env.production", &none), "");
        assert_eq!(
            app_scope("src/app.env", &none),
            "",
            "a file directly in a container is repo-level"
        );
    }

    #[test]
    fn project_manifests_make_app_roots_wherever_they_sit() {
        let r = roots(&["1-WebApp/1-1-MyOrg", "2-WebApp/2-1-Graph", "web", "web/api"]);
        assert_eq!(
            app_scope("1-WebApp/1-1-MyOrg/appsettings.json", &r),
            "1-WebApp/1-1-MyOrg"
        );
        assert_eq!(app_scope("web/api/config/.env", &r), "web/api");
        assert_eq!(app_scope("web/.env", &r), "web");
        assert!(!same_app(
            "1-WebApp/1-1-MyOrg/appsettings.json",
            "2-WebApp/2-1-Graph/appsettings.json",
            &r
        ));
        // The web app and the API inside its folder are two apps.
        assert!(!same_app("web/.env", "web/api/.env", &r));
        assert!(same_app("web/.env", "deploy/values.yaml", &r));
        assert_eq!(project_root_of("web/api/Api.csproj"), Some("web/api"));
        assert_eq!(project_root_of("package.json"), None);
        assert_eq!(project_root_of("docs/readme.md"), None);
        assert!(is_project_manifest("go.mod"));
        assert!(!is_project_manifest(".csproj"));
    }

    #[test]
    fn nested_scopes_are_one_app() {
        let r = roots(&["services/orders/src/Api"]);
        assert!(same_app(
            "services/orders/helm/values-prod.yaml",
            "services/orders/src/Api/appsettings.json",
            &r
        ));
        assert!(!same_app(
            "services/orders/src/Api/appsettings.json",
            "services/billing/appsettings.json",
            &r
        ));
    }

    #[test]
    fn same_app_compares_scopes() {
        let none = roots(&[]);
        assert!(same_app(
            "src/Api/appsettings.Production.json",
            "infra/prod.tfvars",
            &none
        ));
        assert!(same_app(
            "services/a/x.env",
            "services/a/helm/values-prod.yaml",
            &none
        ));
        assert!(!same_app(
            "services/a/.env.prod",
            "services/b/.env.prod",
            &none
        ));
    }

    #[test]
    fn partition_adds_repository_level_items_to_every_app() {
        let none = roots(&[]);
        let items = ["services/a/x", "services/b/y", "deploy/z", "services/a/w"];
        let groups = partition(&items, |s| s, &none);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0], vec!["services/a/x", "services/a/w", "deploy/z"]);
        assert_eq!(groups[1], vec!["services/b/y", "deploy/z"]);
        assert_eq!(partition(&["a", "b"], |s| s, &none).len(), 1);
    }

    #[test]
    fn partition_puts_outer_scopes_into_each_inner_app() {
        let r = roots(&["services/orders/src/Api"]);
        let items = [
            "services/orders/src/Api/appsettings.json",
            "services/orders/helm/values.yaml",
            ".env",
        ];
        let groups = partition(&items, |s| s, &r);
        assert_eq!(groups, vec![items.to_vec()]);
        let r = roots(&["web", "web/api"]);
        let groups = partition(&["web/api/.env", "web/.env", ".env"], |s| s, &r);
        assert_eq!(
            groups,
            vec![vec!["web/.env", ".env"], vec!["web/api/.env", ".env"]]
        );
    }

    #[test]
    fn partition_by_app_names_each_group_by_its_innermost_scope() {
        let r = roots(&["services/orders/src/Api"]);
        let items = [
            "services/orders/helm/values.yaml",
            "services/orders/src/Api/appsettings.json",
            "services/billing/appsettings.json",
            "deploy/values.yaml",
        ];
        let apps: Vec<String> = partition_by_app(&items, |s| s, &r)
            .into_iter()
            .map(|(app, _)| app)
            .collect();
        // The orders chart configures the Api inside it: one app, not two.
        assert_eq!(apps, ["services/billing", "services/orders/src/Api"]);
        let repository_level = partition_by_app(&[".env", "deploy/x"], |s| s, &r);
        assert_eq!(
            repository_level,
            vec![(String::new(), vec![".env", "deploy/x"])]
        );
        assert!(partition_by_app::<&str>(&[], |s| s, &r).is_empty());
    }
}
