//! Request ids, flow ids and IAM tokens.
//!
//! Ids only need to be unique and unpredictable enough for a test server: SHA-256 over a
//! per-process random seed, a counter and the clock. That avoids a random-number dependency.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

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

/// A UUID-shaped id (`8-4-4-4-12` lowercase hex), as Tencent's `RequestId` looks.
pub(crate) fn uuid_like() -> String {
    let h = fresh_hex();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A 32-hex-digit id, as Huawei's `X-Request-Id` and job ids look.
pub(crate) fn hex32() -> String {
    fresh_hex()[..32].to_owned()
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
        assert!(iam_token().len() > 100);
    }
}
