//! The Azure Pipelines reader (stages, deployment jobs, variable groups, templates).
#![no_main]

use credgate::extract::azure_pipelines;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "azure-pipelines.yml";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = azure_pipelines::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
