//! Request signing: Tencent Cloud TC3-HMAC-SHA256 (`tc3`, feature `tencent`) and Huawei Cloud
//! SDK-HMAC-SHA256 (`huawei`, feature `huawei`).
//!
//! Both schemes are exposed as small pure functions (canonical request, string to sign,
//! signature, `Authorization` header, and a parser for that header) so that the same code signs
//! outgoing requests and verifies incoming ones (the emulator does the latter). Each step matches
//! the vendors' official Python SDKs byte for byte; `tests/vectors.rs` checks that against
//! vectors those SDKs computed.
//!
//! Secrets come in as [`Secret`](crate::Secret) and never appear in any `Debug`, `Display` or
//! error value produced here.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

#[cfg(feature = "huawei")]
pub mod huawei;
#[cfg(feature = "tencent")]
pub mod tc3;

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where the text of a canonical request or a string to sign goes: into a `String` (to return
/// or show it) or straight into the hash or MAC that needs it. Both schemes write their canonical
/// forms once, generically, so the fast path that only produces the `Authorization` header and
/// the path that returns every intermediate string cannot disagree.
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    #[inline]
    fn put_str(&mut self, text: &str) {
        self.put(text.as_bytes());
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
impl Sink for String {
    fn put(&mut self, bytes: &[u8]) {
        // Callers write only text: whole strings, ASCII pieces of them, and hex.
        match std::str::from_utf8(bytes) {
            Ok(text) => self.push_str(text),
            Err(_) => self.push_str(&String::from_utf8_lossy(bytes)),
        }
    }

    fn put_str(&mut self, text: &str) {
        self.push_str(text);
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
impl Sink for Hmac<Sha256> {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// A sink in front of a hash or MAC that hands it the text in large pieces: a canonical request
/// is written in dozens of small pieces, and every `update` call of a hash costs more than
/// copying a few bytes. `N` bytes are kept on the stack (a multiple of SHA-256's 64-byte block,
/// so that full pieces go to the hash without being copied again). Call [`Buffered::finish`]
/// (or drop it) to pass on the rest.
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) struct Buffered<'s, S: Sink, const N: usize> {
    inner: &'s mut S,
    buf: [u8; N],
    len: usize,
}

/// The buffer of a canonical request: the whole of a usual one.
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) const CANONICAL_BUFFER: usize = 512;

/// The buffer of a string to sign: the whole of one (about 100 bytes).
#[cfg(feature = "huawei")]
pub(crate) const STRING_TO_SIGN_BUFFER: usize = 192;

#[cfg(any(feature = "tencent", feature = "huawei"))]
impl<'s, S: Sink, const N: usize> Buffered<'s, S, N> {
    pub(crate) fn new(inner: &'s mut S) -> Self {
        Buffered {
            inner,
            buf: [0; N],
            len: 0,
        }
    }

    pub(crate) fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        if self.len > 0 {
            self.inner.put(&self.buf[..self.len]);
            self.len = 0;
        }
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
impl<S: Sink, const N: usize> Sink for Buffered<'_, S, N> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buf.len() {
            self.flush();
            if bytes.len() > self.buf.len() {
                self.inner.put(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
impl<S: Sink, const N: usize> Drop for Buffered<'_, S, N> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Whether `text` has a control character (`char::is_control`: C0, DEL and C1), checked a byte
/// at a time when it is ASCII (the usual case, and much faster than decoding characters).
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) fn has_control(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b < 0x20 || b == 0x7f)
    } else {
        text.chars().any(char::is_control)
    }
}

/// A 32-byte digest as 64 lowercase hex characters, on the stack.
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) fn hex32(digest: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // The buffer is exactly twice the digest length, so this cannot fail.
    let _ = hex::encode_to_slice(&digest[..32.min(digest.len())], &mut out);
    out
}

/// `hex32` as text.
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) fn hex_str(hex: &[u8; 64]) -> &str {
    // Hex digits are ASCII.
    std::str::from_utf8(hex).unwrap_or_default()
}

/// A MAC keyed with `key`.
#[cfg(any(feature = "tencent", feature = "huawei"))]
pub(crate) fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// HMAC-SHA256 of `message` keyed with `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Compares two signatures in time independent of where they differ, so a verifier does not
/// tell an attacker how many leading characters were right.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub use crate::calendar::UtcDateTime;

use crate::calendar::days_in_month;

impl UtcDateTime {
    /// Parses `YYYYMMDDTHHMMSSZ` (Huawei's `X-Sdk-Date`), checking every field's range.
    pub fn parse_basic_iso(s: &str) -> Result<Self, SignError> {
        let bad = || SignError::BadDate {
            expected: "YYYYMMDDTHHMMSSZ",
        };
        let b = s.as_bytes();
        if !s.is_ascii() || b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return Err(bad());
        }
        // At most four digits each, so the value cannot overflow.
        let num = |range: std::ops::Range<usize>| -> Result<u32, SignError> {
            let part = &b[range];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0')))
            } else {
                Err(bad())
            }
        };
        let t = UtcDateTime {
            year: i64::from(num(0..4)?),
            month: num(4..6)?,
            day: num(6..8)?,
            hour: num(9..11)?,
            minute: num(11..13)?,
            second: num(13..15)?,
        };
        let valid = (1..=12).contains(&t.month)
            && t.day >= 1
            && t.day <= days_in_month(t.year, t.month)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60;
        if valid {
            Ok(t)
        } else {
            Err(bad())
        }
    }
}

/// Why a request could not be signed or an `Authorization` header not be read.
///
/// Messages name the problem, never the header value or any secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A header the scheme needs is not among the request's headers.
    MissingHeader(&'static str),
    /// A header listed in `SignedHeaders` is not among the request's headers.
    MissingSignedHeader(String),
    /// A date did not have the expected format.
    BadDate {
        /// The format that was expected.
        expected: &'static str,
    },
    /// The `Authorization` header does not start with the expected algorithm.
    WrongAlgorithm {
        /// The algorithm that was expected.
        expected: &'static str,
    },
    /// The `Authorization` header lacks a part or has a malformed one.
    MalformedAuthorization(&'static str),
    /// Verification failed: the signature or a signed part does not match.
    Mismatch(&'static str),
    /// An input is outside what the scheme can sign (e.g. a method that is not a token).
    InvalidInput(&'static str),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::MissingHeader(h) => write!(f, "the request has no `{h}` header"),
            SignError::MissingSignedHeader(h) => {
                write!(f, "signed header `{h}` is not present in the request")
            }
            SignError::BadDate { expected } => write!(f, "date is not in the format {expected}"),
            SignError::WrongAlgorithm { expected } => {
                write!(f, "Authorization header does not use {expected}")
            }
            SignError::MalformedAuthorization(what) => {
                write!(f, "malformed Authorization header: {what}")
            }
            SignError::Mismatch(what) => write!(f, "signature verification failed: {what}"),
            SignError::InvalidInput(what) => write!(f, "cannot sign the request: {what}"),
        }
    }
}

impl std::error::Error for SignError {}

impl From<SignError> for crate::Error {
    fn from(e: SignError) -> Self {
        crate::Error::invalid_input(e.to_string())
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
/// Splits `Name=value, Name=value` (the part after the algorithm in both vendors' headers)
/// into its fields, in order. Whitespace around commas is ignored.
fn parse_fields(rest: &str) -> Result<Vec<(&str, &str)>, SignError> {
    rest.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.split_once('=')
                .ok_or(SignError::MalformedAuthorization("a part has no `=`"))
        })
        .collect()
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
/// The value of `name` among `fields`; an error if it is absent, empty or repeated.
fn field<'a>(fields: &[(&'a str, &'a str)], name: &'static str) -> Result<&'a str, SignError> {
    let mut found = fields.iter().filter(|(k, _)| *k == name).map(|(_, v)| *v);
    match (found.next(), found.next()) {
        (Some(v), None) if !v.is_empty() => Ok(v),
        (Some(_), Some(_)) => Err(SignError::MalformedAuthorization("a part is repeated")),
        _ => Err(SignError::MalformedAuthorization(match name {
            "Credential" => "no Credential",
            "Access" => "no Access",
            "SignedHeaders" => "no SignedHeaders",
            _ => "no Signature",
        })),
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
/// The fields of `<algorithm> <key_field>=..., SignedHeaders=..., Signature=<hex>`, the
/// `Authorization` header of both vendors: the key's field, the signed headers and a
/// well-formed signature.
fn authorization_fields<'h>(
    header: &'h str,
    algorithm: &'static str,
    key_field: &'static str,
) -> Result<(&'h str, &'h str, &'h str), SignError> {
    let rest = header
        .trim()
        .strip_prefix(algorithm)
        .filter(|r| r.starts_with(' '))
        .ok_or(SignError::WrongAlgorithm {
            expected: algorithm,
        })?;
    let fields = parse_fields(rest)?;
    let key = field(&fields, key_field)?;
    let signed_headers = field(&fields, "SignedHeaders")?;
    let signature = field(&fields, "Signature")?;
    check_signature_hex(signature)?;
    Ok((key, signed_headers, signature))
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
/// A signature is 64 lowercase hex digits.
fn check_signature_hex(sig: &str) -> Result<(), SignError> {
    if sig.len() == 64 && sig.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(SignError::MalformedAuthorization(
            "Signature is not 64 lowercase hex digits",
        ))
    }
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
/// An HTTP method is an RFC 9110 token; anything else would break the canonical request's lines.
fn check_method(method: &str) -> Result<(), SignError> {
    let is_tchar = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c);
    if !method.is_empty() && method.bytes().all(is_tchar) {
        Ok(())
    } else {
        Err(SignError::InvalidInput("the HTTP method is not a token"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_round_trip_over_leap_years_and_epoch() {
        for ts in [
            0i64,
            951_782_400, // 2000-02-29
            1_551_113_065,
            1_704_164_645,
            4_107_542_399, // 2100-02-28T23:59:59
            -1,
        ] {
            let t = UtcDateTime::from_unix(ts);
            assert_eq!(t.to_unix(), ts, "{t:?}");
            assert_eq!(UtcDateTime::parse_basic_iso(&t.basic_iso()), Ok(t));
        }
        assert_eq!(
            UtcDateTime::from_unix(1_551_113_065).date_dashed(),
            "2019-02-25"
        );
        assert_eq!(
            UtcDateTime::from_unix(1_704_164_645).basic_iso(),
            "20240102T030405Z"
        );
    }

    #[test]
    fn bad_dates_are_rejected() {
        for s in [
            "",
            "20240102T030405",
            "20240102 030405Z",
            "2024010XT030405Z",
            "20241302T030405Z",
            "20230229T000000Z",
            "20240102T240000Z",
            "+0240102T030405Z",
            "２0240102T03040Z",
            "２024010T030405Z",
        ] {
            assert!(UtcDateTime::parse_basic_iso(s).is_err(), "{s:?}");
        }
        assert!(UtcDateTime::parse_basic_iso("20240229T235959Z").is_ok());
    }

    #[test]
    fn signature_comparison() {
        assert!(signatures_equal("abc", "abc"));
        assert!(!signatures_equal("abc", "abd"));
        assert!(!signatures_equal("abc", "abcd"));
    }
}
