//! The GitHub Actions workflow reader (jobs, environments, `${{ secrets.X }}` references).
#![no_main]

use credgate::extract::github_workflow;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = ".github/workflows/deploy.yml";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = github_workflow::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
