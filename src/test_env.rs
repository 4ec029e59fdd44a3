//! Test helper: a fake process environment, for code that reads variables through a lookup
//! closure instead of `std::env` (the action inputs, the CI platform sources).

use std::collections::HashMap;

/// A lookup closure that answers from `pairs` and says "unset" for everything else.
pub fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name: &str| map.get(name).cloned()
}
