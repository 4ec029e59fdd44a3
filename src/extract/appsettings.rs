//! `appsettings.json`, `appsettings.<Env>.json`, Azure Functions `local.settings.json` and other
//! JSON configuration, read the way ASP.NET Core's JSON configuration provider reads them.
//!
//! ASP.NET accepts comments and trailing commas, so the file is parsed with `jsonc-parser`
//! (dprint's JSONC parser, whose AST keeps byte ranges and which refuses nesting deeper than 512
//! levels with an error instead of overflowing the stack). Then the document is flattened the
//! way .NET flattens it: every string value gets a configuration path (`AzureAd:ClientId`),
//! keys written with `:` (and, in `local.settings.json` `Values`, with `__`) are split into
//! sections, paths compare case-insensitively and a repeated path keeps its last value. Only the
//! effective value of a setting becomes a fact.
//!
//! On top of the alias table, four Microsoft.Identity.Web conventions are understood:
//! - `ClientCredentials` (and the older `ClientCertificates`) arrays: each entry's `SourceType`
//!   says which of its keys is the credential (`ClientSecret`, a Key Vault certificate, a
//!   certificate by thumbprint, distinguished name, path or inline base64 content).
//! - `Instance` with a `TenantId` (or `Domain`) in the same section is the authority the library
//!   signs in against, so the authority fact is the joined URL, placed at the `Instance` value.
//! - `CallbackPath` is relative; when the file states the app's public base URL the redirect URI
//!   fact is the absolute URL, otherwise the path as written (the host then comes from the
//!   request at run time, which a file cannot tell).
//! - Managed-identity client ids inside credential descriptions are not the app's client id and
//!   are left out (as is `SignedOutCallbackPath`, which the alias table excludes).

use super::offsets::LineIndex;
use super::{fact_value, facts_from_entries, json_syntax, keys, value, Entry, FileFacts};
use crate::model::{Fact, FactValue, Field, Location};
use crate::secret::SecretValue;
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};
use std::borrow::Cow;
use std::collections::HashMap;

/// The extractor's name in `Fact::source`.
const SOURCE: &str = "appsettings";

/// Keys (normalised) whose value is the app's public base URL.
const PUBLIC_URL_KEYS: &[&str] = &[
    "appurl",
    "baseurl",
    "applicationurl",
    "publicurl",
    "appbaseurl",
    "publicbaseurl",
];

/// Facts from a JSON configuration file. Its environment comes from its name
/// (`appsettings.Production.json`) or folder, inferred later by the inventory.
pub fn extract(path: &str, text: &str) -> FileFacts {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let out = FileFacts::default();
    let error = match parse(text) {
        Ok(result) => return read(path, text, result.value.as_ref(), out),
        Err(error) => error,
    };
    // Name the mistake where it is, and read what was written before it: the settings there
    // still describe the environment. The prefix is the file's own first bytes (closed), so
    // its positions are the file's.
    let mistake = json_syntax::diagnose(text, &error);
    let prefix = json_syntax::readable_prefix(text, mistake.offset, |t| parse(t).is_ok());
    let parsed = prefix.as_deref().and_then(|p| parse(p).ok());
    let mut out = read(
        path,
        text,
        parsed.as_ref().and_then(|r| r.value.as_ref()),
        out,
    );
    // From the byte offset, as for values: the parser's own line count also breaks at a lone
    // `\r`, which would place the note past the end of the file.
    let (line, column) = LineIndex::new(text).position(mistake.offset);
    out.parse_error(path, Some(line), Some(column), &mistake.why);
    out
}

/// Parses JSON the way ASP.NET Core reads it: comments and trailing commas accepted.
fn parse(text: &str) -> Result<jsonc_parser::ParseResult<'_>, jsonc_parser::errors::ParseError> {
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_extended_string_escapes: false,
        ..ParseOptions::default()
    };
    parse_to_ast(text, &CollectOptions::default(), &options)
}

/// The facts of a parsed document (or of the part before a syntax error).
fn read(path: &str, text: &str, root: Option<&Value<'_>>, mut out: FileFacts) -> FileFacts {
    let Some(root) = root else {
        return out;
    };
    let mut walker = Walker {
        index: LineIndex::new(text),
        split_double_underscore: is_local_settings(path),
        stack: Vec::new(),
        settings: Vec::new(),
        seen: HashMap::new(),
    };
    walker.value(root);
    out.facts = facts_from_settings(path, &walker.settings);
    out.facts
        .sort_by_key(|f| (f.location.line, f.location.column));
    out
}

/// Azure Functions' local settings, whose `Values` become environment variables (`__` is `:`).
fn is_local_settings(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.eq_ignore_ascii_case("local.settings.json")
}

/// One effective string setting, with its configuration path and the span of its value.
struct Setting {
    /// Configuration path segments as written (array indices as numbers).
    path: Vec<String>,
    /// The value with escapes resolved.
    value: String,
    /// 1-based line of the value's first character.
    line: u32,
    /// 1-based column of the value's first character (inside the quotes).
    column: u32,
    /// 1-based column just past the value (before the closing quote).
    end_column: u32,
}

impl Setting {
    /// `(parents, key)`: an array element is named by its array (`Scopes: ["a"]`).
    fn parents_and_key(&self) -> (&[String], &str) {
        let split = match self.path.split_last() {
            Some((last, rest)) if is_index(last) => rest.split_last(),
            other => other,
        };
        match split {
            Some((key, parents)) => (parents, key.as_str()),
            None => (&[], ""),
        }
    }

    /// Lower-cased path of the section holding this setting, the key for sibling look-ups.
    fn section(&self) -> String {
        let (parents, _) = self.parents_and_key();
        lower_path(parents)
    }

    /// The normalised key (`clientid` for `ClientId`).
    fn normalized_key(&self) -> String {
        keys::normalize(self.parents_and_key().1)
    }
}

/// Flattens the JSON tree into the settings that can matter for credentials.
struct Walker<'t, 'a> {
    index: LineIndex<'t>,
    split_double_underscore: bool,
    stack: Vec<Cow<'a, str>>,
    settings: Vec<Setting>,
    /// Lower-cased full path → index in `settings`, so a repeated path keeps its last value.
    seen: HashMap<String, usize>,
}

impl<'t, 'a> Walker<'t, 'a> {
    /// Visits a value. Depth is bounded by the parser (512 levels).
    fn value(&mut self, node: &'a Value<'a>) {
        match node {
            Value::Object(object) => {
                for prop in &object.properties {
                    let name: &'a str = match &prop.name {
                        ObjectPropName::String(lit) => &lit.value,
                        ObjectPropName::Word(word) => word.value,
                    };
                    let depth = self.stack.len();
                    let in_values = self.split_double_underscore
                        && depth == 1
                        && self
                            .stack
                            .first()
                            .is_some_and(|s| s.eq_ignore_ascii_case("values"));
                    for segment in name.split(':') {
                        if in_values {
                            self.stack.extend(segment.split("__").map(Cow::Borrowed));
                        } else {
                            self.stack.push(Cow::Borrowed(segment));
                        }
                    }
                    self.value(&prop.value);
                    self.stack.truncate(depth);
                }
            }
            Value::Array(array) => {
                for (i, element) in array.elements.iter().enumerate() {
                    self.stack.push(Cow::Owned(i.to_string()));
                    self.value(element);
                    self.stack.pop();
                }
            }
            Value::StringLit(lit) => self.string(&lit.value, lit.range.start, lit.range.end),
            // Ids, secrets and URLs are strings; numbers, booleans and null carry none.
            _ => {}
        }
    }

    /// Records a string value when its path can matter; `start..end` includes the quotes.
    fn string(&mut self, text: &str, start: usize, end: usize) {
        if !self.relevant() {
            return;
        }
        let (line, column) = self.index.position(start + 1);
        let (end_line, end_column) = self.index.position(end.saturating_sub(1).max(start + 1));
        // A string that runs onto further lines (jsonc-parser accepts a raw line break) ends,
        // for a one-line span, where its first line does.
        let end_column = if end_line == line {
            end_column
        } else {
            let first = text.split('\n').next().unwrap_or("").chars().count();
            column.saturating_add(u32::try_from(first).unwrap_or(u32::MAX))
        };
        let setting = Setting {
            path: self.stack.iter().map(|s| s.to_string()).collect(),
            value: text.to_string(),
            line,
            column,
            end_column,
        };
        let full = lower_path(&setting.path);
        match self.seen.get(&full) {
            Some(&i) => {
                if let Some(slot) = self.settings.get_mut(i) {
                    *slot = setting;
                }
            }
            None => {
                self.seen.insert(full, self.settings.len());
                self.settings.push(setting);
            }
        }
    }

    /// Whether the current path names a credential, a credential description entry or a base
    /// URL; everything else is dropped before any allocation.
    fn relevant(&self) -> bool {
        if credential_group(&self.stack).is_some() {
            return true;
        }
        let (parents, key) = match self.stack.split_last() {
            Some((last, rest)) if is_index(last) => match rest.split_last() {
                Some((key, parents)) => (parents, key),
                None => return false,
            },
            Some((key, parents)) => (parents, key),
            None => return false,
        };
        let normalized = keys::normalize(key);
        if vault_setting(parents.last().map(|p| p.as_ref()), key) {
            return true;
        }
        if PUBLIC_URL_KEYS.contains(&normalized.as_str())
            || (parents.is_empty() && normalized == "urls")
            || is_kestrel_url(&self.stack)
        {
            return true;
        }
        let parents: Vec<&str> = parents.iter().map(|p| p.as_ref()).collect();
        keys::field_for_key(&parents, key).is_some()
    }
}

/// `Kestrel:Endpoints:<name>:Url`, a bind address.
fn is_kestrel_url<S: AsRef<str>>(path: &[S]) -> bool {
    match path {
        [kestrel, endpoints, _, url] => {
            kestrel.as_ref().eq_ignore_ascii_case("kestrel")
                && endpoints.as_ref().eq_ignore_ascii_case("endpoints")
                && url.as_ref().eq_ignore_ascii_case("url")
        }
        _ => false,
    }
}

/// The prefix naming one credential description (`AzureAd:ClientCredentials:0`), if the path
/// lies inside one.
fn credential_group<S: AsRef<str>>(path: &[S]) -> Option<usize> {
    path.windows(2)
        .position(|pair| match pair {
            [name, index] => {
                let name = name.as_ref();
                (name.eq_ignore_ascii_case("clientcredentials")
                    || name.eq_ignore_ascii_case("clientcertificates"))
                    && is_index(index.as_ref())
            }
            _ => false,
        })
        .map(|i| i + 2)
}

/// An array index segment.
fn is_index(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
}

/// Segments joined with `:`, lower-cased: .NET compares configuration keys case-insensitively.
fn lower_path<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&s.as_ref().to_lowercase());
    }
    out
}

/// Turns the effective settings into facts.
fn facts_from_settings(path: &str, settings: &[Setting]) -> Vec<Fact> {
    let mut sections: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in settings.iter().enumerate() {
        sections.entry(s.section()).or_default().push(i);
    }
    let mut groups: Vec<Vec<&Setting>> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let mut facts = Vec::new();
    for setting in settings {
        if let Some(end) = credential_group(&setting.path) {
            let prefix = lower_path(setting.path.get(..end).unwrap_or(&[]));
            let next = groups.len();
            let at = *group_of.entry(prefix).or_insert(next);
            match groups.get_mut(at) {
                Some(members) => members.push(setting),
                None => groups.push(vec![setting]),
            }
            continue;
        }
        let (parents, key) = setting.parents_and_key();
        let parent_refs: Vec<&str> = parents.iter().map(String::as_str).collect();
        let Some(field) = keys::field_for_key(&parent_refs, key) else {
            continue;
        };
        let normalized = setting.normalized_key();
        let siblings = || {
            sections
                .get(&setting.section())
                .into_iter()
                .flatten()
                .filter_map(|&i| settings.get(i))
        };
        let effective = match field {
            Field::Authority if normalized == "instance" => {
                authority_with_tenant(&setting.value, siblings())
            }
            Field::RedirectUri if normalized.ends_with("callbackpath") => {
                absolute_redirect(&setting.value, siblings(), settings)
            }
            _ => None,
        };
        let entry = Entry {
            parents: parents.to_vec(),
            key: key.to_string(),
            value: effective.unwrap_or_else(|| setting.value.clone()),
            line: setting.line,
            column: setting.column,
        };
        for mut fact in facts_from_entries(path, SOURCE, None, std::slice::from_ref(&entry)) {
            fact.location.end_column = Some(setting.end_column);
            facts.push(fact);
        }
    }
    for members in &groups {
        facts.extend(credential_description(path, members));
    }
    facts.extend(key_vault_provider_secret(path, settings, &facts));
    facts
}

/// Keys (normalised, the parent's name joined to the key's) that name the vault the ASP.NET
/// Key Vault configuration provider loads (`KeyVaultName`, `KeyVault:VaultUri`,
/// `AzureKeyVault:Endpoint`, …).
const VAULT_KEYS: &[&str] = &[
    "keyvaultname",
    "keyvaulturi",
    "keyvaulturl",
    "keyvaultendpoint",
    "keyvaultvaultname",
    "keyvaultvaulturi",
    "keyvaultvaulturl",
    "azurekeyvaultname",
    "azurekeyvaulturi",
    "azurekeyvaulturl",
    "azurekeyvaultendpoint",
    "azurekeyvaultvaulturi",
    "azurekeyvaultvaultname",
];

/// Whether `parent:key` names the provider's vault.
fn vault_setting(parent: Option<&str>, key: &str) -> bool {
    let own = keys::normalize(key);
    let joined = format!("{}{own}", parent.map(keys::normalize).unwrap_or_default());
    VAULT_KEYS.contains(&own.as_str()) || VAULT_KEYS.contains(&joined.as_str())
}

/// The ASP.NET Key Vault configuration provider: a file that names a vault (a literal name or
/// URI) and configures an app (`AzureAd:ClientId`) without a client secret of its own gets its
/// secret from the vault, named after the configuration key with `--` for `:`
/// (`AzureAd--ClientSecret`). The fact sits on the vault setting.
fn key_vault_provider_secret(path: &str, settings: &[Setting], facts: &[Fact]) -> Option<Fact> {
    if facts
        .iter()
        .any(|f| matches!(f.field, Field::ClientSecret | Field::Certificate))
    {
        return None;
    }
    let vault = settings.iter().find(|s| {
        credential_group(&s.path).is_none()
            && vault_setting(
                s.parents_and_key().0.last().map(String::as_str),
                s.parents_and_key().1,
            )
            && value::classify(&s.value) == value::ValueKind::Literal
    })?;
    let client = settings.iter().find(|s| {
        let (parents, key) = s.parents_and_key();
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        credential_group(&s.path).is_none()
            && keys::field_for_key(&parents, key) == Some(Field::ClientId)
    })?;
    let (parents, _) = client.parents_and_key();
    let key_path = parents
        .iter()
        .map(String::as_str)
        .chain(["ClientSecret"])
        .collect::<Vec<_>>()
        .join(":");
    let name = super::keyvault::aspnet_secret_name(&key_path);
    // A vault the allow-list refuses is kept as written, so the dry-run refuses it with the
    // reason.
    let text = super::keyvault::derived_in_vault(&vault.value, &name);
    Some(Fact {
        environment: None,
        field: Field::ClientSecret,
        value: FactValue::Reference {
            kind: "key-vault".into(),
            name: text,
        },
        location: Location::file(path, vault.line, vault.column).with_end_column(vault.end_column),
        source: SOURCE.to_string(),
    })
}

/// `Instance` joined with the section's `TenantId` (or `Domain`) when both are literal.
fn authority_with_tenant<'s>(
    instance: &str,
    mut siblings: impl Iterator<Item = &'s Setting> + Clone,
) -> Option<String> {
    let tenant = siblings
        .clone()
        .find(|s| s.normalized_key() == "tenantid")
        .or_else(|| siblings.find(|s| s.normalized_key() == "domain"))?;
    let literal = |v: &str| value::classify(v) == value::ValueKind::Literal;
    if !literal(instance) || !literal(&tenant.value) || !is_bare_host_url(instance) {
        return None;
    }
    Some(format!(
        "{}/{}",
        instance.trim().trim_end_matches('/'),
        tenant.value.trim().trim_matches('/')
    ))
}

/// An `http(s)` URL with no path: an `Instance` that already names a tenant is left alone.
fn is_bare_host_url(url: &str) -> bool {
    let url = url.trim();
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or("", |(_, path)| path);
    host_of(url).is_some() && path.trim_matches('/').is_empty()
}

/// A relative `CallbackPath` joined with the app's base URL, when the file gives one: a
/// public-URL key in the same section or at the top level first, then a concrete bind address
/// from `urls` or `Kestrel:Endpoints:*:Url`. Public-URL keys in other sections are not used
/// (`DownstreamApi:BaseUrl` is another service's URL), nor are wildcard or loopback bind
/// addresses (an app behind a proxy binds to `localhost` but is reached on its public host).
fn absolute_redirect<'s>(
    callback: &str,
    siblings: impl Iterator<Item = &'s Setting>,
    all: &'s [Setting],
) -> Option<String> {
    let callback = callback.trim();
    if value::classify(callback) != value::ValueKind::Literal || callback.contains("://") {
        return None;
    }
    let public = |s: &&Setting| PUBLIC_URL_KEYS.contains(&s.normalized_key().as_str());
    let base = siblings
        .filter(public)
        .find_map(|s| public_url(&s.value))
        .or_else(|| {
            all.iter()
                .filter(|s| s.parents_and_key().0.is_empty())
                .filter(public)
                .find_map(|s| public_url(&s.value))
        })
        .or_else(|| {
            all.iter()
                .filter(|s| {
                    (s.path.len() == 1 && s.normalized_key() == "urls") || is_kestrel_url(&s.path)
                })
                .find_map(|s| bind_url(&s.value))
        })?;
    Some(format!(
        "{}/{}",
        base.trim_end_matches('/'),
        callback.trim_start_matches('/')
    ))
}

/// An absolute `http(s)` URL given as the app's address, loopback included (a production app
/// configured with a `localhost` URL is exactly what `redirect-uri-mismatch` looks for).
fn public_url(raw: &str) -> Option<&str> {
    let url = raw.trim();
    (value::classify(url) == value::ValueKind::Literal && host_of(url).is_some()).then_some(url)
}

/// The best concrete address of a `;`-separated bind list: https first, skipping wildcard and
/// loopback hosts.
fn bind_url(raw: &str) -> Option<&str> {
    let concrete: Vec<&str> = raw
        .split(';')
        .map(str::trim)
        .filter(|u| host_of(u).is_some_and(|h| !is_wildcard_or_loopback(h)))
        .collect();
    concrete
        .iter()
        .find(|u| u.to_ascii_lowercase().starts_with("https://"))
        .or(concrete.first())
        .copied()
}

/// The host of an `http(s)://` URL, without port or brackets.
fn host_of(url: &str) -> Option<&str> {
    let lower_scheme = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower_scheme.starts_with("https://") {
        url.get(8..)?
    } else if lower_scheme.starts_with("http://") {
        url.get(7..)?
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    (!host.is_empty()).then_some(host)
}

/// Bind-all and loopback hosts, which say nothing about the address users reach.
fn is_wildcard_or_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    matches!(
        host.as_str(),
        "*" | "+" | "0.0.0.0" | "::" | "localhost" | "::1"
    ) || host.starts_with("127.")
        || host.ends_with(".localhost")
}

/// How a credential description presents its credential (`SourceType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceType {
    ClientSecret,
    KeyVault,
    Thumbprint,
    DistinguishedName,
    Path,
    Base64,
    /// Managed identity, signed assertions, token decrypt keys: no app credential to compare.
    NotACredential,
}

/// `SourceType` as written (matched case-insensitively, as .NET binds enums), or inferred from
/// the keys present when it is missing or not one Microsoft.Identity.Web defines.
fn source_type(members: &HashMap<String, &Setting>) -> Option<SourceType> {
    let written = members.get("sourcetype").map(|s| keys::normalize(&s.value));
    let known = match written.as_deref() {
        Some("clientsecret") => Some(SourceType::ClientSecret),
        Some("keyvault") => Some(SourceType::KeyVault),
        Some("storewiththumbprint") => Some(SourceType::Thumbprint),
        Some("storewithdistinguishedname") => Some(SourceType::DistinguishedName),
        Some("path") => Some(SourceType::Path),
        Some("base64encoded") => Some(SourceType::Base64),
        Some(
            "signedassertionfrommanagedidentity"
            | "signedassertionfilepath"
            | "signedassertionfromvault"
            | "customsignedassertion"
            | "autodecryptkeys",
        ) => Some(SourceType::NotACredential),
        _ => None,
    };
    known.or_else(|| {
        [
            ("clientsecret", SourceType::ClientSecret),
            ("keyvaultcertificatename", SourceType::KeyVault),
            ("certificatethumbprint", SourceType::Thumbprint),
            ("certificatediskpath", SourceType::Path),
            (
                "certificatedistinguishedname",
                SourceType::DistinguishedName,
            ),
            ("base64encodedvalue", SourceType::Base64),
        ]
        .into_iter()
        .find_map(|(key, kind)| members.contains_key(key).then_some(kind))
    })
}

/// The credential fact of one `ClientCredentials` entry.
fn credential_description(path: &str, members: &[&Setting]) -> Option<Fact> {
    let by_key: HashMap<String, &Setting> =
        members.iter().map(|s| (s.normalized_key(), *s)).collect();
    let get = |key: &str| by_key.get(key).copied();
    let (field, setting, value) = match source_type(&by_key)? {
        SourceType::ClientSecret => {
            let s = get("clientsecret")?;
            (
                Field::ClientSecret,
                s,
                fact_value(Field::ClientSecret, &s.value)?,
            )
        }
        SourceType::KeyVault => {
            let url = get("keyvaulturl").filter(|s| !s.value.trim().is_empty());
            let name = get("keyvaultcertificatename").filter(|s| !s.value.trim().is_empty());
            let at = name.or(url)?;
            let reference = match (url, name) {
                (Some(u), Some(n)) => format!(
                    "{}/certificates/{}",
                    u.value.trim().trim_end_matches('/'),
                    n.value.trim()
                ),
                _ => at.value.trim().to_string(),
            };
            let value = FactValue::Reference {
                kind: "key-vault".to_string(),
                name: reference,
            };
            (Field::Certificate, at, value)
        }
        SourceType::Thumbprint => plain_certificate(get("certificatethumbprint")?)?,
        SourceType::DistinguishedName => plain_certificate(get("certificatedistinguishedname")?)?,
        SourceType::Path => plain_certificate(get("certificatediskpath")?)?,
        SourceType::Base64 => {
            let s = get("base64encodedvalue")?;
            (Field::Certificate, s, certificate_content_value(&s.value)?)
        }
        SourceType::NotACredential => return None,
    };
    Some(Fact {
        environment: None,
        field,
        value,
        location: Location::file(path, setting.line, setting.column)
            .with_end_column(setting.end_column),
        source: SOURCE.to_string(),
    })
}

/// A certificate named by thumbprint, distinguished name or path: not secret itself.
fn plain_certificate(setting: &Setting) -> Option<(Field, &Setting, FactValue)> {
    Some((
        Field::Certificate,
        setting,
        fact_value(Field::Certificate, &setting.value)?,
    ))
}

/// A certificate given inline (base64 PFX or PEM): the content holds the private key, so a
/// literal is kept as a secret; references stay references.
pub(crate) fn certificate_content_value(raw: &str) -> Option<FactValue> {
    match value::classify(raw) {
        value::ValueKind::Empty => None,
        value::ValueKind::Reference(r) => Some(FactValue::Reference {
            kind: r.kind.to_string(),
            name: r.name,
        }),
        value::ValueKind::Placeholder | value::ValueKind::Literal => {
            Some(FactValue::Secret(SecretValue::new(raw)))
        }
    }
}

#[cfg(test)]
mod tests;
