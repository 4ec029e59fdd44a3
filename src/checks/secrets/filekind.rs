//! What kind of file a path names, as far as the secret rules care.
//!
//! Lock files are full of integrity hashes that look exactly like keys, and in source code an
//! unquoted right-hand side is an expression, not a literal; both facts come from the path.

/// The file facts rules depend on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileKind {
    /// A dependency lock file (`Cargo.lock`, `package-lock.json`, `go.sum`, `*.lock`…).
    pub lock: bool,
    /// Program source, where only quoted literals are values.
    pub code: bool,
    /// Under a test or fixture folder (`tests/`, `spec/`, `__tests__/`, `testdata/`,
    /// `fixtures/`), where high-entropy values are usually made up for the test.
    pub test: bool,
}

/// Folder names that hold tests and their fixtures.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "specs",
    "__tests__",
    "testdata",
    "test-data",
    "fixtures",
    "__fixtures__",
];

/// Lock files whose names do not end in `.lock`.
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "packages.lock.json",
    "go.sum",
    "gradle.lockfile",
    "composer.lock",
];

/// Extensions of program source files.
const CODE_EXTENSIONS: &[&str] = &[
    "rs", "py", "js", "jsx", "mjs", "cjs", "ts", "tsx", "cs", "java", "kt", "kts", "go", "rb",
    "php", "swift", "scala", "c", "h", "cc", "cpp", "hpp", "m", "fs", "vb", "groovy", "dart",
    "lua", "r", "pl", "ps1", "psm1",
];

impl FileKind {
    /// Classifies a `/`-separated path relative to the scan root.
    pub fn of(path: &str) -> Self {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let extension = lower.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
        let mut dirs = path.split(['/', '\\']).rev().skip(1);
        Self {
            lock: extension == "lock" || LOCK_FILES.contains(&lower.as_str()),
            code: CODE_EXTENSIONS.contains(&extension),
            test: dirs.any(|d| TEST_DIRS.contains(&d.to_ascii_lowercase().as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files() {
        for p in [
            "Cargo.lock",
            "web/package-lock.json",
            "yarn.lock",
            "poetry.lock",
            "go.sum",
            "a/b/Gemfile.lock",
        ] {
            assert!(FileKind::of(p).lock, "{p}");
        }
        assert!(!FileKind::of("src/lock.rs").lock);
        assert!(!FileKind::of("package.json").lock);
    }

    #[test]
    fn test_folders() {
        assert!(FileKind::of("tests/fixtures/app.env").test);
        assert!(FileKind::of("pkg/src/__tests__/a.json").test);
        assert!(!FileKind::of("src/testing.rs").test);
        assert!(
            !FileKind::of("tests").test,
            "the file itself is not a folder"
        );
    }

    #[test]
    fn code_files() {
        assert!(FileKind::of("src/app.py").code);
        assert!(FileKind::of("Program.cs").code);
        assert!(!FileKind::of(".env").code);
        assert!(!FileKind::of("deploy/values.yaml").code);
        assert!(!FileKind::of("appsettings.json").code);
    }
}
