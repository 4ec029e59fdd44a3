//! The `credgate.toml` parser: arbitrary text must give a configuration or an error that points
//! into the file, never a panic.
#![no_main]

use credgate::config::Config;
use credgate::model::{Finding, Location, Severity};
use credgate_fuzz::{as_text, Lines};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "credgate.toml";

fuzz_target!(|data: &[u8]| {
    let text = as_text(data);
    match Config::parse(&text, ORIGIN) {
        Ok(config) => {
            // What the rest of a run does with a parsed configuration.
            let _ = config.inventory_settings();
            let finding = Finding::new(
                "azure-client-secret",
                Severity::Error,
                Location::file("a.env", 1, 1),
                "m",
                "id",
            );
            let kept = config.apply(vec![finding.clone()]);
            assert!(kept.len() <= 1, "apply invented findings");
            if config.allow.fingerprints.contains(&finding.fingerprint) {
                assert!(kept.is_empty(), "an allow-listed fingerprint was kept");
            }
        }
        Err(error) => {
            let message = error.to_string();
            let place = message
                .strip_prefix(ORIGIN)
                .unwrap_or_else(|| panic!("error does not start with the file name"));
            // `credgate.toml:<line>:<col>: …` when the parser knows where.
            let mut parts = place.splitn(4, ':');
            let (_, line, column) = (parts.next(), parts.next(), parts.next());
            if let (Some(line), Some(column)) = (
                line.and_then(|l| l.parse::<u32>().ok()),
                column.and_then(|c| c.parse::<u32>().ok()),
            ) {
                Lines::new(&text).check(ORIGIN, &Location::file(ORIGIN, line, column), "error");
            }
        }
    }
});
