//! Signing cost against the bare cryptography it cannot avoid, measured in the same rounds.
//!
//! For each scheme, `ours` produces the `Authorization` header of a typical request the way the
//! client does on every call (`tc3::Signer::authorization`, `huawei::authorization`); `bare
//! crypto` makes the same SHA-256 and HMAC-SHA256 calls over the same bytes directly on
//! pre-built inputs (payload, canonical request, string to sign, and for an uncached TC3 key the
//! key derivation; an empty Huawei body is not hashed by either side: the scheme signs it with
//! the constant hash of the empty string). The ratio ours / bare crypto is the overhead of
//! canonicalizing the request. `ours, every string` is the path that also returns the canonical
//! request and the string to sign (for debugging and the conformance vectors); the ratio is
//! shown for the header paths only. `derived key` is the header path on a key-cache miss (a
//! fresh signer each iteration, made outside the timed loop).
//!
//! How a pair is measured: the `ours, X` and `bare crypto, X` rows are criterion
//! `iter_custom` routines that each run *both* sides in alternating batches of
//! [`BATCH`] iterations (ours then bare, then bare then ours, ...) for the iterations criterion
//! asks for, and report their own side's time; so each side's figure comes from rounds in which
//! the other side ran too, and a change of the machine's load (other builds on the shared cores)
//! falls on both. Every sample of both rows is also recorded as a pair, and after each group the
//! bench prints one line per pair from those samples:
//! `paired <group>/<what>: ours <t> us, bare crypto <t> us, ratio <r>x, samples <n>` (each
//! side's median time per iteration over the same samples). `cargo xtask bench` reads these
//! lines for its ratios (the criterion rows when a line is missing). The criterion rows stay as
//! each side's own estimate; their ratio still varies more than the paired line's, because a load
//! spike during one row's samples counts only for that row's side. A `--profile-time` run of one
//! row runs both sides too (tell them apart by symbol: `cloud_transport::sign` is ours).
//!
//! Run: `cargo bench -p cloud-transport --features tencent,huawei --bench signing`.

use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use cloud_transport::sign::{huawei, tc3};
use cloud_transport::Secret;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const TIMESTAMP: i64 = 1_704_164_645;
const TC3_BODY: &[u8] = br#"{"InstanceId":"cmgo-p8vnipr5","Limit":20,"Offset":0}"#;
const HUAWEI_BODY: &[u8] = br#"{"ssl_option":"on"}"#;

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn tc3_benches(c: &mut Criterion) {
    let secret = Secret::new(SECRET_KEY);
    let request = tc3::Tc3Request::post_json("mongodb.tencentcloudapi.com", TC3_BODY);
    let signer = tc3::Signer::new();
    let reference = tc3::sign(SECRET_ID, &secret, "mongodb", TIMESTAMP, &request).unwrap();
    let canonical = reference.canonical_request.clone().into_bytes();
    let string_to_sign = reference.string_to_sign.clone().into_bytes();
    let signing_key = {
        let k_date = hmac(format!("TC3{SECRET_KEY}").as_bytes(), b"2024-01-02");
        let k_service = hmac(&k_date, b"mongodb");
        hmac(&k_service, b"tc3_request")
    };

    // Ours: the header the client sends, from `signer` (a fresh one derives the key).
    let header = |signer: &tc3::Signer| {
        signer
            .authorization(
                SECRET_ID,
                &secret,
                "mongodb",
                TIMESTAMP,
                black_box(&request),
            )
            .unwrap()
    };
    // The bare crypto: the payload and canonical hashes and the signature's HMAC under `key`.
    let bare = |key: &[u8; 32]| {
        let payload = sha256_hex(black_box(TC3_BODY));
        let canonical_hash = sha256_hex(black_box(&canonical));
        let signature = hex::encode(hmac(key, black_box(&string_to_sign)));
        (payload, canonical_hash, signature)
    };

    let mut group = c.benchmark_group("tc3");
    let cached = Pair::new("tc3/cached key");
    let mut ours_cached = timed(|| header(&signer));
    let mut bare_cached = timed(|| bare(&signing_key));
    cached.bench(
        &mut group,
        "ours, cached key (Signer::authorization)",
        "bare crypto, cached key",
        &mut ours_cached,
        &mut bare_cached,
    );
    group.bench_function("ours, every string, cached key (Signer::sign)", |b| {
        b.iter(|| {
            signer
                .sign(
                    SECRET_ID,
                    &secret,
                    "mongodb",
                    TIMESTAMP,
                    black_box(&request),
                )
                .unwrap()
        })
    });
    // What the client pays on a key-cache miss (its first call of a day per service): the header
    // path with a fresh cache, so the key is derived and stored on every iteration. The fresh
    // signers are made before the timed loop and the headers dropped after it.
    let derived = Pair::new("tc3/derived key");
    let mut ours_derived = |iterations: u64| {
        let fresh: Vec<tc3::Signer> = (0..iterations).map(|_| tc3::Signer::new()).collect();
        let mut headers = Vec::with_capacity(fresh.len());
        let start = Instant::now();
        headers.extend(fresh.into_iter().map(|signer| header(&signer)));
        let elapsed = start.elapsed();
        black_box(headers);
        elapsed
    };
    let mut bare_derived = timed(|| {
        let k_date = hmac(
            black_box(format!("TC3{SECRET_KEY}").as_bytes()),
            b"2024-01-02",
        );
        let k_service = hmac(&k_date, b"mongodb");
        bare(&hmac(&k_service, b"tc3_request"))
    });
    derived.bench(
        &mut group,
        "ours, derived key (Signer::authorization, cache miss)",
        "bare crypto, derived key",
        &mut ours_derived,
        &mut bare_derived,
    );
    group.bench_function("ours, every string, derived key (tc3::sign)", |b| {
        b.iter(|| {
            tc3::sign(
                SECRET_ID,
                &secret,
                "mongodb",
                TIMESTAMP,
                black_box(&request),
            )
            .unwrap()
        })
    });
    group.finish();
    cached.report();
    derived.report();
}

fn huawei_benches(c: &mut Criterion) {
    let secret = Secret::new(SECRET_KEY);
    let path = "/v3/0123456789abcdef0123456789abcdef/instances/054e292c9880d4992f02c0196d3ea468in06/ssl-option";
    // Lower-case names, as the client sends them.
    let headers = [
        ("content-type", "application/json"),
        ("host", "gaussdb-nosql.cn-north-4.myhuaweicloud.com"),
        ("user-agent", "cloudcall/0.1.0"),
        ("x-language", "en-us"),
        ("x-project-id", "0123456789abcdef0123456789abcdef"),
        ("x-sdk-date", "20240102T030405Z"),
    ];
    let put = huawei::HuaweiRequest {
        method: "PUT",
        path,
        query: &[],
        headers: &headers,
        body: HUAWEI_BODY,
    };
    let get = huawei::HuaweiRequest {
        method: "GET",
        path: "/v3/0123456789abcdef0123456789abcdef/instances",
        query: &[("offset", "0"), ("limit", "100"), ("name", "my instance")],
        headers: &headers,
        body: b"",
    };

    let mut group = c.benchmark_group("huawei");
    let mut pairs = Vec::new();
    for (name, request) in [("PUT ssl-option", put), ("GET list with query", get)] {
        let reference = huawei::sign("AK", &secret, &request).unwrap();
        let canonical = reference.canonical_request.clone().into_bytes();
        let string_to_sign = reference.string_to_sign.clone().into_bytes();
        let mut ours = timed(|| huawei::authorization("AK", &secret, black_box(&request)).unwrap());
        let mut bare = timed(|| {
            // The signer hashes a body only when there is one (an empty body signs as the
            // constant hash of the empty string), so the bare crypto does the same.
            let body = black_box(request.body);
            let payload = if body.is_empty() {
                huawei::EMPTY_PAYLOAD_HASH.to_owned()
            } else {
                sha256_hex(body)
            };
            let canonical_hash = sha256_hex(black_box(&canonical));
            let signature = hex::encode(hmac(SECRET_KEY.as_bytes(), black_box(&string_to_sign)));
            (payload, canonical_hash, signature)
        });
        let pair = Pair::new(format!("huawei/{name}"));
        pair.bench(
            &mut group,
            &format!("ours, {name}"),
            &format!("bare crypto, {name}"),
            &mut ours,
            &mut bare,
        );
        group.bench_function(format!("ours, every string, {name}"), |b| {
            b.iter(|| huawei::sign("AK", &secret, black_box(&request)).unwrap())
        });
        pairs.push(pair);
    }
    group.finish();
    for pair in &pairs {
        pair.report();
    }
}

// ---------------------------------------------------------------------------------------------
// Ours and the baseline in the same rounds

/// Iterations of one side between two switches: about 0.1 ms of signing, long enough that
/// reading the clock is lost in it, short enough that the load of the machine is the same for
/// both sides of a round.
const BATCH: u64 = 100;

/// A side of a pair: runs the signing `iterations` times and returns the time it took.
trait Side: FnMut(u64) -> Duration {}

impl<F: FnMut(u64) -> Duration> Side for F {}

/// `routine` as a [`Side`]: timed in a loop, its result dropped inside the loop (as criterion's
/// `iter` does).
fn timed<R>(mut routine: impl FnMut() -> R) -> impl FnMut(u64) -> Duration {
    move |iterations| {
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(routine());
        }
        start.elapsed()
    }
}

/// Ours and its baseline, measured together; the samples of both criterion rows, per iteration.
struct Pair {
    name: String,
    /// (ours, baseline) nanoseconds per iteration, one entry per criterion sample.
    samples: RefCell<Vec<(f64, f64)>>,
}

impl Pair {
    fn new(name: impl Into<String>) -> Self {
        Pair {
            name: name.into(),
            samples: RefCell::new(Vec::new()),
        }
    }

    /// Runs `iterations` of each side in alternating batches, records the sample and returns
    /// (ours, baseline) total times.
    fn run(
        &self,
        iterations: u64,
        ours: &mut impl Side,
        baseline: &mut impl Side,
    ) -> (Duration, Duration) {
        let (mut ours_time, mut base_time) = (Duration::ZERO, Duration::ZERO);
        let mut left = iterations;
        let mut ours_first = true;
        while left > 0 {
            let n = left.min(BATCH);
            if ours_first {
                ours_time += ours(n);
                base_time += baseline(n);
            } else {
                base_time += baseline(n);
                ours_time += ours(n);
            }
            ours_first = !ours_first;
            left -= n;
        }
        let per_iteration = |t: Duration| t.as_nanos() as f64 / iterations.max(1) as f64;
        self.samples
            .borrow_mut()
            .push((per_iteration(ours_time), per_iteration(base_time)));
        (ours_time, base_time)
    }

    /// The two criterion rows of the pair: each runs both sides and reports its own.
    fn bench(
        &self,
        group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
        ours_row: &str,
        base_row: &str,
        ours: &mut impl Side,
        baseline: &mut impl Side,
    ) {
        group.bench_function(ours_row, |b| {
            b.iter_custom(|iterations| self.run(iterations, ours, baseline).0)
        });
        group.bench_function(base_row, |b| {
            b.iter_custom(|iterations| self.run(iterations, ours, baseline).1)
        });
    }

    /// Prints the pair's line (nothing when no row of it ran, e.g. filtered out).
    fn report(&self) {
        let samples = self.samples.borrow();
        if samples.is_empty() {
            return;
        }
        let ours = median(samples.iter().map(|s| s.0).collect());
        let base = median(samples.iter().map(|s| s.1).collect());
        println!(
            "paired {}: ours {:.4} us, bare crypto {:.4} us, ratio {:.2}x, samples {}",
            self.name,
            ours / 1e3,
            base / 1e3,
            ours / base,
            samples.len()
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

criterion_group!(benches, tc3_benches, huawei_benches);
criterion_main!(benches);
