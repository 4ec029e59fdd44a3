//! The YAML config reader (Spring, Helm values, Kubernetes manifests, compose) on arbitrary text.
#![no_main]

use credgate::extract::yaml_config;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "config/prod/application.yml";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = yaml_config::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
