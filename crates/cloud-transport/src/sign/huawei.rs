//! Huawei Cloud AK/SK signature, SDK-HMAC-SHA256, exactly as `huaweicloudsdkcore` (Python)
//! computes it (`huaweicloudsdkcore.signer.signer.Signer`).
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//! StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n HexSHA256(CanonicalRequest)
//! Signature        = Hex(HMAC-SHA256(SK, StringToSign))
//! Authorization    = "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>"
//! ```
//!
//! The official signer's details, all reproduced here:
//! - **Canonical URI**: the path is first percent-*decoded* (Python `unquote`), then split on `/`,
//!   each segment encoded with Python `quote(segment, safe='~')` (only `A-Za-z0-9_.-~` kept,
//!   UTF-8, uppercase hex), joined with `/`, and a `/` appended unless it already ends in one.
//!   So `/v3/a%2Fb` signs as `/v3/a/b/` (an encoded slash becomes a separator), a literal space
//!   and `%20` sign the same, and `/x` and `/x/` sign the same.
//! - **Canonical query**: the (key, value) pairs sorted by key, then by value (raw strings, code
//!   point order, before encoding), each encoded like a segment (space → `%20`, `/` → `%2F`,
//!   `+` → `%2B`, `~` kept), repeated keys kept as separate pairs, joined with `&`. The official
//!   client also *sends* this string as the URL query.
//! - **Signed headers**: every header sent whose name has no `_`, lowercased, sorted. The
//!   canonical header value is the value with leading/trailing whitespace stripped.
//! - **Payload hash**: an empty body hashes as the empty string *even when*
//!   `X-Sdk-Content-Sha256` is set; a non-empty body with that header uses the header's value
//!   literally (`UNSIGNED-PAYLOAD`); otherwise the hex SHA-256 of the exact body bytes.
//! - The official client itself adds `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` when the content
//!   type is set and is neither `application/json*` nor `application/bson*`
//!   ([`content_type_needs_unsigned_payload`]); the caller decides, here, by sending that header.
//!
//! Signing:
//! ```
//! use cloud_transport::{sign::huawei, Secret};
//! let headers = [
//!     ("Content-Type", "application/json"),
//!     ("Host", "gaussdb-nosql.cn-north-4.myhuaweicloud.com"),
//!     ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
//!     ("X-Sdk-Date", "20240102T030405Z"),
//! ];
//! let request = huawei::HuaweiRequest {
//!     method: "GET",
//!     path: "/v3/0123456789abcdef0123456789abcdef/instances",
//!     query: &[("limit", "10")],
//!     headers: &headers,
//!     body: b"",
//! };
//! let signed = huawei::sign("AK", &Secret::new("SK"), &request).unwrap();
//! assert!(signed.authorization.starts_with(
//!     "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="
//! ));
//! ```
//!
//! Verifying (what a server does): [`parse_authorization`], look up the SK by
//! [`ParsedAuthorization::access_key`], then [`verify`] with the request as received (decode the
//! raw query with [`parse_query`]).

use std::borrow::Cow;
use std::fmt;

use sha2::{Digest, Sha256};

use super::{authorization_fields, check_method, SignError, UtcDateTime};
use super::{
    has_control, hex32, hex_str, hmac_sha256, hmac_with, signatures_equal, Buffered, Sink,
    CANONICAL_BUFFER, STRING_TO_SIGN_BUFFER,
};
use crate::secret::Secret;

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The header carrying the signing time, `YYYYMMDDTHHMMSSZ`.
pub const HEADER_SDK_DATE: &str = "X-Sdk-Date";
/// The header that, when present on a request with a body, replaces the payload hash.
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// The usual value of [`HEADER_CONTENT_SHA256`].
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Hex SHA-256 of the empty string: the payload hash of an empty body.
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The parts of a request that SDK-HMAC-SHA256 signs. `Debug` shows neither the body (it may
/// hold passwords) nor the values of credential headers.
#[derive(Clone, Copy)]
pub struct HuaweiRequest<'a> {
    /// HTTP method; uppercased for signing, as the SDK does.
    pub method: &'a str,
    /// The resource path, e.g. `/v3/{project_id}/instances/{id}` filled in. It may be
    /// percent-encoded or not: it is decoded before it is canonicalized.
    pub path: &'a str,
    /// The query parameters, decoded (`("name", "a b")`), in any order; repeated keys allowed.
    /// Booleans are `true`/`false`, as the SDK writes them.
    pub query: &'a [(&'a str, &'a str)],
    /// Every header that is sent, including `Host` and `X-Sdk-Date` (both required), any
    /// `X-Project-Id`, `X-Security-Token` and `X-Sdk-Content-Sha256`. Names are matched without
    /// regard to case; when a name repeats, the last value counts (as in the SDK's dict).
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// Headers whose values are credentials: never shown in `Debug` output.
fn is_credential_header(name: &str) -> bool {
    [
        "authorization",
        "x-security-token",
        "x-auth-token",
        "x-subject-token",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

impl fmt::Debug for HuaweiRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|&(name, value)| {
                (
                    name,
                    if is_credential_header(name) {
                        "***"
                    } else {
                        value
                    },
                )
            })
            .collect();
        f.debug_struct("HuaweiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The canonical request with the values of credential headers (`x-security-token`) masked.
fn redacted_canonical_request(canonical_request: &str) -> String {
    canonical_request
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, _)) if is_credential_header(name) => format!("{name}:***"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Percent-encodes like Python's `urllib.parse.quote(s, safe='~')`: UTF-8 bytes, everything but
/// `A-Za-z0-9_.-~` as `%XX` with uppercase hex. This is how the SDK encodes path segments,
/// query keys and query values.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    percent_encode_into(&mut out, s);
    out
}

/// Whether `quote(s, safe='~')` keeps byte `b` as it is: `A-Za-z0-9_.-~`. Written with `|` and
/// no early exit so that a fold over a string of these compiles to vector code.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_lowercase()
        | b.is_ascii_uppercase()
        | b.is_ascii_digit()
        | (b == b'_')
        | (b == b'.')
        | (b == b'-')
        | (b == b'~')
}

/// [`percent_encode`] written to `out`, so canonical strings are built without temporaries.
fn percent_encode_into(out: &mut impl Sink, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    if bytes.iter().fold(true, |kept, &b| kept & is_unreserved(b)) {
        // Nothing to escape (the usual key, value or segment): one piece.
        out.put(bytes);
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        out.put(&bytes[start..i]);
        out.put(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        start = i + 1;
    }
    out.put(&bytes[start..]);
}

/// Decodes `%XX` escapes like Python's `urllib.parse.unquote`: malformed escapes stay as they
/// are, `+` stays `+`, and invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let hex = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical URI of a resource path (see the module docs).
pub fn canonical_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len() + 8);
    write_canonical_uri(&mut uri, path);
    uri
}

fn write_canonical_uri(out: &mut impl Sink, path: &str) {
    let bytes = path.as_bytes();
    if bytes
        .iter()
        .fold(true, |kept, &b| kept & (is_unreserved(b) | (b == b'/')))
    {
        // Nothing to decode and no segment to encode (the usual path): the segments joined
        // with `/` are the path itself, written in one piece.
        out.put(bytes);
        if !(bytes.is_empty() || bytes.ends_with(b"/")) {
            out.put_str("/");
        }
        return;
    }
    let decoded = percent_decode_cow(path);
    let mut ends_with_slash = false;
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.put_str("/");
        }
        percent_encode_into(out, segment);
        ends_with_slash = segment.is_empty();
    }
    if !ends_with_slash {
        out.put_str("/");
    }
}

/// [`percent_decode`] without a copy when there is nothing to decode.
fn percent_decode_cow(s: &str) -> Cow<'_, str> {
    if s.contains('%') {
        Cow::Owned(percent_decode(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The canonical query string of decoded (key, value) pairs: sorted, encoded, `&`-joined.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut out = String::new();
    write_canonical_query(&mut out, params);
    out
}

fn write_canonical_query(out: &mut impl Sink, params: &[(&str, &str)]) {
    with_scratch(params.iter().copied(), |sorted| {
        if !sorted.windows(2).all(|w| w[0] <= w[1]) {
            sorted.sort_unstable();
        }
        for (i, (key, value)) in sorted.iter().enumerate() {
            if i > 0 {
                out.put_str("&");
            }
            percent_encode_into(out, key);
            out.put_str("=");
            percent_encode_into(out, value);
        }
    });
}

/// How many items [`with_scratch`] copies to the stack; more go to the heap.
const SCRATCH_ITEMS: usize = 16;

/// Runs `f` on a mutable copy of `items`, on the stack when there are at most
/// [`SCRATCH_ITEMS`] (a request's query parameters and headers, every call), in a `Vec`
/// otherwise: the signer sorts its own copies of the caller's lists without allocating.
fn with_scratch<T: Copy + Default, R>(
    items: impl Iterator<Item = T> + Clone,
    f: impl FnOnce(&mut [T]) -> R,
) -> R {
    let mut stack = [T::default(); SCRATCH_ITEMS];
    let mut len = 0;
    for item in items.clone() {
        if len == SCRATCH_ITEMS {
            let mut heap: Vec<T> = items.collect();
            return f(&mut heap);
        }
        stack[len] = item;
        len += 1;
    }
    f(&mut stack[..len])
}

/// Splits a raw URL query (`a=1&b=x%20y`) into decoded pairs, for verifying a received request.
/// A part without `=` is a key with an empty value; empty parts are skipped; `+` stays `+`
/// (the official client encodes a space as `%20`).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    parse_query_borrowed(raw)
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// [`parse_query`] that copies only what it decodes: a verifier's per-call path, where keys
/// and values rarely hold a `%`.
pub fn parse_query_borrowed(raw: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (percent_decode_cow(k), percent_decode_cow(v))
        })
        .collect()
}

/// The signed header names of a request: names without `_`, lowercased, sorted, deduplicated.
pub fn signed_header_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut signed: Vec<String> = names
        .into_iter()
        .filter(|name| !name.contains('_'))
        .map(str::to_ascii_lowercase)
        .collect();
    signed.sort_unstable();
    signed.dedup();
    signed
}

/// Python's `str.strip()` whitespace: Unicode White_Space plus the separators U+001C..U+001F.
fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `value` stripped as Python's `str.strip()` strips it. A value that starts and ends with a
/// visible ASCII character (what the client sends) has nothing to strip and returns at once.
fn python_strip(value: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| (0x21..0x7f).contains(b));
    if visible(value.as_bytes().first()) && visible(value.as_bytes().last()) {
        value
    } else {
        value.trim_matches(is_python_whitespace)
    }
}

/// The value of header `lower_name` (already lowercase) among `headers`, last one winning.
fn header_value<'a>(headers: &[(&'a str, &'a str)], lower_name: &str) -> Option<&'a str> {
    headers
        .iter()
        .rev()
        .find(|(name, _)| name.eq_ignore_ascii_case(lower_name))
        .map(|(_, value)| *value)
}

/// The canonical headers block: `name:value\n` for each signed header, in the given order, the
/// value stripped of surrounding whitespace. Every signed header must be present.
pub fn canonical_headers(
    signed_headers: &[String],
    headers: &[(&str, &str)],
) -> Result<String, SignError> {
    let mut out = String::new();
    write_canonical_headers(&mut out, signed_headers, headers)?;
    Ok(out)
}

fn write_canonical_headers<N: AsRef<str>>(
    out: &mut impl Sink,
    signed_headers: &[N],
    headers: &[(&str, &str)],
) -> Result<(), SignError> {
    for name in signed_headers {
        write_canonical_header(out, name.as_ref(), headers)?;
    }
    Ok(())
}

/// One line of the canonical headers block, `name:value\n`: the signed header must be present.
fn write_canonical_header(
    out: &mut impl Sink,
    name: &str,
    headers: &[(&str, &str)],
) -> Result<(), SignError> {
    let value = header_value(headers, name)
        .ok_or_else(|| SignError::MissingSignedHeader(name.to_ascii_lowercase()))?;
    put_lowercase(out, name);
    out.put_str(":");
    out.put_str(python_strip(value));
    out.put_str("\n");
    Ok(())
}

/// Writes `text` lower-cased (ASCII), without allocating when it is ASCII.
fn put_lowercase(out: &mut impl Sink, text: &str) {
    if !text.bytes().any(|b| b.is_ascii_uppercase()) {
        // Already lower-case (what the client sends): nothing to copy.
        out.put_str(text);
        return;
    }
    if !text.is_ascii() {
        // Chunks could split a character; names are ASCII in practice.
        out.put_str(&text.to_ascii_lowercase());
        return;
    }
    let mut buf = [0u8; 64];
    for chunk in text.as_bytes().chunks(buf.len()) {
        let lower = &mut buf[..chunk.len()];
        lower.copy_from_slice(chunk);
        lower.make_ascii_lowercase();
        out.put(lower);
    }
}

/// Writes the signed header names, `;`-joined and lower-cased.
fn put_signed_names<N: AsRef<str>>(out: &mut impl Sink, names: &[N]) {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.put_str(";");
        }
        put_lowercase(out, name.as_ref());
    }
}

/// The header names a request signs, as given (not lower-cased): names without `_`, sorted and
/// deduplicated without regard to case. [`signed_header_names`] is the same list, lower-cased.
fn signed_names<'h>(headers: &[(&'h str, &str)]) -> Vec<&'h str> {
    let mut names: Vec<&str> = headers
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !name.contains('_'))
        .collect();
    fn lower(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().map(|b| b.to_ascii_lowercase())
    }
    names.sort_unstable_by(|a, b| lower(a).cmp(lower(b)));
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
}

/// Sorts the signed headers of a request in place, as [`signed_names`] sorts the names: `pairs`
/// holds the `(name, value)` of every header whose name has no `_`, in the order sent. On return
/// its first `n` entries are the signed headers sorted by lower-cased name, one per name (as
/// first spelled) with the value sent last under it, as [`header_value`] finds it: the signer
/// resolves every signed header once. Returns `n` and whether every name is lower-case already.
fn sort_signed_pairs(pairs: &mut [(&str, &str)]) -> (usize, bool) {
    let lowercase = !pairs.iter().any(|(name, _)| has_uppercase(name));
    if lowercase && pairs.windows(2).all(|w| w[0].0 < w[1].0) {
        // In order and no name twice (what the client sends): nothing to sort or merge.
        return (pairs.len(), true);
    }
    fn lower(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().map(|b| b.to_ascii_lowercase())
    }
    // Stable: of the same name, the one sent last stays last.
    if lowercase {
        pairs.sort_by_key(|&(name, _)| name);
    } else {
        pairs.sort_by(|(a, _), (b, _)| lower(a).cmp(lower(b)));
    }
    // The first spelling of a name is kept, with the value sent last.
    let mut kept = 0;
    for i in 0..pairs.len() {
        if kept > 0 && pairs[kept - 1].0.eq_ignore_ascii_case(pairs[i].0) {
            pairs[kept - 1].1 = pairs[i].1;
        } else {
            pairs[kept] = pairs[i];
            kept += 1;
        }
    }
    (kept, lowercase)
}

fn has_uppercase(text: &str) -> bool {
    text.bytes()
        .fold(false, |upper, b| upper | b.is_ascii_uppercase())
}

/// The payload hash: see the module docs for the empty-body rule.
pub fn payload_hash(body: &[u8], content_sha256_header: Option<&str>) -> String {
    payload_hash_of(body, content_sha256_header)
        .as_str()
        .to_owned()
}

/// A payload hash without allocating: the hex of the body's hash, or the header's value.
enum PayloadHash<'a> {
    Computed([u8; 64]),
    Given(&'a str),
}

impl PayloadHash<'_> {
    fn as_str(&self) -> &str {
        match self {
            PayloadHash::Computed(hex) => hex_str(hex),
            PayloadHash::Given(text) => text,
        }
    }
}

fn payload_hash_of<'a>(body: &[u8], content_sha256_header: Option<&'a str>) -> PayloadHash<'a> {
    if body.is_empty() {
        return PayloadHash::Given(EMPTY_PAYLOAD_HASH);
    }
    match content_sha256_header {
        Some(value) if !value.is_empty() => PayloadHash::Given(value),
        _ => PayloadHash::Computed(hex32(&Sha256::digest(body))),
    }
}

/// Whether the official client would add `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` for this
/// content type (anything but JSON and BSON).
pub fn content_type_needs_unsigned_payload(content_type: &str) -> bool {
    !content_type.is_empty()
        && !content_type.starts_with("application/json")
        && !content_type.starts_with("application/bson")
}

/// Assembles the canonical request from its parts. `canonical_headers` ends with `\n`, as
/// [`canonical_headers`] returns it; `signed_headers` is `;`-joined.
pub fn canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        method.to_ascii_uppercase()
    )
}

/// The string to sign: algorithm, `X-Sdk-Date` and the hex SHA-256 of the canonical request.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let hash = hex32(&Sha256::digest(canonical_request.as_bytes()));
    let mut out = String::with_capacity(ALGORITHM.len() + sdk_date.len() + 66);
    write_string_to_sign(&mut out, sdk_date, hex_str(&hash));
    out
}

/// The hex signature: HMAC-SHA256 of the string to sign, keyed with the SK itself.
pub fn signature(secret_key: &Secret, string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(
        secret_key.expose().as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

/// The `Authorization` header value, from its parts.
pub fn authorization_header(access_key: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// The `X-Sdk-Date` value for a Unix timestamp: `YYYYMMDDTHHMMSSZ`.
pub fn sdk_date(timestamp: i64) -> String {
    UtcDateTime::from_unix(timestamp).basic_iso()
}

/// Parses an `X-Sdk-Date` value into a Unix timestamp.
pub fn parse_sdk_date(value: &str) -> Result<i64, SignError> {
    Ok(UtcDateTime::parse_basic_iso(value)?.to_unix())
}

/// Everything signing produced. `Debug` hides the signature, the header and the value of a
/// signed `X-Security-Token` (the canonical request is shown, as it is what to compare when a
/// signature is rejected).
#[derive(Clone, PartialEq, Eq)]
pub struct HuaweiSignature {
    /// The canonical request that was signed.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The signed header names, `;`-joined.
    pub signed_headers: String,
    /// The hex signature.
    pub signature: String,
    /// The `Authorization` header value to send.
    pub authorization: String,
}

impl fmt::Debug for HuaweiSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HuaweiSignature")
            .field(
                "canonical_request",
                &redacted_canonical_request(&self.canonical_request),
            )
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"***")
            .field("authorization", &"***")
            .finish()
    }
}

/// The `X-Sdk-Date` of a request, checked the way the SDK checks it (it parses the date and
/// formats it again; a malformed one is an error there too).
fn checked_sdk_date<'a>(req: &HuaweiRequest<'a>) -> Result<&'a str, SignError> {
    check_method(req.method)?;
    let sdk_date = python_strip(
        header_value(req.headers, "x-sdk-date").ok_or(SignError::MissingHeader(HEADER_SDK_DATE))?,
    );
    UtcDateTime::parse_basic_iso(sdk_date)?;
    Ok(sdk_date)
}

/// The signed headers as the canonical request writes them: the `name:value` block and the
/// `;`-joined names.
trait SignedHeaders {
    fn write_block(&self, out: &mut impl Sink) -> Result<(), SignError>;
    fn write_names(&self, out: &mut impl Sink);
}

/// Signed names given (a verifier's, from the `Authorization` header), values looked up.
struct Lookup<'a, N> {
    names: &'a [N],
    headers: &'a [(&'a str, &'a str)],
}

impl<N: AsRef<str>> SignedHeaders for Lookup<'_, N> {
    fn write_block(&self, out: &mut impl Sink) -> Result<(), SignError> {
        write_canonical_headers(out, self.names, self.headers)
    }

    fn write_names(&self, out: &mut impl Sink) {
        put_signed_names(out, self.names);
    }
}

/// Signed names as the `Authorization` header joins them (`a;b;c`), values looked up: a
/// verifier's, without splitting the list into strings.
struct Joined<'a> {
    names: &'a str,
    headers: &'a [(&'a str, &'a str)],
}

impl SignedHeaders for Joined<'_> {
    fn write_block(&self, out: &mut impl Sink) -> Result<(), SignError> {
        for name in self.names.split(';') {
            write_canonical_header(out, name, self.headers)?;
        }
        Ok(())
    }

    fn write_names(&self, out: &mut impl Sink) {
        // Lower-casing the joined list is lower-casing each name and joining them.
        put_lowercase(out, self.names);
    }
}

/// Signed headers resolved once (the signer's): sorted `(name, value)` pairs and the names
/// already joined and lower-cased.
struct Resolved<'a> {
    pairs: &'a [(&'a str, &'a str)],
    joined: &'a str,
    /// Every name is lower-case already (what the client sends): written as it is.
    lowercase: bool,
}

impl SignedHeaders for Resolved<'_> {
    fn write_block(&self, out: &mut impl Sink) -> Result<(), SignError> {
        for (name, value) in self.pairs {
            if self.lowercase {
                out.put_str(name);
            } else {
                put_lowercase(out, name);
            }
            out.put_str(":");
            out.put_str(python_strip(value));
            out.put_str("\n");
        }
        Ok(())
    }

    fn write_names(&self, out: &mut impl Sink) {
        out.put_str(self.joined);
    }
}

/// Writes the canonical request over the `signed` headers (the one implementation of its
/// format).
fn write_canonical_request(
    out: &mut impl Sink,
    signed: &impl SignedHeaders,
    req: &HuaweiRequest<'_>,
) -> Result<(), SignError> {
    let method = req.method.as_bytes();
    let mut upper = [0u8; 16];
    if method.len() <= upper.len() {
        let upper = &mut upper[..method.len()];
        upper.copy_from_slice(method);
        upper.make_ascii_uppercase();
        out.put(upper);
    } else {
        out.put_str(&req.method.to_ascii_uppercase());
    }
    out.put_str("\n");
    write_canonical_uri(out, req.path);
    out.put_str("\n");
    write_canonical_query(out, req.query);
    out.put_str("\n");
    signed.write_block(out)?;
    out.put_str("\n");
    signed.write_names(out);
    out.put_str("\n");
    // The header matters only for a body: an empty one always signs as the empty hash.
    let content_sha256 = if req.body.is_empty() {
        None
    } else {
        header_value(req.headers, "x-sdk-content-sha256")
    };
    out.put_str(payload_hash_of(req.body, content_sha256).as_str());
    Ok(())
}

/// Writes the string to sign (the one implementation of its format).
fn write_string_to_sign(out: &mut impl Sink, sdk_date: &str, canonical_hash: &str) {
    for part in [ALGORITHM, "\n", sdk_date, "\n", canonical_hash] {
        out.put_str(part);
    }
}

/// Computes the canonical request and the signature for the given signed headers.
fn compute<N: AsRef<str>>(
    secret_key: &Secret,
    signed: &[N],
    req: &HuaweiRequest<'_>,
) -> Result<(String, String, String, String), SignError> {
    let sdk_date = checked_sdk_date(req)?;
    let mut canonical_request = String::with_capacity(256 + req.path.len());
    let lookup = Lookup {
        names: signed,
        headers: req.headers,
    };
    write_canonical_request(&mut canonical_request, &lookup, req)?;
    let string_to_sign = string_to_sign(sdk_date, &canonical_request);
    let signature = signature(secret_key, &string_to_sign);
    let mut signed_joined = String::new();
    put_signed_names(&mut signed_joined, signed);
    Ok((canonical_request, string_to_sign, signed_joined, signature))
}

/// What [`sign`] refuses before computing anything.
fn check_request(access_key: &str, req: &HuaweiRequest<'_>) -> Result<(), SignError> {
    if access_key.is_empty() || access_key.contains([',', ' ']) || has_control(access_key) {
        return Err(SignError::InvalidInput(
            "the AK is empty or has `,`, spaces or control characters",
        ));
    }
    // One pass over each name and value: this runs on every call.
    let mut host = false;
    for (name, value) in req.headers {
        // Folds without an early exit: the compiler turns them into vector code.
        let bad_byte = name.bytes().fold(false, |bad, b| {
            bad | matches!(b, b':' | b' ' | b';') | (b < 0x20) | (b == 0x7f)
        });
        if name.is_empty() || bad_byte || (!name.is_ascii() && has_control(name)) {
            return Err(SignError::InvalidInput(
                "a header name is empty or has `:`, `;`, spaces or control characters",
            ));
        }
        // The smallest byte (a vectorized fold) rules out `\r` and `\n` for every usual value.
        let smallest = value.bytes().fold(u8::MAX, u8::min);
        if smallest <= b'\r' && value.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(SignError::InvalidInput("a header value has a line break"));
        }
        host |= name.eq_ignore_ascii_case("host");
    }
    if !host {
        return Err(SignError::MissingHeader("Host"));
    }
    Ok(())
}

/// The `Authorization` header of a request: exactly what [`sign`] returns in `authorization`,
/// without building the intermediate strings. The canonical request and the string to sign are
/// written straight into their hash and MAC; the header is the one string built. This is what
/// the client sends on every call.
pub fn authorization(
    access_key: &str,
    secret_key: &Secret,
    req: &HuaweiRequest<'_>,
) -> Result<String, SignError> {
    check_request(access_key, req)?;
    let sdk_date = checked_sdk_date(req)?;
    let signed = req
        .headers
        .iter()
        .copied()
        .filter(|(name, _)| !name.contains('_'));
    with_scratch(signed, |pairs| {
        let (signed_count, lowercase) = sort_signed_pairs(pairs);
        let pairs = &pairs[..signed_count];
        // The header is built first: its `SignedHeaders` are the joined names the canonical
        // request needs too, lower-cased and joined once.
        let mut header =
            String::with_capacity(ALGORITHM.len() + access_key.len() + 120 + 16 * pairs.len());
        for part in [ALGORITHM, " Access=", access_key, ", SignedHeaders="] {
            header.push_str(part);
        }
        let names_at = header.len();
        for (i, (name, _)) in pairs.iter().enumerate() {
            if i > 0 {
                header.push(';');
            }
            if lowercase {
                header.push_str(name);
            } else {
                put_lowercase(&mut header, name);
            }
        }
        let mut canonical = Sha256::new();
        let mut buffered = Buffered::<_, CANONICAL_BUFFER>::new(&mut canonical);
        let resolved = Resolved {
            pairs,
            joined: &header[names_at..],
            lowercase,
        };
        write_canonical_request(&mut buffered, &resolved, req)?;
        buffered.finish();
        let canonical_hash = hex32(&canonical.finalize());
        let signature = sign_string(secret_key, sdk_date, &canonical_hash);
        header.push_str(", Signature=");
        header.push_str(hex_str(&signature));
        Ok(header)
    })
}

/// The hex HMAC of the string to sign, keyed with the SK: the string is assembled on the stack
/// and handed to the MAC in one piece.
fn sign_string(secret_key: &Secret, sdk_date: &str, canonical_hash: &[u8; 64]) -> [u8; 64] {
    let mut mac = hmac_with(secret_key.expose().as_bytes());
    let mut buffered = Buffered::<_, STRING_TO_SIGN_BUFFER>::new(&mut mac);
    write_string_to_sign(&mut buffered, sdk_date, hex_str(canonical_hash));
    buffered.finish();
    hex32(&hmac::Mac::finalize(mac).into_bytes())
}

/// Signs a request. The headers must include `Host` and `X-Sdk-Date`.
pub fn sign(
    access_key: &str,
    secret_key: &Secret,
    req: &HuaweiRequest<'_>,
) -> Result<HuaweiSignature, SignError> {
    check_request(access_key, req)?;
    let signed = signed_names(req.headers);
    let (canonical_request, string_to_sign, signed_headers, signature) =
        compute(secret_key, &signed, req)?;
    let authorization = authorization_header(access_key, &signed_headers, &signature);
    Ok(HuaweiSignature {
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
        authorization,
    })
}

/// An `Authorization` header split into its parts. `Debug` hides the signature.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The AK.
    pub access_key: String,
    /// The signed header names, in the order sent.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

impl fmt::Debug for ParsedAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("access_key", &self.access_key)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"***")
            .finish()
    }
}

/// An `Authorization` header split into its parts, borrowed from the header: what a server
/// checks on every call, without copying anything. [`parse_authorization`] is the owned form.
/// `Debug` hides the signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuthorizationParts<'h> {
    /// The AK.
    pub access_key: &'h str,
    /// The signed header names, `;`-joined as sent; none is empty.
    pub signed_headers: &'h str,
    /// The hex signature (64 lowercase hex digits).
    pub signature: &'h str,
}

impl fmt::Debug for AuthorizationParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationParts")
            .field("access_key", &self.access_key)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"***")
            .finish()
    }
}

/// Splits `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`, refusing what
/// [`parse_authorization`] refuses.
pub fn split_authorization(header: &str) -> Result<AuthorizationParts<'_>, SignError> {
    let (access_key, signed_headers, signature) =
        authorization_fields(header, ALGORITHM, "Access")?;
    if signed_headers.split(';').any(str::is_empty) {
        return Err(SignError::MalformedAuthorization(
            "SignedHeaders has an empty name",
        ));
    }
    Ok(AuthorizationParts {
        access_key,
        signed_headers,
        signature,
    })
}

/// Parses `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`.
pub fn parse_authorization(header: &str) -> Result<ParsedAuthorization, SignError> {
    let parts = split_authorization(header)?;
    Ok(ParsedAuthorization {
        access_key: parts.access_key.to_owned(),
        signed_headers: parts.signed_headers.split(';').map(str::to_owned).collect(),
        signature: parts.signature.to_owned(),
    })
}

/// Checks a parsed `Authorization` header against the request as received: `host` and
/// `x-sdk-date` must be signed, every signed header present, and the signature must match.
/// Checking that `X-Sdk-Date` is recent is the caller's business (Huawei allows 15 minutes).
pub fn verify(
    auth: &ParsedAuthorization,
    secret_key: &Secret,
    req: &HuaweiRequest<'_>,
) -> Result<(), SignError> {
    let signs = |required: &str| auth.signed_headers.iter().any(|h| h == required);
    let lookup = Lookup {
        names: &auth.signed_headers,
        headers: req.headers,
    };
    verify_signed(signs, &lookup, &auth.signature, secret_key, req)
}

/// [`verify`] for a header split by [`split_authorization`]: the same checks, the same errors,
/// nothing allocated.
pub fn verify_parts(
    auth: &AuthorizationParts<'_>,
    secret_key: &Secret,
    req: &HuaweiRequest<'_>,
) -> Result<(), SignError> {
    let signs = |required: &str| auth.signed_headers.split(';').any(|h| h == required);
    let joined = Joined {
        names: auth.signed_headers,
        headers: req.headers,
    };
    verify_signed(signs, &joined, auth.signature, secret_key, req)
}

/// The one implementation of [`verify`] and [`verify_parts`].
fn verify_signed(
    signs: impl Fn(&str) -> bool,
    signed: &impl SignedHeaders,
    signature: &str,
    secret_key: &Secret,
    req: &HuaweiRequest<'_>,
) -> Result<(), SignError> {
    if !(signs("host") && signs("x-sdk-date")) {
        return Err(SignError::Mismatch(
            "SignedHeaders lacks host or x-sdk-date",
        ));
    }
    // As `authorization` signs: the canonical request and the string to sign go straight into
    // their hash and MAC, and the expected signature stays on the stack.
    let sdk_date = checked_sdk_date(req)?;
    let mut canonical = Sha256::new();
    let mut buffered = Buffered::<_, CANONICAL_BUFFER>::new(&mut canonical);
    write_canonical_request(&mut buffered, signed, req)?;
    buffered.finish();
    let canonical_hash = hex32(&canonical.finalize());
    let expected = sign_string(secret_key, sdk_date, &canonical_hash);
    if signatures_equal(hex_str(&expected), signature) {
        Ok(())
    } else {
        Err(SignError::Mismatch("the signature does not match"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::sha256_hex;

    #[test]
    fn encoding_matches_python_quote() {
        assert_eq!(percent_encode("a b~+/é_.-"), "a%20b~%2B%2F%C3%A9_.-");
        assert_eq!(percent_decode("a%20b%2fc%zz%"), "a b/c%zz%");
        assert_eq!(percent_decode("%E4%B8%AD+%ff"), "中+\u{fffd}");
        assert_eq!(canonical_uri("/v3/a%2Fb c"), "/v3/a/b%20c/");
        assert_eq!(canonical_uri("/v3/x/"), "/v3/x/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(
            canonical_query(&[("b", "2"), ("a", "z"), ("a", "y y"), ("c+", "~/")]),
            "a=y%20y&a=z&b=2&c%2B=~%2F"
        );
        assert_eq!(
            parse_query("a=y%20y&&a=z&flag&c%2B=~%2F"),
            [("a", "y y"), ("a", "z"), ("flag", ""), ("c+", "~/")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let borrowed = parse_query_borrowed("id=x&name=a%20b");
        assert!(matches!(
            borrowed[0],
            (Cow::Borrowed("id"), Cow::Borrowed("x"))
        ));
        assert!(matches!(&borrowed[1].1, Cow::Owned(v) if v == "a b"));
    }

    #[test]
    fn payload_hash_rules() {
        assert_eq!(
            payload_hash(b"", Some(UNSIGNED_PAYLOAD)),
            EMPTY_PAYLOAD_HASH
        );
        assert_eq!(
            payload_hash(b"{}", Some(UNSIGNED_PAYLOAD)),
            UNSIGNED_PAYLOAD
        );
        assert_eq!(payload_hash(b"{}", None), sha256_hex(b"{}"));
    }

    #[test]
    fn the_fast_authorization_is_the_signed_one() {
        let secret = Secret::new("EmulatorSecretAccessKey00000000000000000");
        let hdrs = [
            ("Content-Type", "application/json"),
            ("host", "Gaussdb-Nosql.cn-north-4.myhuaweicloud.com "),
            ("X-Sdk-Date", "20240102T030405Z"),
            ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
            ("x-project-id", "later wins"),
            ("X_Skipped", "x"),
            ("User-Agent", "cloudcall/0.1.0"),
        ];
        let unsigned = [("X-Sdk-Content-Sha256", UNSIGNED_PAYLOAD), hdrs[1], hdrs[2]];
        let cases = [
            HuaweiRequest {
                method: "put",
                path: "/v3/p/instances/a%2Fb c/ssl-option",
                query: &[],
                headers: &hdrs,
                body: br#"{"ssl_option":"on"}"#,
            },
            HuaweiRequest {
                method: "GET",
                path: "/v3/p/instances/",
                query: &[
                    ("offset", "0"),
                    ("name", "my instance"),
                    ("limit", "100"),
                    ("a", "~/+"),
                ],
                headers: &hdrs,
                body: b"",
            },
            HuaweiRequest {
                method: "POST",
                path: "/",
                query: &[],
                headers: &unsigned,
                body: b"raw",
            },
        ];
        for req in cases {
            let full = sign("AK", &secret, &req).unwrap();
            assert_eq!(
                authorization("AK", &secret, &req).unwrap(),
                full.authorization,
                "{req:?}"
            );
            assert!(
                full.authorization.contains(
                    "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date,"
                ) || req.method == "POST"
            );
        }
        let missing = HuaweiRequest {
            method: "GET",
            path: "/",
            query: &[],
            headers: &hdrs[..2],
            body: b"",
        };
        assert_eq!(
            authorization("AK", &secret, &missing).unwrap_err(),
            sign("AK", &secret, &missing).unwrap_err()
        );
    }

    fn headers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("Content-Type", "application/json"),
            ("Host", "example.com"),
            ("X-Sdk-Date", "20240102T030405Z"),
            ("X_Skipped", "x"),
        ]
    }

    #[test]
    fn sign_parse_verify() {
        let sk = Secret::new("sk");
        let headers = headers();
        let req = HuaweiRequest {
            method: "post",
            path: "/v3/p/instances",
            query: &[("a", "1")],
            headers: &headers,
            body: b"{}",
        };
        let signed = sign("AK", &sk, &req).unwrap();
        assert_eq!(signed.signed_headers, "content-type;host;x-sdk-date");
        assert!(signed
            .canonical_request
            .starts_with("POST\n/v3/p/instances/\na=1\ncontent-type:application/json\n"));
        let parsed = parse_authorization(&signed.authorization).unwrap();
        assert_eq!(parsed.access_key, "AK");
        verify(&parsed, &sk, &req).unwrap();
        assert!(verify(&parsed, &Secret::new("other"), &req).is_err());
        assert!(verify(
            &parsed,
            &sk,
            &HuaweiRequest {
                body: b"{ }",
                ..req
            }
        )
        .is_err());
        assert!(verify(&parsed, &sk, &HuaweiRequest { query: &[], ..req }).is_err());
        let text = format!("{signed:?} {parsed:?}");
        assert!(!text.contains(&signed.signature));
    }

    #[test]
    fn verify_parts_agrees_with_verify() {
        let sk = Secret::new("sk");
        let mut headers = headers();
        headers.push(("HOST", "Example.com "));
        let req = HuaweiRequest {
            method: "get",
            path: "/v3/p/instances",
            query: &[("id", "x"), ("a", "b c")],
            headers: &headers,
            body: b"",
        };
        let good = authorization("AK", &sk, &req).unwrap();
        let signature = &good[good.len() - 64..];
        let zeros = "0".repeat(64);
        let mut cases = vec![good.clone(), good.replace("content-type;", "Content-Type;")];
        for (names, sig) in [
            ("content-type;host;x-sdk-date", zeros.as_str()),
            ("content-type;host;x-missing;x-sdk-date", signature),
            ("content-type;host", signature),
            ("Host;X-Sdk-Date", signature),
            ("x-sdk-date;host", signature),
        ] {
            cases.push(format!(
                "{ALGORITHM} Access=AK, SignedHeaders={names}, Signature={sig}"
            ));
        }
        for header in &cases {
            let parts = split_authorization(header).unwrap();
            let parsed = parse_authorization(header).unwrap();
            for (secret, request) in [
                (&sk, req),
                (&Secret::new("other"), req),
                (&sk, HuaweiRequest { query: &[], ..req }),
                (
                    &sk,
                    HuaweiRequest {
                        method: "a b",
                        ..req
                    },
                ),
            ] {
                assert_eq!(
                    verify_parts(&parts, secret, &request),
                    verify(&parsed, secret, &request),
                    "{header}"
                );
            }
        }
        assert_eq!(
            verify_parts(&split_authorization(&good).unwrap(), &sk, &req),
            Ok(())
        );
        assert!(!format!("{:?}", split_authorization(&good).unwrap()).contains(signature));
    }

    #[test]
    fn fast_paths_write_what_the_general_rules_write() {
        // The canonical URI by the rules: decode, split on `/`, encode each segment, join, and
        // end with `/` unless the last segment is empty.
        fn uri_by_the_rules(path: &str) -> String {
            let decoded = percent_decode(path);
            let segments: Vec<String> = decoded.split('/').map(percent_encode).collect();
            let mut uri = segments.join("/");
            if !segments.last().is_some_and(String::is_empty) {
                uri.push('/');
            }
            uri
        }
        for path in [
            "",
            "/",
            "/v3",
            "/v3/",
            "v3/x",
            "//a//b",
            "/v3/~x_y.z-1/AZ09",
            "/v3/a b",
            "/v3/a%2Fb",
            "/v3/a%zz",
            "/v3/a+b",
            "/v3/é",
        ] {
            assert_eq!(canonical_uri(path), uri_by_the_rules(path), "{path:?}");
        }
        // The canonical query by the rules: sorted by key then value, encoded, `&`-joined.
        fn query_by_the_rules(params: &[(&str, &str)]) -> String {
            let mut sorted = params.to_vec();
            sorted.sort();
            let encoded: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
                .collect();
            encoded.join("&")
        }
        let many: Vec<(String, String)> = (0..2 * SCRATCH_ITEMS)
            .map(|i| (format!("k{}", (i * 7) % 5), format!("v {i}")))
            .collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (&k[..], &v[..])).collect();
        for params in [
            &[][..],
            &[("a", "1"), ("b", "2")],
            &[("b", "2"), ("a", "z"), ("a", "y y"), ("a", "y y")],
            &many,
        ] {
            assert_eq!(
                canonical_query(params),
                query_by_the_rules(params),
                "{params:?}"
            );
        }
        // The signer's resolved headers against the verifier's lookups (`sign`): in order,
        // out of order, repeated names in one case or several, more than fit on the stack.
        let secret = Secret::new("sk");
        let lower_sorted = [
            ("content-type", "application/json"),
            ("host", "example.com"),
            ("x-sdk-date", "20240102T030405Z"),
        ];
        let lower_unsorted = [
            ("x-sdk-date", "20240102T030405Z"),
            ("host", "example.com"),
            ("x-a", "first"),
            ("content-type", "application/json"),
            ("x-a", "last"),
            ("x_skipped", "x"),
        ];
        let mixed = [
            ("X-A", "first"),
            ("host", "example.com"),
            ("x-a", "last"),
            ("X-Sdk-Date", "20240102T030405Z"),
        ];
        let names: Vec<String> = (0..2 * SCRATCH_ITEMS)
            .map(|i| format!("x-h{}", (i * 7) % 11))
            .collect();
        let mut many: Vec<(&str, &str)> = names.iter().map(|n| (&n[..], "v")).collect();
        many.extend([("Host", "example.com"), ("x-sdk-date", "20240102T030405Z")]);
        for headers in [&lower_sorted[..], &lower_unsorted, &mixed, &many] {
            let req = HuaweiRequest {
                method: "GET",
                path: "/v3/p",
                query: &[("b", "1"), ("a", "2")],
                headers,
                body: b"{}",
            };
            assert_eq!(
                authorization("AK", &secret, &req).unwrap(),
                sign("AK", &secret, &req).unwrap().authorization,
                "{headers:?}"
            );
        }
    }

    #[test]
    fn debug_hides_tokens_and_bodies() {
        let sk = Secret::new("sk");
        let mut headers = headers();
        headers.push(("X-Security-Token", "tmp-TOKEN-value"));
        let req = HuaweiRequest {
            method: "POST",
            path: "/v3/p/users",
            query: &[],
            headers: &headers,
            body: br#"{"password":"hunter2"}"#,
        };
        let signed = sign("AK", &sk, &req).unwrap();
        assert!(signed
            .canonical_request
            .contains("x-security-token:tmp-TOKEN-value\n"));
        let text = format!("{signed:?} {req:?}");
        assert!(!text.contains("tmp-TOKEN-value"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("x-security-token:***"), "{text}");
    }

    #[test]
    fn missing_or_bad_headers_are_typed_errors() {
        let sk = Secret::new("sk");
        let base = headers();
        let no_date: Vec<_> = base
            .iter()
            .copied()
            .filter(|(n, _)| *n != "X-Sdk-Date")
            .collect();
        let no_host: Vec<_> = base.iter().copied().filter(|(n, _)| *n != "Host").collect();
        let mut bad_date = base.clone();
        bad_date[2].1 = "2024-01-02T03:04:05Z";
        let mut newline = base.clone();
        newline.push(("X-Evil", "a\r\nb"));
        let req = |h| HuaweiRequest {
            method: "GET",
            path: "/",
            query: &[],
            headers: h,
            body: b"",
        };
        assert_eq!(
            sign("AK", &sk, &req(&no_date)).unwrap_err(),
            SignError::MissingHeader(HEADER_SDK_DATE)
        );
        assert_eq!(
            sign("AK", &sk, &req(&no_host)).unwrap_err(),
            SignError::MissingHeader("Host")
        );
        assert!(matches!(
            sign("AK", &sk, &req(&bad_date)),
            Err(SignError::BadDate { .. })
        ));
        assert!(matches!(
            sign("AK", &sk, &req(&newline)),
            Err(SignError::InvalidInput(_))
        ));
        assert!(matches!(
            sign("", &sk, &req(&base)),
            Err(SignError::InvalidInput(_))
        ));
        let parsed = ParsedAuthorization {
            access_key: "AK".into(),
            signed_headers: vec!["host".into(), "x-missing".into(), "x-sdk-date".into()],
            signature: "0".repeat(64),
        };
        assert_eq!(
            verify(&parsed, &sk, &req(&base)).unwrap_err(),
            SignError::MissingSignedHeader("x-missing".into())
        );
        for bad in [
            "",
            "SDK-HMAC-SHA256",
            "SDK-HMAC-SM3 Access=a, SignedHeaders=host, Signature=x",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=host;;x, Signature=0000000000000000000000000000000000000000000000000000000000000000",
            "SDK-HMAC-SHA256 Access=a, Signature=0000000000000000000000000000000000000000000000000000000000000000",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=zz",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
            assert_eq!(
                split_authorization(bad).unwrap_err(),
                parse_authorization(bad).unwrap_err()
            );
        }
    }
}
