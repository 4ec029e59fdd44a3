//! What kind of file a path names, as far as the secret rules care.
//!
//! Lock files are full of integrity hashes that look exactly like keys, and in source code an
//! unquoted right-hand side is an expression, not a literal; both facts come from the path.
//! So does the file's *context*: a value in a test, in vendored third-party code or in
//! documentation is usually made up for the occasion, and a gate that reports those at full
//! severity floods every pull request (see [`super::engine`] for the severity policy).

/// The file facts rules depend on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileKind {
    /// A dependency lock file (`Cargo.lock`, `package-lock.json`, `go.sum`, `*.lock`…).
    pub lock: bool,
    /// Program source, where only quoted literals are values.
    pub code: bool,
    /// Shell-like source (`.ps1`, `.sh`, `.php`…), where `"$name"` inside double quotes is
    /// a variable filled in at run time.
    pub interpolating: bool,
    /// Test code or test data: under a test folder (`tests/`, `testdata/`, `__tests__/`,
    /// `src/test/`, `Foo.UnitTests/`) or named like a test (`x_test.go`, `FooTests.cs`,
    /// `a.test.ts`, `b_spec.rb`, `test_c.py`, `MockHelpers.cs`).
    pub test: bool,
    /// Third-party code copied into the repository (`vendor/`, `third_party/`,
    /// `node_modules/`): not the repository's own credentials.
    pub vendored: bool,
    /// Documentation and examples (`*.md`, `*.rst`, `docs/`, `website/`, `examples/`,
    /// `samples/`), where assignments show the shape of a value, not a real one.
    pub docs: bool,
}

/// Words of a folder or file name that mark tests and their data. A name counts when one of
/// its words (split at `.`, `-`, `_` and camelCase humps) is one of these, so
/// `Microsoft.Identity.Test.Unit/`, `UnitTests/` and `keys_test_data.go` are tests and
/// `latest/`, `contest.go` and `attestation.rs` are not.
const TEST_WORDS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "testdata",
    "testcases",
    "testutil",
    "testutils",
    "unittests",
    "spec",
    "specs",
    "fixture",
    "fixtures",
    "mock",
    "mocks",
    "fake",
    "fakes",
    "stub",
    "stubs",
    "e2e",
    "snapshots",
];

/// Whole file names that are test code without a test word (pytest's shared fixtures).
const TEST_FILES: &[&str] = &["conftest.py"];

/// Folders that hold third-party code.
const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "thirdparty",
    "node_modules",
    "bower_components",
];

/// Folders that hold documentation and examples.
const DOC_DIRS: &[&str] = &[
    "doc",
    "docs",
    "documentation",
    "website",
    "example",
    "examples",
    "sample",
    "samples",
];

/// Extensions of documentation files.
const DOC_EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "rst", "adoc", "asciidoc"];

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

/// Extensions of languages that expand `$name` inside double-quoted strings.
const INTERPOLATING_EXTENSIONS: &[&str] = &["ps1", "psm1", "sh", "bash", "zsh", "php", "pl"];

impl FileKind {
    /// What the file's name alone says (lock file, source code, interpolating language):
    /// cheap enough for every file. [`FileKind::of`] adds the context, for files with findings.
    pub fn of_name(path: &str) -> Self {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let extension = lower.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
        Self {
            lock: extension == "lock" || LOCK_FILES.contains(&lower.as_str()),
            code: CODE_EXTENSIONS.contains(&extension),
            interpolating: INTERPOLATING_EXTENSIONS.contains(&extension),
            ..Self::default()
        }
    }

    /// Classifies a `/`-separated path relative to the scan root, context included.
    pub fn of(path: &str) -> Self {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let dirs: Vec<String> = path
            .split(['/', '\\'])
            .rev()
            .skip(1)
            .map(str::to_ascii_lowercase)
            .collect();
        // `auth.test` of `auth.test.ts`: the words before the extension.
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        Self {
            test: TEST_FILES.contains(&name.to_ascii_lowercase().as_str())
                || has_test_word(stem)
                || path
                    .split(['/', '\\'])
                    .rev()
                    .skip(1)
                    .any(|d| has_test_word(d) || d.eq_ignore_ascii_case("__tests__")),
            vendored: dirs.iter().any(|d| VENDOR_DIRS.contains(&d.as_str())),
            docs: DOC_EXTENSIONS.contains(&extension.as_str())
                || dirs.iter().any(|d| DOC_DIRS.contains(&d.as_str())),
            ..Self::of_name(path)
        }
    }

    /// Why findings in this file are usually not real credentials, for the message of a
    /// finding whose severity was lowered; `None` for the repository's own code and config.
    pub fn made_up_context(self) -> Option<&'static str> {
        if self.test {
            Some("test code or test data")
        } else if self.vendored {
            Some("vendored third-party code")
        } else {
            None
        }
    }
}

/// Whether one of a name's words is a [`TEST_WORDS`] entry.
fn has_test_word(name: &str) -> bool {
    words(name).any(|w| TEST_WORDS.contains(&w.as_str()))
}

/// The lower-cased words of a name: split at `.`, `-`, `_`, spaces and camelCase humps
/// (`UnitTests` → `unit`, `tests`; `HTTPMock` → `http`, `mock`).
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    super::words::split(name, &['.', '-', '_', ' ']).map(str::to_ascii_lowercase)
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
    fn test_folders_and_test_files() {
        for p in [
            "tests/fixtures/app.env",
            "pkg/src/__tests__/a.json",
            "internal/services/x/testdata/key.pem",
            "cli/pkg/exec/sanitizer_test.go",
            "vendor/x/openpgp/keys_test_data.go",
            "src/Foo.UnitTests/Settings.cs",
            "tests/Microsoft.Identity.Test.Unit/a.cs",
            "src/Api/AuthTests.cs",
            "src/main/java/FooTest.java",
            "web/src/auth.test.ts",
            "web/src/auth.spec.js",
            "spec/models/user_spec.rb",
            "app/test_settings.py",
            "app/conftest.py",
            "src/Lab.Api/Http/MockHelpers.cs",
            "src/test/resources/application.yml",
            "e2e/login.ts",
            "pkg/test-fixtures/a.json",
            "web/__snapshots__/a.snap",
        ] {
            assert!(FileKind::of(p).test, "{p}");
        }
        for p in [
            "src/latest/config.json",
            "src/contest.go",
            "src/attestation.rs",
            "appsettings.Production.json",
            "src/Api/Program.cs",
        ] {
            assert!(!FileKind::of(p).test, "{p}");
        }
    }

    #[test]
    fn vendored_and_docs() {
        assert!(FileKind::of("vendor/github.com/a/b.go").vendored);
        assert!(FileKind::of("web/node_modules/x/index.js").vendored);
        assert!(FileKind::of("third_party/lib/a.c").vendored);
        assert!(!FileKind::of("src/vendors.rs").vendored);
        assert!(FileKind::of("README.md").docs);
        assert!(FileKind::of("website/docs/r/vm.html.markdown").docs);
        assert!(FileKind::of("examples/vm/main.tf").docs);
        assert!(!FileKind::of("infra/main.tf").docs);
        assert!(!FileKind::of(".env.production").docs);
    }

    #[test]
    fn code_files() {
        assert!(FileKind::of("src/app.py").code);
        assert!(FileKind::of("Program.cs").code);
        assert!(FileKind::of("eng/login.ps1").interpolating);
        assert!(!FileKind::of("src/app.ts").interpolating);
        assert!(!FileKind::of(".env").code);
        assert!(!FileKind::of("deploy/values.yaml").code);
        assert!(!FileKind::of("appsettings.json").code);
    }
}
