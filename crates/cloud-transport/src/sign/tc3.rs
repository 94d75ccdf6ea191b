//! Tencent Cloud API 3.0 signature, TC3-HMAC-SHA256, exactly as `tencentcloud-sdk-python-common`
//! computes it (`AbstractClient._get_tc3_signature` and `Sign.sign_tc3`).
//!
//! ```text
//! CanonicalRequest = Method \n "/" \n CanonicalQuery \n
//!                    "content-type:" ContentType \n "host:" Host \n \n
//!                    "content-type;host" \n HexSHA256(Payload)
//! StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/Service/"tc3_request" \n HexSHA256(CanonicalRequest)
//! SigningKey       = HMAC(HMAC(HMAC("TC3" + SecretKey, Date), Service), "tc3_request")
//! Signature        = Hex(HMAC(SigningKey, StringToSign))
//! ```
//!
//! What the official SDK does, and this module therefore does too:
//! - The content type and host go into the canonical headers exactly as sent (no lowercasing, no
//!   trimming): `application/json` for POST, `application/x-www-form-urlencoded` for GET.
//! - POST: the canonical query is empty and the payload is the exact body bytes.
//!   GET: the canonical query is the query string exactly as sent (Python's `urlencode`, so a
//!   space is `+`), and the payload is empty.
//! - With `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` the payload hash is the SHA-256 *of the string*
//!   `UNSIGNED-PAYLOAD` (not the literal, unlike Huawei).
//! - The date in the scope is the UTC date of `X-TC-Timestamp`.
//!
//! Signing:
//! ```
//! use cloud_transport::{sign::tc3, Secret};
//! let signer = tc3::Signer::new();
//! let body = br#"{"Limit": 1}"#;
//! let request = tc3::Tc3Request::post_json("cvm.tencentcloudapi.com", body);
//! let signed = signer
//!     .sign("AKIDEXAMPLE", &Secret::new("secret"), "cvm", 1551113065, &request)
//!     .unwrap();
//! assert!(signed.authorization.starts_with("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, "));
//! ```
//!
//! Verifying (what a server does): [`parse_authorization`], look up the secret by
//! [`ParsedAuthorization::secret_id`], then [`verify`].

use std::fmt;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::{authorization_fields, check_method, SignError, UtcDateTime};
use super::{
    has_control, hex32, hex_str, hmac_sha256, hmac_with, signatures_equal, Buffered, Sink,
    CANONICAL_BUFFER,
};
use crate::secret::Secret;

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The only signed headers the official SDKs use.
pub const SIGNED_HEADERS: &str = "content-type;host";
/// The canonical URI: API 3.0 requests always go to `/`.
pub const CANONICAL_URI: &str = "/";
/// Content type of POST requests (what the official SDK sends).
pub const JSON_CONTENT_TYPE: &str = "application/json";
/// Content type of GET requests (what the official SDK sends).
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// Value of `X-TC-Content-SHA256` that leaves the body out of the signature.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The last element of the credential scope.
pub const SCOPE_TERMINATOR: &str = "tc3_request";

/// The parts of a request that TC3 signs. `Debug` does not show the body (it may hold
/// passwords), only its length.
#[derive(Clone, Copy)]
pub struct Tc3Request<'a> {
    /// `POST` or `GET`.
    pub method: &'a str,
    /// The `Host` header exactly as sent (`cvm.tencentcloudapi.com`, or `127.0.0.1:8080`).
    pub host: &'a str,
    /// The query string exactly as sent, without `?`. Empty for POST (the SDK signs POST with an
    /// empty canonical query).
    pub query: &'a str,
    /// The `Content-Type` header exactly as sent.
    pub content_type: &'a str,
    /// The exact body bytes. Empty for GET.
    pub body: &'a [u8],
    /// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` is sent, so the body is not signed.
    pub unsigned_payload: bool,
}

impl fmt::Debug for Tc3Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3Request")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("query", &self.query)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .field("unsigned_payload", &self.unsigned_payload)
            .finish()
    }
}

impl<'a> Tc3Request<'a> {
    /// A POST with a JSON body and `Content-Type: application/json`, as the official SDK sends it.
    pub fn post_json(host: &'a str, body: &'a [u8]) -> Self {
        Tc3Request {
            method: "POST",
            host,
            query: "",
            content_type: JSON_CONTENT_TYPE,
            body,
            unsigned_payload: false,
        }
    }

    /// A GET whose parameters are in `query` (already URL-encoded, exactly as sent).
    pub fn get(host: &'a str, query: &'a str) -> Self {
        Tc3Request {
            method: "GET",
            host,
            query,
            content_type: FORM_CONTENT_TYPE,
            body: b"",
            unsigned_payload: false,
        }
    }
}

/// Hex SHA-256 of what TC3 signs as the payload: the body, or the string `UNSIGNED-PAYLOAD`.
pub fn payload_hash(body: &[u8], unsigned_payload: bool) -> String {
    hex_str(&payload_hash_hex(body, unsigned_payload)).to_owned()
}

fn payload_hash_hex(body: &[u8], unsigned_payload: bool) -> [u8; 64] {
    let payload = if unsigned_payload {
        UNSIGNED_PAYLOAD.as_bytes()
    } else {
        body
    };
    hex32(&Sha256::digest(payload))
}

/// The canonical request.
pub fn canonical_request(req: &Tc3Request<'_>) -> String {
    let payload = payload_hash_hex(req.body, req.unsigned_payload);
    let mut out = String::with_capacity(128 + req.query.len() + req.host.len());
    write_canonical_request(&mut out, req, hex_str(&payload));
    out
}

/// Writes the canonical request (the one implementation of its format).
fn write_canonical_request(sink: &mut impl Sink, req: &Tc3Request<'_>, payload_hash: &str) {
    for part in [
        req.method,
        "\n",
        CANONICAL_URI,
        "\n",
        req.query,
        "\ncontent-type:",
        req.content_type,
        "\nhost:",
        req.host,
        "\n\n",
        SIGNED_HEADERS,
        "\n",
        payload_hash,
    ] {
        sink.put_str(part);
    }
}

/// Writes the string to sign (the one implementation of its format); `scope` is the credential
/// scope, in pieces.
fn write_string_to_sign(
    sink: &mut impl Sink,
    timestamp: i64,
    scope: &[&str],
    canonical_hash: &str,
) {
    let mut digits = [0u8; 20];
    sink.put_str(ALGORITHM);
    sink.put_str("\n");
    sink.put(decimal(timestamp, &mut digits));
    sink.put_str("\n");
    for piece in scope {
        sink.put_str(piece);
    }
    sink.put_str("\n");
    sink.put_str(canonical_hash);
}

/// `n` in decimal, written into `buf` (an `i64` has at most 20 characters with its sign).
fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// The UTC date (`2019-02-25`) of a Unix timestamp, as used in the credential scope.
pub fn scope_date(timestamp: i64) -> String {
    UtcDateTime::from_unix(timestamp).date_dashed()
}

/// The credential scope `<date>/<service>/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{SCOPE_TERMINATOR}")
}

/// The string to sign: algorithm, timestamp, scope and the hex SHA-256 of the canonical request.
pub fn string_to_sign(timestamp: i64, credential_scope: &str, canonical_request: &str) -> String {
    let hash = hex32(&Sha256::digest(canonical_request.as_bytes()));
    let mut out = String::with_capacity(ALGORITHM.len() + credential_scope.len() + 90);
    write_string_to_sign(&mut out, timestamp, &[credential_scope], hex_str(&hash));
    out
}

/// The key derived from a SecretKey for one date and service. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

/// Derives the signing key: HMAC("TC3" + SecretKey, date) → service → "tc3_request".
pub fn derive_signing_key(secret_key: &Secret, date: &str, service: &str) -> SigningKey {
    let mut k_secret = Vec::with_capacity(3 + secret_key.expose().len());
    k_secret.extend_from_slice(b"TC3");
    k_secret.extend_from_slice(secret_key.expose().as_bytes());
    let k_date = hmac_sha256(&k_secret, date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    SigningKey(hmac_sha256(&k_service, SCOPE_TERMINATOR.as_bytes()))
}

/// The hex signature of a string to sign.
pub fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(&key.0, string_to_sign.as_bytes()))
}

/// The `Authorization` header value.
pub fn authorization(secret_id: &str, credential_scope: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{credential_scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
}

/// Everything signing produced. `Debug` hides the signature and the header.
#[derive(Clone, PartialEq, Eq)]
pub struct Tc3Signature {
    /// The canonical request that was signed.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The credential scope.
    pub credential_scope: String,
    /// The hex signature.
    pub signature: String,
    /// The `Authorization` header value to send.
    pub authorization: String,
}

impl fmt::Debug for Tc3Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3Signature")
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("credential_scope", &self.credential_scope)
            .field("signature", &"***")
            .field("authorization", &"***")
            .finish()
    }
}

/// Checks what would otherwise corrupt the canonical request's line structure.
fn validate(service: &str, req: &Tc3Request<'_>) -> Result<(), SignError> {
    check_method(req.method)?;
    let no_controls = |s: &str| !has_control(s);
    if req.host.is_empty() || !no_controls(req.host) || req.host.contains(' ') {
        return Err(SignError::InvalidInput(
            "the host is empty or has spaces or control characters",
        ));
    }
    if !no_controls(req.content_type) {
        return Err(SignError::InvalidInput(
            "the content type has control characters",
        ));
    }
    if !no_controls(req.query) || req.query.contains(' ') {
        return Err(SignError::InvalidInput(
            "the query string is not URL-encoded",
        ));
    }
    if service.is_empty()
        || !service
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
    {
        return Err(SignError::InvalidInput(
            "the service name is empty or not [A-Za-z0-9-]",
        ));
    }
    Ok(())
}

fn sign_with_key(
    secret_id: &str,
    key: &SigningKey,
    date: &str,
    service: &str,
    timestamp: i64,
    req: &Tc3Request<'_>,
) -> Tc3Signature {
    let canonical_request = canonical_request(req);
    let credential_scope = credential_scope(date, service);
    let string_to_sign = string_to_sign(timestamp, &credential_scope, &canonical_request);
    let signature = signature(key, &string_to_sign);
    let authorization = authorization(secret_id, &credential_scope, &signature);
    Tc3Signature {
        canonical_request,
        string_to_sign,
        credential_scope,
        signature,
        authorization,
    }
}

fn check_secret_id(secret_id: &str) -> Result<(), SignError> {
    if secret_id.is_empty() || secret_id.contains(['/', ',', ' ']) || has_control(secret_id) {
        Err(SignError::InvalidInput(
            "the SecretId is empty or has `/`, `,`, spaces or control characters",
        ))
    } else {
        Ok(())
    }
}

/// Signs a request without caching the derived key. `timestamp` is what `X-TC-Timestamp` carries.
pub fn sign(
    secret_id: &str,
    secret_key: &Secret,
    service: &str,
    timestamp: i64,
    req: &Tc3Request<'_>,
) -> Result<Tc3Signature, SignError> {
    sign_using(secret_id, service, timestamp, req, |date| {
        derive_signing_key(secret_key, date, service)
    })
}

/// Checks and signs a request with the key `key_for` gives for the scope's date (derived
/// afresh, or from a cache).
fn sign_using(
    secret_id: &str,
    service: &str,
    timestamp: i64,
    req: &Tc3Request<'_>,
    key_for: impl FnOnce(&str) -> SigningKey,
) -> Result<Tc3Signature, SignError> {
    validate(service, req)?;
    check_secret_id(secret_id)?;
    let date = scope_date(timestamp);
    let key = key_for(&date);
    Ok(sign_with_key(
        secret_id, &key, &date, service, timestamp, req,
    ))
}

/// How many derived keys a [`KeyCache`] keeps by default. A client talks to a handful of
/// services; a key lives one day.
pub const DEFAULT_KEY_CACHE_CAPACITY: usize = 16;

struct CacheEntry {
    date: String,
    service: String,
    secret_key: Secret,
    key: SigningKey,
}

/// A thread-safe, bounded cache of derived signing keys per (SecretKey, date, service).
///
/// Deriving costs three HMACs; a cached key leaves one HMAC per request. When full, the oldest
/// entry is dropped. The SecretKey is part of the lookup so rotated credentials never reuse a
/// stale key.
pub struct KeyCache {
    capacity: usize,
    entries: Mutex<Vec<CacheEntry>>,
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::with_capacity(DEFAULT_KEY_CACHE_CAPACITY)
    }
}

impl KeyCache {
    /// A cache holding at most `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        KeyCache {
            capacity: capacity.max(1),
            entries: Mutex::new(Vec::new()),
        }
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<CacheEntry>> {
        // A panic while holding the lock cannot leave the Vec half-updated in a harmful way:
        // every entry is a complete, correct key.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The derived key for (secret, date, service), computed on a miss.
    pub fn get_or_derive(&self, secret_key: &Secret, date: &str, service: &str) -> SigningKey {
        let found = self
            .lock()
            .iter()
            .find(|e| e.date == date && e.service == service && e.secret_key == *secret_key)
            .map(|e| e.key.clone());
        if let Some(key) = found {
            return key;
        }
        // Derive outside the lock; two threads missing at once both derive the same key.
        let key = derive_signing_key(secret_key, date, service);
        let mut entries = self.lock();
        if !entries
            .iter()
            .any(|e| e.date == date && e.service == service && e.secret_key == *secret_key)
        {
            if entries.len() >= self.capacity {
                entries.remove(0);
            }
            entries.push(CacheEntry {
                date: date.to_owned(),
                service: service.to_owned(),
                secret_key: secret_key.clone(),
                key: key.clone(),
            });
        }
        key
    }
}

/// Signs TC3 requests, caching derived keys. Share one per client (it is `Sync`).
#[derive(Debug, Default)]
pub struct Signer {
    keys: KeyCache,
}

impl Signer {
    /// A signer with a cache of [`DEFAULT_KEY_CACHE_CAPACITY`] keys.
    pub fn new() -> Self {
        Signer::default()
    }

    /// A signer with a cache of at most `capacity` keys.
    pub fn with_cache_capacity(capacity: usize) -> Self {
        Signer {
            keys: KeyCache::with_capacity(capacity),
        }
    }

    /// The key cache.
    pub fn key_cache(&self) -> &KeyCache {
        &self.keys
    }

    /// The `Authorization` header of a request: exactly what [`Signer::sign`] returns in
    /// `authorization`, without building the intermediate strings. The canonical request and
    /// the string to sign are written straight into their hash and MAC; the header is the one
    /// allocation. This is what the client sends on every call.
    pub fn authorization(
        &self,
        secret_id: &str,
        secret_key: &Secret,
        service: &str,
        timestamp: i64,
        req: &Tc3Request<'_>,
    ) -> Result<String, SignError> {
        validate(service, req)?;
        check_secret_id(secret_id)?;
        let Some(date) = UtcDateTime::from_unix(timestamp).date_dashed_bytes() else {
            // A year outside 0..=9999 (a clock set far off): the general path writes it.
            return self
                .sign(secret_id, secret_key, service, timestamp, req)
                .map(|s| s.authorization);
        };
        let date = std::str::from_utf8(&date).unwrap_or_default();
        let key = self.keys.get_or_derive(secret_key, date, service);
        let payload = payload_hash_hex(req.body, req.unsigned_payload);
        let mut canonical = Sha256::new();
        let mut buffered = Buffered::<_, CANONICAL_BUFFER>::new(&mut canonical);
        write_canonical_request(&mut buffered, req, hex_str(&payload));
        buffered.finish();
        let canonical_hash = hex32(&canonical.finalize());
        let mut mac = hmac_with(&key.0);
        write_string_to_sign(
            &mut mac,
            timestamp,
            &[date, "/", service, "/", SCOPE_TERMINATOR],
            hex_str(&canonical_hash),
        );
        let signature = hex32(&hmac::Mac::finalize(mac).into_bytes());
        let mut header = String::with_capacity(
            ALGORITHM.len() + secret_id.len() + service.len() + SIGNED_HEADERS.len() + 130,
        );
        for part in [
            ALGORITHM,
            " Credential=",
            secret_id,
            "/",
            date,
            "/",
            service,
            "/",
            SCOPE_TERMINATOR,
            ", SignedHeaders=",
            SIGNED_HEADERS,
            ", Signature=",
            hex_str(&signature),
        ] {
            header.push_str(part);
        }
        Ok(header)
    }

    /// Signs a request. `timestamp` is what `X-TC-Timestamp` carries (Unix seconds).
    pub fn sign(
        &self,
        secret_id: &str,
        secret_key: &Secret,
        service: &str,
        timestamp: i64,
        req: &Tc3Request<'_>,
    ) -> Result<Tc3Signature, SignError> {
        sign_using(secret_id, service, timestamp, req, |date| {
            self.keys.get_or_derive(secret_key, date, service)
        })
    }
}

/// An `Authorization` header split into its parts. `Debug` hides the signature.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The SecretId.
    pub secret_id: String,
    /// The scope's date, `YYYY-MM-DD`.
    pub date: String,
    /// The scope's service.
    pub service: String,
    /// `SignedHeaders` as sent.
    pub signed_headers: String,
    /// The hex signature.
    pub signature: String,
}

impl ParsedAuthorization {
    /// The credential scope `<date>/<service>/tc3_request`.
    pub fn credential_scope(&self) -> String {
        credential_scope(&self.date, &self.service)
    }
}

impl fmt::Debug for ParsedAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("secret_id", &self.secret_id)
            .field("date", &self.date)
            .field("service", &self.service)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"***")
            .finish()
    }
}

/// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=..., Signature=<hex>`.
pub fn parse_authorization(header: &str) -> Result<ParsedAuthorization, SignError> {
    let (credential, signed_headers, signature) =
        authorization_fields(header, ALGORITHM, "Credential")?;
    // The SecretId cannot contain `/`; splitting from the right keeps that assumption local.
    let mut parts = credential.rsplitn(4, '/');
    let (terminator, service, date, secret_id) =
        (parts.next(), parts.next(), parts.next(), parts.next());
    let (Some(SCOPE_TERMINATOR), Some(service), Some(date), Some(secret_id)) =
        (terminator, service, date, secret_id)
    else {
        return Err(SignError::MalformedAuthorization(
            "Credential is not <SecretId>/<date>/<service>/tc3_request",
        ));
    };
    if secret_id.is_empty() || service.is_empty() {
        return Err(SignError::MalformedAuthorization(
            "Credential has an empty SecretId or service",
        ));
    }
    let is_date = date.len() == 10
        && date.bytes().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !is_date {
        return Err(SignError::MalformedAuthorization(
            "Credential date is not YYYY-MM-DD",
        ));
    }
    Ok(ParsedAuthorization {
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers: signed_headers.to_owned(),
        signature: signature.to_owned(),
    })
}

/// Checks a parsed `Authorization` header against the request it came with, the way Tencent's
/// gateway does, for a request signed over `content-type;host` (what the official SDKs sign).
/// See [`verify_with_headers`] for requests that sign more headers.
pub fn verify(
    auth: &ParsedAuthorization,
    secret_key: &Secret,
    timestamp: i64,
    req: &Tc3Request<'_>,
) -> Result<(), SignError> {
    verify_with_headers(auth, secret_key, timestamp, req, |_| None)
}

/// Checks a parsed `Authorization` header against the request it came with: the signed headers
/// must be lower-case names in ascending order without repeats that include `content-type` and
/// `host` (some signers also sign `x-tc-action`), the scope date must be the UTC date of
/// `timestamp` (`X-TC-Timestamp`), and the signature must match. `header` looks up the value
/// of a signed header other than those two, by lower-case name, as it was sent. Checking that
/// `timestamp` is recent is the caller's business (Tencent allows 5 minutes).
pub fn verify_with_headers<'h>(
    auth: &ParsedAuthorization,
    secret_key: &Secret,
    timestamp: i64,
    req: &Tc3Request<'_>,
    header: impl Fn(&str) -> Option<&'h str>,
) -> Result<(), SignError> {
    let canonical = canonical_request_signing(req, &auth.signed_headers, header)?;
    if auth.date != scope_date(timestamp) {
        return Err(SignError::Mismatch(
            "the credential date is not the date of X-TC-Timestamp",
        ));
    }
    let key = derive_signing_key(secret_key, &auth.date, &auth.service);
    let scope = auth.credential_scope();
    let expected = signature(&key, &string_to_sign(timestamp, &scope, &canonical));
    if signatures_equal(&expected, &auth.signature) {
        Ok(())
    } else {
        Err(SignError::Mismatch("the signature does not match"))
    }
}

/// The canonical request over the headers `signed_headers` lists. `content-type` and `host` go in
/// exactly as sent (as the official SDKs sign them, and as [`canonical_request`] does); any other
/// header's value is trimmed and lower-cased, as Tencent's signature documentation says (and as
/// the Go SDK does for `x-tc-action`).
fn canonical_request_signing<'h>(
    req: &Tc3Request<'_>,
    signed_headers: &str,
    header: impl Fn(&str) -> Option<&'h str>,
) -> Result<String, SignError> {
    if signed_headers == SIGNED_HEADERS {
        return Ok(canonical_request(req));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    let well_formed = names.iter().all(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) && names.windows(2).all(|w| w[0] < w[1]);
    if !well_formed {
        return Err(SignError::Mismatch(
            "SignedHeaders must be lower-case header names in ascending order, without repeats",
        ));
    }
    if !names.contains(&"content-type") || !names.contains(&"host") {
        return Err(SignError::Mismatch(
            "SignedHeaders must include content-type and host",
        ));
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let value = match *name {
            "content-type" => req.content_type.to_owned(),
            "host" => req.host.to_owned(),
            other => header(other)
                .ok_or(SignError::Mismatch(
                    "a header named in SignedHeaders is not in the request",
                ))?
                .trim()
                .to_ascii_lowercase(),
        };
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&value);
        canonical_headers.push('\n');
    }
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        CANONICAL_URI,
        req.query,
        canonical_headers,
        signed_headers,
        payload_hash(req.body, req.unsigned_payload)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::sha256_hex;

    const BODY: &[u8] =
        br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn published_request() -> Tc3Request<'static> {
        Tc3Request {
            content_type: "application/json; charset=utf-8",
            ..Tc3Request::post_json("cvm.tencentcloudapi.com", BODY)
        }
    }

    /// A request signed over `content-type;host;x-tc-action` the way the Go SDK signs it (the
    /// action lower-cased in the canonical headers), computed here step by step.
    #[test]
    fn more_signed_headers_verify_and_must_include_content_type_and_host() {
        let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        let req = published_request();
        let timestamp = 1551113065;
        let signed_headers = "content-type;host;x-tc-action";
        let canonical = format!(
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\n{signed_headers}\n{}",
            sha256_hex(BODY)
        );
        let scope = credential_scope("2019-02-25", "cvm");
        let key = derive_signing_key(&secret, "2019-02-25", "cvm");
        let sig = signature(&key, &string_to_sign(timestamp, &scope, &canonical));
        let header = format!(
            "TC3-HMAC-SHA256 Credential=AKID/{scope}, SignedHeaders={signed_headers}, Signature={sig}"
        );
        let auth = parse_authorization(&header).unwrap();
        let lookup = |name: &str| (name == "x-tc-action").then_some(" DescribeInstances");
        verify_with_headers(&auth, &secret, timestamp, &req, lookup).unwrap();
        // Without the header's value, or with another value, it does not verify.
        assert!(verify(&auth, &secret, timestamp, &req).is_err());
        let other = |name: &str| (name == "x-tc-action").then_some("RunInstances");
        assert!(verify_with_headers(&auth, &secret, timestamp, &req, other).is_err());

        for bad in [
            "host;content-type",
            "content-type;x-tc-action",
            "content-type;content-type;host",
            "Content-Type;host",
        ] {
            let header = format!(
                "TC3-HMAC-SHA256 Credential=AKID/{scope}, SignedHeaders={bad}, Signature={sig}"
            );
            let auth = parse_authorization(&header).unwrap();
            assert!(
                verify_with_headers(&auth, &secret, timestamp, &req, lookup).is_err(),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn the_fast_authorization_is_the_signed_one() {
        let signer = Signer::new();
        let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        let get = Tc3Request::get(
            "cvm.tencentcloudapi.com",
            "Action=DescribeInstances&Limit=10",
        );
        let unsigned = Tc3Request {
            unsigned_payload: true,
            ..Tc3Request::post_json("cdb.tencentcloudapi.com", b"{}")
        };
        for req in [published_request(), get, unsigned] {
            for timestamp in [0, 1551113065, 1_704_164_645, 4_102_444_800, -86_401] {
                let full = sign("AKID", &secret, "cvm", timestamp, &req).unwrap();
                let fast = signer
                    .authorization("AKID", &secret, "cvm", timestamp, &req)
                    .unwrap();
                assert_eq!(fast, full.authorization, "{timestamp} {req:?}");
            }
        }
        // Years past 9999 take the general path, with the same result.
        let far = 253_402_300_800 + 86_400;
        let req = published_request();
        assert_eq!(
            signer
                .authorization("AKID", &secret, "cvm", far, &req)
                .unwrap(),
            sign("AKID", &secret, "cvm", far, &req)
                .unwrap()
                .authorization
        );
        assert!(signer.authorization("", &secret, "cvm", 0, &req).is_err());
    }

    #[test]
    fn cache_hits_and_stays_bounded() {
        let signer = Signer::with_cache_capacity(2);
        let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        let req = published_request();
        let first = signer
            .sign("AKID", &secret, "cvm", 1551113065, &req)
            .unwrap();
        let again = signer
            .sign("AKID", &secret, "cvm", 1551113065, &req)
            .unwrap();
        assert_eq!(first, again);
        assert_eq!(signer.key_cache().len(), 1);
        for service in ["cdb", "mongodb", "postgres"] {
            signer
                .sign("AKID", &secret, service, 1551113065, &req)
                .unwrap();
        }
        assert_eq!(signer.key_cache().len(), 2);
        // A different secret with the same date and service must not reuse the cached key.
        let other = signer
            .sign("AKID", &Secret::new("other"), "cvm", 1551113065, &req)
            .unwrap();
        assert_ne!(other.signature, first.signature);
        assert_eq!(
            other,
            sign("AKID", &Secret::new("other"), "cvm", 1551113065, &req).unwrap()
        );
    }

    #[test]
    fn cache_is_consistent_across_threads() {
        let signer = Signer::with_cache_capacity(3);
        let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        let req = published_request();
        let services = ["cvm", "cdb", "mongodb", "postgres", "vpc"];
        std::thread::scope(|scope| {
            for t in 0..4 {
                let (signer, secret) = (&signer, &secret);
                scope.spawn(move || {
                    for i in 0..50 {
                        let service = services[(t + i) % services.len()];
                        let ts = 1551113065 + 86_400 * (i as i64 % 3);
                        let cached = signer.sign("AKID", secret, service, ts, &req).unwrap();
                        assert_eq!(cached, sign("AKID", secret, service, ts, &req).unwrap());
                    }
                });
            }
        });
        assert!(signer.key_cache().len() <= 3);
    }

    #[test]
    fn parse_round_trip_and_verify() {
        let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        let req = published_request();
        let signed = sign(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            &secret,
            "cvm",
            1551113065,
            &req,
        )
        .unwrap();
        let parsed = parse_authorization(&signed.authorization).unwrap();
        assert_eq!(parsed.secret_id, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
        assert_eq!(parsed.date, "2019-02-25");
        assert_eq!(parsed.service, "cvm");
        assert_eq!(parsed.signature, signed.signature);
        verify(&parsed, &secret, 1551113065, &req).unwrap();
        assert_eq!(
            verify(&parsed, &Secret::new("wrong"), 1551113065, &req),
            Err(SignError::Mismatch("the signature does not match"))
        );
        let tampered = Tc3Request { body: b"{}", ..req };
        assert!(verify(&parsed, &secret, 1551113065, &tampered).is_err());
        assert!(verify(&parsed, &secret, 1551113065 + 86_400, &req).is_err());
    }

    #[test]
    fn malformed_headers_are_typed_errors_without_the_value() {
        let sig = "a".repeat(64);
        let cases = [
            "".to_owned(),
            "TC3-HMAC-SHA256".to_owned(),
            "TC3-HMAC-SHA1 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=x".to_owned(),
            format!("TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3, SignedHeaders=content-type;host, Signature={sig}"),
            format!("TC3-HMAC-SHA256 Credential=a/2019-2-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={sig}"),
            format!("TC3-HMAC-SHA256 Credential=/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={sig}"),
            "TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=XYZ".to_owned(),
            format!("TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request, Signature={sig}"),
            format!("TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request SignedHeaders=content-type;host Signature={sig}"),
            format!("TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=x, SignedHeaders=y, Signature={sig}"),
        ];
        for case in cases {
            let err = parse_authorization(&case).unwrap_err();
            let text = err.to_string();
            assert!(!text.contains(&sig) && !text.contains("2019"), "{text}");
        }
    }

    #[test]
    fn bad_inputs_are_refused() {
        let secret = Secret::new("k");
        let ok = published_request();
        for (service, req) in [
            (
                "cvm",
                Tc3Request {
                    method: "PO\nST",
                    ..ok
                },
            ),
            ("cvm", Tc3Request { host: "", ..ok }),
            ("cvm", Tc3Request { host: "a\nb", ..ok }),
            (
                "cvm",
                Tc3Request {
                    content_type: "a\r\nb",
                    ..ok
                },
            ),
            ("cvm", Tc3Request { query: "a b", ..ok }),
            ("", ok),
            ("c/vm", ok),
        ] {
            assert!(matches!(
                sign("AKID", &secret, service, 0, &req),
                Err(SignError::InvalidInput(_))
            ));
        }
        assert!(sign("AK/ID", &secret, "cvm", 0, &ok).is_err());
    }

    #[test]
    fn debug_hides_signature_and_key() {
        let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        let signed = sign("AKID", &secret, "cvm", 1551113065, &published_request()).unwrap();
        let key = derive_signing_key(&secret, "2019-02-25", "cvm");
        let text = format!(
            "{signed:?} {key:?} {:?} {:?}",
            parse_authorization(&signed.authorization).unwrap(),
            Signer::new()
        );
        assert!(!text.contains(&signed.signature));
        let with_password =
            Tc3Request::post_json("cdb.tencentcloudapi.com", br#"{"Password":"hunter2"}"#);
        assert!(!format!("{with_password:?}").contains("hunter2"));
        assert!(!text.contains(&hex::encode(key.0)));
        assert!(!text.contains("Gu5t9x"));
    }
}
