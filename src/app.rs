//! The command runner (being assembled; the full runner lands once the reporters exist).

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    2
}
