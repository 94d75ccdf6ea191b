//! Request ids, flow ids, instance ids and IAM tokens.
//!
//! Ids only need to be unique and unpredictable enough for a test server: SHA-256 over a
//! per-process random seed, a counter and the clock, or, for the request and job ids made on
//! every call, a randomly keyed SipHash of the counter. That avoids a random-number dependency.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use cloud_spec::lifecycle::{parse_id_format, IdFormatPart};
use cloud_transport::sign::sha256_hex;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    // `RandomState` is seeded from the OS's randomness once per process.
    *SEED.get_or_init(|| {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(std::process::id().into());
        h.finish()
    })
}

/// 64 fresh lowercase hex digits.
fn fresh_hex() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    sha256_hex(format!("{}:{n}:{nanos}", seed()).as_bytes())
}

/// 128 fresh bits for the ids every request gets: the process's randomly keyed SipHash of a
/// counter (a keyed PRF, so as unpredictable as the SHA-256 ids, at a fraction of their cost
/// on every call).
fn fresh_bits() -> u128 {
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    let keys = KEYS.get_or_init(RandomState::new);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let half = |which: u64| {
        let mut h = keys.build_hasher();
        h.write_u64(seed());
        h.write_u64(n);
        h.write_u64(which);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// A UUID-shaped id (`8-4-4-4-12` lowercase hex), as Tencent's `RequestId` looks.
pub(crate) fn uuid_like() -> String {
    let x = fresh_bits();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        x >> 96,
        (x >> 80) & 0xffff,
        (x >> 64) & 0xffff,
        (x >> 48) & 0xffff,
        x & 0xffff_ffff_ffff
    )
}

/// A 32-hex-digit id, as Huawei's `X-Request-Id` and job ids look.
pub(crate) fn hex32() -> String {
    // Digit by digit rather than `format!("{:032x}")`: every Huawei answer carries one.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = fresh_bits();
    (0..32)
        .rev()
        .map(|digit| char::from(HEX[((bits >> (digit * 4)) & 15) as usize]))
        .collect()
}

/// A fresh id in a spec's `id_format` ([`cloud_spec::lifecycle::parse_id_format`]): literal
/// text with `{alnum:N}` (N lower-case letters and digits) and `{hex:N}` (N lower-case hex
/// digits) placeholders, e.g. `cmgo-{alnum:8}`, `{hex:32}in06`. A format that does not parse
/// (the spec validator refuses it) gets eight hex digits after its text, so ids stay distinct.
pub(crate) fn from_format(format: &str) -> String {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let parts = parse_id_format(format).unwrap_or_else(|_| {
        vec![
            IdFormatPart::Literal(format.to_owned()),
            IdFormatPart::Hex(8),
        ]
    });
    let mut out = String::with_capacity(format.len() + 32);
    for part in parts {
        match part {
            IdFormatPart::Literal(text) => out.push_str(&text),
            IdFormatPart::Hex(n) => out.push_str(&fresh_digits(n, |byte| {
                char::from_digit(u32::from(byte % 16), 16).unwrap_or('0')
            })),
            IdFormatPart::Alnum(n) => out.push_str(&fresh_digits(n, |byte| {
                char::from(ALNUM[usize::from(byte) % ALNUM.len()])
            })),
        }
    }
    out
}

/// `n` characters, each `pick` applied to a fresh pseudo-random byte.
fn fresh_digits(n: usize, pick: impl Fn(u8) -> char) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let hex = fresh_hex();
        for pair in hex.as_bytes().chunks(2) {
            if out.len() == n {
                break;
            }
            let byte = std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .unwrap_or(0);
            out.push(pick(byte));
        }
    }
    out
}

/// An opaque IAM token. Real ones are long base64 blobs; the length and the prefix keep it
/// recognisable in a capture without carrying any meaning.
pub(crate) fn iam_token() -> String {
    format!("MIIEMU{}{}", fresh_hex(), fresh_hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_well_formed_and_distinct() {
        let a = uuid_like();
        let b = uuid_like();
        assert_ne!(a, b);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(hex32().len(), 32);
        assert_ne!(hex32(), hex32());
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert!(iam_token().len() > 100);
    }

    #[test]
    fn ids_follow_the_spec_format() {
        let mongo = from_format("cmgo-{alnum:8}");
        assert_eq!(mongo.len(), 13);
        assert!(mongo.starts_with("cmgo-"));
        assert!(mongo[5..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let gemini = from_format("{hex:32}in06");
        assert_eq!(gemini.len(), 36);
        assert!(gemini.ends_with("in06"));
        assert!(gemini[..32].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(from_format("{hex:40}"), from_format("{hex:40}"));
        let unparsed = from_format("no-placeholder-");
        assert_eq!(unparsed.len(), "no-placeholder-".len() + 8);
        assert_ne!(unparsed, from_format("no-placeholder-"));
    }
}
