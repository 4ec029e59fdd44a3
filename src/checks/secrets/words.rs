//! Splitting names and values into words, for the rules that ask "is this made of words?"
//! (a test folder's name, a value that is a phrase or an identifier rather than randomness).

/// Splits `UnitTests` into `Unit`, `Tests`, `HTTPMock` into `HTTP`, `Mock` and `leg1Result`
/// into `leg1`, `Result`; a piece in one case stays whole. Only splits that real names make
/// are taken (an acronym ends before a lower-case word, a number ends a word of three
/// letters or more), so random text such as `v25ZtWw87` stays in pieces that are not words.
pub fn humps(piece: &str) -> Vec<&str> {
    let bytes = piece.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let prev = bytes.get(i - 1).copied().unwrap_or(b' ');
        let cur = bytes.get(i).copied().unwrap_or(b' ');
        let lower_next = |k: usize| bytes.get(i + k).is_some_and(u8::is_ascii_lowercase);
        let lower_to_upper = prev.is_ascii_lowercase() && cur.is_ascii_uppercase();
        let acronym_end =
            prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && lower_next(1) && lower_next(2);
        let number_end = prev.is_ascii_digit() && cur.is_ascii_uppercase() && {
            let word = bytes.get(start..i).unwrap_or(&[]);
            let letters = word.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            letters >= 3 && word.iter().skip(letters).all(u8::is_ascii_digit)
        };
        if lower_to_upper || acronym_end || number_end {
            out.push(piece.get(start..i).unwrap_or(""));
            start = i;
        }
    }
    out.push(piece.get(start..).unwrap_or(""));
    out
}

/// The non-empty pieces of `text` between `separators`, each split at its camelCase humps.
pub fn split<'a>(text: &'a str, separators: &'a [char]) -> impl Iterator<Item = &'a str> + 'a {
    text.split(separators)
        .flat_map(humps)
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humps_split_camel_case_and_acronyms() {
        assert_eq!(humps("UnitTests"), ["Unit", "Tests"]);
        assert_eq!(humps("HTTPMock"), ["HTTP", "Mock"]);
        assert_eq!(humps("leg1Result"), ["leg1", "Result"]);
        assert_eq!(
            humps("AzureADMultipleOrgs"),
            ["Azure", "AD", "Multiple", "Orgs"]
        );
        assert_eq!(humps("latest"), ["latest"]);
        assert_eq!(humps("SECRET"), ["SECRET"]);
    }

    #[test]
    fn split_uses_separators_and_humps() {
        let words: Vec<&str> = split("MSAL-APP-AzureAD.x", &['-', '.']).collect();
        assert_eq!(words, ["MSAL", "APP", "Azure", "AD", "x"]);
    }
}
