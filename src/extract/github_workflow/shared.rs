//! Helpers both pipeline extractors (GitHub Actions and Azure Pipelines) need: finding where a
//! piece of a scalar sits in the source text, visiting every scalar of a subtree without
//! recursion, resolving repository-relative paths, and turning a key/value into a `Fact`.
//!
//! It lives here because `extract/mod.rs` belongs to the extractor framework; the Azure Pipelines
//! extractor imports it from this module.

use crate::extract::yaml::Node;
use crate::extract::{fact_value, keys};
use crate::model::{Fact, FactValue, Field, Location};
use std::cell::{Cell, OnceCell};
use std::ops::Range;

/// How many source bytes one character of a scalar's value may take, escapes (`\\UXXXXXXXX`) and
/// indentation included, and how many more a scalar's source may have in all (quotes, block
/// headers, blank lines); together they bound where a piece of a scalar is looked for.
const MAX_SOURCE_BYTES_PER_CHAR: usize = 16;
/// See [`MAX_SOURCE_BYTES_PER_CHAR`].
const SOURCE_SLACK_BYTES: usize = 4096;

/// The file's text with a lazily built line index, so that references found inside a scalar can
/// be given their own line and column. Files without references never pay for the index.
pub(crate) struct SourceText<'a> {
    text: &'a str,
    line_starts: OnceCell<Vec<usize>>,
    /// The last `(offset, line, column)` computed, so that positions found in order on one long
    /// line are counted incrementally instead of from the start of the line each time.
    last: Cell<(usize, u32, u32)>,
}

/// Where a located piece of text sits: 1-based line and column (in characters) and the column
/// just past it when it fits on that line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column of the first character.
    pub column: u32,
    /// 1-based column just past the last character, when on the same line.
    pub end_column: Option<u32>,
}

impl Span {
    /// The span of a whole scalar node holding `value`.
    pub fn of_node(node: &Node, value: &str) -> Self {
        let end_column = (!value.contains('\n'))
            .then(|| node.column.saturating_add(value.chars().count() as u32));
        Self {
            line: node.line,
            column: node.column,
            end_column,
        }
    }

    /// The location of this span in `path`.
    pub fn location(self, path: &str) -> Location {
        let location = Location::file(path, self.line, self.column);
        match self.end_column {
            Some(end) => location.with_end_column(end),
            None => location,
        }
    }
}

impl<'a> SourceText<'a> {
    /// Wraps the text of the file being extracted.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            line_starts: OnceCell::new(),
            last: Cell::new((0, 1, 1)),
        }
    }

    fn starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// Byte offset of a 1-based line and character column, if the file has that place. Walks
    /// on from the last place computed when it is earlier on the same line, so that many
    /// scalars on one long line cost a single pass.
    fn offset_of(&self, line: u32, column: u32) -> Option<usize> {
        let (last_offset, last_line, last_column) = self.last.get();
        let (from, skip) = if last_line == line && last_column <= column {
            (last_offset, column - last_column)
        } else {
            let start = *self.starts().get(line.checked_sub(1)? as usize)?;
            (start, column.saturating_sub(1))
        };
        let rest = self.text.get(from..)?;
        let mut chars = rest.char_indices();
        for _ in 0..skip {
            match chars.next() {
                Some((_, '\n')) | None => return None,
                Some(_) => {}
            }
        }
        let offset = from + chars.next().map_or(rest.len(), |(i, _)| i);
        self.last.set((offset, line, column));
        Some(offset)
    }

    /// Byte offset of the start of a 1-based line, or the end of the text past the last line.
    fn line_start_or_end(&self, line: u32) -> usize {
        let index = line.saturating_sub(1) as usize;
        self.starts().get(index).copied().unwrap_or(self.text.len())
    }

    /// 1-based line and character column of a byte offset.
    fn position_of(&self, offset: usize) -> (u32, u32) {
        let starts = self.starts();
        let index = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let line_start = starts.get(index).copied().unwrap_or(0);
        let line = index as u32 + 1;
        let (last_offset, last_line, last_column) = self.last.get();
        let (from, column) =
            if last_line == line && last_offset >= line_start && last_offset <= offset {
                (last_offset, last_column)
            } else {
                (line_start, 1)
            };
        let counted = self
            .text
            .get(from..offset)
            .map_or(0, |s| s.chars().count() as u32);
        let column = column + counted;
        self.last.set((offset, line, column));
        (line, column)
    }

    /// A cursor over the source of a scalar node whose parsed value is `value`. The search
    /// window starts at the node and ends after as many lines and bytes as the value could
    /// take in the source, so a reference is not looked for far outside its scalar.
    pub fn cursor(&self, node: &Node, value: &str) -> Cursor {
        let start = self.offset_of(node.line, node.column);
        let span_lines = (value.len() as u32).saturating_add(2);
        let by_lines = self.line_start_or_end(node.line.saturating_add(span_lines));
        let pos = start.unwrap_or(0);
        let by_bytes = pos
            .saturating_add(value.len().saturating_mul(MAX_SOURCE_BYTES_PER_CHAR))
            .saturating_add(SOURCE_SLACK_BYTES);
        Cursor {
            pos,
            end: by_lines.min(by_bytes),
            lost: start.is_none(),
        }
    }

    /// The span of the text between two byte offsets.
    fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.position_of(start);
        let piece = self.text.get(start..end).unwrap_or("");
        let end_column =
            (!piece.contains('\n')).then(|| column.saturating_add(piece.chars().count() as u32));
        Span {
            line,
            column,
            end_column,
        }
    }
}

/// Walks forward through one scalar's source, finding the pieces of its value in order. Once a
/// piece cannot be found (an escape sequence changed its spelling, say) the cursor gives up, so
/// the work per scalar stays linear in its size.
pub(crate) struct Cursor {
    pos: usize,
    end: usize,
    lost: bool,
}

impl Cursor {
    /// The span of the next occurrence of `needle`, moving the cursor past it.
    pub fn find(&mut self, source: &SourceText<'_>, needle: &str) -> Option<Span> {
        if self.lost || needle.is_empty() {
            return None;
        }
        let window = source
            .text
            .as_bytes()
            .get(self.pos..self.end.min(source.text.len()));
        let found = window
            .and_then(|w| memchr::memmem::find(w, needle.as_bytes()))
            .map(|i| i + self.pos);
        match found {
            Some(start) => {
                let end = start + needle.len();
                self.pos = end;
                Some(source.span(start, end))
            }
            None => {
                self.lost = true;
                None
            }
        }
    }
}

/// Byte ranges of the `${{ … }}` expressions (GitHub and Azure Pipelines template syntax) in a
/// value, closing braces included. An unclosed `${{` ends the scan.
pub(crate) fn expression_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|t| t.find("${{")) {
        let start = from + open;
        let Some(close) = text.get(start + 3..).and_then(|t| t.find("}}")) else {
            break;
        };
        let end = start + 3 + close + 2;
        ranges.push(start..end);
        from = end;
    }
    ranges
}

/// Calls `visit` on every scalar under `root` in document order, with the key of the mapping
/// entry it is the value of (if any). Iterative, so nesting depth costs no stack.
pub(crate) fn for_each_scalar<'n>(
    root: &'n Node,
    mut visit: impl FnMut(&'n Node, Option<&'n str>),
) {
    let mut stack: Vec<(&'n Node, Option<&'n str>)> = vec![(root, None)];
    while let Some((node, key)) = stack.pop() {
        if node.as_str().is_some() {
            visit(node, key);
        } else if node.is_map() {
            for (k, v) in node.entries().iter().rev() {
                stack.push((v, k.as_str()));
            }
        } else {
            for item in node.items().iter().rev() {
                stack.push((item, None));
            }
        }
    }
}

/// Resolves `relative` against the folder `base_dir` (both `/`-separated, relative to the
/// repository root) into a normalised repository-relative path. A leading `/` means the
/// repository root. `None` when the path leaves the repository or names nothing.
pub(crate) fn resolve_path(base_dir: &str, relative: &str) -> Option<String> {
    let relative = relative.trim().replace('\\', "/");
    let (base, rest) = match relative.strip_prefix('/') {
        Some(rest) => ("", rest.to_string()),
        None => (base_dir, relative),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rest.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The folder of a repository-relative file path (`""` for a file at the root).
pub(crate) fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A credential fact (with no environment yet) for a value written at `span`. `expression`
/// is `Some((kind, names))` when the value is built from pipeline expressions that are not one
/// whole known reference (`${{ matrix.client_id }}`, `https://$(host)/x`): such a value is not a
/// literal, so it becomes a reference of that kind naming the expressions, never a plain value.
pub(crate) fn fact_at(
    path: &str,
    source: &str,
    field: Field,
    raw: &str,
    span: Span,
    expression: Option<(&'static str, String)>,
) -> Option<Fact> {
    let value = match expression {
        Some((kind, name)) => FactValue::Reference {
            kind: kind.to_string(),
            name,
        },
        None => fact_value(field, raw)?,
    };
    Some(Fact {
        environment: None,
        field,
        value,
        location: span.location(path),
        source: source.to_string(),
    })
}

/// The field a key denotes inside the given sections, through the one alias table.
pub(crate) fn field_of(parents: &[&str], key: &str) -> Option<Field> {
    keys::field_for_key(parents, key)
}

/// Normalised key names under which a template or reusable workflow receives the environment it
/// deploys to (`environment: production`, `env: prod`, `targetEnvironment: uat`).
const ENVIRONMENT_PARAMETERS: &[&str] = &[
    "environment",
    "environmentname",
    "env",
    "envname",
    "targetenvironment",
    "targetenv",
    "deployenvironment",
    "deploymentenvironment",
    "deployenv",
];

/// Whether a parameter or input key names the environment being deployed to.
pub(crate) fn is_environment_parameter(key: &str) -> bool {
    ENVIRONMENT_PARAMETERS.contains(&keys::normalize(key).as_str())
}

/// A literal environment name as written (trimmed), or `None` for empty values, expressions and
/// anything that cannot be a name.
pub(crate) fn literal_environment(value: &str) -> Option<&str> {
    let v = value.trim();
    let plausible = !v.is_empty()
        && v.len() <= 100
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.'));
    plausible.then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml;

    fn scalar<'a>(doc: &'a Node, key: &str) -> &'a Node {
        doc.get(key).unwrap()
    }

    #[test]
    fn cursor_finds_pieces_in_order_on_one_line() {
        let text = "a: x ${{ secrets.A }} y ${{ secrets.A }}\n";
        let doc = yaml::parse(text).unwrap().remove(0);
        let node = scalar(&doc, "a");
        let source = SourceText::new(text);
        let mut cursor = source.cursor(node, node.as_str().unwrap());
        let first = cursor.find(&source, "${{ secrets.A }}").unwrap();
        let second = cursor.find(&source, "${{ secrets.A }}").unwrap();
        assert_eq!(
            (first.line, first.column, first.end_column),
            (1, 6, Some(22))
        );
        assert_eq!((second.line, second.column), (1, 25));
        assert!(cursor.find(&source, "${{ secrets.A }}").is_none());
    }

    #[test]
    fn cursor_follows_block_scalars_and_counts_characters() {
        let text = "a: b\nrun: |\n  echo é ${{ vars.X }}\n  next $(Y)\nc: d\n";
        let doc = yaml::parse(text).unwrap().remove(0);
        let node = scalar(&doc, "run");
        let source = SourceText::new(text);
        let mut cursor = source.cursor(node, node.as_str().unwrap());
        let x = cursor.find(&source, "${{ vars.X }}").unwrap();
        assert_eq!((x.line, x.column), (3, 10));
        let y = cursor.find(&source, "$(Y)").unwrap();
        assert_eq!((y.line, y.column), (4, 8));
    }

    #[test]
    fn cursor_stays_inside_its_scalar() {
        let text = format!(
            "a: short\n{}b: ${{{{ secrets.FAR }}}}\n",
            "x: 1\n".repeat(20)
        );
        let doc = yaml::parse(&text).unwrap().remove(0);
        let node = scalar(&doc, "a");
        let source = SourceText::new(&text);
        let mut cursor = source.cursor(node, "short");
        assert!(cursor.find(&source, "${{ secrets.FAR }}").is_none());
        let mut cursor = source.cursor(node, "short");
        assert_eq!(cursor.find(&source, "short").map(|s| s.column), Some(4));
    }

    #[test]
    fn expression_ranges_in_order() {
        let text = "a ${{ x }} b ${{y}} ${{ open";
        let got: Vec<&str> = expression_ranges(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, vec!["${{ x }}", "${{y}}"]);
    }

    #[test]
    fn visits_every_scalar_with_its_key_in_order() {
        let doc = yaml::parse("a: 1\nb:\n  - c: 2\n  - 3\n")
            .unwrap()
            .remove(0);
        let mut seen = Vec::new();
        for_each_scalar(&doc, |n, k| seen.push((k, n.as_str().unwrap().to_string())));
        let seen: Vec<(Option<&str>, &str)> = seen.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(seen, vec![(Some("a"), "1"), (Some("c"), "2"), (None, "3")]);
    }

    #[test]
    fn resolves_paths_inside_the_repository() {
        assert_eq!(
            resolve_path("ci", "templates/deploy.yml").as_deref(),
            Some("ci/templates/deploy.yml")
        );
        assert_eq!(
            resolve_path("ci/stages", "../jobs/./deploy.yml").as_deref(),
            Some("ci/jobs/deploy.yml")
        );
        assert_eq!(
            resolve_path("ci", "/templates/deploy.yml").as_deref(),
            Some("templates/deploy.yml")
        );
        assert_eq!(resolve_path("", "../outside.yml"), None);
        assert_eq!(resolve_path("", "./"), None);
        assert_eq!(parent_dir("a/b/c.yml"), "a/b");
        assert_eq!(parent_dir("c.yml"), "");
    }

    #[test]
    fn environment_parameters_and_literal_names() {
        assert!(is_environment_parameter("environment"));
        assert!(is_environment_parameter("targetEnvironment"));
        assert!(is_environment_parameter("deploy-env"));
        assert!(!is_environment_parameter("environmentUrl"));
        assert_eq!(literal_environment(" uat "), Some("uat"));
        assert_eq!(literal_environment("${{ matrix.env }}"), None);
        assert_eq!(literal_environment("$(env)"), None);
        assert_eq!(literal_environment(""), None);
    }
}
