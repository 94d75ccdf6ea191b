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
//! 3. **`cloudcall`, every operation** in `specs/`, with its documented example input (flags
//!    when every value is a scalar, `--cli-input-json` otherwise) and again with values that need
//!    percent-encoding or JSON escaping: exactly one `verified` request per call, exit 0, and
//!    stdout equal to what the verifier answered (Tencent: plus its `RequestId`).
//! 4. **The Rust crates**: `cargo test -p cloudcall-tests --test conformance_official_verifier
//!    -- --ignored` calls every operation of the four generated crates; every request must
//!    verify, and every operation in `specs/` must have been verified at least once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use cloud_spec::{Location, Vendor};
use serde_json::{Map, Value};

use super::official_clients::DriverReport;
use super::process::{run_captured, tail, Server};
use super::{keys, spec_operations, Context, Outcome, SpecOperation};

const CALIBRATION_TIMEOUT: Duration = Duration::from_secs(5 * 60);
const CLI_TIMEOUT: Duration = Duration::from_secs(60);
const CARGO_TEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The verifier stops by itself after this long, even if nothing stops it.
const VERIFIER_MAX_SECONDS: u64 = 60 * 60;
/// The same value the official clients send in the calibration (`TRICKY` in
/// official_clients.py): space, `+`, `~`, `/`, `%` and non-ASCII.
const TRICKY: &str = "a b+c~d/é%";
/// Variables of the vendors' credential chains, cleared so only the conformance keys are used.
const CREDENTIAL_VARIABLES: &[&str] = &[
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_REGION",
    "TENCENTCLOUD_CREDENTIALS_FILE",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_REGION",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT",
    "HUAWEICLOUD_SDK_AUTH_TOKEN",
    "HUAWEICLOUD_SDK_USER_NAME",
    "HUAWEICLOUD_SDK_PASSWORD",
    "HUAWEICLOUD_SDK_DOMAIN_NAME",
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
];

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
    let operations = spec_operations(&ctx.repo)?;
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

    calibrate(ctx, &verifier, outcomes)?;
    log.take_new()?;

    let cli = Cli {
        binary: &binaries.cloudcall,
        endpoint: &verifier.url,
        home: ctx.scratch.join("home"),
    };
    std::fs::create_dir_all(&cli.home).map_err(|e| format!("cannot create a HOME: {e}"))?;
    for vendor in [Vendor::Tencent, Vendor::Huawei] {
        if let Some(op) = operations.iter().find(|op| op.vendor == vendor) {
            outcomes.push(cli_wrong_secret(&cli, op, &mut log)?);
        }
    }
    for op in &operations {
        let example = example_input(op);
        let what = if !op.op.examples.is_empty() {
            "documented example"
        } else if example.is_empty() {
            "no input"
        } else {
            "members' examples"
        };
        outcomes.push(cli_call(&cli, op, &example, what, &mut log)?);
        if let Some((tricky, members)) = tricky_input(op, &example) {
            let what = format!("{} = {TRICKY:?}", members.join("/"));
            outcomes.push(cli_call(&cli, op, &tricky, &what, &mut log)?);
        }
    }

    rust_crates(ctx, &verifier, &operations, &mut log, outcomes)?;
    drop(verifier);
    Ok(())
}

fn calibrate(ctx: &Context, verifier: &Server, outcomes: &mut Vec<Outcome>) -> Result<(), String> {
    const PREFIX: &str = "verifier calibration (official clients)";
    let mut driver = Command::new(&ctx.python);
    driver
        .arg(ctx.repo.join("tests/conformance/official_clients.py"))
        .args(["--endpoint", &verifier.url, "--verifier-control"])
        .envs(keys::driver_env())
        .current_dir(&ctx.repo);
    let captured = run_captured(&mut driver, CALIBRATION_TIMEOUT)?;
    let report = DriverReport::parse(&captured.stdout, PREFIX);
    outcomes.extend(report.outcomes);
    if !report.done || (!captured.status.success() && report.failed == 0) {
        outcomes.push(Outcome::fail(
            format!("{PREFIX}: the driver finished"),
            format!(
                "official_clients.py --verifier-control exited with {} before its DONE line{}{}",
                super::describe(captured.status),
                tail(&captured.stderr, "driver stderr"),
                verifier.stderr_tail()
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The verifier's log
// ---------------------------------------------------------------------------------------------

/// One request as the verifier judged it.
#[derive(Debug, Clone)]
struct LogLine {
    verdict: String,
    operation: String,
    request_id: String,
    detail: String,
}

impl LogLine {
    fn describe(&self) -> String {
        format!(
            "{} {} (request {}): {}",
            self.verdict, self.operation, self.request_id, self.detail
        )
    }
}

/// Reads the lines the verifier appended since the last read.
struct VerifierLog {
    path: PathBuf,
    seen: usize,
}

impl VerifierLog {
    fn new(path: PathBuf) -> VerifierLog {
        VerifierLog { path, seen: 0 }
    }

    fn take_new(&mut self) -> Result<Vec<LogLine>, String> {
        let text = std::fs::read_to_string(&self.path)
            .map_err(|e| format!("cannot read the verifier log {}: {e}", self.path.display()))?;
        let lines: Vec<&str> = text.lines().collect();
        let new = lines[self.seen.min(lines.len())..]
            .iter()
            .map(|line| {
                let mut fields = line.splitn(5, '\t');
                let mut next = || fields.next().unwrap_or_default().to_owned();
                let verdict = next();
                let crate_name = next();
                let operation = next();
                LogLine {
                    verdict,
                    operation: format!("{crate_name} {operation}"),
                    request_id: next(),
                    detail: next(),
                }
            })
            .collect();
        self.seen = lines.len();
        Ok(new)
    }
}

// ---------------------------------------------------------------------------------------------
// cloudcall
// ---------------------------------------------------------------------------------------------

struct Cli<'a> {
    binary: &'a Path,
    endpoint: &'a str,
    home: PathBuf,
}

impl Cli<'_> {
    fn command(&self, op: &SpecOperation, secret: &str) -> Command {
        let mut cmd = Command::new(self.binary);
        for name in CREDENTIAL_VARIABLES {
            cmd.env_remove(name);
        }
        cmd.env("HOME", &self.home)
            .args(["--endpoint", self.endpoint]);
        match op.vendor {
            Vendor::Tencent => {
                cmd.env("TENCENTCLOUD_SECRET_ID", keys::LONG_TERM.tencent_id)
                    .env("TENCENTCLOUD_SECRET_KEY", secret)
                    .args(["--region", keys::TENCENT_REGION]);
            }
            Vendor::Huawei => {
                cmd.env("HUAWEICLOUD_SDK_AK", keys::LONG_TERM.huawei_ak)
                    .env("HUAWEICLOUD_SDK_SK", secret)
                    .args(["--region", keys::HUAWEI_REGION])
                    .args(["--project-id", keys::HUAWEI_PROJECT_ID]);
            }
        }
        cmd.arg(&op.crate_name).arg(kebab(&op.name));
        cmd
    }

    fn secret(vendor: Vendor) -> &'static str {
        match vendor {
            Vendor::Tencent => keys::LONG_TERM.tencent_key,
            Vendor::Huawei => keys::LONG_TERM.huawei_sk,
        }
    }
}

fn signer_name(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Tencent => "TC3 code (tencentcloud-sdk-python-common)",
        Vendor::Huawei => "AK/SK signer (huaweicloudsdkcore)",
    }
}

/// A wrong secret must be refused by the verifier, and `cloudcall` must say so.
fn cli_wrong_secret(
    cli: &Cli,
    op: &SpecOperation,
    log: &mut VerifierLog,
) -> Result<Outcome, String> {
    let (code, secret) = match op.vendor {
        Vendor::Tencent => (
            "AuthFailure.SignatureFailure",
            format!("{}x", &keys::LONG_TERM.tencent_key[1..]),
        ),
        Vendor::Huawei => (
            "APIGW.0301",
            format!("{}x", &keys::LONG_TERM.huawei_sk[1..]),
        ),
    };
    let name = format!(
        "cloudcall -> official verifier: a wrong secret is refused ({} {} -> {code}, exit 1)",
        op.crate_name, op.name
    );
    let mut cmd = cli.command(op, &secret);
    add_input(&mut cmd, &example_input(op));
    let captured = run_captured(&mut cmd, CLI_TIMEOUT)?;
    let lines = log.take_new()?;
    let verdicts: Vec<&str> = lines.iter().map(|l| l.verdict.as_str()).collect();
    let result = if captured.status.code() != Some(1) {
        Err(format!(
            "cloudcall exited with {}, expected 1{}",
            super::describe(captured.status),
            tail(&captured.stderr, "stderr")
        ))
    } else if !captured.stderr.contains(code) {
        Err(format!(
            "stderr does not name {code}{}",
            tail(&captured.stderr, "stderr")
        ))
    } else if verdicts != ["rejected"] {
        Err(format!(
            "the verifier logged {verdicts:?}, expected one rejected request"
        ))
    } else {
        Ok(())
    };
    Ok(Outcome::new(name, result))
}

/// One call: exactly one request, verified; exit 0; stdout is the verifier's answer.
fn cli_call(
    cli: &Cli,
    op: &SpecOperation,
    input: &Map<String, Value>,
    what: &str,
    log: &mut VerifierLog,
) -> Result<Outcome, String> {
    let name = format!(
        "cloudcall -> official verifier: {} {} ({what}) verified by the official {}, answer printed",
        op.crate_name,
        op.name,
        signer_name(op.vendor)
    );
    let mut cmd = cli.command(op, Cli::secret(op.vendor));
    add_input(&mut cmd, input);
    let captured = run_captured(&mut cmd, CLI_TIMEOUT)?;
    let lines = log.take_new()?;
    Ok(Outcome::new(name, judge_cli_call(op, &captured, &lines)))
}

fn judge_cli_call(
    op: &SpecOperation,
    captured: &super::process::Captured,
    lines: &[LogLine],
) -> Result<(), String> {
    let expected_operation = format!("{} {}", op.crate_name, op.name);
    let [line] = lines else {
        let shown: Vec<String> = lines.iter().map(LogLine::describe).collect();
        return Err(format!(
            "expected exactly one request, the verifier logged {}: {shown:?}{}",
            lines.len(),
            tail(&captured.stderr, "cloudcall stderr")
        ));
    };
    if line.verdict != "verified" || line.operation != expected_operation {
        return Err(format!(
            "the verifier logged {}{}",
            line.describe(),
            tail(&captured.stderr, "cloudcall stderr")
        ));
    }
    if !captured.status.success() {
        return Err(format!(
            "the request verified but cloudcall exited with {}{}",
            super::describe(captured.status),
            tail(&captured.stderr, "stderr")
        ));
    }
    let printed: Value = serde_json::from_str(&captured.stdout)
        .map_err(|e| format!("stdout is not JSON ({e}): {:?}", captured.stdout))?;
    let mut answered: Value = serde_json::from_str(&line.detail)
        .map_err(|e| format!("the verifier's logged answer is not JSON ({e})"))?;
    if op.vendor == Vendor::Tencent {
        if let Value::Object(map) = &mut answered {
            map.insert("RequestId".into(), Value::String(line.request_id.clone()));
        }
    }
    if printed != answered {
        return Err(format!(
            "cloudcall printed {printed}, the verifier answered {answered}"
        ));
    }
    Ok(())
}

/// The first documented example's input, else the members' own examples, else nothing.
fn example_input(op: &SpecOperation) -> Map<String, Value> {
    if let Some(example) = op.op.examples.first() {
        return example.input.clone().into_iter().collect();
    }
    op.op
        .input
        .iter()
        .filter_map(|(name, m)| m.example.clone().map(|v| (name.clone(), v)))
        .collect()
}

/// `input` with every string member (Huawei: in the path or query) set to [`TRICKY`].
fn tricky_input(
    op: &SpecOperation,
    input: &Map<String, Value>,
) -> Option<(Map<String, Value>, Vec<String>)> {
    let members: Vec<String> = op
        .op
        .input
        .iter()
        .filter(|(_, m)| {
            m.ty == "string"
                && (op.vendor == Vendor::Tencent
                    || matches!(m.location, Some(Location::Path | Location::Query)))
        })
        .map(|(name, _)| name.clone())
        .collect();
    if members.is_empty() {
        return None;
    }
    let mut tricky = input.clone();
    for name in &members {
        tricky.insert(name.clone(), Value::String(TRICKY.to_owned()));
    }
    Some((tricky, members))
}

/// `--<member> <value>` per member when every value is a scalar, else `--cli-input-json`.
fn add_input(cmd: &mut Command, input: &Map<String, Value>) {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_));
    if !input.values().all(scalar) {
        cmd.arg("--cli-input-json")
            .arg(Value::Object(input.clone()).to_string());
        return;
    }
    for (name, value) in input {
        cmd.arg(format!("--{}", kebab(name)));
        match value {
            Value::String(s) => cmd.arg(s),
            other => cmd.arg(other.to_string()),
        };
    }
}

/// The CLI's name of an operation or member: `DescribeDBInstanceSSLConfig` →
/// `describe-db-instance-ssl-config`, `ssl_option` → `ssl-option`.
fn kebab(name: &str) -> String {
    codegen::names::snake_case(name).replace('_', "-")
}

// ---------------------------------------------------------------------------------------------
// The Rust crates
// ---------------------------------------------------------------------------------------------

fn rust_crates(
    ctx: &Context,
    verifier: &Server,
    operations: &[SpecOperation],
    log: &mut VerifierLog,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), String> {
    const PREFIX: &str = "rust crates -> official verifier";
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "test",
        "-p",
        "cloudcall-tests",
        "--test",
        "conformance_official_verifier",
        "--",
        "--ignored",
    ])
    .env("CONFORMANCE_VERIFIER_ENDPOINT", &verifier.url)
    .envs(keys::driver_env())
    .current_dir(&ctx.repo);
    let status = super::run_with_timeout(&mut cmd, CARGO_TEST_TIMEOUT)?;
    outcomes.push(Outcome::new(
        format!("{PREFIX}: cargo test -p cloudcall-tests --test conformance_official_verifier -- --ignored"),
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "exited with {} (the failing calls are listed above)",
                super::describe(status)
            ))
        },
    ));
    let lines = log.take_new()?;
    let mut verified: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &lines {
        if line.verdict == "verified" {
            *verified.entry(line.operation.as_str()).or_default() += 1;
        } else {
            outcomes.push(Outcome::fail(
                format!("{PREFIX}: request {} verifies", line.request_id),
                line.describe(),
            ));
        }
    }
    for op in operations {
        let key = format!("{} {}", op.crate_name, op.name);
        let count = verified.get(key.as_str()).copied().unwrap_or(0);
        outcomes.push(Outcome::new(
            format!(
                "{PREFIX}: {key} verified by the official {} ({count} request(s))",
                signer_name(op.vendor)
            ),
            if count > 0 {
                Ok(())
            } else {
                Err("the Rust crates never called it successfully".to_owned())
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_names_are_kebab_case() {
        assert_eq!(
            kebab("DescribeDBInstanceSSLConfig"),
            "describe-db-instance-ssl-config"
        );
        assert_eq!(
            kebab("ListSslCertDownloadAddresses"),
            "list-ssl-cert-download-addresses"
        );
        assert_eq!(kebab("ssl_option"), "ssl-option");
        assert_eq!(kebab("RoGroupId"), "ro-group-id");
    }

    #[test]
    fn scalar_inputs_become_flags_and_others_json() {
        let mut cmd = Command::new("x");
        let input: Map<String, Value> =
            serde_json::from_str(r#"{"InstanceId": "cmgo-1", "Enable": true, "Limit": 10}"#)
                .unwrap();
        add_input(&mut cmd, &input);
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "--instance-id",
                "cmgo-1",
                "--enable",
                "true",
                "--limit",
                "10"
            ]
        );
        let mut cmd = Command::new("x");
        let input: Map<String, Value> = serde_json::from_str(r#"{"Ids": ["a"]}"#).unwrap();
        add_input(&mut cmd, &input);
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["--cli-input-json", r#"{"Ids":["a"]}"#]);
    }
}
