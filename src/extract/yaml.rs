//! YAML with positions: a small document tree in which every node keeps the 1-based line and
//! column where it starts, built from yaml-rust2's event stream.
//!
//! Every YAML extractor (Spring, Helm, Kubernetes, compose, GitHub workflows, Azure Pipelines)
//! reads this tree. It is built iteratively (no recursion, so 10,000 levels of nesting cannot
//! overflow the stack), nesting deeper than [`MAX_DEPTH`] is an error, and aliases are expanded
//! (merge keys `<<: *base` included) only within a budget of [`MAX_NODES`] nodes per file, so a
//! "billion laughs" document ends in a clear error instead of exhausting memory.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting of collections accepted.
pub const MAX_DEPTH: usize = 256;
/// Most nodes one file may produce, alias expansion included.
pub const MAX_NODES: usize = 250_000;

/// One node of a YAML document.
#[derive(Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// 1-based line where the node's value starts.
    pub line: u32,
    /// 1-based column (in characters) where the node's value starts (inside the quotes for a
    /// quoted scalar).
    pub column: u32,
}

/// The shape of a node.
#[derive(Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// A scalar as text; `quoted` tells `"1"` from `1`.
    Scalar {
        /// The scalar's text.
        value: String,
        /// Whether it was written in quotes or as a block scalar.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order (duplicate keys kept; [`Node::get`] returns the last, as
    /// most YAML loaders do).
    Map(Vec<(Node, Node)>),
}

impl std::fmt::Debug for Node {
    /// Scalars may be secrets: `Debug` shows the shape and positions, never scalar text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            NodeKind::Scalar { value, .. } => write!(
                f,
                "Scalar([{} chars] @{}:{})",
                value.chars().count(),
                self.line,
                self.column
            ),
            NodeKind::Seq(items) => f.debug_list().entries(items).finish(),
            NodeKind::Map(entries) => f
                .debug_map()
                .entries(entries.iter().map(|(k, v)| (k.as_str().unwrap_or("?"), v)))
                .finish(),
        }
    }
}

/// A YAML syntax error with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl Node {
    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items, if this is a sequence.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    /// The value of `key` in a mapping (the last one if the key repeats).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The scalar value of `key` in a mapping.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// Whether this is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }

    /// Whether this is a sequence.
    pub fn is_seq(&self) -> bool {
        matches!(self.kind, NodeKind::Seq(_))
    }

    /// Number of nodes in this subtree.
    fn size(&self) -> usize {
        let mut total = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            total += 1;
            match &node.kind {
                NodeKind::Scalar { .. } => {}
                NodeKind::Seq(items) => stack.extend(items),
                NodeKind::Map(entries) => {
                    for (k, v) in entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
            }
        }
        total
    }
}

/// A collection being built.
enum Open {
    Seq {
        node: Node,
        anchor: usize,
    },
    Map {
        node: Node,
        anchor: usize,
        pending_key: Option<Node>,
    },
}

struct Builder {
    places: Places,
    stack: Vec<Open>,
    anchors: Vec<(usize, Node)>,
    documents: Vec<Node>,
    nodes: usize,
}

/// Where each line of the text starts, in characters. yaml-rust2 also breaks lines at a lone
/// `\r` and may place an end-of-input error one line past the end; positions are computed from
/// the marker's character index instead, with lines split at `\n` as everywhere else in
/// credgate, so a node or error always points into the file.
struct Places {
    starts: Vec<usize>,
    chars: usize,
}

impl Places {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let mut chars = 0;
        for c in text.chars() {
            chars += 1;
            if c == '\n' {
                starts.push(chars);
            }
        }
        Self { starts, chars }
    }

    /// 1-based line and 0-based column of a marker.
    fn of(&self, mark: &Marker) -> (usize, usize) {
        let index = mark.index().min(self.chars);
        let line = self.starts.partition_point(|&start| start <= index).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, index - start)
    }
}

fn position(places: &Places, mark: &Marker, quoted: bool) -> (u32, u32) {
    let (line, column) = places.of(mark);
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    let column = u32::try_from(column)
        .unwrap_or(u32::MAX)
        .saturating_add(1 + u32::from(quoted));
    (line, column)
}

fn error_at(places: &Places, mark: &Marker, message: impl Into<String>) -> YamlError {
    let (line, column) = position(places, mark, false);
    YamlError {
        line,
        column,
        message: message.into(),
    }
}

impl Builder {
    fn count(&mut self, n: usize, mark: &Marker) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(error_at(
                &self.places,
                mark,
                format!("more than {MAX_NODES} nodes (alias expansion?); the file was not read"),
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
    }

    /// Adds a finished node to the collection being built, or as a document.
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Open::Seq { node: seq, .. }) => {
                if let NodeKind::Seq(items) = &mut seq.kind {
                    items.push(node);
                }
            }
            Some(Open::Map {
                node: map,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    if let NodeKind::Map(entries) = &mut map.kind {
                        if key.as_str() == Some("<<") {
                            merge_into(entries, node);
                        } else {
                            entries.push((key, node));
                        }
                    }
                }
            },
        }
    }
}

/// Applies a merge key: the entries of the merged mapping(s) that the mapping does not set.
fn merge_into(entries: &mut Vec<(Node, Node)>, merged: Node) {
    let sources: Vec<Node> = match merged.kind {
        NodeKind::Map(_) => vec![merged],
        NodeKind::Seq(items) => items,
        NodeKind::Scalar { .. } => Vec::new(),
    };
    for source in sources {
        if let NodeKind::Map(extra) = source.kind {
            for (k, v) in extra {
                let present = entries.iter().any(|(ek, _)| ek.as_str() == k.as_str());
                if !present {
                    entries.push((k, v));
                }
            }
        }
    }
}

/// Parses a YAML file for an extractor: the documents, or `None` after recording a
/// `parse-error` note at the error's place.
pub fn parse_or_note(path: &str, text: &str, out: &mut super::FileFacts) -> Option<Vec<Node>> {
    match parse(text) {
        Ok(documents) => Some(documents),
        Err(e) => {
            let why = format!("invalid YAML: {}", e.message);
            out.parse_error(path, Some(e.line), Some(e.column), &why);
            None
        }
    }
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        places: Places::new(text),
        stack: Vec::new(),
        anchors: Vec::new(),
        documents: Vec::new(),
        nodes: 0,
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let (line, column) = position(&b.places, e.marker(), false);
            YamlError {
                line,
                column,
                message: e.info().to_string(),
            }
        })?;
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
            Event::Scalar(value, style, anchor, _) => {
                b.count(1, &mark)?;
                let quoted = !matches!(style, TScalarStyle::Plain);
                let inside = matches!(
                    style,
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                );
                let (line, column) = position(&b.places, &mark, inside);
                let node = Node {
                    kind: NodeKind::Scalar { value, quoted },
                    line,
                    column,
                };
                b.remember(anchor, &node);
                b.push(node);
            }
            Event::Alias(id) => {
                let found = b
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| n.clone());
                let node = match found {
                    Some(node) => {
                        b.count(node.size(), &mark)?;
                        node
                    }
                    None => return Err(error_at(&b.places, &mark, "alias to an unknown anchor")),
                };
                b.push(node);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(error_at(
                        &b.places,
                        &mark,
                        format!("nested deeper than {MAX_DEPTH} levels; the file was not read"),
                    ));
                }
                b.count(1, &mark)?;
                let (line, column) = position(&b.places, &mark, false);
                let is_seq = matches!(event, Event::SequenceStart(..));
                b.stack.push(if is_seq {
                    Open::Seq {
                        node: Node {
                            kind: NodeKind::Seq(Vec::new()),
                            line,
                            column,
                        },
                        anchor,
                    }
                } else {
                    Open::Map {
                        node: Node {
                            kind: NodeKind::Map(Vec::new()),
                            line,
                            column,
                        },
                        anchor,
                        pending_key: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match b.stack.pop() {
                    Some(Open::Seq { node, anchor }) | Some(Open::Map { node, anchor, .. }) => {
                        (node, anchor)
                    }
                    None => return Err(error_at(&b.places, &mark, "unbalanced collection end")),
                };
                b.remember(anchor, &node);
                b.push(node);
            }
        }
    }
    Ok(b.documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node {
        parse(text).unwrap().into_iter().next().unwrap()
    }

    #[test]
    fn positions_point_at_values() {
        let d = doc("a:\n  b: plain\n  c: \"quoted\"\n  d: 'single'\n");
        let a = d.get("a").unwrap();
        let b = a.get("b").unwrap();
        assert_eq!((b.as_str(), b.line, b.column), (Some("plain"), 2, 6));
        let c = a.get("c").unwrap();
        assert_eq!((c.as_str(), c.line, c.column), (Some("quoted"), 3, 7));
        let d2 = a.get("d").unwrap();
        assert_eq!((d2.line, d2.column), (4, 7));
    }

    #[test]
    fn sequences_and_multiple_documents() {
        let docs = parse("- x\n- y: 1\n---\nk: v\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].items().len(), 2);
        assert_eq!(docs[1].get_str("k"), Some("v"));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let d =
            doc("base: &b\n  tenant: t1\n  client: c1\nprod:\n  <<: *b\n  client: c2\nother: *b\n");
        let prod = d.get("prod").unwrap();
        assert_eq!(prod.get_str("client"), Some("c2"));
        assert_eq!(prod.get_str("tenant"), Some("t1"));
        assert_eq!(d.get("other").unwrap().get_str("client"), Some("c1"));
    }

    #[test]
    fn duplicate_keys_keep_the_last() {
        let d = doc("k: 1\nk: 2\n");
        assert_eq!(d.get_str("k"), Some("2"));
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1 && !err.message.is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("nested deeper") || err.message.contains("recursion limit"),
            "{}",
            err.message
        );
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            text.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nodes"), "{}", err.message);
    }

    #[test]
    fn debug_hides_scalar_text() {
        let d = doc("secret: hunter2-but-longer\n");
        assert!(!format!("{d:?}").contains("hunter2"));
    }

    #[test]
    fn crlf_and_bom_are_fine() {
        let d = doc("a: 1\r\nb: two\r\n");
        let b = d.get("b").unwrap();
        assert_eq!((b.as_str(), b.line, b.column), (Some("two"), 2, 4));
    }
}
