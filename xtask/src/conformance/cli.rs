//! `cloudcall` against the official verifier (step 3 of [`super::official_verifier`]).
//!
//! - **The binary**, spawned as a user runs it: a wrong secret per vendor must be refused (exit
//!   1, the vendor's code on stderr), and one operation per class of input (the plan's
//!   `cli_class`) must verify and print the verifier's answer.
//! - **Every operation, in-process**: [`cloudcall::run_with_environment`], the code the binary
//!   runs, with each operation's planned input and its percent-encoding variant. A process per
//!   call would cost ~0.1 s each for a debug build; in-process, ~1,000 calls take seconds.
//!
//! Every call must send exactly one request, which the verifier must log as verified for that
//! operation, carrying exactly the members the call was given (Huawei path, query and header
//! members compared as text); the call must succeed and print exactly what the verifier answered
//! (Tencent: plus its `RequestId`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cloud_spec::{Location, Vendor};
use serde_json::{Map, Value};

use super::official_verifier::{LogLine, VerifierLog};
use super::plan::{OperationPlan, Plan, ServicePlan, TRICKY};
use super::process::{run_captured, tail};
use super::{keys, Context, Outcome};

/// One spawned `cloudcall`.
const CLI_TIMEOUT: Duration = Duration::from_secs(60);
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
const PREFIX: &str = "cloudcall -> official verifier";

/// How one `cloudcall` invocation ended.
struct Invocation {
    /// The exit status; `None` if it was killed (or ended by a signal).
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// How `cloudcall` is invoked against the verifier.
pub struct Cli<'a> {
    /// The binary, for the spawned calls.
    pub binary: &'a Path,
    /// The verifier.
    pub endpoint: &'a str,
    /// An empty home directory: no profile file of the user's is read.
    pub home: PathBuf,
}

impl Cli<'_> {
    /// The command line after the program name: global flags, service, operation, input.
    fn args(
        &self,
        service: &ServicePlan,
        op: &OperationPlan,
        input: &Map<String, Value>,
    ) -> Vec<String> {
        let mut args = vec!["--endpoint".to_owned(), self.endpoint.to_owned()];
        match service.vendor {
            Vendor::Tencent => args.extend(["--region".into(), keys::TENCENT_REGION.into()]),
            Vendor::Huawei => args.extend([
                "--region".into(),
                keys::HUAWEI_REGION.into(),
                "--project-id".into(),
                keys::HUAWEI_PROJECT_ID.into(),
            ]),
        }
        args.push(service.crate_name.clone());
        args.push(kebab(&op.name));
        args.extend(input_args(input));
        args
    }

    /// The credential chain's variables: the long-term key with `secret`.
    fn credentials(vendor: Vendor, secret: &str) -> [(&'static str, String); 2] {
        match vendor {
            Vendor::Tencent => [
                (
                    "TENCENTCLOUD_SECRET_ID",
                    keys::LONG_TERM.tencent_id.to_owned(),
                ),
                ("TENCENTCLOUD_SECRET_KEY", secret.to_owned()),
            ],
            Vendor::Huawei => [
                ("HUAWEICLOUD_SDK_AK", keys::LONG_TERM.huawei_ak.to_owned()),
                ("HUAWEICLOUD_SDK_SK", secret.to_owned()),
            ],
        }
    }

    fn secret(vendor: Vendor) -> &'static str {
        match vendor {
            Vendor::Tencent => keys::LONG_TERM.tencent_key,
            Vendor::Huawei => keys::LONG_TERM.huawei_sk,
        }
    }

    /// Runs the binary.
    fn spawn(
        &self,
        ctx: &Context,
        service: &ServicePlan,
        op: &OperationPlan,
        input: &Map<String, Value>,
        secret: &str,
    ) -> Result<Invocation, String> {
        let mut cmd = Command::new(self.binary);
        for name in CREDENTIAL_VARIABLES {
            cmd.env_remove(name);
        }
        cmd.env("HOME", &self.home)
            .envs(Cli::credentials(service.vendor, secret))
            .args(self.args(service, op, input));
        let captured = run_captured(&mut cmd, ctx.timeout(CLI_TIMEOUT)?)?;
        Ok(Invocation {
            status: if captured.timed_out {
                None
            } else {
                captured.status.code()
            },
            stdout: captured.stdout,
            stderr: captured.stderr,
        })
    }

    /// Runs the CLI in this process, with the credentials in its own environment (the
    /// process's is never read or changed).
    fn in_process(
        &self,
        service: &ServicePlan,
        op: &OperationPlan,
        input: &Map<String, Value>,
    ) -> Invocation {
        let environment = cloudcall::Environment::from_vars(Cli::credentials(
            service.vendor,
            Cli::secret(service.vendor),
        ))
        .with_home(&self.home);
        let args = std::iter::once("cloudcall".to_owned()).chain(self.args(service, op, input));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = cloudcall::run_with_environment(
            args,
            std::slice::from_ref(&service.spec),
            environment,
            &mut cloudcall::Console::capture(&mut out, &mut err),
        );
        Invocation {
            status: Some(status),
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
        }
    }
}

/// The spawned calls, then every operation in-process; see the module docs.
pub fn check(
    ctx: &Context,
    cli: &Cli,
    plan: &Plan,
    log: &mut VerifierLog,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), String> {
    let started = Instant::now();
    let spawned = outcomes.len();
    // One wrong secret per vendor, with the first operation of its first service.
    let mut vendors = Vec::new();
    for service in &plan.services {
        if let (false, Some(op)) = (
            vendors.contains(&service.vendor),
            service.operations.first(),
        ) {
            vendors.push(service.vendor);
            outcomes.push(wrong_secret(ctx, cli, service, op, log)?);
        }
    }
    let mut tricky_classes = BTreeSet::new();
    for service in &plan.services {
        for op in &service.operations {
            let Some(class) = &op.cli_class else {
                continue;
            };
            let what = format!("the binary, {} input; class: {class}", sample_source(op));
            let invocation =
                cli.spawn(ctx, service, op, &op.sample, Cli::secret(service.vendor))?;
            outcomes.push(judged(service, op, &op.sample, &what, &invocation, log)?);
            if let Some((tricky, members)) = &op.tricky {
                let locations = tricky_locations(service, op, members);
                if tricky_classes.insert((service.vendor == Vendor::Tencent, locations)) {
                    let what = format!("the binary, {} = {TRICKY:?}", members.join("/"));
                    let invocation =
                        cli.spawn(ctx, service, op, tricky, Cli::secret(service.vendor))?;
                    outcomes.push(judged(service, op, tricky, &what, &invocation, log)?);
                }
            }
        }
    }
    println!(
        "(cloudcall binary: {} calls took {:.1} s)",
        outcomes.len() - spawned,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let in_process = outcomes.len();
    for service in &plan.services {
        for op in &service.operations {
            ctx.timeout(CLI_TIMEOUT)?;
            let what = format!("in-process, {} input", sample_source(op));
            let invocation = cli.in_process(service, op, &op.sample);
            outcomes.push(judged(service, op, &op.sample, &what, &invocation, log)?);
            if let Some((tricky, members)) = &op.tricky {
                let what = format!("in-process, {} = {TRICKY:?}", members.join("/"));
                let invocation = cli.in_process(service, op, tricky);
                outcomes.push(judged(service, op, tricky, &what, &invocation, log)?);
            }
        }
    }
    println!(
        "(cloudcall in-process: {} calls took {:.1} s)",
        outcomes.len() - in_process,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn sample_source(op: &OperationPlan) -> &'static str {
    match op.sample_source {
        cloud_spec::sample::SampleSource::Documented => "documented",
        cloud_spec::sample::SampleSource::Synthesized => "synthesized",
    }
}

/// Where the members set to [`TRICKY`] go (Tencent: all in the body).
fn tricky_locations(
    service: &ServicePlan,
    op: &OperationPlan,
    members: &[String],
) -> Vec<&'static str> {
    let spec = &service.spec.operations[&op.name];
    let mut locations: Vec<&'static str> = members
        .iter()
        .map(|m| match spec.input.get(m).and_then(|m| m.location) {
            Some(Location::Path) => "path",
            Some(Location::Query) => "query",
            Some(Location::Header) => "header",
            Some(Location::Body) | None => "body",
        })
        .collect();
    locations.sort_unstable();
    locations.dedup();
    locations
}

/// Which official signer the verifier checks a vendor's requests with.
pub fn signer_name(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Tencent => "TC3 code (tencentcloud-sdk-python-common)",
        Vendor::Huawei => "AK/SK signer (huaweicloudsdkcore)",
    }
}

/// A wrong secret must be refused by the verifier, and the binary must say so.
fn wrong_secret(
    ctx: &Context,
    cli: &Cli,
    service: &ServicePlan,
    op: &OperationPlan,
    log: &mut VerifierLog,
) -> Result<Outcome, String> {
    let (code, right) = match service.vendor {
        Vendor::Tencent => ("AuthFailure.SignatureFailure", keys::LONG_TERM.tencent_key),
        Vendor::Huawei => ("APIGW.0301", keys::LONG_TERM.huawei_sk),
    };
    let secret = format!("{}x", &right[1..]);
    let name = format!(
        "{PREFIX}: {} {}: the binary with a wrong secret is refused ({code}, exit 1)",
        service.crate_name, op.name
    );
    let invocation = cli.spawn(ctx, service, op, &op.sample, &secret)?;
    let lines = log.take_new()?;
    let verdicts: Vec<&str> = lines.iter().map(|l| l.verdict.as_str()).collect();
    let result = if invocation.status != Some(1) {
        Err(format!(
            "cloudcall exited with {}, expected 1{}",
            describe(invocation.status),
            tail(&invocation.stderr, "stderr")
        ))
    } else if !invocation.stderr.contains(code) {
        Err(format!(
            "stderr does not name {code}{}",
            tail(&invocation.stderr, "stderr")
        ))
    } else if verdicts != ["rejected"] {
        Err(format!(
            "the verifier logged {verdicts:?}, expected one rejected request"
        ))
    } else {
        Ok(())
    };
    Ok(Outcome::new(name, result).about(&service.crate_name))
}

fn describe(status: Option<i32>) -> String {
    match status {
        Some(code) => format!("status {code}"),
        None => "no status (killed after its timeout, or a signal)".to_owned(),
    }
}

/// The outcome of one call that must succeed, judged with the verifier's new log lines.
fn judged(
    service: &ServicePlan,
    op: &OperationPlan,
    input: &Map<String, Value>,
    what: &str,
    invocation: &Invocation,
    log: &mut VerifierLog,
) -> Result<Outcome, String> {
    let name = format!(
        "{PREFIX}: {} {}: ({what}) verified by the official {}, answer printed",
        service.crate_name,
        op.name,
        signer_name(service.vendor)
    );
    let lines = log.take_new()?;
    let result = judge(service, op, input, invocation, &lines);
    Ok(Outcome::new(name, result).about(&service.crate_name))
}

/// Exactly one request, verified for this operation; exit 0; stdout is the verifier's answer.
fn judge(
    service: &ServicePlan,
    op: &OperationPlan,
    input: &Map<String, Value>,
    invocation: &Invocation,
    lines: &[LogLine],
) -> Result<(), String> {
    let expected_operation = format!("{} {}", service.crate_name, op.name);
    let [line] = lines else {
        let shown: Vec<String> = lines.iter().map(LogLine::describe).collect();
        return Err(format!(
            "expected exactly one request, the verifier logged {}: {shown:?}; cloudcall exited \
             with {}{}{}",
            lines.len(),
            describe(invocation.status),
            tail(&invocation.stdout, "cloudcall stdout"),
            tail(&invocation.stderr, "cloudcall stderr")
        ));
    };
    if line.verdict != "verified" || line.operation != expected_operation {
        return Err(format!(
            "the verifier logged {}{}",
            line.describe(),
            tail(&invocation.stderr, "cloudcall stderr")
        ));
    }
    if invocation.status != Some(0) {
        return Err(format!(
            "the request verified but cloudcall exited with {}{}",
            describe(invocation.status),
            tail(&invocation.stderr, "stderr")
        ));
    }
    sent_as_planned(service, op, input, line.received.as_ref())?;
    let printed: Value = serde_json::from_str(&invocation.stdout)
        .map_err(|e| format!("stdout is not JSON ({e}): {:?}", invocation.stdout))?;
    let mut answered: Value = serde_json::from_str(&line.detail)
        .map_err(|e| format!("the verifier's logged answer is not JSON ({e})"))?;
    if service.vendor == Vendor::Tencent {
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

/// `--<member> <value>` per member when every value is a scalar, else `--cli-input-json`.
fn input_args(input: &Map<String, Value>) -> Vec<String> {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_));
    if !input.values().all(scalar) {
        return vec![
            "--cli-input-json".to_owned(),
            Value::Object(input.clone()).to_string(),
        ];
    }
    input
        .iter()
        .flat_map(|(name, value)| {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            [format!("--{}", flag(name)), value]
        })
        .collect()
}

/// The CLI's name of an operation or member: `DescribeDBInstanceSSLConfig` →
/// `describe-db-instance-ssl-config`, `ssl_option` → `ssl-option`.
fn kebab(name: &str) -> String {
    codegen::names::snake_case(name).replace('_', "-")
}

/// The CLI's flag for a member: its kebab name, or `param-<name>` if that is a CLI option.
fn flag(member: &str) -> String {
    let name = kebab(member);
    if cloudcall::RESERVED_FLAGS.contains(&name.as_str()) {
        format!("param-{name}")
    } else {
        name
    }
}

/// JSON equality with numbers compared by value: `1` and `1.0` are one number to a server
/// reading a `float` member.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// The request carried exactly the members of `planned`. The verifier sees Huawei path, query
/// and header members as text (a repeated query key as a list); everything else is JSON.
pub fn sent_as_planned(
    service: &ServicePlan,
    op: &OperationPlan,
    planned: &Map<String, Value>,
    received: Option<&Value>,
) -> Result<(), String> {
    let Some(Value::Object(received)) = received else {
        return Err("the verifier logged no received input".to_owned());
    };
    let spec = &service.spec.operations[&op.name];
    let as_text = |name: &str| {
        service.vendor == Vendor::Huawei
            && matches!(
                spec.input.get(name).and_then(|m| m.location),
                Some(Location::Path | Location::Query | Location::Header)
            )
    };
    let text = |v: &Value| match v {
        Value::String(s) => Value::String(s.clone()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Value::String(s.clone()),
                    other => Value::String(other.to_string()),
                })
                .collect(),
        ),
        other => Value::String(other.to_string()),
    };
    let mut problems = Vec::new();
    for (name, value) in planned {
        let expected = if as_text(name) {
            text(value)
        } else {
            value.clone()
        };
        // A one-element list in a query is one `key=value` pair.
        let got = match (received.get(name), &expected) {
            (Some(Value::String(s)), Value::Array(items)) if items.len() == 1 => {
                Some(Value::Array(vec![Value::String(s.clone())]))
            }
            (got, _) => got.cloned(),
        };
        match got {
            Some(got) if same_json(&got, &expected) => {}
            Some(got) => problems.push(format!("{name}: asked {expected}, sent {got}")),
            None => problems.push(format!("{name}: asked {expected}, not sent")),
        }
    }
    let extra: Vec<&String> = received
        .keys()
        .filter(|k| !planned.contains_key(*k))
        .collect();
    if !extra.is_empty() {
        problems.push(format!("sent members it was not asked for: {extra:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the request does not carry the input: {}",
            problems.join("; ")
        ))
    }
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
        let input: Map<String, Value> =
            serde_json::from_str(r#"{"InstanceId": "cmgo-1", "Enable": true, "Limit": 10}"#)
                .unwrap();
        assert_eq!(
            input_args(&input),
            [
                "--instance-id",
                "cmgo-1",
                "--enable",
                "true",
                "--limit",
                "10"
            ]
        );
        let input: Map<String, Value> = serde_json::from_str(r#"{"Ids": ["a"]}"#).unwrap();
        assert_eq!(input_args(&input), ["--cli-input-json", r#"{"Ids":["a"]}"#]);
        let input: Map<String, Value> =
            serde_json::from_str(r#"{"region": "r", "version": "v3"}"#).unwrap();
        assert!(same_json(
            &serde_json::json!([1, {"a": 2.0}]),
            &serde_json::json!([1.0, {"a": 2}])
        ));
        assert!(!same_json(&serde_json::json!(1), &serde_json::json!("1")));
        assert_eq!(
            input_args(&input),
            ["--param-region", "r", "--param-version", "v3"]
        );
    }
}
