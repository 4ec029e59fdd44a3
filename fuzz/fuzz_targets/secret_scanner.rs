//! The secret scanner over arbitrary bytes. The first byte picks the path the bytes are read
//! from, since the path decides how they are judged (source code, lock files, test folders, key
//! files); the rest is the file.
#![no_main]

use credgate::checks::secrets::scan_file;
use credgate_fuzz::check_secret_findings;
use libfuzzer_sys::fuzz_target;

/// Paths of each kind the scanner tells apart.
const PATHS: &[&str] = &[
    ".env",
    "src/Api/appsettings.json",
    "src/app.ts",
    "Program.cs",
    "deploy/values-prod.yaml",
    "package-lock.json",
    "tests/fixtures/sample.env",
    "certs/server.pem",
    "README.md",
    "infra/main.tf",
    ".github/workflows/deploy.yml",
    "scripts/setup.ps1",
    "bin/data",
    "conn.config",
    "Cargo.lock",
    "docs/guide.txt",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(selector) % PATHS.len()];
    let scan = scan_file(path, bytes);
    check_secret_findings(path, bytes, &scan.findings);
    let mut previous = (0, 0);
    for finding in &scan.findings {
        let here = (
            finding.location.line.unwrap_or(0),
            finding.location.column.unwrap_or(0),
        );
        assert!(here >= previous, "findings are not in file order");
        previous = here;
    }
});
