//! Fault soak: the four generated crates, through `cloud-transport`, against the emulator with
//! random faults on, for minutes at a few hundred calls per second. Not a test (it runs for
//! minutes); `scripts/soak.sh` runs it in release mode.
//!
//! ```text
//! soak [--minutes 10] [--rate 300] [--concurrency 64] [--fault-percent 25] [--seed 1]
//!      [--double-send-percent 0]
//! ```
//!
//! `--double-send-percent P` sabotages the client (its HTTP layer sends P% of requests twice)
//! to show that the applied-twice check catches a client that applies a mutation twice: the
//! soak must then FAIL.
//!
//! What it does:
//! - starts the emulator in-process (loopback HTTP; rate limits on, 200 ms async delay);
//! - a pacer starts calls at `--rate` per second (fewer if `--concurrency` calls are in flight):
//!   70% reads, 30% mutations, over the four services and their default instances;
//! - a fault task keeps emulator fault rules coming (`RunningEmulator::faults`, the same rules
//!   as `POST /_emulator/faults`) so that about `--fault-percent` of requests meet one: latency,
//!   5xx before and after processing, throttling, HTML pages, resets before and after
//!   processing, truncated and malformed bodies. Latency on a mutation stays below the attempt
//!   timeout, so a mutation is settled when its call returns; reads also get latency above it;
//! - samples the process's resident memory every second.
//!
//! What it checks:
//! - every call returns (within its operation timeout plus a margin) with an output or a
//!   typed error of a kind the network or the service can cause (no panic, no configuration,
//!   input or credentials error);
//! - no mutation applies more than once per call: mutations of one operation on one instance
//!   run one at a time, and the emulator's applied-mutation counter is read before and after
//!   each; a successful call must have applied exactly once, a failed one at most once. A late
//!   application (from an earlier call that timed out with its request still in the emulator)
//!   is put down to that call, never to two applications of one;
//! - memory stays flat: resident memory at the start (after a warm-up), at its peak and at the
//!   end.
//!
//! Exit status 0 when every check holds, 1 otherwise.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloud_emulator::{Fault, FaultRule, RunningEmulator};
use cloud_transport::http::{HttpClient, HttpFuture, HttpRequest};
use cloud_transport::{ErrorKind, RetryConfig};
use cloudcall_tests::http::real_http;
use cloudcall_tests::setup::{self, instances, Clients};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Per-attempt timeout of the soak's clients.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// Whole-call timeout of the soak's clients.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(8);
/// A call not back this long after its operation timeout hangs.
const HANG_MARGIN: Duration = Duration::from_secs(5);
/// The longest latency fault a mutation can meet: below the attempt timeout.
const MUTATION_LATENCY_MAX_MS: u64 = 800;
/// The latency of the faults aimed at reads to make them time out (and be retried).
const SLOW_READ_LATENCY_MS: u64 = 2_500;
/// Fault rules waiting at most (the emulator keeps every rule until it has fired).
const MAX_PENDING_RULES: usize = 64;
/// Warm-up before the first memory sample counts as the start.
const WARM_UP: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
struct Options {
    duration: Duration,
    rate: u32,
    concurrency: usize,
    fault_percent: u32,
    seed: u64,
    double_send_percent: u32,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        duration: Duration::from_secs(600),
        rate: 300,
        concurrency: 64,
        fault_percent: 25,
        seed: 1,
        double_send_percent: 0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |text: String| -> Result<f64, String> {
            text.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| format!("`{text}` is not a number"))
        };
        match arg.as_str() {
            "--minutes" => options.duration = Duration::from_secs_f64(number(value()?)? * 60.0),
            "--seconds" => options.duration = Duration::from_secs_f64(number(value()?)?),
            "--rate" => options.rate = number(value()?)?.max(1.0) as u32,
            "--concurrency" => options.concurrency = number(value()?)?.max(1.0) as usize,
            "--fault-percent" => options.fault_percent = number(value()?)?.min(100.0) as u32,
            "--seed" => options.seed = number(value()?)? as u64,
            "--double-send-percent" => {
                options.double_send_percent = number(value()?)?.min(100.0) as u32
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

/// xorshift64*: the soak's randomness, reproducible from `--seed`.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The calls the soak makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Op {
    MongoDescribeSsl,
    MongoDescribeInstances,
    CdbDescribeSsl,
    CdbDescribeInstances,
    PostgresDescribeSsl,
    PostgresDescribeInstances,
    GeminiListInstance,
    GeminiListInstances,
    GeminiCertLinks,
    MongoEnableSsl,
    MongoRename,
    CdbOpenSsl,
    CdbCloseSsl,
    CdbRename,
    PostgresSsl,
    PostgresRename,
    GeminiSwitchSsl,
    GeminiRestart,
}

const READS: &[Op] = &[
    Op::MongoDescribeSsl,
    Op::MongoDescribeInstances,
    Op::CdbDescribeSsl,
    Op::CdbDescribeInstances,
    Op::PostgresDescribeSsl,
    Op::PostgresDescribeInstances,
    Op::GeminiListInstance,
    Op::GeminiListInstances,
    Op::GeminiCertLinks,
];

const MUTATIONS: &[Op] = &[
    Op::MongoEnableSsl,
    Op::MongoRename,
    Op::CdbOpenSsl,
    Op::CdbCloseSsl,
    Op::CdbRename,
    Op::PostgresSsl,
    Op::PostgresRename,
    Op::GeminiSwitchSsl,
    Op::GeminiRestart,
];

impl Op {
    /// The emulator's service key and the vendor's operation name.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Op::MongoDescribeSsl => ("tencent-mongodb", "DescribeInstanceSSL"),
            Op::MongoDescribeInstances => ("tencent-mongodb", "DescribeDBInstances"),
            Op::CdbDescribeSsl => ("tencent-cdb", "DescribeSSLStatus"),
            Op::CdbDescribeInstances => ("tencent-cdb", "DescribeDBInstances"),
            Op::PostgresDescribeSsl => ("tencent-postgres", "DescribeDBInstanceSSLConfig"),
            Op::PostgresDescribeInstances => ("tencent-postgres", "DescribeDBInstances"),
            Op::GeminiListInstance | Op::GeminiListInstances => {
                ("huawei-geminidb", "ListInstances")
            }
            Op::GeminiCertLinks => ("huawei-geminidb", "ListSslCertDownloadAddresses"),
            Op::MongoEnableSsl => ("tencent-mongodb", "InstanceEnableSSL"),
            Op::MongoRename => ("tencent-mongodb", "RenameInstance"),
            Op::CdbOpenSsl => ("tencent-cdb", "OpenSSL"),
            Op::CdbCloseSsl => ("tencent-cdb", "CloseSSL"),
            Op::CdbRename => ("tencent-cdb", "ModifyDBInstanceName"),
            Op::PostgresSsl => ("tencent-postgres", "ModifyDBInstanceSSLConfig"),
            Op::PostgresRename => ("tencent-postgres", "ModifyDBInstanceName"),
            Op::GeminiSwitchSsl => ("huawei-geminidb", "SwitchSsl"),
            Op::GeminiRestart => ("huawei-geminidb", "RestartInstance"),
        }
    }

    /// The instances of the operation's service (the emulator's defaults).
    fn instances(self) -> &'static [&'static str] {
        match self.names().0 {
            "tencent-mongodb" => &[instances::MONGODB, instances::MONGODB_OTHER],
            "tencent-cdb" => &[instances::CDB],
            "tencent-postgres" => &[instances::POSTGRES],
            _ => &[instances::GEMINIDB],
        }
    }

    /// Calls the operation through its generated crate; `flag` picks on/off and names.
    async fn call(
        self,
        clients: &Clients,
        instance: &str,
        flag: bool,
    ) -> cloud_transport::Result<()> {
        let name = if flag { "soak-a" } else { "soak-b" };
        match self {
            Op::MongoDescribeSsl => {
                let out = clients
                    .mongodb
                    .describe_instance_ssl()
                    .instance_id(instance)
                    .send()
                    .await?;
                let _ = (out.status, out.cert_url);
            }
            Op::MongoDescribeInstances => {
                clients.mongodb.describe_db_instances().send().await?;
            }
            Op::CdbDescribeSsl => {
                let out = clients
                    .cdb
                    .describe_ssl_status()
                    .instance_id(instance)
                    .send()
                    .await?;
                let _ = out.status;
            }
            Op::CdbDescribeInstances => {
                clients.cdb.describe_db_instances().send().await?;
            }
            Op::PostgresDescribeSsl => {
                let out = clients
                    .postgres
                    .describe_db_instance_ssl_config()
                    .db_instance_id(instance)
                    .send()
                    .await?;
                let _ = out.ssl_enabled;
            }
            Op::PostgresDescribeInstances => {
                clients.postgres.describe_db_instances().send().await?;
            }
            Op::GeminiListInstance => {
                let out = clients
                    .geminidb
                    .list_instances()
                    .id(instance)
                    .send()
                    .await?;
                let _ = out.instances;
            }
            Op::GeminiListInstances => {
                clients.geminidb.list_instances().send().await?;
            }
            Op::GeminiCertLinks => {
                clients
                    .geminidb
                    .list_ssl_cert_download_addresses()
                    .instance_id(instance)
                    .send()
                    .await?;
            }
            Op::MongoEnableSsl => {
                let out = clients
                    .mongodb
                    .instance_enable_ssl()
                    .instance_id(instance)
                    .enable(flag)
                    .send()
                    .await?;
                let _ = out.flow_id;
            }
            Op::MongoRename => {
                clients
                    .mongodb
                    .rename_instance()
                    .instance_id(instance)
                    .new_name(name)
                    .send()
                    .await?;
            }
            Op::CdbOpenSsl => {
                clients.cdb.open_ssl().instance_id(instance).send().await?;
            }
            Op::CdbCloseSsl => {
                clients.cdb.close_ssl().instance_id(instance).send().await?;
            }
            Op::CdbRename => {
                clients
                    .cdb
                    .modify_db_instance_name()
                    .instance_id(instance)
                    .instance_name(name)
                    .send()
                    .await?;
            }
            Op::PostgresSsl => {
                let mut call = clients
                    .postgres
                    .modify_db_instance_ssl_config()
                    .db_instance_id(instance)
                    .ssl_enabled(flag);
                if flag {
                    call =
                        call.connect_address(cloudcall_tests::services::POSTGRES_CONNECT_ADDRESS);
                }
                call.send().await?;
            }
            Op::PostgresRename => {
                clients
                    .postgres
                    .modify_db_instance_name()
                    .db_instance_id(instance)
                    .instance_name(name)
                    .send()
                    .await?;
            }
            Op::GeminiSwitchSsl => {
                let option = if flag {
                    huawei_geminidb::types::SslOption::On
                } else {
                    huawei_geminidb::types::SslOption::Off
                };
                clients
                    .geminidb
                    .switch_ssl()
                    .instance_id(instance)
                    .ssl_option(option)
                    .send()
                    .await?;
            }
            Op::GeminiRestart => {
                clients
                    .geminidb
                    .restart_instance()
                    .instance_id(instance)
                    .send()
                    .await?;
            }
        }
        Ok(())
    }
}

/// One (mutation, instance): what the soak has seen of it.
#[derive(Debug, Default)]
struct KeyState {
    /// The emulator's applied count after the last call settled.
    seen: u64,
    /// Calls that failed without the count moving, in a way that leaves the request possibly
    /// still in the emulator (timeouts): their application may show later.
    may_apply_late: u64,
}

/// Everything counted.
#[derive(Debug, Default)]
struct Stats {
    calls: u64,
    successes: u64,
    /// Error kind (and service code) → count.
    errors: BTreeMap<String, u64>,
    /// Errors of kinds only a broken client or harness causes.
    untyped: u64,
    hung: u64,
    panicked: u64,
    mutations: u64,
    /// Mutations that failed yet applied (a fault after processing): expected.
    failed_but_applied: u64,
    /// A success the emulator did not apply: must be 0.
    success_not_applied: u64,
    /// Applications found later, put down to an earlier timed-out call.
    late_applications: u64,
    /// Applications beyond one per call: must be 0.
    applied_twice: u64,
    /// Call durations in milliseconds.
    durations_ms: Vec<u32>,
}

type Keys = Mutex<HashMap<(Op, &'static str), Arc<tokio::sync::Mutex<KeyState>>>>;

struct Soak {
    emulator: RunningEmulator,
    clients: Clients,
    stats: Mutex<Stats>,
    keys: Keys,
}

impl Soak {
    fn key(&self, op: Op, instance: &'static str) -> Arc<tokio::sync::Mutex<KeyState>> {
        self.keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((op, instance))
            .or_default()
            .clone()
    }

    fn applied(&self, op: Op, instance: &str) -> u64 {
        let (service, operation) = op.names();
        self.emulator.applied_count_on(service, operation, instance)
    }

    /// One call, bounded, counted, and for a mutation checked against the applied counter.
    async fn call(&self, op: Op, instance: &'static str, flag: bool) {
        let mutation = MUTATIONS.contains(&op);
        let key = mutation.then(|| self.key(op, instance));
        let mut key_state = match &key {
            Some(key) => Some(key.lock().await),
            None => None,
        };
        let before = key_state.as_ref().map(|_| self.applied(op, instance));
        let started = Instant::now();
        let bound = OPERATION_TIMEOUT + HANG_MARGIN;
        let result = tokio::time::timeout(bound, op.call(&self.clients, instance, flag)).await;
        let took = started.elapsed();
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        stats.calls += 1;
        stats
            .durations_ms
            .push(took.as_millis().min(u128::from(u32::MAX)) as u32);
        let outcome = match result {
            Err(_) => {
                stats.hung += 1;
                eprintln!("HANG: {op:?} on {instance} did not return within {bound:?}");
                None
            }
            Ok(Ok(())) => {
                stats.successes += 1;
                Some(Ok(()))
            }
            Ok(Err(error)) => {
                let kind = error.kind();
                let label = match (kind, error.code()) {
                    (ErrorKind::Service, Some(code)) => format!("Service {code}"),
                    (kind, _) => format!("{kind:?}"),
                };
                *stats.errors.entry(label).or_default() += 1;
                if matches!(
                    kind,
                    ErrorKind::InvalidInput | ErrorKind::InvalidConfig | ErrorKind::Credentials
                ) || error.to_string().is_empty()
                {
                    stats.untyped += 1;
                    eprintln!("UNEXPECTED ERROR: {op:?} on {instance}: {kind:?}: {error}");
                }
                Some(Err(kind))
            }
        };
        let (Some(state), Some(before)) = (key_state.as_mut(), before) else {
            return;
        };
        stats.mutations += 1;
        let after = self.applied(op, instance);
        // Applications since the last settled call that this call did not make.
        let earlier = before.saturating_sub(state.seen);
        let delta = after.saturating_sub(before);
        let unexplained = attribute(state, &mut stats, earlier);
        if unexplained > 0 {
            stats.applied_twice += unexplained;
            eprintln!("APPLIED TWICE: {op:?} on {instance}: {unexplained} application(s) between calls that no call explains");
        }
        match outcome {
            Some(Ok(())) if delta == 0 => {
                stats.success_not_applied += 1;
                eprintln!(
                    "NOT APPLIED: {op:?} on {instance} succeeded but the emulator did not apply it"
                );
            }
            Some(Ok(())) => {}
            // The request may still be on its way or in the emulator: it may apply later.
            Some(Err(ErrorKind::Timeout | ErrorKind::Connection)) | None if delta == 0 => {
                state.may_apply_late += 1;
            }
            // Refused, or answered with an error before it was processed.
            Some(Err(_)) if delta == 0 => {}
            // Processed, then the answer was lost or damaged (a fault `@after`).
            Some(Err(_)) | None => stats.failed_but_applied += 1,
        }
        if delta > 1 {
            // One call made `delta` applications, unless earlier timed-out calls landed now.
            let unexplained = attribute(state, &mut stats, delta - 1);
            if unexplained > 0 {
                stats.applied_twice += unexplained;
                eprintln!("APPLIED TWICE: {op:?} on {instance}: one call, {delta} applications");
            }
        }
        state.seen = after;
    }
}

/// Puts `count` unexpected applications down to earlier calls that may apply late; returns how
/// many no such call explains.
fn attribute(state: &mut KeyState, stats: &mut Stats, count: u64) -> u64 {
    let explained = count.min(state.may_apply_late);
    state.may_apply_late -= explained;
    stats.late_applications += explained;
    count - explained
}

/// A random fault rule: aimed at any request or at one operation.
fn random_rule(rng: &mut Rng) -> FaultRule {
    let failures = [
        "status:500",
        "status:502",
        "status:503",
        "status:504",
        "status:503@after",
        "throttle",
        "html",
        "html:504",
        "reset",
        "reset@after",
        "truncate",
        "truncate-body",
        "malformed",
    ];
    let targeted = rng.below(10) < 3;
    let (op, read) = if targeted {
        if rng.below(2) == 0 {
            (Some(READS[rng.below(READS.len() as u64) as usize]), true)
        } else {
            (
                Some(MUTATIONS[rng.below(MUTATIONS.len() as u64) as usize]),
                false,
            )
        }
    } else {
        (None, false)
    };
    let text = match rng.below(10) {
        // Latency alone, short enough for a mutation.
        0..=1 => format!("latency:{}", 50 + rng.below(MUTATION_LATENCY_MAX_MS - 50)),
        // A read that times out and is retried.
        2 if read => format!("latency:{SLOW_READ_LATENCY_MS}"),
        3 => format!(
            "latency:{},{}",
            10 + rng.below(300),
            failures[rng.below(failures.len() as u64) as usize]
        ),
        _ => failures[rng.below(failures.len() as u64) as usize].to_owned(),
    };
    let fault: Fault = text.parse().expect("the soak's faults parse");
    match op {
        Some(op) => {
            let (service, operation) = op.names();
            FaultRule::new(operation, fault).service(service)
        }
        None => FaultRule::new("*", fault),
    }
}

/// The real HTTP layer, sabotaged to send `percent`% of requests twice (0: never).
#[derive(Debug)]
struct DoubleSend {
    inner: Arc<dyn HttpClient>,
    percent: u32,
    counter: AtomicU64,
}

impl HttpClient for DoubleSend {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let twice = self.percent > 0 && n % 100 < u64::from(self.percent);
        Box::pin(async move {
            if twice {
                let _ = self.inner.send(request.clone()).await;
            }
            self.inner.send(request).await
        })
    }
}

/// Resident memory of this process, in KiB.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[derive(Debug, Default, Clone, Copy)]
struct Memory {
    start: Option<u64>,
    peak: u64,
    end: u64,
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() -> std::process::ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("soak: {message}\nusage: soak [--minutes M | --seconds S] [--rate N] [--concurrency N] [--fault-percent P] [--seed S] [--double-send-percent P]");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let passed = runtime.block_on(soak(options));
    if passed {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

async fn soak(options: Options) -> bool {
    let emulator = setup::emulator()
        .async_delay(Duration::from_millis(200))
        .start()
        .await
        .expect("the emulator starts");
    let retry = RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_millis(500));
    let http: Arc<dyn HttpClient> = Arc::new(DoubleSend {
        inner: real_http(),
        percent: options.double_send_percent,
        counter: AtomicU64::new(0),
    });
    let clients = Clients::through(&emulator, http, |b| {
        b.retry(retry)
            .attempt_timeout(ATTEMPT_TIMEOUT)
            .operation_timeout(OPERATION_TIMEOUT)
    });
    for op in MUTATIONS {
        let (service, operation) = op.names();
        println!("mutation {service} {operation}");
    }
    let soak = Arc::new(Soak {
        emulator,
        clients,
        stats: Mutex::new(Stats::default()),
        keys: Mutex::new(HashMap::new()),
    });
    println!(
        "soak: {:?} at {} calls/s (at most {} in flight), faults on about {}% of requests, seed {}",
        options.duration, options.rate, options.concurrency, options.fault_percent, options.seed
    );
    if options.double_send_percent > 0 {
        println!(
            "SABOTAGE: the client sends {}% of requests twice; the soak must FAIL",
            options.double_send_percent
        );
    }
    let started = Instant::now();
    let deadline = started + options.duration;

    // Faults: rules at the rate that puts one on about `fault_percent` of requests.
    let faults = {
        let soak = soak.clone();
        let options = options.clone();
        tokio::spawn(async move {
            let mut rng = Rng::new(options.seed ^ 0xfa17);
            let per_second = f64::from(options.rate) * f64::from(options.fault_percent) / 100.0;
            let mut added = 0u64;
            let mut tick = tokio::time::interval(Duration::from_millis(20));
            while Instant::now() < deadline {
                tick.tick().await;
                let due = (started.elapsed().as_secs_f64() * per_second) as u64;
                let rules = soak.emulator.faults();
                while added < due && rules.pending().len() < MAX_PENDING_RULES {
                    let _ = rules.add(random_rule(&mut rng));
                    added += 1;
                }
                // Rules aimed at an operation nobody calls for a while would pile up.
                if added < due {
                    added = due;
                }
            }
            soak.emulator.faults().clear();
            added
        })
    };

    // Memory: sampled every second; the start is taken after the warm-up.
    let memory = Arc::new(Mutex::new(Memory::default()));
    let sampler = {
        let memory = memory.clone();
        let soak = soak.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut last_report = Instant::now();
            loop {
                tick.tick().await;
                let Some(rss) = rss_kib() else { continue };
                {
                    let mut m = memory.lock().unwrap_or_else(|p| p.into_inner());
                    if m.start.is_none() && started.elapsed() >= WARM_UP.min(deadline - started) {
                        m.start = Some(rss);
                    }
                    m.peak = m.peak.max(rss);
                    m.end = rss;
                }
                if last_report.elapsed() >= Duration::from_secs(30) {
                    last_report = Instant::now();
                    let stats = soak.stats.lock().unwrap_or_else(|p| p.into_inner());
                    println!(
                        "  {:>4.0} s: {} calls ({:.0}/s), {} ok, {} mutations, rss {} KiB, pending rules {}",
                        started.elapsed().as_secs_f64(),
                        stats.calls,
                        stats.calls as f64 / started.elapsed().as_secs_f64(),
                        stats.successes,
                        stats.mutations,
                        rss,
                        soak.emulator.faults().pending().len()
                    );
                }
            }
        })
    };

    // The pacer.
    let slots = Arc::new(Semaphore::new(options.concurrency));
    let mut tasks = JoinSet::new();
    let mut rng = Rng::new(options.seed);
    let interval = Duration::from_secs_f64(1.0 / f64::from(options.rate));
    let mut next = Instant::now();
    let mut panicked = 0u64;
    while Instant::now() < deadline {
        tokio::time::sleep_until(next.into()).await;
        next += interval;
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let op = if rng.below(10) < 7 {
            READS[rng.below(READS.len() as u64) as usize]
        } else {
            MUTATIONS[rng.below(MUTATIONS.len() as u64) as usize]
        };
        let instances = op.instances();
        let instance = instances[rng.below(instances.len() as u64) as usize];
        let flag = rng.below(2) == 0;
        let soak = soak.clone();
        tasks.spawn(async move {
            soak.call(op, instance, flag).await;
            drop(permit);
        });
        while let Some(done) = tasks.try_join_next() {
            if done.is_err() {
                panicked += 1;
            }
        }
        // Behind schedule (calls in flight at the cap): do not burst to catch up.
        if next + interval < Instant::now() {
            next = Instant::now();
        }
    }
    let paced_for = started.elapsed();
    while let Some(done) = tasks.join_next().await {
        if done.is_err() {
            panicked += 1;
        }
    }
    let rules_added = faults.await.unwrap_or(0);
    // Anything a timed-out request still does in the emulator happens within this.
    tokio::time::sleep(Duration::from_millis(SLOW_READ_LATENCY_MS) + Duration::from_secs(1)).await;
    sampler.abort();
    let memory = *memory.lock().unwrap_or_else(|p| p.into_inner());

    // Settle: every application since each key's last call is put down to an earlier call.
    let mut stats = std::mem::take(&mut *soak.stats.lock().unwrap_or_else(|p| p.into_inner()));
    stats.panicked += panicked;
    let keys: Vec<_> = soak
        .keys
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    for ((op, instance), state) in keys {
        let mut state = state.lock().await;
        let now = soak.applied(op, instance);
        let late = now.saturating_sub(state.seen);
        let unexplained = attribute(&mut state, &mut stats, late);
        if unexplained > 0 {
            stats.applied_twice += unexplained;
            eprintln!("APPLIED TWICE: {op:?} on {instance}: {unexplained} application(s) after the last call that no call explains");
        }
        state.seen = now;
    }

    let mut durations = std::mem::take(&mut stats.durations_ms);
    durations.sort_unstable();
    let errors: u64 = stats.errors.values().sum();
    println!("\n== soak report");
    println!(
        "duration            {:.1} s of pacing",
        paced_for.as_secs_f64()
    );
    println!(
        "calls               {} ({:.1}/s)",
        stats.calls,
        stats.calls as f64 / paced_for.as_secs_f64()
    );
    println!("successes           {}", stats.successes);
    println!("errors              {errors}");
    for (kind, count) in &stats.errors {
        println!("  {kind:<40} {count}");
    }
    println!("fault rules added   {rules_added}");
    println!(
        "faults injected     {}",
        soak.emulator.faults().injected_count()
    );
    println!("mutations           {}", stats.mutations);
    println!("  failed but applied  {}", stats.failed_but_applied);
    println!("  applied late        {}", stats.late_applications);
    println!(
        "  applied twice       {}   (must be 0)",
        stats.applied_twice
    );
    println!(
        "  success not applied {}   (must be 0)",
        stats.success_not_applied
    );
    println!("hung calls          {}   (must be 0)", stats.hung);
    println!("panics              {}   (must be 0)", stats.panicked);
    println!("untyped errors      {}   (must be 0)", stats.untyped);
    println!(
        "call time ms        p50 {} p90 {} p99 {} max {}",
        percentile(&durations, 0.5),
        percentile(&durations, 0.9),
        percentile(&durations, 0.99),
        durations.last().copied().unwrap_or(0)
    );
    println!(
        "rss KiB             start {} (after {:?}) peak {} end {}",
        memory.start.unwrap_or(0),
        WARM_UP,
        memory.peak,
        memory.end
    );
    let passed = stats.applied_twice == 0
        && stats.success_not_applied == 0
        && stats.hung == 0
        && stats.panicked == 0
        && stats.untyped == 0
        && stats.calls > 0;
    println!(
        "result              {}",
        if passed { "PASS" } else { "FAIL" }
    );
    passed
}
