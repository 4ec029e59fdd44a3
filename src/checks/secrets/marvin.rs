//! Marvin32 and the checksum that Entra ID appends to its current client secrets.
//!
//! A current Entra client secret (`xxx8Q~…`, 40 characters) ends with three characters of a
//! Marvin32 checksum of the 37 characters before them. Checking it tells a secret that Entra
//! really issued from a look-alike (a truncated copy, a hand-typed example), which is what lets
//! the scanner report the first with certainty and the second at lower confidence.
//!
//! The algorithm follows Microsoft's `security-utilities` project (`IdentifiableMetadata`
//! `IsAzureAadClientAppIdentifiableSecret`, `CustomAlphabetEncoder`, `Marvin`): Marvin32 over the
//! Latin-1 bytes of the first 37 characters with the seed `"AadPwd00"`, the 64-bit result folded
//! to 32 bits (`high ^ low`), that value written in base 66 over Entra's password alphabet, most
//! significant digit first, and its first three digits kept.
//!
//! One detail differs between sources. Microsoft's validator writes the number without leading
//! zeros; secrets Entra actually issued carry it left-padded with the zero digit (`a`) to six
//! digits, the width of a `u32` in base 66 (seen on a publicly leaked secret whose checksum is
//! below 66⁵ and which validates only padded). The two agree whenever the number has six digits
//! (about 71% of secrets); for the rest both forms are accepted, which leaves a false match at
//! about 2 in 66³ (7 in a million). Generated secrets use the padded form.

/// Seed Entra uses for client secret checksums: the ASCII bytes of `AadPwd00`, big-endian.
const ENTRA_SECRET_CHECKSUM_SEED: u64 = 0x4161_6450_7764_3030;

/// Entra's client secret alphabet, in the digit order the checksum encoding uses.
const ENTRA_SECRET_ALPHABET: &[u8; 66] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890.-_~";

/// Length of a current (`8Q~`) Entra client secret.
pub const ENTRA_SECRET_LEN: usize = 40;

/// Length of the part of a current secret that the checksum covers.
const CHECKSUMMED_LEN: usize = ENTRA_SECRET_LEN - 3;

/// Marvin32, the 64-bit keyed hash .NET uses for string hashing, because Entra's secret
/// checksum is built on it. Returns `(p1 << 32) | p0` as .NET's `Marvin.ComputeHash` does.
pub fn marvin32(data: &[u8], seed: u64) -> u64 {
    let mut p0 = seed as u32;
    let mut p1 = (seed >> 32) as u32;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        // Little-endian, as `u32::from_le_bytes` would read the four bytes.
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |w, (i, byte)| w | (u32::from(*byte) << (8 * i)));
        p0 = p0.wrapping_add(word);
        block(&mut p0, &mut p1);
    }
    // The tail (0–3 bytes) is padded with a single 0x80 byte, little-endian.
    let tail = chunks.remainder();
    let mut last = 0x80u32 << (8 * tail.len());
    for (i, byte) in tail.iter().enumerate() {
        last |= u32::from(*byte) << (8 * i);
    }
    p0 = p0.wrapping_add(last);
    block(&mut p0, &mut p1);
    block(&mut p0, &mut p1);
    (u64::from(p1) << 32) | u64::from(p0)
}

/// Marvin32 folded to 32 bits (`high ^ low`), the form checksums are built from.
pub fn marvin32_hash32(data: &[u8], seed: u64) -> u32 {
    let hash = marvin32(data, seed);
    ((hash >> 32) as u32) ^ (hash as u32)
}

/// One Marvin mixing round.
fn block(p0: &mut u32, p1: &mut u32) {
    *p1 ^= *p0;
    *p0 = p0.rotate_left(20);
    *p0 = p0.wrapping_add(*p1);
    *p1 = p1.rotate_left(9);
    *p1 ^= *p0;
    *p0 = p0.rotate_left(27);
    *p0 = p0.wrapping_add(*p1);
    *p1 = p1.rotate_left(19);
}

/// Whether `b` can appear in an Entra client secret.
pub fn is_entra_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~')
}

/// The checksum of `body` (the first 37 characters of a current secret) in base 66, most
/// significant digit first, left-padded with the zero digit to six, and how many of the six
/// digits are significant.
fn checksum_digits(body: &[u8]) -> ([u8; 6], usize) {
    let mut value = marvin32_hash32(body, ENTRA_SECRET_CHECKSUM_SEED);
    let radix = ENTRA_SECRET_ALPHABET.len() as u32;
    let mut digits = [ENTRA_SECRET_ALPHABET[0]; 6];
    let mut significant = 0;
    // A u32 has at most six base-66 digits; fill from the least significant end.
    for slot in digits.iter_mut().rev() {
        if value == 0 {
            break;
        }
        // `value % radix` is below the alphabet's length, so the digit is always there.
        if let Some(digit) = ENTRA_SECRET_ALPHABET.get((value % radix) as usize) {
            *slot = *digit;
        }
        value /= radix;
        significant += 1;
    }
    (digits, significant)
}

/// The three characters Entra appends: the first three of the zero-padded checksum.
fn padded_tail(digits: &[u8; 6]) -> [u8; 3] {
    [digits[0], digits[1], digits[2]]
}

/// The three characters Microsoft's validator expects: the first three significant digits,
/// when there are at least three.
fn unpadded_tail(digits: &[u8; 6], significant: usize) -> Option<[u8; 3]> {
    let first = digits.len().checked_sub(significant)?;
    digits.get(first..first + 3)?.try_into().ok()
}

/// Whether `secret` is a current-format (`xxx8Q~…`, 40 characters) Entra client secret whose
/// trailing checksum holds. A `true` means Entra almost certainly issued it; `false` covers
/// every other string, including the older `7Q~` format, which has no checksum.
pub fn entra_secret_checksum_valid(secret: &str) -> bool {
    let bytes = secret.as_bytes();
    if bytes.len() != ENTRA_SECRET_LEN
        || bytes.get(3..6) != Some(b"8Q~".as_slice())
        || !bytes.iter().copied().all(is_entra_secret_char)
    {
        return false;
    }
    let (body, tail) = bytes.split_at(CHECKSUMMED_LEN);
    let (digits, significant) = checksum_digits(body);
    padded_tail(&digits).as_slice() == tail
        || unpadded_tail(&digits, significant).is_some_and(|t| t.as_slice() == tail)
}

/// Completes the first 37 characters of a current-format secret (`xxx8Q~` + 31 characters) with
/// the checksum Entra would append, so demos and tests can make realistic synthetic secrets.
/// `None` when `body` is not 37 secret characters with `8Q~` at offset 3.
pub fn complete_entra_secret(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    if bytes.len() != CHECKSUMMED_LEN
        || bytes.get(3..6) != Some(b"8Q~".as_slice())
        || !bytes.iter().copied().all(is_entra_secret_char)
    {
        return None;
    }
    let tail = padded_tail(&checksum_digits(bytes).0);
    let mut secret = String::with_capacity(ENTRA_SECRET_LEN);
    secret.push_str(body);
    secret.extend(tail.iter().map(|b| char::from(*b)));
    Some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SymCrypt's reference vectors (marvin32.c self-test), also used by .NET and
    /// microsoft/security-utilities.
    #[test]
    fn symcrypt_reference_vectors() {
        assert_eq!(
            marvin32(b"abc", 0xd53c_d9ce_cd08_93b7),
            0x22c7_4339_4927_69bf
        );
        assert_eq!(marvin32_hash32(b"abc", 0xd53c_d9ce_cd08_93b7), 0x6be0_2a86);
        assert_eq!(
            marvin32(b"abcdefghijklmnopqrstuvwxyz", 0x0ddd_deee_efff_f000),
            0xa128_eb7e_7260_aca2
        );
    }

    /// The vectors of .NET's `MarvinTests` (System.Runtime tests): three seeds, 0–7 bytes,
    /// which exercise every tail length and the carry paths.
    #[test]
    fn dotnet_marvin_test_vectors() {
        let seed0 = 0x004f_b61a_001b_dbcc;
        let seed1 = 0x804f_b61a_001b_dbcc;
        let seed2 = 0x804f_b61a_801b_dbcc;
        let cases: &[(u64, &[u8], u64)] = &[
            (seed0, &[], 0x30ed_35c1_00cd_3c7d),
            (seed0, &[175], 0x48e7_3fc7_7d75_ddc1),
            (seed0, &[231, 15], 0xb5f6_e1fc_485d_bff8),
            (seed0, &[55, 244, 149], 0xf0b0_7c78_9b8c_f7e8),
            (seed0, &[134, 66, 220, 89], 0x7008_f2e8_7e9c_f556),
            (seed0, &[21, 63, 183, 152, 38], 0xe6c0_8c6d_a2af_a997),
            (seed0, &[9, 50, 230, 36, 108, 71], 0x6f04_bf1a_5ea2_4060),
            (
                seed0,
                &[171, 66, 126, 168, 209, 15, 199],
                0xe118_47e4_f067_8c41,
            ),
            (seed1, &[], 0x10a9_d5d3_996f_d65d),
            (seed1, &[175], 0x6820_1f91_960e_bf91),
            (seed1, &[231, 15], 0x64b5_8163_1f6a_b378),
            (seed1, &[55, 244, 149], 0xe1f2_dfa6_e513_1408),
            (seed1, &[134, 66, 220, 89], 0x3628_9d96_54fb_49f6),
            (seed1, &[21, 63, 183, 152, 38], 0x0a06_114b_1346_4dbd),
            (seed1, &[9, 50, 230, 36, 108, 71], 0xd6dd_5e40_ad1b_c2ed),
            (
                seed1,
                &[171, 66, 126, 168, 209, 15, 199],
                0xe203_987d_ba25_2fb3,
            ),
            (seed2, &[0], 0xa37f_b0da_2eca_e06c),
            (seed2, &[255], 0xfece_f370_701a_e054),
            (seed2, &[0, 255], 0xa638_e757_0004_8880),
            (seed2, &[255, 0], 0xbdfb_46d9_6973_0e2a),
            (seed2, &[255, 0, 255], 0x9d85_77c0_fe0d_30bf),
            (seed2, &[0, 255, 0], 0x4f9f_bdde_1509_9497),
            (seed2, &[0, 255, 0, 255], 0x24ea_a279_d9a5_29ca),
            (seed2, &[255, 0, 255, 0], 0xd3be_c772_6b05_7943),
            (seed2, &[255, 0, 255, 0, 255], 0x920b_62bb_ca3e_0b72),
            (seed2, &[0, 255, 0, 255, 0], 0x1d7d_df9d_fdf3_c1bf),
            (seed2, &[0, 255, 0, 255, 0, 255], 0xec21_276a_17e8_21a5),
            (seed2, &[255, 0, 255, 0, 255, 0], 0x6911_a53c_a8c1_2254),
            (seed2, &[255, 0, 255, 0, 255, 0, 255], 0xfdfd_187b_1d3c_e784),
            (seed2, &[0, 255, 0, 255, 0, 255, 0], 0x7187_6f2e_fb1b_0ee8),
        ];
        for (seed, data, expected) in cases {
            assert_eq!(
                marvin32(data, *seed),
                *expected,
                "seed {seed:#x} data {data:?}"
            );
            let folded = ((expected >> 32) as u32) ^ (*expected as u32);
            assert_eq!(marvin32_hash32(data, *seed), folded);
        }
    }

    /// The synthetic example Microsoft's own scanner ships as a true positive for the current
    /// format (`AadClientAppIdentifiableCredentials`): its last three characters were produced
    /// by their implementation, so matching it cross-checks seed, alphabet and digit order.
    #[test]
    fn microsoft_published_example_validates() {
        let example = concat!("zzz8Q~", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "blP");
        assert_eq!(example.len(), ENTRA_SECRET_LEN);
        assert!(entra_secret_checksum_valid(example));
        // Any change to a checksummed character or to the checksum breaks it.
        assert!(!entra_secret_checksum_valid(
            &example.replacen("zzz8", "zzy8", 1)
        ));
        assert!(!entra_secret_checksum_valid(&example.replace("blP", "blQ")));
    }

    /// A secret from the benchmark generator (an independent Python implementation) whose
    /// checksum is below 66⁵, so only the zero-padded form of its checksum matches.
    #[test]
    fn padded_checksum_from_an_independent_generator_validates() {
        let secret = concat!("22w8Q", "~NgMG65pc_V5Teo97ly1GaDc32~VOZP4a6X");
        let (digits, significant) = checksum_digits(secret.as_bytes().split_at(37).0);
        assert_eq!(significant, 5);
        assert_eq!(&digits, b"a6XCmJ");
        assert!(entra_secret_checksum_valid(secret));
        // Microsoft's unpadded form of the same checksum is accepted too.
        assert!(entra_secret_checksum_valid(&secret.replace("a6X", "6XC")));
        assert!(!entra_secret_checksum_valid(&secret.replace("a6X", "a6Y")));
        assert_eq!(
            complete_entra_secret(secret.split_at(37).0).as_deref(),
            Some(secret)
        );
    }

    #[test]
    fn checksum_digits_pad_with_the_zero_digit() {
        let (digits, significant) = checksum_digits(b"");
        assert!(significant <= 6);
        assert!(digits.iter().all(|d| ENTRA_SECRET_ALPHABET.contains(d)));
        assert!(unpadded_tail(b"aaaabc", 2).is_none());
        assert_eq!(unpadded_tail(b"aaxyzc", 4), Some(*b"xyz"));
        assert_eq!(padded_tail(b"aaxyzc"), *b"aax");
    }

    #[test]
    fn generated_secret_round_trips() {
        let body = concat!("Qm4", "8Q~", "Zk1.r-Tq_9wXe~Lp3VbNa7CyUd2HsFj");
        let secret = complete_entra_secret(body).expect("valid body");
        assert_eq!(secret.len(), ENTRA_SECRET_LEN);
        assert!(secret.starts_with(body));
        assert!(entra_secret_checksum_valid(&secret));
        // Flipping one body character invalidates the checksum.
        let tampered = secret.replacen("Zk1", "Zk2", 1);
        assert!(!entra_secret_checksum_valid(&tampered));
    }

    #[test]
    fn wrong_shapes_are_never_valid() {
        assert!(!entra_secret_checksum_valid(""));
        assert!(!entra_secret_checksum_valid(
            "abc7Q~zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        ));
        assert!(!entra_secret_checksum_valid(
            "zzz8Q~zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzblP1"
        ));
        assert!(!entra_secret_checksum_valid(
            "zzz8Q~zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\u{e9}blP"
        ));
        assert!(complete_entra_secret("short").is_none());
        assert!(complete_entra_secret("abc7Q~zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").is_none());
    }
}
