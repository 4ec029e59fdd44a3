//! The Terraform reader (`.tfvars` and `.tf` through hcl-edit) on arbitrary text.
#![no_main]

use credgate::extract::terraform;
use credgate_fuzz::{as_text, check_file_facts};
use libfuzzer_sys::fuzz_target;

const PATH: &str = "env/prod/prod.tfvars";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    let out = terraform::extract(PATH, &text);
    check_file_facts(PATH, &text, &out);
});
