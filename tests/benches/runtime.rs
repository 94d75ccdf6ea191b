//! Run-time benchmarks of the cloudcall crates against their floors, each measured side by side
//! with its baseline in the same run (issue 14). Not a test: it measures and prints a table of
//! ratios; it does not judge.
//!
//! - `signing`: the `Authorization` header as the client makes it (TC3 with its cached key,
//!   Huawei PUT and GET) vs the bare SHA-256/HMAC calls on pre-built inputs, interleaved in
//!   short rounds (the criterion bench in `cloud-transport` has the same cases, run apart).
//! - `client`: calls/s and p50/p99 of a `tencent-mongodb` and a `huawei-geminidb` client over
//!   loopback, at concurrency 1, 16 and 128, against a fixed-answer hyper server inside this
//!   process. Baseline: raw reqwest sending the same pre-signed request, `serde_json` decoding
//!   the same body into the same output struct.
//! - `decode`: a 100-instance cdb `DescribeDBInstances` and GeminiDB `ListInstances` answer
//!   through the client's own decoding (envelope, lenient numbers, typed output) vs
//!   `serde_json::from_slice` into the same structs.
//! - `emulator`: signed Tencent and Huawei calls with keep-alive against the emulator (rate
//!   limits off), vs a fixed-answer hyper server, both driven by the same hyper load generator.
//!
//! Rounds interleave ours and the baseline, so that the noise of a shared machine falls on both;
//! each figure is the median of its rounds.
//!
//! `cargo bench -p cloudcall-tests --bench runtime -- [--quick] [client|decode|emulator]...`
//! (`--emulator-connections N` and `--emulator-row N` tune the emulator group, `--client-row N`
//! and `--client-side ours|baseline` the client group).

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cloud_emulator::demo_data::{GEMINIDB_INSTANCE, MONGODB_INSTANCE};
use cloud_emulator::{Emulator, RunningEmulator};
use cloud_transport::http::{HttpRequest, HttpResponse};
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

/// How long each measured side runs per round, and how many rounds.
#[derive(Debug, Clone, Copy)]
struct Plan {
    slice: Duration,
    rounds: usize,
    decode_iterations: usize,
}

const FULL: Plan = Plan {
    slice: Duration::from_millis(1500),
    rounds: 7,
    decode_iterations: 400,
};

const QUICK: Plan = Plan {
    slice: Duration::from_millis(400),
    rounds: 3,
    decode_iterations: 60,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; anything starting with `-` other than ours is ignored.
    let plan = if args.iter().any(|a| a == "--quick") {
        QUICK
    } else {
        FULL
    };
    let groups: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| a.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    let wanted = |group: &str| groups.is_empty() || groups.contains(&group);
    let mut table = Table::default();
    if wanted("signing") {
        signing(plan, &mut table);
    }
    if wanted("client") {
        // `--client-row N`: measure only row N (0-5, in the table's order), e.g. to profile it;
        // `--client-side ours|baseline` then runs only that side (the ratio is not printed).
        let only_row = args
            .iter()
            .position(|a| a == "--client-row")
            .and_then(|at| args.get(at + 1)?.parse().ok());
        let only_side = args
            .iter()
            .position(|a| a == "--client-side")
            .and_then(|at| args.get(at + 1).cloned());
        client_throughput(plan, only_row, only_side.as_deref(), &mut table);
    }
    if wanted("decode") {
        decoding(plan, &mut table);
    }
    if wanted("emulator") {
        // `--emulator-connections N`: the load generator's connections (default 32).
        let connections = args
            .iter()
            .position(|a| a == "--emulator-connections")
            .and_then(|at| args.get(at + 1)?.parse().ok())
            .unwrap_or(32);
        // `--emulator-row N`: measure only row N (0-3, in the table's order), e.g. to profile it.
        let only_row = args
            .iter()
            .position(|a| a == "--emulator-row")
            .and_then(|at| args.get(at + 1)?.parse().ok());
        emulator_throughput(plan, connections, only_row, &mut table);
    }
    println!(
        "\nruntime benchmarks: {} rounds of {:?} a side, interleaved, medians; {} CPUs",
        plan.rounds,
        plan.slice,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("{table}");
}

// ---------------------------------------------------------------------------------------------
// The table

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

struct Row {
    what: String,
    ours: String,
    baseline: String,
    /// Ours relative to the baseline, in the row's sense (throughput: ours/baseline, higher is
    /// better; time: ours/baseline, lower is better).
    ratio: f64,
    goal: &'static str,
}

impl Table {
    fn push(&mut self, row: Row) {
        println!(
            "  {:<44} ours {:<34} baseline {:<34} {:.2}x  (goal {})",
            row.what, row.ours, row.baseline, row.ratio, row.goal
        );
        self.rows.push(row);
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| what | ours | baseline | ratio | goal |")?;
        writeln!(f, "|---|---|---|---|---|")?;
        for row in &self.rows {
            writeln!(
                f,
                "| {} | {} | {} | {:.2}x | {} |",
                row.what, row.ours, row.baseline, row.ratio, row.goal
            )?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Load: N concurrent loops for a while, counting calls and their latencies

#[derive(Debug, Default, Clone)]
struct Load {
    calls: u64,
    errors: u64,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl Load {
    fn rate(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&mut self, p: f64) -> Duration {
        if self.latencies_us.is_empty() {
            return Duration::ZERO;
        }
        self.latencies_us.sort_unstable();
        let at = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        Duration::from_micros(u64::from(self.latencies_us[at]))
    }
}

/// The medians of several rounds' rates, with the latencies of every round pooled.
struct Summary {
    rate: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

fn summarize(rounds: Vec<Load>) -> Summary {
    let mut rates: Vec<f64> = rounds.iter().map(Load::rate).collect();
    rates.sort_by(f64::total_cmp);
    let mut pooled = Load::default();
    for round in rounds {
        pooled.errors += round.errors;
        pooled.latencies_us.extend(round.latencies_us);
    }
    Summary {
        rate: rates[rates.len() / 2],
        p50: pooled.percentile(0.50),
        p99: pooled.percentile(0.99),
        errors: pooled.errors,
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.0}/s p50 {:.0}us p99 {:.0}us",
            self.rate,
            self.p50.as_secs_f64() * 1e6,
            self.p99.as_secs_f64() * 1e6
        )?;
        if self.errors > 0 {
            write!(f, " ({} errors)", self.errors)?;
        }
        Ok(())
    }
}

/// Runs `concurrency` loops of `call` for `slice`. A call answers whether it succeeded.
async fn drive<F, Fut>(concurrency: usize, slice: Duration, call: F) -> Load
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let call = Arc::new(call);
    let started = Instant::now();
    let until = started + slice;
    let loops: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut load = Load::default();
                while Instant::now() < until {
                    let sent = Instant::now();
                    let ok = call().await;
                    let took = sent.elapsed();
                    if ok {
                        load.calls += 1;
                        load.latencies_us.push(took.as_micros() as u32);
                    } else {
                        load.errors += 1;
                    }
                }
                load
            })
        })
        .collect();
    let mut total = Load::default();
    for one in loops {
        let load = one.await.expect("a load loop does not panic");
        total.calls += load.calls;
        total.errors += load.errors;
        total.latencies_us.extend(load.latencies_us);
    }
    total.elapsed = started.elapsed();
    total
}

/// A runtime of `threads` workers on threads of its own.
fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

// ---------------------------------------------------------------------------------------------
// A fixed-answer hyper server: the same cost for every client

/// Serves `tencent` to `POST /` and `huawei` to everything else, as JSON, with keep-alive.
async fn fixed_answer_server(tencent: Bytes, huawei: Bytes) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (tencent, huawei) = (tencent.clone(), huawei.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |request: hyper::Request<hyper::body::Incoming>| {
                        let body = if request.uri().path() == "/" {
                            tencent.clone()
                        } else {
                            huawei.clone()
                        };
                        async move {
                            // The request body is read, as any server must.
                            let _ = request.into_body().collect().await;
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .header("x-request-id", "bench")
                                    .body(Full::new(body))
                                    .expect("a response"),
                            )
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

// ---------------------------------------------------------------------------------------------
// Capturing what our client sends, the configurations and the baseline call: shared with the
// allocations bench

#[path = "support/replay.rs"]
mod replay;

use replay::{baseline_call, huawei_config, tencent_config, Capture, Envelope};

/// The answers and pre-signed requests the benchmarks replay, taken from the emulator: its
/// answers hold the docs' example instances.
struct Samples {
    mongodb_answer: Bytes,
    geminidb_answer: Bytes,
    cdb_answer: Bytes,
}

async fn samples(emulator: &RunningEmulator) -> Samples {
    let capture = Capture::new();
    let tencent = tencent_config(&emulator.base_url())
        .http_client(capture.clone())
        .build()
        .expect("config");
    let huawei = huawei_config(
        &emulator.base_url(),
        emulator.huawei_region(),
        emulator.project_id(),
    )
    .http_client(capture.clone())
    .build()
    .expect("config");
    tencent_mongodb::Client::new(tencent.clone())
        .describe_db_instances()
        .send()
        .await
        .expect("mongodb DescribeDBInstances");
    let mongodb_answer = capture.take().1.body;
    huawei_geminidb::Client::new(huawei)
        .list_instances()
        .send()
        .await
        .expect("geminidb ListInstances");
    let geminidb_answer = capture.take().1.body;
    tencent_cdb::Client::new(tencent)
        .describe_db_instances()
        .send()
        .await
        .expect("cdb DescribeDBInstances");
    let cdb_answer = capture.take().1.body;
    Samples {
        mongodb_answer,
        geminidb_answer,
        cdb_answer,
    }
}

fn start_emulator(rt: &tokio::runtime::Runtime) -> RunningEmulator {
    rt.block_on(Emulator::builder().rate_limits(false).start())
        .expect("the emulator starts")
}

/// `answer` with its list at `list` (a JSON pointer) grown to `count` copies of its first item.
fn grown(answer: &[u8], list: &str, count: usize) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(answer).expect("JSON");
    let items = value
        .pointer_mut(list)
        .and_then(Value::as_array_mut)
        .expect("the list");
    let first = items.first().cloned().expect("an item in the list");
    *items = vec![first; count];
    serde_json::to_vec(&value).expect("JSON")
}

// ---------------------------------------------------------------------------------------------
// 1. Client throughput

fn client_throughput(
    plan: Plan,
    only_row: Option<usize>,
    only_side: Option<&str>,
    table: &mut Table,
) {
    println!("client throughput over loopback (fixed-answer hyper server in this process)");
    // The server and the clients each get a worker thread: on 2 cores, one core each.
    let server_rt = runtime(1);
    let samples = {
        let rt = runtime(1);
        let emulator = start_emulator(&rt);
        let samples = rt.block_on(samples(&emulator));
        rt.block_on(emulator.shutdown());
        samples
    };
    let addr = server_rt.block_on(fixed_answer_server(
        samples.mongodb_answer.clone(),
        samples.geminidb_answer.clone(),
    ));
    let endpoint = format!("http://{addr}");
    let client_rt = runtime(1);
    let capture = Capture::new();
    let mongodb = tencent_mongodb::Client::new(tencent_config(&endpoint).build().expect("config"));
    let geminidb = huawei_geminidb::Client::new(
        huawei_config(&endpoint, "cn-north-4", "0123456789abcdef0123456789abcdef")
            .build()
            .expect("config"),
    );
    // The baseline's pre-signed requests: exactly what our clients send.
    let (mongodb_request, geminidb_request) = client_rt.block_on(async {
        let with = |config: cloud_transport::ConfigBuilder| {
            config.http_client(capture.clone()).build().expect("config")
        };
        tencent_mongodb::Client::new(with(tencent_config(&endpoint)))
            .describe_db_instances()
            .send()
            .await
            .expect("a call to the fixed server");
        let mongodb = capture.take().0;
        huawei_geminidb::Client::new(with(huawei_config(
            &endpoint,
            "cn-north-4",
            "0123456789abcdef0123456789abcdef",
        )))
        .list_instances()
        .send()
        .await
        .expect("a call to the fixed server");
        (mongodb, capture.take().0)
    });
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest");

    let services = [
        "tencent-mongodb DescribeDBInstances",
        "huawei-geminidb ListInstances",
    ];
    for (at, concurrency) in [1, 16, 128].into_iter().enumerate() {
        for (service, what) in services.into_iter().enumerate() {
            let row = at * services.len() + service;
            if only_row.is_some_and(|only| only != row) {
                continue;
            }
            let (mut ours, mut base) = (Vec::new(), Vec::new());
            for _ in 0..plan.rounds {
                if only_side != Some("baseline") {
                    ours.push(if service == 0 {
                        let client = mongodb.clone();
                        client_rt.block_on(drive(concurrency, plan.slice, move || {
                            let client = client.clone();
                            async move { client.describe_db_instances().send().await.is_ok() }
                        }))
                    } else {
                        let client = geminidb.clone();
                        client_rt.block_on(drive(concurrency, plan.slice, move || {
                            let client = client.clone();
                            async move { client.list_instances().send().await.is_ok() }
                        }))
                    });
                }
                if only_side != Some("ours") {
                    base.push(if service == 0 {
                        client_rt.block_on(drive(
                            concurrency,
                            plan.slice,
                            baseline_call::<
                                Envelope<tencent_mongodb::operations::DescribeDbInstancesOutput>,
                            >(raw.clone(), &mongodb_request),
                        ))
                    } else {
                        client_rt.block_on(drive(
                            concurrency,
                            plan.slice,
                            baseline_call::<huawei_geminidb::operations::ListInstancesOutput>(
                                raw.clone(),
                                &geminidb_request,
                            ),
                        ))
                    });
                }
            }
            if ours.is_empty() || base.is_empty() {
                let (side, loads) = if ours.is_empty() {
                    ("baseline", base)
                } else {
                    ("ours", ours)
                };
                println!(
                    "  client {what}, c={concurrency}: {side} only: {}",
                    summarize(loads)
                );
                continue;
            }
            let (ours, base) = (summarize(ours), summarize(base));
            table.push(Row {
                what: format!("client {what}, c={concurrency}"),
                ratio: ours.rate / base.rate,
                ours: ours.to_string(),
                baseline: base.to_string(),
                goal: ">= 0.9x",
            });
        }
    }
    drop(client_rt);
    drop(server_rt);
}

// ---------------------------------------------------------------------------------------------
// 2. Signing, interleaved

fn signing(plan: Plan, table: &mut Table) {
    use cloud_transport::sign::{huawei, tc3};
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    use std::hint::black_box;
    println!("signing: the client's Authorization header vs the bare crypto");
    fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
        mac.update(msg);
        mac.finalize().into_bytes().into()
    }
    let sha256_hex = |bytes: &[u8]| hex::encode(Sha256::digest(bytes));
    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    let secret = cloud_transport::Secret::new(KEY);
    let signer = tc3::Signer::new();
    let tc3_body = br#"{"InstanceId":"cmgo-p8vnipr5","Limit":20,"Offset":0}"#;
    let tc3_request = tc3::Tc3Request::post_json("mongodb.tencentcloudapi.com", tc3_body);
    let tc3_ref =
        tc3::sign("AKID", &secret, "mongodb", 1_704_164_645, &tc3_request).expect("signs");
    let tc3_key = hmac(
        &hmac(
            &hmac(format!("TC3{KEY}").as_bytes(), b"2024-01-02"),
            b"mongodb",
        ),
        b"tc3_request",
    );
    let headers = [
        ("content-type", "application/json"),
        ("host", "gaussdb-nosql.cn-north-4.myhuaweicloud.com"),
        ("user-agent", "cloudcall/0.1.0"),
        ("x-project-id", "0123456789abcdef0123456789abcdef"),
        ("x-sdk-date", "20240102T030405Z"),
    ];
    let put = huawei::HuaweiRequest {
        method: "PUT",
        path: "/v3/0123456789abcdef0123456789abcdef/instances/054e292c9880d4992f02c0196d3ea468in06/ssl-option",
        query: &[],
        headers: &headers,
        body: br#"{"ssl_option":"on"}"#,
    };
    let get = huawei::HuaweiRequest {
        method: "GET",
        path: "/v3/0123456789abcdef0123456789abcdef/instances",
        query: &[("offset", "0"), ("limit", "100"), ("name", "my instance")],
        headers: &headers,
        body: b"",
    };
    let tc3_canonical = tc3_ref.canonical_request.clone().into_bytes();
    let tc3_sts = tc3_ref.string_to_sign.clone().into_bytes();
    // Ours: the header the client sends, from `signer` (a fresh one derives the key).
    let tc3_header = |signer: &tc3::Signer| {
        signer
            .authorization(
                "AKID",
                &secret,
                "mongodb",
                1_704_164_645,
                black_box(&tc3_request),
            )
            .expect("signs")
    };
    // The bare crypto: the payload and canonical hashes and the signature's HMAC under `key`.
    let tc3_bare = |key: &[u8; 32]| {
        (
            sha256_hex(black_box(tc3_body)),
            sha256_hex(black_box(&tc3_canonical)),
            hex::encode(hmac(key, black_box(&tc3_sts))),
        )
    };
    let mut cases: Vec<Case> = vec![
        (
            "signing TC3, cached key (client path)",
            Box::new(|| {
                black_box(tc3_header(&signer));
            }),
            Box::new(|| {
                black_box(tc3_bare(&tc3_key));
            }),
        ),
        (
            "signing TC3, derived key (client path, key-cache miss)",
            Box::new(|| {
                black_box(tc3_header(&tc3::Signer::new()));
            }),
            Box::new(|| {
                let key = hmac(
                    &hmac(
                        &hmac(black_box(format!("TC3{KEY}").as_bytes()), b"2024-01-02"),
                        b"mongodb",
                    ),
                    b"tc3_request",
                );
                black_box(tc3_bare(&key));
            }),
        ),
    ];
    for (what, request) in [
        ("signing Huawei PUT (client path)", put),
        ("signing Huawei GET with query (client path)", get),
    ] {
        let reference = huawei::sign("AK", &secret, &request).expect("signs");
        let canonical = reference.canonical_request.into_bytes();
        let sts = reference.string_to_sign.into_bytes();
        let secret = &secret;
        cases.push((
            what,
            Box::new(move || {
                black_box(huawei::authorization("AK", secret, black_box(&request)).expect("signs"));
            }),
            Box::new(move || {
                // An empty body is not hashed by the signer (it signs the constant hash of the
                // empty string), so not here either: the same SHA-256 and HMAC calls.
                let body = black_box(request.body);
                let payload = if body.is_empty() {
                    huawei::EMPTY_PAYLOAD_HASH.to_owned()
                } else {
                    sha256_hex(body)
                };
                black_box((
                    payload,
                    sha256_hex(black_box(&canonical)),
                    hex::encode(hmac(KEY.as_bytes(), black_box(&sts))),
                ));
            }),
        ));
    }
    let iterations = plan.decode_iterations * 50;
    for (what, ours, base) in cases {
        let (mut ours_times, mut base_times) = (Vec::new(), Vec::new());
        for _ in 0..plan.rounds * 10 {
            ours_times.push(time_per_iteration(iterations, &ours));
            base_times.push(time_per_iteration(iterations, &base));
        }
        let (ours, base) = (median(ours_times), median(base_times));
        table.push(Row {
            what: what.to_owned(),
            ours: format!("{:.2}us", ours.as_secs_f64() * 1e6),
            baseline: format!("{:.2}us", base.as_secs_f64() * 1e6),
            ratio: ours.as_secs_f64() / base.as_secs_f64(),
            goal: "<= 1.3x",
        });
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Decoding

fn decoding(plan: Plan, table: &mut Table) {
    println!("decoding a 100-instance answer");
    let rt = runtime(1);
    let emulator = start_emulator(&rt);
    let samples = rt.block_on(samples(&emulator));
    rt.block_on(emulator.shutdown());
    let cdb = grown(&samples.cdb_answer, "/Response/Items", 100);
    let geminidb = grown(&samples.geminidb_answer, "/instances", 100);
    use huawei_geminidb::operations::ListInstancesInput;
    use huawei_geminidb::operations::Operation as _;
    use tencent_cdb::operations::DescribeDbInstancesInput;
    use tencent_cdb::operations::Operation as _;
    type CdbOutput = tencent_cdb::operations::DescribeDbInstancesOutput;
    type GeminiOutput = huawei_geminidb::operations::ListInstancesOutput;

    let response = |body: &[u8]| HttpResponse::new(200, body.to_vec());
    let cases: [Case; 2] = [
        (
            "decode cdb DescribeDBInstances, 100 instances",
            Box::new(|| {
                let decoded = cloud_transport::fuzzing::decode_tencent::<CdbOutput>(
                    &DescribeDbInstancesInput::INFO,
                    response(&cdb),
                );
                assert!(decoded.result.is_ok(), "{:?}", decoded.result.err());
            }),
            Box::new(|| {
                // The same copy of the body into a response the client makes.
                let body = response(&cdb).body;
                let _: Envelope<CdbOutput> = serde_json::from_slice(&body).expect("decodes");
            }),
        ),
        (
            "decode GeminiDB ListInstances, 100 instances",
            Box::new(|| {
                let decoded = cloud_transport::fuzzing::decode_huawei::<GeminiOutput>(
                    &ListInstancesInput::INFO,
                    response(&geminidb),
                );
                assert!(decoded.result.is_ok(), "{:?}", decoded.result.err());
            }),
            Box::new(|| {
                let body = response(&geminidb).body;
                let _: GeminiOutput = serde_json::from_slice(&body).expect("decodes");
            }),
        ),
    ];
    for (what, ours, base) in cases {
        let mut ours_times = Vec::new();
        let mut base_times = Vec::new();
        for _ in 0..plan.rounds * 4 {
            ours_times.push(time_per_iteration(plan.decode_iterations, &ours));
            base_times.push(time_per_iteration(plan.decode_iterations, &base));
        }
        let (ours, base) = (median(ours_times), median(base_times));
        table.push(Row {
            what: what.to_owned(),
            ours: format!("{:.0}us", ours.as_secs_f64() * 1e6),
            baseline: format!("{:.0}us", base.as_secs_f64() * 1e6),
            ratio: ours.as_secs_f64() / base.as_secs_f64(),
            goal: "<= 1.2x",
        });
    }
}

/// A timed comparison: its name, ours and the baseline.
type Case<'a> = (&'static str, Box<dyn Fn() + 'a>, Box<dyn Fn() + 'a>);

fn time_per_iteration(iterations: usize, f: &dyn Fn()) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        f();
    }
    started.elapsed() / iterations as u32
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

// ---------------------------------------------------------------------------------------------
// 4. Emulator throughput

/// One request to replay: signed once by our client.
#[derive(Clone)]
struct Replay {
    method: hyper::Method,
    uri: hyper::Uri,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl Replay {
    fn from(request: &HttpRequest) -> Self {
        let url = reqwest::Url::parse(&request.url).expect("a URL");
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let mut headers = hyper::HeaderMap::new();
        for (name, value) in &request.headers {
            headers.append(
                hyper::header::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                hyper::header::HeaderValue::from_str(value).expect("a header value"),
            );
        }
        Replay {
            method: hyper::Method::from_bytes(request.method.as_bytes()).expect("a method"),
            uri: path.parse().expect("a path"),
            headers,
            body: Bytes::from(request.body.clone()),
        }
    }

    fn request(&self) -> hyper::Request<Full<Bytes>> {
        let mut request = hyper::Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// The load generator: `concurrency` keep-alive connections to `addr`, each replaying `replay`
/// as fast as it is answered; a call counts when it is answered 200 with its whole body.
async fn replay_load(
    addr: SocketAddr,
    concurrency: usize,
    slice: Duration,
    replay: Replay,
) -> Load {
    let started = Instant::now();
    let until = started + slice;
    let mut loops = Vec::new();
    for _ in 0..concurrency {
        let replay = replay.clone();
        loops.push(tokio::spawn(async move {
            let mut load = Load::default();
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(connection);
            while Instant::now() < until {
                let sent = Instant::now();
                let ok = match sender.send_request(replay.request()).await {
                    Ok(response) => {
                        let ok = response.status() == 200;
                        response.into_body().collect().await.is_ok() && ok
                    }
                    Err(_) => false,
                };
                if ok {
                    load.calls += 1;
                    load.latencies_us.push(sent.elapsed().as_micros() as u32);
                } else {
                    load.errors += 1;
                    if sender.ready().await.is_err() {
                        break;
                    }
                }
            }
            load
        }));
    }
    let mut total = Load::default();
    for one in loops {
        let load = one.await.expect("a load loop does not panic");
        total.calls += load.calls;
        total.errors += load.errors;
        total.latencies_us.extend(load.latencies_us);
    }
    total.elapsed = started.elapsed();
    total
}

/// A captured call: the request to replay, and the answer a fixed server gives to it.
fn replay_and_answer((request, response): (HttpRequest, HttpResponse)) -> (Replay, Bytes) {
    (Replay::from(&request), response.body)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn emulator_throughput(plan: Plan, concurrency: usize, only_row: Option<usize>, table: &mut Table) {
    println!("emulator throughput (hyper load generator, keep-alive, rate limits off)");
    let rss_before = rss_kib();
    // The emulator's own binary runs 2 workers; the fixed server gets the same.
    let server_rt = runtime(2);
    let emulator = start_emulator(&server_rt);
    let rss_emulator = rss_kib().saturating_sub(rss_before);
    let load_rt = runtime(1);
    // Fresh signatures (the emulator accepts a 5-minute skew): made by our client.
    let signed = |rt: &tokio::runtime::Runtime| {
        let capture = Capture::new();
        let tencent = tencent_config(&emulator.base_url())
            .http_client(capture.clone())
            .build()
            .expect("config");
        let huawei = huawei_config(
            &emulator.base_url(),
            emulator.huawei_region(),
            emulator.project_id(),
        )
        .http_client(capture.clone())
        .build()
        .expect("config");
        rt.block_on(async {
            let mongodb = tencent_mongodb::Client::new(tencent);
            let geminidb = huawei_geminidb::Client::new(huawei);
            mongodb
                .describe_instance_ssl()
                .instance_id(MONGODB_INSTANCE)
                .send()
                .await
                .expect("mongodb DescribeInstanceSSL");
            let tencent_one = replay_and_answer(capture.take());
            geminidb
                .list_instances()
                .id(GEMINIDB_INSTANCE)
                .send()
                .await
                .expect("geminidb ListInstances of one");
            let huawei_one = replay_and_answer(capture.take());
            mongodb
                .describe_db_instances()
                .send()
                .await
                .expect("mongodb DescribeDBInstances");
            let tencent_all = replay_and_answer(capture.take());
            geminidb.list_instances().send().await.expect("geminidb");
            let huawei_all = replay_and_answer(capture.take());
            [tencent_one, huawei_one, tencent_all, huawei_all]
        })
    };
    let mut ours: [Vec<Load>; 4] = Default::default();
    let mut base: [Vec<Load>; 4] = Default::default();
    let mut rss_peak = rss_emulator;
    let addr = emulator.local_addr();
    // A fixed server per call, answering it with the emulator's own answer to it: both sides
    // send the same bytes.
    let fixed: Vec<SocketAddr> = signed(&load_rt)
        .iter()
        .map(|(_, answer)| server_rt.block_on(fixed_answer_server(answer.clone(), answer.clone())))
        .collect();
    for _ in 0..plan.rounds {
        for (at, (replay, _)) in signed(&load_rt).into_iter().enumerate() {
            if only_row.is_some_and(|row| row != at) {
                continue;
            }
            let fixed = fixed[at];
            ours[at].push(load_rt.block_on(replay_load(
                addr,
                concurrency,
                plan.slice,
                replay.clone(),
            )));
            base[at].push(load_rt.block_on(replay_load(fixed, concurrency, plan.slice, replay)));
        }
        rss_peak = rss_peak.max(rss_kib().saturating_sub(rss_before));
    }
    let names = [
        "signed Tencent, one instance (mongodb DescribeInstanceSSL)",
        "signed Huawei, one instance (geminidb ListInstances id=)",
        "signed Tencent, listing (mongodb DescribeDBInstances, 74 KB)",
        "signed Huawei, listing (geminidb ListInstances)",
    ];
    for ((what, ours), base) in names.into_iter().zip(ours).zip(base) {
        if ours.is_empty() {
            continue;
        }
        let (ours, base) = (summarize(ours), summarize(base));
        table.push(Row {
            what: format!("emulator {what}, c={concurrency}"),
            ratio: ours.rate / base.rate,
            ours: format!("{ours} rss +{} MiB", rss_peak / 1024),
            baseline: base.to_string(),
            goal: ">= 0.6x",
        });
    }
    server_rt.block_on(emulator.shutdown());
}
