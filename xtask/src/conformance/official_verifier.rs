//! Check (c): our clients' requests verify under the vendors' official signing code (issue 5,
//! part 4).
//!
//! Starts `tests/conformance/official_verifier.py` (every request's signature recomputed by
//! `tencentcloud-sdk-python-common` or `huaweicloudsdkcore`; one log line per request) and then,
//! reading the verifier's log after each caller so every request is attributed to its caller:
//!
//! 1. **Calibration**: `official_clients.py --verifier-control`, so the official clients'
//!    requests are shown to verify there and bad credentials to be refused. A refusal of our
//!    request below is then our signer's fault, not the verifier's.
//! 2. **`cloudcall`, negative control**: one call per vendor with a wrong secret must be refused
//!    (exit 1, the vendor's code on stderr, one `rejected` log line).
//! 3. **`cloudcall`** ([`cli`]): the binary, spawned, for one operation per class of input (the
//!    plan's `cli_class`: HTTP method or Tencent action × where the members go × flags,
//!    `--cli-input-json` or no input) and once per vendor and location of string members with
//!    values that need percent-encoding or JSON escaping; and every operation in-process
//!    (`cloudcall::run_with_environment`, what the binary runs), with its planned input and its
//!    percent-encoding variant: exactly one `verified` request per call, exit 0, and output equal
//!    to what the verifier answered (Tencent: plus its `RequestId`).
//! 4. **The Rust crates**: the test `tests/tests/conformance_official_verifier.rs`, run with
//!    `--ignored`, calls every operation of every service in-process, with the plan's input and
//!    its percent-encoding variant; every request must verify, and every operation must have
//!    been verified at least once.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::cli::{self, signer_name, Cli};
use super::official_clients::DriverReport;
use super::process::{run_captured, Server};
use super::{keys, Context, Outcome, TEST_TIMEOUT};

const CALIBRATION_TIMEOUT: Duration = Duration::from_secs(3 * 60);
/// The verifier stops by itself after this long, even if nothing stops it.
const VERIFIER_MAX_SECONDS: u64 = 60 * 60;

/// Runs the check; see the module docs.
pub fn check(ctx: &Context) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    if let Err(why) = run(ctx, &mut outcomes) {
        outcomes.push(Outcome::fail(
            "our clients -> official verifier: the verifier and its callers ran",
            why,
        ));
    }
    outcomes
}

fn run(ctx: &Context, outcomes: &mut Vec<Outcome>) -> Result<(), String> {
    let plan = ctx.plan()?;
    let plan_path = super::write_plan(ctx)?;
    let binaries = ctx.binaries()?;
    let log_path = ctx.scratch.join("verifier.log");
    let mut verifier_cmd = Command::new(&ctx.python);
    verifier_cmd
        .arg(ctx.repo.join("tests/conformance/official_verifier.py"))
        .arg("--log")
        .arg(&log_path)
        .args(["--max-seconds", &VERIFIER_MAX_SECONDS.to_string()])
        .env("CONFORMANCE_VERIFIER_KEYS", keys::verifier_keys_json())
        .current_dir(&ctx.repo);
    let verifier = Server::start(
        "official verifier",
        verifier_cmd,
        &ctx.scratch.join("verifier.stderr"),
    )?;
    let mut log = VerifierLog::new(log_path);

    let started = Instant::now();
    calibrate(ctx, &plan_path, &verifier, outcomes)?;
    log.take_new()?;
    println!(
        "(verifier calibration took {:.1} s)",
        started.elapsed().as_secs_f64()
    );

    let cli = Cli {
        binary: &binaries.cloudcall,
        endpoint: &verifier.url,
        home: ctx.scratch.join("home"),
    };
    std::fs::create_dir_all(&cli.home).map_err(|e| format!("cannot create a HOME: {e}"))?;
    cli::check(ctx, &cli, plan, &mut log, outcomes)?;

    let started = Instant::now();
    rust_crates(ctx, &plan_path, &verifier, plan, &mut log, outcomes)?;
    println!(
        "(rust crates took {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    drop(verifier);
    Ok(())
}

fn calibrate(
    ctx: &Context,
    plan_path: &Path,
    verifier: &Server,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), String> {
    const PREFIX: &str = "verifier calibration (official clients)";
    let mut driver = Command::new(&ctx.python);
    driver
        .arg(ctx.repo.join("tests/conformance/official_clients.py"))
        .arg("--plan")
        .arg(plan_path)
        .args(["--endpoint", &verifier.url, "--verifier-control"])
        .envs(keys::driver_env())
        .current_dir(&ctx.repo);
    let captured = run_captured(&mut driver, ctx.timeout(CALIBRATION_TIMEOUT)?)?;
    let report = DriverReport::parse(&captured.stdout, PREFIX);
    let unfinished = report.unfinished(&captured, "official_clients.py --verifier-control");
    outcomes.extend(report.outcomes);
    if let Some(why) = unfinished {
        outcomes.push(Outcome::fail(
            format!("{PREFIX}: the driver finished"),
            format!("{why}{}", verifier.stderr_tail()),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The verifier's log
// ---------------------------------------------------------------------------------------------

/// One request as the verifier judged it.
#[derive(Debug, Clone)]
pub struct LogLine {
    /// `verified`, `rejected`, `unrouted` or `invalid`.
    pub verdict: String,
    /// `<crate> <Operation>` (`- -` when the request was refused before routing).
    pub operation: String,
    /// The request id the verifier answered with.
    pub request_id: String,
    /// The answer (JSON) of a verified request, else why it was refused.
    pub detail: String,
    /// A verified request's input as the verifier received it, by wire name (Huawei path, query
    /// and header members as text).
    pub received: Option<serde_json::Value>,
}

impl LogLine {
    /// The line, for a failure message.
    pub fn describe(&self) -> String {
        format!(
            "{} {} (request {}): {}",
            self.verdict, self.operation, self.request_id, self.detail
        )
    }

    fn parse(line: &str) -> LogLine {
        let mut fields = line.splitn(6, '\t');
        let mut next = || fields.next().unwrap_or_default().to_owned();
        let verdict = next();
        let crate_name = next();
        let operation = next();
        let request_id = next();
        let detail = next();
        LogLine {
            verdict,
            operation: format!("{crate_name} {operation}"),
            request_id,
            detail,
            received: serde_json::from_str(&next()).ok(),
        }
    }
}

/// Reads the lines the verifier appended since the last read. The verifier writes (and
/// flushes) a request's line before answering it, so once a caller has its answers, their
/// lines are there.
pub struct VerifierLog {
    path: PathBuf,
    reader: Option<BufReader<File>>,
    /// The start of a line still being written.
    partial: String,
}

impl VerifierLog {
    fn new(path: PathBuf) -> VerifierLog {
        VerifierLog {
            path,
            reader: None,
            partial: String::new(),
        }
    }

    /// The complete lines appended since the last call.
    pub fn take_new(&mut self) -> Result<Vec<LogLine>, String> {
        let cannot = |e: std::io::Error| {
            format!("cannot read the verifier log {}: {e}", self.path.display())
        };
        if self.reader.is_none() {
            self.reader = Some(BufReader::new(File::open(&self.path).map_err(cannot)?));
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(Vec::new());
        };
        let mut lines = Vec::new();
        while reader.read_line(&mut self.partial).map_err(cannot)? > 0 {
            let Some(line) = self.partial.strip_suffix('\n') else {
                break;
            };
            lines.push(LogLine::parse(line));
            self.partial.clear();
        }
        Ok(lines)
    }
}

// ---------------------------------------------------------------------------------------------
// The Rust crates
// ---------------------------------------------------------------------------------------------

/// The Rust test's two tests, run one after the other so the verifier's log attributes every
/// request: every operation (each request compared with the input it was given, in the order
/// the test sends them: the plan's input, then its percent-encoding variant), then the typed
/// calls.
fn rust_crates(
    ctx: &Context,
    plan_path: &Path,
    verifier: &Server,
    plan: &super::plan::Plan,
    log: &mut VerifierLog,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), String> {
    rust_test(ctx, plan_path, verifier, EVERY_OPERATION_TEST, outcomes)?;
    let lines = log.take_new()?;
    let mut verified: BTreeMap<&str, Vec<&LogLine>> = BTreeMap::new();
    for line in &lines {
        if line.verdict == "verified" {
            verified
                .entry(line.operation.as_str())
                .or_default()
                .push(line);
        } else {
            outcomes.push(refused(line));
        }
    }
    for service in &plan.services {
        for op in &service.operations {
            let key = format!("{} {}", service.crate_name, op.name);
            let sent = verified
                .get(key.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let inputs: Vec<_> = std::iter::once(&op.sample)
                .chain(op.tricky.as_ref().map(|(input, _)| input))
                .collect();
            let result = if sent.len() != inputs.len() {
                Err(format!(
                    "{} request(s) verified, the test sends {}",
                    sent.len(),
                    inputs.len()
                ))
            } else {
                inputs.iter().zip(sent).try_for_each(|(input, line)| {
                    cli::sent_as_planned(service, op, input, line.received.as_ref())
                })
            };
            outcomes.push(
                Outcome::new(
                    format!(
                        "{RUST_PREFIX}: {key}: verified by the official {}, each request carrying \
                         its input ({} request(s))",
                        signer_name(service.vendor),
                        inputs.len()
                    ),
                    result,
                )
                .about(&service.crate_name),
            );
        }
    }

    rust_test(ctx, plan_path, verifier, TYPED_TEST, outcomes)?;
    for line in log.take_new()? {
        if line.verdict != "verified" {
            outcomes.push(refused(&line));
        }
    }
    Ok(())
}

const RUST_PREFIX: &str = "rust crates -> official verifier";
/// The tests of `tests/tests/conformance_official_verifier.rs`.
const EVERY_OPERATION_TEST: &str = "every_operation_verifies_under_the_official_signers";
const TYPED_TEST: &str = "typed_calls_verify_and_decode_the_documented_examples";

/// Runs one test of the Rust test executable (one outcome); its requests are in the log after.
fn rust_test(
    ctx: &Context,
    plan_path: &Path,
    verifier: &Server,
    test: &str,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), String> {
    let mut cmd = Command::new(&ctx.binaries()?.verifier_test);
    cmd.args(["--ignored", "--exact", test])
        .env("CONFORMANCE_VERIFIER_ENDPOINT", &verifier.url)
        .env("CONFORMANCE_PLAN", plan_path)
        .envs(keys::driver_env())
        // Where `cargo test -p cloudcall-tests` would run it.
        .current_dir(ctx.repo.join("tests"));
    let status = super::run_with_timeout(&mut cmd, ctx.timeout(TEST_TIMEOUT)?)?;
    outcomes.push(Outcome::new(
        format!("{RUST_PREFIX}: tests/tests/conformance_official_verifier.rs {test}"),
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "exited with {} (the failing calls are listed above)",
                super::describe(status)
            ))
        },
    ));
    Ok(())
}

/// A request the verifier did not accept.
fn refused(line: &LogLine) -> Outcome {
    let service = line.operation.split(' ').next().unwrap_or_default();
    Outcome::fail(
        format!("{RUST_PREFIX}: request {} verifies", line.request_id),
        line.describe(),
    )
    .about(service)
}
