//! Signing cost against the bare cryptography it cannot avoid, in the same run.
//!
//! For each scheme, `ours` produces the `Authorization` header of a typical request the way the
//! client does on every call (`tc3::Signer::authorization`, `huawei::authorization`); `bare
//! crypto` makes the same SHA-256 and HMAC-SHA256 calls directly on pre-built inputs of the same
//! sizes (payload, canonical request, string to sign, and for an uncached TC3 key the key
//! derivation). The ratio ours / bare crypto is the overhead of canonicalizing the request.
//! `ours, every string` is the path that also returns the canonical request and the string to
//! sign (for debugging and the conformance vectors); the ratio is shown for the header paths
//! only. `derived key` is the header path on a key-cache miss (a fresh signer each iteration).
//!
//! Run: `cargo bench -p cloud-transport --features tencent,huawei --bench signing`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::hint::black_box;

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
    group.bench_function("ours, cached key (Signer::authorization)", |b| {
        b.iter(|| header(&signer))
    });
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
    group.bench_function("bare crypto, cached key", |b| b.iter(|| bare(&signing_key)));
    // What the client pays on a key-cache miss (its first call of a day per service): the header
    // path with a fresh cache, so the key is derived and stored on every iteration.
    group.bench_function(
        "ours, derived key (Signer::authorization, cache miss)",
        |b| {
            b.iter_batched(
                tc3::Signer::new,
                |fresh| header(&fresh),
                BatchSize::SmallInput,
            )
        },
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
    group.bench_function("bare crypto, derived key", |b| {
        b.iter(|| {
            let k_date = hmac(
                black_box(format!("TC3{SECRET_KEY}").as_bytes()),
                b"2024-01-02",
            );
            let k_service = hmac(&k_date, b"mongodb");
            bare(&hmac(&k_service, b"tc3_request"))
        })
    });
    group.finish();
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
    for (name, request) in [("PUT ssl-option", put), ("GET list with query", get)] {
        let reference = huawei::sign("AK", &secret, &request).unwrap();
        let canonical = reference.canonical_request.clone().into_bytes();
        let string_to_sign = reference.string_to_sign.clone().into_bytes();
        group.bench_function(format!("ours, {name}"), |b| {
            b.iter(|| huawei::authorization("AK", &secret, black_box(&request)).unwrap())
        });
        group.bench_function(format!("ours, every string, {name}"), |b| {
            b.iter(|| huawei::sign("AK", &secret, black_box(&request)).unwrap())
        });
        group.bench_function(format!("bare crypto, {name}"), |b| {
            b.iter(|| {
                let payload = sha256_hex(black_box(request.body));
                let canonical_hash = sha256_hex(black_box(&canonical));
                let signature =
                    hex::encode(hmac(SECRET_KEY.as_bytes(), black_box(&string_to_sign)));
                (payload, canonical_hash, signature)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, tc3_benches, huawei_benches);
criterion_main!(benches);
