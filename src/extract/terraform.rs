//! Terraform: `*.tfvars`, `*.auto.tfvars` and `*.tf`.
//!
//! Parsed with `hcl-edit`, the HCL parser of the `hcl-rs` project, whose syntax tree keeps the
//! byte span of every expression and which bounds nesting (64 levels) with an error instead of
//! recursing without limit. Like Terraform, it refuses a body that defines an attribute twice,
//! which therefore becomes a `parse-error`.
//!
//! What becomes a fact:
//! - every attribute whose name folds to a credential field, wherever it sits (`.tfvars`
//!   assignments, maps such as `azuread = { client_id = "…" }`, `provider "azurerm"` /
//!   `provider "azuread"` and `backend "azurerm"` blocks, `locals`, resource settings such as
//!   `app_settings = { "AZURE_CLIENT_ID" = "…" }`), with the enclosing block types, labels and
//!   map keys as parent sections;
//! - `variable "client_id" { default = "…" }`: the default is the variable's value;
//! - name/value pairs (`env { name = "ARM_CLIENT_SECRET" value = "…" }`, variable-group
//!   `variable { name = … secret_value = … }`): the value is named by `name`.
//!
//! A value that is an expression (`var.client_secret`, `local.x`,
//! `data.azurerm_key_vault_secret.sp.value`, `"${var.tenant}"`) is a reference of kind
//! `terraform` named by its source text, with the contents of any string literal inside masked,
//! so a literal tucked into an expression can never reach a report. Outputs are not read: they
//! expose values, they do not configure them.

use super::offsets::LineIndex;
use super::{facts_from_entries, keys, Entry, FileFacts};
use crate::model::{Fact, FactValue, Field, Location};
use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;
use std::collections::HashMap;
use std::ops::Range;

/// The extractor's name in `Fact::source`.
const SOURCE: &str = "terraform";

/// Longest reference name kept; longer expressions are cut (they are shown, never evaluated).
const MAX_REFERENCE_CHARS: usize = 160;

/// Deepest nesting of brackets and template interpolations handed to hcl-edit. Its parser
/// backtracks through every level of a nested expression that fails (`{ a = a.b!=c/` repeated),
/// so the time doubles with each level: 16 levels take about a third of a second, 24 over a
/// minute (found by fuzzing). Hand-written Terraform nests far less.
const MAX_NESTING: usize = 16;

/// Where the nesting of brackets (`{`, `(`, `[`) and template interpolations (`${`, `%{`) in
/// HCL text first goes deeper than [`MAX_NESTING`], as a byte offset; `None` when it never
/// does. Comments, string literal text and heredoc bodies are skipped by hcl-edit's own rules
/// (quoted strings may span lines; a heredoc ends at its marker, after optional blanks, at the
/// start of a line), so a closing bracket in them cannot hide real nesting.
fn too_deep(text: &str) -> Option<usize> {
    /// What the scanner is inside.
    enum Frame {
        /// Expression text (the file, or an interpolation); the brackets open in it.
        Code(usize),
        /// A quoted string.
        Str,
        /// A heredoc body, ended by its marker.
        Heredoc(String),
    }
    /// The length of the heredoc end at the start of `line`: blanks and the marker, not
    /// followed by an identifier character.
    fn heredoc_end(line: &str, marker: &str) -> Option<usize> {
        let after_blanks = line.trim_start_matches([' ', '\t']);
        let after = after_blanks.strip_prefix(marker)?;
        let continues = after
            .chars()
            .next()
            .is_some_and(|c| hcl_edit::Ident::try_new(format!("a{c}")).is_ok());
        (!continues).then(|| line.len() - after.len())
    }
    let mut stack = vec![Frame::Code(0)];
    let mut depth = 0usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let offset = text.len() - rest.len();
        let mut step = c.len_utf8();
        match stack.last_mut() {
            None => break,
            Some(Frame::Code(open)) => {
                if c == '#' || rest.starts_with("//") {
                    step = rest.find('\n').unwrap_or(rest.len());
                } else if rest.starts_with("/*") {
                    step = rest
                        .get(2..)
                        .and_then(|r| r.find("*/"))
                        .map_or(rest.len(), |i| i + 4);
                } else if c == '"' {
                    stack.push(Frame::Str);
                } else if let Some(after) = rest.strip_prefix("<<") {
                    // `<<EOT` or `<<-EOT` and a line end. Identifier characters are
                    // over-approximated: where the parser reads a shorter name, it fails there.
                    let after = after.strip_prefix('-').unwrap_or(after);
                    let marker: String = after
                        .chars()
                        .take_while(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || !c.is_ascii()
                        })
                        .collect();
                    let tail = after.get(marker.len()..).unwrap_or("");
                    let body = tail
                        .strip_prefix("\r\n")
                        .or_else(|| tail.strip_prefix('\n'));
                    if let (false, Some(body)) = (marker.is_empty(), body) {
                        step = rest.len() - body.len();
                        match heredoc_end(body, &marker) {
                            Some(end) => step += end,
                            None => stack.push(Frame::Heredoc(marker)),
                        }
                    }
                } else if matches!(c, '{' | '(' | '[') {
                    *open += 1;
                    depth += 1;
                } else if matches!(c, '}' | ')' | ']') {
                    if *open > 0 {
                        *open -= 1;
                        depth = depth.saturating_sub(1);
                    } else if c == '}' && stack.len() > 1 {
                        // The end of an interpolation.
                        stack.pop();
                        depth = depth.saturating_sub(1);
                    }
                }
            }
            Some(frame @ (Frame::Str | Frame::Heredoc(_))) => {
                let quoted = matches!(frame, Frame::Str);
                if rest.starts_with("$${") || rest.starts_with("%%{") {
                    step = 3;
                } else if rest.starts_with("${") || rest.starts_with("%{") {
                    stack.push(Frame::Code(0));
                    depth += 1;
                    step = 2;
                } else if quoted && c == '\\' {
                    step += rest.chars().nth(1).map_or(0, char::len_utf8);
                } else if quoted && c == '"' {
                    stack.pop();
                } else if c == '\n' {
                    if let Some(Frame::Heredoc(marker)) = stack.last() {
                        if let Some(end) = heredoc_end(rest.get(1..).unwrap_or(""), marker) {
                            step += end;
                            stack.pop();
                        }
                    }
                }
            }
        }
        if depth > MAX_NESTING {
            return Some(offset);
        }
        rest = rest.get(step..).unwrap_or("");
    }
    None
}

/// Facts from a Terraform file. Its environment comes from its name or folder (`prod.tfvars`,
/// `env/prod/main.tf`), inferred later by the inventory.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let index = LineIndex::new(text);
    let mut out = FileFacts::default();
    if let Some(offset) = too_deep(text) {
        let (line, column) = index.position(offset);
        out.parse_error(
            path,
            Some(line),
            Some(column),
            &format!("nested deeper than {MAX_NESTING} levels; the file was not read"),
        );
        return out;
    }
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(error) => {
            let (line, column) = index.position(error.location().offset());
            // `message()` is the parser's description; `Display` would quote the source line.
            out.parse_error(
                path,
                Some(line),
                Some(column),
                &format!("invalid HCL: {}", error.message()),
            );
            return out;
        }
    };
    let mut walker = Walker {
        path,
        text,
        index,
        facts: Vec::new(),
    };
    walker.body(&body, &mut Vec::new());
    out.facts = walker.facts;
    resolve_key_vault_data(&mut out.facts, &key_vault_secrets(&body, text));
    out.facts
        .sort_by_key(|f| (f.location.line, f.location.column));
    out
}

/// Walks a Terraform body, collecting credential facts.
struct Walker<'a> {
    path: &'a str,
    text: &'a str,
    index: LineIndex<'a>,
    facts: Vec<Fact>,
}

impl Walker<'_> {
    /// Attributes and nested blocks of a body, under `parents`.
    fn body(&mut self, body: &Body, parents: &mut Vec<String>) {
        for attribute in body.attributes() {
            self.value(parents, attribute.key.as_str(), &attribute.value);
        }
        for block in body.blocks() {
            self.block(block, parents);
        }
    }

    /// A block: `variable` and `output` have their own meaning; any other block is a section
    /// named by its type and labels.
    fn block(&mut self, block: &Block, parents: &mut Vec<String>) {
        let ident = block.ident.as_str();
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        match (ident, labels.as_slice()) {
            ("output", _) => return,
            ("variable", [name]) => {
                if let Some(default) = block.body.get_attribute("default") {
                    parents.push(ident.to_string());
                    self.value(parents, name, &default.value);
                    parents.pop();
                }
                return;
            }
            _ => {}
        }
        let depth = parents.len();
        parents.push(ident.to_string());
        parents.extend(labels.iter().map(|l| l.to_string()));
        if let Some((name, value)) =
            named_value(|key| block.body.get_attribute(key).map(|a| &a.value))
        {
            self.value(parents, &name, value);
        }
        self.body(&block.body, parents);
        parents.truncate(depth);
    }

    /// A keyed value: literals and expressions become facts when the key names a field; maps
    /// and lists are walked.
    fn value(&mut self, parents: &mut Vec<String>, key: &str, expr: &Expression) {
        match expr {
            Expression::Object(object) => {
                parents.push(key.to_string());
                self.object(object, parents);
                parents.pop();
            }
            Expression::Array(array) => {
                for (i, element) in array.iter().enumerate() {
                    if let Expression::Object(object) = element {
                        parents.push(key.to_string());
                        parents.push(i.to_string());
                        self.object(object, parents);
                        parents.truncate(parents.len().saturating_sub(2));
                    } else {
                        self.value(parents, key, element);
                    }
                }
            }
            // No credential is a number, a boolean or null.
            Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) => {}
            _ => self.leaf(parents, key, expr),
        }
    }

    /// The entries of a map, and its name/value pair if it is one.
    fn object(&mut self, object: &Object, parents: &mut Vec<String>) {
        if let Some((name, value)) = named_value(|key| object_get(object, key)) {
            self.value(parents, &name, value);
        }
        for (key, value) in object.iter() {
            if let Some(key) = object_key(key) {
                self.value(parents, &key, value.expr());
            }
        }
    }

    /// A scalar value under a key that may name a credential field.
    fn leaf(&mut self, parents: &[String], key: &str, expr: &Expression) {
        let parent_refs: Vec<&str> = parents.iter().map(String::as_str).collect();
        let Some(field) = keys::field_for_key(&parent_refs, key) else {
            return;
        };
        let Some(span) = expr.span() else { return };
        match literal(self.text, expr) {
            Some((value, start)) => {
                let (line, column) = self.index.position(start);
                let end = match expr {
                    Expression::String(_) => Some(span.end.saturating_sub(1)),
                    _ => None,
                };
                if is_inline_certificate(field, key) {
                    if let Some(value) = super::appsettings::certificate_content_value(&value) {
                        self.push(field, value, start, end);
                    }
                    return;
                }
                let entry = Entry {
                    parents: parents.to_vec(),
                    key: key.to_string(),
                    value,
                    line,
                    column,
                };
                for mut fact in
                    facts_from_entries(self.path, SOURCE, None, std::slice::from_ref(&entry))
                {
                    if let Some(end) = end.and_then(|e| self.end_column(start, e)) {
                        fact.location.end_column = Some(end);
                    }
                    self.facts.push(fact);
                }
            }
            None => {
                let (start, end) = reference_span(expr, span.clone());
                let name = reference_name(self.text.get(start..end).unwrap_or(""));
                if name.is_empty() {
                    return;
                }
                let value = FactValue::Reference {
                    kind: "terraform".to_string(),
                    name,
                };
                // A template's value starts inside its quotes.
                let (start, end) = match expr {
                    Expression::StringTemplate(_)
                        if start == span.start && start < end.saturating_sub(1) =>
                    {
                        (start + 1, end - 1)
                    }
                    _ => (start, end),
                };
                self.push(field, value, start, Some(end));
            }
        }
    }

    /// Records a fact built here (references, inline certificates).
    fn push(&mut self, field: Field, value: FactValue, start: usize, end: Option<usize>) {
        let (line, column) = self.index.position(start);
        let mut location = Location::file(self.path, line, column);
        location.end_column = end.and_then(|e| self.end_column(start, e));
        self.facts.push(Fact {
            environment: None,
            field,
            value,
            location,
            source: SOURCE.to_string(),
        });
    }

    /// The end column of `start..end` when both lie on the same line.
    fn end_column(&self, start: usize, end: usize) -> Option<u32> {
        let (line, _) = self.index.position(start);
        let (end_line, end_column) = self.index.position(end);
        (line == end_line).then_some(end_column)
    }
}

/// `data "azurerm_key_vault_secret" "<label>"` blocks whose secret name and vault are literals
/// in this file (the vault as a literal resource id, or as `data.azurerm_key_vault.<l>.id` of a
/// `data "azurerm_key_vault"` with a literal `name`): label → the Key Vault reference text.
/// The azurerm provider's cloud is not read: the public cloud's vault host is assumed.
fn key_vault_secrets(body: &Body, text: &str) -> HashMap<String, String> {
    let data = |kind: &'static str| {
        body.blocks().filter_map(move |b| {
            let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
            match (b.ident.as_str(), labels.as_slice()) {
                ("data", [k, label]) if *k == kind => Some((label.to_string(), b)),
                _ => None,
            }
        })
    };
    let attr = |b: &Block, key: &str| {
        b.body
            .get_attribute(key)
            .and_then(|a| literal(text, &a.value))
            .map(|(v, _)| v)
    };
    let vaults: HashMap<String, String> = data("azurerm_key_vault")
        .filter_map(|(label, b)| Some((label, attr(b, "name")?)))
        .collect();
    data("azurerm_key_vault_secret")
        .filter_map(|(label, b)| {
            let name = attr(b, "name")?;
            let id = b.body.get_attribute("key_vault_id")?;
            let vault = match literal(text, &id.value) {
                Some((id, _)) => id
                    .rsplit_once("/providers/Microsoft.KeyVault/vaults/")
                    .map(|(_, v)| v.trim_end_matches('/').to_string())?,
                None => {
                    let span = id.value.span()?;
                    let written = text.get(span)?.trim();
                    let l = written
                        .strip_prefix("data.azurerm_key_vault.")?
                        .strip_suffix(".id")?;
                    vaults.get(l)?.clone()
                }
            };
            Some((label, format!("VaultName={vault};SecretName={name}")))
        })
        .collect()
}

/// Turns `data.azurerm_key_vault_secret.<label>.value` references into Key Vault references.
fn resolve_key_vault_data(facts: &mut [Fact], secrets: &HashMap<String, String>) {
    for fact in facts.iter_mut() {
        let FactValue::Reference { kind, name } = &fact.value else {
            continue;
        };
        let label = name
            .strip_prefix("data.azurerm_key_vault_secret.")
            .and_then(|n| n.strip_suffix(".value"));
        if let (true, Some(reference)) = (kind == "terraform", label.and_then(|l| secrets.get(l))) {
            fact.value = FactValue::Reference {
                kind: "key-vault".into(),
                name: reference.clone(),
            };
        }
    }
}

/// The value of a literal string (quoted, or a heredoc without interpolation) and the byte
/// offset of its first character; `None` for anything Terraform computes.
fn literal(text: &str, expr: &Expression) -> Option<(String, usize)> {
    match expr {
        Expression::String(s) => Some((s.value().to_string(), s.span()?.start + 1)),
        Expression::HeredocTemplate(heredoc) => {
            let value = literal_template(&heredoc.template)?;
            let start = heredoc.template.span()?.start;
            // `<<-` heredocs are dedented: the value starts after the stripped indentation.
            let blanks = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
            let first_line = text
                .get(start..)
                .and_then(|t| t.lines().next())
                .unwrap_or("");
            let stripped = blanks(first_line).saturating_sub(blanks(&value));
            Some((value, start + stripped))
        }
        Expression::StringTemplate(template) => {
            let value = literal_template(template)?;
            Some((value, template.span()?.start + 1))
        }
        _ => None,
    }
}

/// The text of a template made of literal parts only.
fn literal_template(template: &Template) -> Option<String> {
    let mut out = String::new();
    for element in template.iter() {
        match element {
            Element::Literal(text) => out.push_str(text.value()),
            Element::Interpolation(_) | Element::Directive(_) => return None,
        }
    }
    Some(out)
}

/// Where a computed value's reference text lies: the expression inside `"${…}"`, the whole
/// expression otherwise (a template with its quotes, so that its literal parts get masked).
fn reference_span(expr: &Expression, span: Range<usize>) -> (usize, usize) {
    match expr {
        Expression::StringTemplate(template) => match template.as_single_element() {
            Some(Element::Interpolation(interpolation)) => interpolation
                .expr
                .span()
                .map_or((span.start, span.end), |s| (s.start, s.end)),
            _ => (span.start, span.end),
        },
        _ => (span.start, span.end),
    }
}

/// A reference's printable name: the source text with blanks collapsed, string literal
/// contents masked (interpolations kept) and the length capped.
fn reference_name(source: &str) -> String {
    let masked = mask_string_literals(source);
    let collapsed: String = masked.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > MAX_REFERENCE_CHARS {
        let cut: String = collapsed.chars().take(MAX_REFERENCE_CHARS).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

/// Replaces the literal text inside `"…"` strings with `…`, keeping `${…}` / `%{…}`
/// interpolations (whose own strings are masked in turn); a heredoc body is dropped.
fn mask_string_literals(source: &str) -> String {
    /// Where the scanner is.
    #[derive(Clone, Copy)]
    enum State {
        /// Expression text; the number is the `{` depth inside an interpolation (0 outside).
        Code(u32),
        /// Inside a quoted string; whether literal text awaits its `…`.
        Str(bool),
    }
    let mut out = String::with_capacity(source.len());
    let mut stack = vec![State::Code(0)];
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(&state) = stack.last() else { break };
        let next = match state {
            State::Code(depth) => match c {
                '"' => {
                    out.push('"');
                    stack.push(State::Str(false));
                    continue;
                }
                '}' if depth == 1 && stack.len() > 1 => {
                    out.push('}');
                    stack.pop();
                    continue;
                }
                '<' if chars.peek() == Some(&'<') => {
                    out.push_str("<<…");
                    break;
                }
                '{' => {
                    out.push(c);
                    State::Code(depth + 1)
                }
                '}' => {
                    out.push(c);
                    State::Code(depth.saturating_sub(1))
                }
                _ => {
                    out.push(c);
                    State::Code(depth)
                }
            },
            State::Str(pending) => match c {
                '\\' => {
                    chars.next();
                    State::Str(true)
                }
                '"' => {
                    if pending {
                        out.push('…');
                    }
                    out.push('"');
                    stack.pop();
                    continue;
                }
                '$' | '%' if chars.peek() == Some(&'{') => {
                    chars.next();
                    if pending {
                        out.push('…');
                    }
                    out.push(c);
                    out.push('{');
                    if let Some(top) = stack.last_mut() {
                        *top = State::Str(false);
                    }
                    stack.push(State::Code(1));
                    continue;
                }
                _ => State::Str(true),
            },
        };
        if let Some(top) = stack.last_mut() {
            *top = next;
        }
    }
    if let Some(State::Str(true)) = stack.last() {
        out.push('…');
    }
    out
}

/// `name = "X"` with `value` or `secret_value` beside it: the value named `X`.
fn named_value<'e>(
    get: impl Fn(&str) -> Option<&'e Expression>,
) -> Option<(String, &'e Expression)> {
    let name = match get("name")? {
        Expression::String(s) => s.value().to_string(),
        _ => return None,
    };
    let value = get("value").or_else(|| get("secret_value"))?;
    Some((name, value))
}

/// The value of an object entry keyed `key` (identifier or string key).
fn object_get<'o>(object: &'o Object, key: &str) -> Option<&'o Expression> {
    object
        .iter()
        .find(|(k, _)| object_key(k).as_deref() == Some(key))
        .map(|(_, v)| v.expr())
}

/// An object key as text: identifiers and literal strings (`"AZURE_CLIENT_ID" = …`).
fn object_key(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
        ObjectKey::Expression(_) => None,
    }
}

/// `client_certificate` in the azurerm/azuread providers is the base64 PFX itself, which holds
/// the private key; paths and thumbprints are not secret.
fn is_inline_certificate(field: Field, key: &str) -> bool {
    field == Field::Certificate && keys::normalize(key).ends_with("clientcertificate")
}

#[cfg(test)]
mod tests;
