//! The TOML config reader on arbitrary text.
#![no_main]

use credgate::extract::toml_config;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "config/production.toml";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = toml_config::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
