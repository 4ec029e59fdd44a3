//! The Spring `.properties` parser (continuations, `\uXXXX` escapes, profile documents).
#![no_main]

use credgate::extract::properties;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "src/main/resources/application-prod.properties";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = properties::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
