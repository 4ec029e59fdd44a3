//! Shapes of values that secret-like names are given but that are not credentials: code,
//! templates, patterns and identifiers with a public format. Each shape is data with the
//! values that prove it and the real-looking secrets it must leave alone, and a test runs
//! both, so the next false-positive class seen on a real repository is one entry here.

use super::filekind::FileKind;

/// One kind of value that is not a secret, whatever name it is assigned to.
pub struct Shape {
    /// What the value is, for tests and debugging.
    pub name: &'static str,
    /// Whether a (trimmed) value has this shape in a file of this kind.
    pub matches: fn(&str, FileKind) -> bool,
    /// Values seen assigned to secret-like names on real repositories that this shape covers.
    pub samples: &'static [&'static str],
    /// Random-looking values this shape must not cover.
    pub not: &'static [&'static str],
}

/// Secret-shaped values that must stay reportable by every entry.
const SECRETS: &[&str] = &[
    "J5q-8Nw.S0_kX3vRt7ZpL2mB9cYh4Gd1",
    "Xk9#mQ2vL7pZ",
    "Summer2024!xQ",
    "v25ZtWw87XOYwTWpaLCwgsAmTzxGD9UG",
    "GHMrFBAPreMBLzV2D_e~sd-pW6mq.x4Q-t",
    "Tq8vLm2Rx9Kp4Wz7Nc3Bj6Hf",
];

/// Every shape, in the order they are tried.
pub static SHAPES: &[Shape] = &[
    Shape {
        name: "call",
        matches: is_call,
        samples: &[
            "acquireTokenPopup()",
            "get_password()",
            "os.getenv(\"DB_PASSWORD\")",
        ],
        not: SECRETS,
    },
    Shape {
        name: "code fragment",
        matches: is_code_fragment,
        samples: &[
            "auth.Credentials{",
            "+cmd.Dir",
            "new Secret(",
            "&token",
            "!secret",
        ],
        not: SECRETS,
    },
    Shape {
        name: "variable expression",
        matches: is_variable_expression,
        samples: &[
            "$secret.SecretText",
            "$componentValue.Secrets}}",
            "$config['password']",
            "$this->token",
        ],
        not: SECRETS,
    },
    Shape {
        name: "template",
        matches: is_template,
        samples: &[
            "%{client_secret}",
            "%env.TEAMCITY_TOKEN%",
            "{{ .Values.x }}",
            "#{Secret}#",
            "acctest-ackey-%d",
            "prefix-%[1]s-key",
            "Bearer %s",
            "{secret_name}-value",
            "pre-${SECRET}",
            "a%APPDATA%b",
        ],
        not: SECRETS,
    },
    Shape {
        name: "variable interpolation",
        matches: is_interpolation,
        samples: &[
            "nobody:$AuthToken",
            "$firstPrefix`_$lastPrefix",
            "$EncodedHeader.$EncodedPayload",
            "$CI_COMMIT_REF_SLUG:$RUST_VERSION",
        ],
        not: SECRETS,
    },
    Shape {
        name: "regular expression",
        matches: is_pattern,
        samples: &[
            "|Authorization:\\s*Bearer\\s*)",
            "(?i)token[a-z0-9]{32}",
            "[A-Za-z0-9]{40}",
            "\\d{6}",
        ],
        not: SECRETS,
    },
    Shape {
        name: "public identifier",
        matches: is_public_identifier,
        samples: &[
            "B2C_1_reset_v3",
            "B2C_1A_signup_signin",
            "AADB2C90118",
            "AADSTS7000215",
            "arn:aws:iam::aws:policy/IAMUserChangePassword",
            "tagKeys/281480326968824",
        ],
        not: SECRETS,
    },
    Shape {
        name: "words run together",
        matches: has_long_word,
        samples: &["OAAsomethingencrypedQwgAA"],
        not: SECRETS,
    },
];

/// Whether `value` has any [`SHAPES`] entry's shape.
pub fn is_not_a_secret(value: &str, file: FileKind) -> bool {
    let v = value.trim();
    SHAPES.iter().any(|s| (s.matches)(v, file))
}

fn is_identifier_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Length of the identifier (`a_b1`) at the start of `bytes`, 0 when there is none.
fn identifier_len(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(b) if is_identifier_start(*b) => {
            bytes.iter().take_while(|b| is_identifier_byte(**b)).count()
        }
        _ => 0,
    }
}

/// A dotted name (`os.getenv`, `settings.secret`) as long as it runs from the start.
fn dotted_name_len(bytes: &[u8]) -> usize {
    let mut at = identifier_len(bytes);
    if at == 0 {
        return 0;
    }
    while bytes.get(at) == Some(&b'.') {
        let n = identifier_len(bytes.get(at + 1..).unwrap_or(&[]));
        if n == 0 {
            break;
        }
        at += 1 + n;
    }
    at
}

/// `name(…)`: a function or method call.
fn is_call(v: &str, _: FileKind) -> bool {
    let bytes = v.as_bytes();
    let name = dotted_name_len(bytes);
    name > 0 && bytes.get(name) == Some(&b'(') && v.ends_with(')')
}

/// A piece of code: a dotted name opening a block or call (`auth.Credentials{`), or an
/// operator applied to a name (`+cmd.Dir`, `&token`, `!secret`).
fn is_code_fragment(v: &str, _: FileKind) -> bool {
    let bytes = v.as_bytes();
    let name = dotted_name_len(bytes);
    if name > 0 && name + 1 == bytes.len() && matches!(bytes.last(), Some(b'{' | b'(' | b'[')) {
        return true;
    }
    if let Some(rest) = v.strip_prefix("new ") {
        return dotted_name_len(rest.as_bytes()) > 0;
    }
    match bytes.first() {
        Some(b'+' | b'&' | b'!' | b'*') => {
            let rest = bytes.get(1..).unwrap_or(&[]);
            let n = dotted_name_len(rest);
            n > 0 && n == rest.len()
        }
        _ => false,
    }
}

/// `$name` followed by member access, an index or a template's end: PHP, PowerShell, Perl
/// and Go-template expressions.
fn is_variable_expression(v: &str, _: FileKind) -> bool {
    let Some(rest) = v.strip_prefix('$') else {
        return false;
    };
    let n = identifier_len(rest.as_bytes());
    if n < 2 {
        return false;
    }
    let after = rest.get(n..).unwrap_or("");
    after.starts_with('.')
        || after.starts_with('[')
        || after.starts_with("->")
        || after.starts_with("}}")
}

/// A value with placeholders filled in elsewhere: `{{ x }}`, `${x}`, `#{x}`, `%{x}`, `}}`,
/// TeamCity's `%a.b%`, printf verbs (`%s`, `%d`, `%[1]s`) and Python's `{name}`.
fn is_template(v: &str, _: FileKind) -> bool {
    if ["{{", "}}", "${", "#{", "%{", "$("]
        .iter()
        .any(|m| v.contains(m))
    {
        return true;
    }
    let bytes = v.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let rest = bytes.get(i + 1..).unwrap_or(&[]);
        match b {
            b'%' => {
                // printf verbs: %s %d %v %q %x, optionally %[1]s.
                let verb = match rest.first() {
                    Some(b'[') => rest
                        .iter()
                        .position(|c| *c == b']')
                        .and_then(|j| rest.get(j + 1)),
                    other => other,
                };
                if matches!(verb, Some(b's' | b'd' | b'v' | b'q')) {
                    return true;
                }
                // %name% or %env.NAME%.
                let n = rest
                    .iter()
                    .take_while(|c| is_identifier_byte(**c) || **c == b'.')
                    .count();
                if n >= 3
                    && rest.get(n) == Some(&b'%')
                    && rest.first().is_some_and(|c| is_identifier_start(*c))
                {
                    return true;
                }
            }
            b'{' => {
                let n = identifier_len(rest);
                if n >= 2 && rest.get(n) == Some(&b'}') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A variable a shell or CI runner fills in: `$NAME` in capitals (`$CI_COMMIT_REF_SLUG`) or
/// `$Name` in PascalCase anywhere, which no generator writes into a secret; and any `$name`
/// in a shell-like language (PowerShell, sh, PHP, Perl), which expands it in double quotes.
fn is_interpolation(v: &str, file: FileKind) -> bool {
    let bytes = v.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        if *b != b'$' {
            return false;
        }
        let rest = bytes.get(i + 1..).unwrap_or(&[]);
        let n = identifier_len(rest);
        let capitals = rest
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        let capitalised = rest.first().is_some_and(u8::is_ascii_uppercase)
            && rest.get(1).is_some_and(u8::is_ascii_lowercase);
        n >= 2 && (file.interpolating || (capitalised && n >= 4) || capitals >= 3)
    })
}

/// A regular expression: escapes and constructs no generated secret contains.
fn is_pattern(v: &str, _: FileKind) -> bool {
    const MARKS: &[&str] = &[
        "(?", "\\s", "\\d", "\\w", "\\b", "\\.", "[a-z", "[A-Z", "[0-9", ".*", ".+", "]{", "]+",
        "]*",
    ];
    MARKS.iter().any(|m| v.contains(m))
}

/// Identifiers whose format is public: Azure AD B2C policy names (`B2C_1_…`, `B2C_1A_…`),
/// error codes (`AADB2C90118`, `AADSTS7000215`), AWS ARNs, and `kind/number` resource ids.
fn is_public_identifier(v: &str, _: FileKind) -> bool {
    let upper = v.to_ascii_uppercase();
    if upper.starts_with("B2C_1_") || upper.starts_with("B2C_1A_") || v.starts_with("arn:") {
        return true;
    }
    // A short code of capitals and digits that starts with a word and ends with a number:
    // an error or product code (`AADB2C90118`).
    let letters = v.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = v.bytes().rev().take_while(u8::is_ascii_digit).count();
    if v.len() <= 16
        && letters >= 3
        && digits >= 4
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return true;
    }
    // `tagKeys/281480326968824`: a collection name and a number.
    if let Some((kind, number)) = v.split_once('/') {
        return kind.len() >= 3
            && kind.bytes().all(|b| b.is_ascii_alphabetic())
            && number.len() >= 3
            && number.bytes().all(|b| b.is_ascii_digit());
    }
    false
}

/// Shortest run of lower-case letters that is taken for words run together, in a value that
/// also has capitals (random base62 has such a run in well under 1 % of 40-char values).
const WORD_RUN: usize = 10;

/// Mixed-case text holding a long run of lower-case letters: words, not randomness.
fn has_long_word(v: &str, _: FileKind) -> bool {
    if !v.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let mut run = 0;
    for b in v.bytes() {
        run = if b.is_ascii_lowercase() { run + 1 } else { 0 };
        if run >= WORD_RUN {
            return true;
        }
    }
    false
}

/// Passwords published as samples in docs and tutorials, matched after undoing the usual
/// letter-for-symbol swaps (`P@ssw0rd`, `4-v3ry-53cr37-p455w0rd`, `Ch4ngeM3!`).
const SAMPLE_PASSWORD_WORDS: &[&str] = &[
    "password", "passwd", "passw", "secret", "changeme", "letmein", "welcome", "qwerty", "qazwsx",
    "wsxedc", "asdfgh", "example", "sample",
];

/// Whether a password is one of the sample passwords documentation uses: a person's
/// time is better spent elsewhere, so the generic rule reports it as a note.
pub fn is_sample_password(v: &str) -> bool {
    let plain: String = v
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '$' | '5' => 's',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '7' => 't',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    let lower = v.to_ascii_lowercase();
    SAMPLE_PASSWORD_WORDS
        .iter()
        .any(|w| plain.contains(w) || lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_covers_its_samples_and_leaves_secrets_alone() {
        for shape in SHAPES {
            for sample in shape.samples {
                assert!(
                    (shape.matches)(sample, FileKind::of("eng/script.ps1")),
                    "{}: {sample}",
                    shape.name
                );
            }
            for secret in shape.not {
                assert!(
                    !(shape.matches)(secret, FileKind::of("eng/script.ps1")),
                    "{}: {secret}",
                    shape.name
                );
            }
        }
    }

    #[test]
    fn lower_case_interpolation_needs_a_shell() {
        let json = FileKind::of("appsettings.json");
        assert!(!is_interpolation("Xk9$mQ2vL7pZ", json));
        assert!(is_interpolation("Xk9$mQ2vL7pZ", FileKind::of("a.sh")));
        assert!(is_interpolation("nobody:$AuthToken", json));
        assert!(is_interpolation("$CI_COMMIT_REF_SLUG:$RUST_VERSION", json));
        assert!(!is_interpolation("p@ss$12345word", json));
    }

    #[test]
    fn sample_passwords() {
        for p in [
            "P@ssw0rd1234!",
            "4-v3ry-53cr37-p455w0rd",
            "Ch4ngeM3!",
            "SecretP@sswd99!",
            "QAZwsx123",
            "$3cretSqu1rreL",
        ] {
            assert!(is_sample_password(p), "{p}");
        }
        for p in SECRETS {
            assert!(!is_sample_password(p), "{p}");
        }
    }
}
