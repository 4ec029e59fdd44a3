//! The appsettings reader (JSON with comments and trailing commas) on arbitrary text.
#![no_main]

use credgate::extract::appsettings;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "src/Api/appsettings.Production.json";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = appsettings::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
