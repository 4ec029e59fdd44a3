//! The `.env` parser (quotes, escapes, `export`, multi-line values) on arbitrary text.
#![no_main]

use credgate::extract::dotenv;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = ".env.production";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = dotenv::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
