//! Clock skew between this machine and the authority. Certificate and federated assertions carry
//! `nbf`/`exp` times, so a runner whose clock is off by minutes fails with AADSTS700024 even with
//! a perfect credential; the authority's `Date` header shows the drift before that happens.

use crate::model::{Finding, Location, Severity};
use std::time::{Duration, SystemTime};

/// Drift above which the run warns.
pub const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// The absolute difference between the authority's clock and ours, with its direction
/// (`true`: the local clock is ahead).
pub fn skew(authority_date: SystemTime, local: SystemTime) -> (Duration, bool) {
    match local.duration_since(authority_date) {
        Ok(ahead) => (ahead, true),
        Err(behind) => (behind.duration(), false),
    }
}

/// A `dry-run-clock-skew` warning when the drift exceeds [`MAX_SKEW`].
pub fn check(environment: &str, authority_date: SystemTime, local: SystemTime) -> Option<Finding> {
    let (drift, ahead) = skew(authority_date, local);
    if drift <= MAX_SKEW {
        return None;
    }
    let minutes = drift.as_secs() / 60;
    let direction = if ahead { "ahead of" } else { "behind" };
    Some(
        Finding::new(
            "dry-run-clock-skew",
            Severity::Warning,
            Location::source("clock"),
            format!(
                "this machine's clock is about {minutes} minute(s) {direction} the authority's \
                 (Date header of the {environment} token answer); certificate and federated \
                 assertions fail with AADSTS700024 beyond 5 minutes"
            ),
            "clock",
        )
        .with_environment(environment)
        .with_fix("Synchronise the runner's clock (NTP: `timedatectl set-ntp true`, or `w32tm /resync` on Windows)."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_beyond_five_minutes_either_way() {
        let now = SystemTime::now();
        assert!(check("p", now, now).is_none());
        assert!(check("p", now - Duration::from_secs(299), now).is_none());
        let f = check("p", now - Duration::from_secs(600), now).unwrap();
        assert!(f.message.contains("10 minute(s) ahead"), "{}", f.message);
        let f = check("p", now + Duration::from_secs(3600), now).unwrap();
        assert!(f.message.contains("behind"));
        assert_eq!(f.severity, Severity::Warning);
    }
}
