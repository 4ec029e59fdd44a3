//! Reporters: one [`Report`] rendered in the format the reader needs.
//!
//! Every format sees the same data and none can see a secret: findings carry only the
//! [`Redacted`](crate::secret::Redacted) form. Rendering is pure (a `String` out); writing it is
//! the caller's job, except for GitHub's side files, which only exist as files.

mod common;
mod layout;
mod matrix;
mod status;

pub mod azure_devops;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod fixtures;

use crate::cli::Format;
use crate::model::Report;

pub use github::write_github_side_files;

/// Options that are not part of the report data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Whether the text format may use ANSI colours (the caller decides: terminal, NO_COLOR…).
    pub color: bool,
    /// Whether the run fails under `--fail-on`; CI formats report it as the step's status.
    pub failed: bool,
    /// `-v` count: more detail where a format has room for it.
    pub verbose: u8,
    /// Columns the text format fits its lines to; `None` is [`DEFAULT_WIDTH`] (the caller
    /// measures the terminal, since rendering does no I/O).
    pub width: Option<usize>,
}

/// The width of the text report when it does not go to a terminal: what CI logs show unwrapped.
pub const DEFAULT_WIDTH: usize = 120;

/// The narrowest width the text report lays itself out for; a narrower terminal gets this.
pub const MIN_WIDTH: usize = 40;

impl RenderOptions {
    /// The width the text report fits to: the caller's, at least [`MIN_WIDTH`], else
    /// [`DEFAULT_WIDTH`].
    pub fn text_width(&self) -> usize {
        self.width.unwrap_or(DEFAULT_WIDTH).max(MIN_WIDTH)
    }
}

/// Renders the one Report in a format. Pure: returns the text; writing it is the caller's job.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> anyhow::Result<String> {
    Ok(match format {
        Format::Text => text::render(report, opts),
        Format::Json => json::render(report)?,
        Format::Sarif => sarif::render(report)?,
        Format::Github => github::render(report),
        Format::AzureDevops => azure_devops::render(report, opts.failed),
        Format::Junit => junit::render(report)?,
        Format::Markdown => markdown::render(report, opts.failed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::AzureDevops,
        Format::Junit,
        Format::Markdown,
    ];

    #[test]
    fn no_format_leaks_more_than_the_hint() {
        let report = fixtures::rich();
        for format in ALL {
            for color in [false, true] {
                let opts = RenderOptions {
                    color,
                    failed: true,
                    verbose: 2,
                    width: Some(80),
                };
                let out = render(&report, format, &opts).expect("render");
                assert!(!fixtures::leaks_secret(&out), "{format:?} leaks a secret");
                // Every format shows that a secret was involved, by its fingerprint.
                for secret in report.findings.iter().filter_map(|f| f.secret.as_ref()) {
                    assert!(
                        out.contains(secret.fingerprint.as_str()),
                        "{format:?} hides the fingerprint"
                    );
                }
            }
        }
    }

    #[test]
    fn every_format_renders_the_empty_report() {
        for format in ALL {
            let out =
                render(&fixtures::empty(), format, &RenderOptions::default()).expect("render");
            assert!(!out.trim().is_empty(), "{format:?} printed nothing");
        }
    }
}
