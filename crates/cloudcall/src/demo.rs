//! `cloudcall demo`: the SSL lifecycle of every service against an in-process emulator.
//!
//! Which operation describes, enables, disables and lists certificates is the only
//! service-specific knowledge here ([`LIFECYCLES`]); what "enabled" looks like, and which operation
//! shows it, comes from the spec waiters, exactly as `--wait` uses them.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use cloud_spec::{Service, Waiter};
use cloud_transport::{Client, Config, Credentials, Environment};
use serde_json::{json, Map, Value};

use crate::command;
use crate::meta;
use crate::names::cli_name;
use crate::output;
use crate::run::{Settings, EXIT_FAILED, EXIT_OK};
use crate::values::wire_text;
use crate::wait::{self, loosely_equal, value_at, Progress, WaitError, WaitOptions, WaitPlan};

/// How to walk one service's SSL lifecycle.
struct Lifecycle {
    /// `tencent-mongodb`
    service: &'static str,
    /// The instance member and the seeded instance (from the vendor's doc examples).
    instance: (&'static str, &'static str),
    /// Operation and extra input that enable SSL.
    enable: (&'static str, &'static [(&'static str, Value)]),
    /// Operation and extra input that disable SSL.
    disable: (&'static str, &'static [(&'static str, Value)]),
    /// Operation that returns the certificate download link, and where the link is in its output.
    certs: (&'static str, &'static str),
    /// The waiter to use while the spec has none for the switching operation (the spec's wins).
    fallback_waiter: Option<fn() -> Waiter>,
}

/// GeminiDB's waiter as drafted in `specs/huawei/geminidb.yaml`, where it is parked until the
/// spec validator accepts list indexes in waiter paths (`instances.0.ssl`).
fn geminidb_waiter() -> Waiter {
    serde_json::from_value(json!({
        "operation": "ListInstances",
        "input": {"id": "instance_id"},
        "until": [
            {"when": {"ssl_option": "on"}, "path": "instances.0.ssl", "equals": "1"},
            {"when": {"ssl_option": "off"}, "path": "instances.0.ssl", "equals": "0"}
        ]
    }))
    .expect("a well-formed waiter")
}

/// The Tencent region the demo uses: one where every operation is served (PostgreSQL's SSL
/// actions are restricted to a list of regions).
const TENCENT_REGION: &str = "ap-guangzhou";

fn lifecycles() -> Vec<Lifecycle> {
    // `Value` constants cannot be `const`; leak the few small slices once.
    fn extra(pairs: Vec<(&'static str, Value)>) -> &'static [(&'static str, Value)] {
        Box::leak(pairs.into_boxed_slice())
    }
    vec![
        Lifecycle {
            service: "tencent-mongodb",
            instance: ("InstanceId", "cmgo-p8vnipr5"),
            enable: ("InstanceEnableSSL", extra(vec![("Enable", json!(true))])),
            disable: ("InstanceEnableSSL", extra(vec![("Enable", json!(false))])),
            certs: ("DescribeInstanceSSL", "CertUrl"),
            fallback_waiter: None,
        },
        Lifecycle {
            service: "tencent-cdb",
            instance: ("InstanceId", "cdb-je5dfmdl"),
            enable: ("OpenSSL", extra(vec![])),
            disable: ("CloseSSL", extra(vec![])),
            certs: ("DescribeSSLStatus", "Url"),
            fallback_waiter: None,
        },
        Lifecycle {
            service: "tencent-postgres",
            instance: ("DBInstanceId", "postgres-5gevh7gr"),
            enable: (
                "ModifyDBInstanceSSLConfig",
                extra(vec![
                    ("SSLEnabled", json!(true)),
                    ("ConnectAddress", json!("10.6.0.4")),
                ]),
            ),
            disable: (
                "ModifyDBInstanceSSLConfig",
                extra(vec![("SSLEnabled", json!(false))]),
            ),
            certs: ("DescribeDBInstanceSSLConfig", "CAUrl"),
            fallback_waiter: None,
        },
        Lifecycle {
            service: "huawei-geminidb",
            instance: ("instance_id", "e73893ef73754465a8bd2e0857bbf13ein02"),
            enable: ("SwitchSsl", extra(vec![("ssl_option", json!("on"))])),
            disable: ("SwitchSsl", extra(vec![("ssl_option", json!("off"))])),
            certs: ("ListSslCertDownloadAddresses", "certs.0.download_link"),
            fallback_waiter: Some(geminidb_waiter),
        },
    ]
}

/// The outcome of one step.
struct Step {
    service: String,
    what: String,
    ok: bool,
    /// Describe steps: whether SSL was on.
    ssl: Option<bool>,
    /// Certificate steps: the link found.
    link: Option<String>,
    detail: String,
    elapsed: Duration,
}

/// Entry point of `cloudcall demo`.
pub fn run(services: &[Service], matches: &ArgMatches, settings: &Settings) -> i32 {
    let delay = Duration::from_millis(matches.get_one::<u64>("delay-ms").copied().unwrap_or(300));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILED;
        }
    };
    runtime.block_on(run_async(services, delay, settings))
}

async fn run_async(services: &[Service], delay: Duration, settings: &Settings) -> i32 {
    let started = Instant::now();
    let emulator = match &settings.endpoint {
        Some(url) => {
            say(&format!("Using the emulator at {url} (--endpoint)."));
            Emulator::External(url.clone())
        }
        None => match start_emulator(services, delay).await {
            Ok(e) => e,
            Err(message) => {
                eprintln!("error: cannot start the emulator: {message}");
                return EXIT_FAILED;
            }
        },
    };
    if let Emulator::InProcess(e) = &emulator {
        say(&format!(
            "Started the cloudcall emulator on {}; asynchronous SSL changes take {} ms.\n",
            e.base_url(),
            delay.as_millis()
        ));
    }

    let mut steps: Vec<Step> = Vec::new();
    for lifecycle in lifecycles() {
        match services
            .iter()
            .find(|s| s.crate_name() == lifecycle.service)
        {
            Some(service) => walk(service, &lifecycle, &emulator, &mut steps).await,
            None => steps.push(Step {
                service: lifecycle.service.into(),
                what: "load spec".into(),
                ok: false,
                detail: "the service is not in the spec bundle".into(),
                elapsed: Duration::ZERO,
                ssl: None,
                link: None,
            }),
        }
        say("");
    }
    emulator.shutdown().await;

    print_summary(&steps, started.elapsed());
    if steps.iter().all(|s| s.ok) {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The emulator the demo talks to.
enum Emulator {
    /// Started here; shut down at the end.
    InProcess(cloud_emulator::RunningEmulator),
    /// Given with `--endpoint`; left running.
    External(String),
}

impl Emulator {
    fn base_url(&self) -> String {
        match self {
            Emulator::InProcess(e) => e.base_url(),
            Emulator::External(url) => url.clone(),
        }
    }

    /// The Huawei region and project id the emulator serves.
    fn huawei_project(&self) -> (String, String) {
        match self {
            Emulator::InProcess(e) => (e.huawei_region().to_owned(), e.project_id().to_owned()),
            Emulator::External(_) => (
                cloud_emulator::DEFAULT_HUAWEI_REGION.to_owned(),
                cloud_emulator::DEFAULT_HUAWEI_PROJECT_ID.to_owned(),
            ),
        }
    }

    async fn shutdown(self) {
        if let Emulator::InProcess(e) = self {
            e.shutdown().await;
        }
    }
}

async fn start_emulator(services: &[Service], delay: Duration) -> Result<Emulator, String> {
    cloud_emulator::Emulator::builder()
        .services(services.to_vec())
        .async_delay(delay)
        .start()
        .await
        .map(Emulator::InProcess)
        .map_err(|e| e.to_string())
}

/// A client for `service` on the emulator, with the emulator's demo credentials (never the
/// user's: the demo must not touch a real account).
fn client_for(service: &Service, emulator: &Emulator) -> Result<Client, String> {
    // No environment: a user's variables and profile files (real credentials, an IAM endpoint,
    // a project id) must not leak into the demo. The client spaces requests per the spec's limit.
    let builder = Config::builder()
        .environment(Environment::empty())
        .endpoint(emulator.base_url())
        .rate_limit(true);
    let builder = match service.vendor {
        cloud_spec::Vendor::Tencent => {
            builder.region(TENCENT_REGION).credentials(Credentials::new(
                cloud_emulator::DEMO_TENCENT_SECRET_ID,
                cloud_emulator::DEMO_TENCENT_SECRET_KEY,
            ))
        }
        cloud_spec::Vendor::Huawei => {
            let (region, project_id) = emulator.huawei_project();
            builder
                .region(region)
                .project_id(project_id)
                .credentials(Credentials::new(
                    cloud_emulator::DEMO_HUAWEI_AK,
                    cloud_emulator::DEMO_HUAWEI_SK,
                ))
        }
    };
    let config = builder.build().map_err(|e| e.to_string())?;
    Ok(Client::new(meta::service_info(service), config))
}

/// Walks one service: describe, switch to the other state and back (waiting each time), checking
/// each describe, and fetches the certificate link while SSL is on.
async fn walk(service: &Service, lc: &Lifecycle, emulator: &Emulator, steps: &mut Vec<Step>) {
    let name = service.crate_name();
    say(&format!(
        "== {} ({}), instance {} ==",
        name, service.title, lc.instance.1
    ));
    let client = match client_for(service, emulator) {
        Ok(c) => c,
        Err(e) => {
            record(
                steps,
                &name,
                "configure client",
                String::new(),
                false,
                e,
                Duration::ZERO,
            );
            return;
        }
    };
    let input_for = |extra: &[(&'static str, Value)]| {
        let mut map = Map::new();
        map.insert(lc.instance.0.into(), json!(lc.instance.1));
        for (k, v) in extra {
            map.insert((*k).into(), v.clone());
        }
        Value::Object(map)
    };
    let enable_input = input_for(lc.enable.1);
    let disable_input = input_for(lc.disable.1);
    let plans = (
        plan_for(service, lc, lc.enable.0, &enable_input),
        plan_for(service, lc, lc.disable.0, &disable_input),
    );
    let (on_plan, off_plan) = match plans {
        (Ok(on), Ok(off)) => (on, off),
        (Err(e), _) | (_, Err(e)) => {
            record(
                steps,
                &name,
                "read waiters",
                String::new(),
                false,
                e,
                Duration::ZERO,
            );
            return;
        }
    };

    // 1. Describe: where do we start?
    let Some(initially_on) = describe(&client, service, &on_plan, None, steps).await else {
        return;
    };
    let (first, second) = if initially_on {
        (
            (lc.disable.0, &disable_input, &off_plan),
            (lc.enable.0, &enable_input, &on_plan),
        )
    } else {
        (
            (lc.enable.0, &enable_input, &on_plan),
            (lc.disable.0, &disable_input, &off_plan),
        )
    };
    if initially_on && !fetch_certs(&client, service, lc, &input_for(&[]), steps).await {
        return;
    }
    // 2-3. Switch, wait, describe again; 4-5. switch back, wait, describe again.
    for (index, (op_name, input, plan)) in [first, second].into_iter().enumerate() {
        let want_on = std::ptr::eq(plan, &on_plan);
        if !switch(&client, service, op_name, input, plan, want_on, steps).await {
            return;
        }
        if describe(&client, service, &on_plan, Some(want_on), steps)
            .await
            .is_none()
        {
            return;
        }
        if want_on && index == 0 && !fetch_certs(&client, service, lc, &input_for(&[]), steps).await
        {
            return;
        }
    }
}

/// The wait plan of a switching call: the spec's waiter, else the lifecycle's fallback.
fn plan_for<'a>(
    service: &'a Service,
    lc: &Lifecycle,
    op_name: &str,
    input: &Value,
) -> Result<WaitPlan<'a>, String> {
    let op = service
        .operations
        .get(op_name)
        .ok_or_else(|| format!("the spec has no operation {op_name}"))?;
    match (&op.waiter, lc.fallback_waiter) {
        (None, Some(fallback)) => {
            let mut op = op.clone();
            op.waiter = Some(fallback());
            wait::plan(service, op_name, &op, input)
        }
        _ => wait::plan(service, op_name, op, input),
    }
}

/// Describes and reports whether SSL is on; with `expect`, the step fails unless it matches.
async fn describe(
    client: &Client,
    service: &Service,
    on_plan: &WaitPlan<'_>,
    expect: Option<bool>,
    steps: &mut Vec<Step>,
) -> Option<bool> {
    let name = service.crate_name();
    let info = meta::operation_info(service, on_plan.operation, on_plan.op);
    let command = command_line(service, on_plan.operation, &on_plan.input);
    let started = Instant::now();
    let result = client.call_json(&info, on_plan.input.clone()).await;
    let elapsed = started.elapsed();
    let what = if expect.is_some() {
        "describe again"
    } else {
        "describe"
    };
    match result {
        Ok(output) => {
            let seen = value_at(&output, &on_plan.path).cloned();
            let on = seen
                .as_ref()
                .is_some_and(|v| loosely_equal(v, &on_plan.expected));
            let detail = format!(
                "{} = {} (SSL {})",
                on_plan.path,
                seen.as_ref().map_or_else(|| "absent".into(), wire_text),
                if on { "on" } else { "off" }
            );
            let ok = expect.is_none_or(|want| want == on);
            let detail = match expect {
                Some(want) if !ok => {
                    format!("{detail}, expected SSL {}", if want { "on" } else { "off" })
                }
                _ => detail,
            };
            record(steps, &name, what, command, ok, detail, elapsed);
            if let Some(step) = steps.last_mut() {
                step.ssl = Some(on);
            }
            ok.then_some(on)
        }
        Err(e) => {
            record(steps, &name, what, command, false, e.to_string(), elapsed);
            None
        }
    }
}

/// Calls the enabling or disabling operation and waits until its waiter's value shows.
async fn switch(
    client: &Client,
    service: &Service,
    op_name: &str,
    input: &Value,
    plan: &WaitPlan<'_>,
    want_on: bool,
    steps: &mut Vec<Step>,
) -> bool {
    let name = service.crate_name();
    let what = if want_on {
        "enable SSL + wait"
    } else {
        "disable SSL + wait"
    };
    let Some(op) = service.operations.get(op_name) else {
        record(
            steps,
            &name,
            what,
            String::new(),
            false,
            format!("no operation {op_name}"),
            Duration::ZERO,
        );
        return false;
    };
    let info = meta::operation_info(service, op_name, op);
    let command = format!("{} --wait", command_line(service, op_name, input));
    let started = Instant::now();
    let output = match client.call_json(&info, input.clone()).await {
        Ok(o) => o,
        Err(e) => {
            record(
                steps,
                &name,
                what,
                command,
                false,
                e.to_string(),
                started.elapsed(),
            );
            return false;
        }
    };
    let started_change = summarize_async_id(&output);
    let options = WaitOptions {
        timeout: Duration::from_secs(30),
        first_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(250),
    };
    let mut progress = CountingProgress::default();
    let result = wait::wait(client, service, plan, options, &mut progress).await;
    let elapsed = started.elapsed();
    match result {
        Ok(_) => {
            let detail = format!(
                "{started_change}; {} = {} after {} poll{}",
                plan.path,
                wire_text(&plan.expected),
                progress.polls,
                if progress.polls == 1 { "" } else { "s" }
            );
            record(steps, &name, what, command, true, detail, elapsed);
            true
        }
        Err(WaitError::Timeout { last_seen, .. }) => {
            let detail = format!(
                "{started_change}; timed out waiting for {} = {} (last seen {})",
                plan.path,
                wire_text(&plan.expected),
                last_seen.map_or_else(|| "absent".into(), |v| wire_text(&v))
            );
            record(steps, &name, what, command, false, detail, elapsed);
            false
        }
        Err(WaitError::Call(e)) => {
            record(steps, &name, what, command, false, e.to_string(), elapsed);
            false
        }
    }
}

/// `FlowId 123`, `TaskId 100016`, `job_id ...`: the handle of the asynchronous change.
fn summarize_async_id(output: &Value) -> String {
    let Value::Object(map) = output else {
        return "started".into();
    };
    map.iter()
        .find(|(k, v)| {
            let k = k.to_ascii_lowercase();
            k.ends_with("id") && k != "requestid" && !v.is_null()
        })
        .map(|(k, v)| format!("{k} {}", wire_text(v)))
        .unwrap_or_else(|| "started".into())
}

/// Fetches the certificate download link; the step fails unless a non-empty link is there.
async fn fetch_certs(
    client: &Client,
    service: &Service,
    lc: &Lifecycle,
    input: &Value,
    steps: &mut Vec<Step>,
) -> bool {
    let name = service.crate_name();
    let (op_name, path) = lc.certs;
    let Some(op) = service.operations.get(op_name) else {
        record(
            steps,
            &name,
            "fetch certificate link",
            String::new(),
            false,
            format!("no operation {op_name}"),
            Duration::ZERO,
        );
        return false;
    };
    let info = meta::operation_info(service, op_name, op);
    let command = command_line(service, op_name, input);
    let started = Instant::now();
    let result = client.call_json(&info, input.clone()).await;
    let elapsed = started.elapsed();
    match result {
        Ok(output) => match value_at(&output, path)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            Some(link) => {
                record(
                    steps,
                    &name,
                    "fetch certificate link",
                    command,
                    true,
                    format!("{path} = {link}"),
                    elapsed,
                );
                if let Some(step) = steps.last_mut() {
                    step.link = Some(link.to_owned());
                }
                true
            }
            None => {
                record(
                    steps,
                    &name,
                    "fetch certificate link",
                    command,
                    false,
                    format!("no link at {path}"),
                    elapsed,
                );
                false
            }
        },
        Err(e) => {
            record(
                steps,
                &name,
                "fetch certificate link",
                command,
                false,
                e.to_string(),
                elapsed,
            );
            false
        }
    }
}

/// The `cloudcall` command line that makes the same call.
fn command_line(service: &Service, op_name: &str, input: &Value) -> String {
    let mut line = format!("cloudcall {} {}", service.crate_name(), cli_name(op_name));
    let params = service
        .operations
        .get(op_name)
        .and_then(|op| command::params(op).ok())
        .unwrap_or_default();
    if let Value::Object(map) = input {
        for (wire, v) in map {
            let flag = params
                .iter()
                .find(|p| p.wire == wire)
                .map_or_else(|| format!("--{}", cli_name(wire)), |p| p.dashed());
            line.push_str(&format!(" {flag} {}", wire_text(v)));
        }
    }
    line
}

fn record(
    steps: &mut Vec<Step>,
    service: &str,
    what: &str,
    command: String,
    ok: bool,
    detail: String,
    elapsed: Duration,
) {
    say(&format!(
        "  [{}] {what:<23} {detail}  ({} ms)",
        if ok { " ok " } else { "FAIL" },
        elapsed.as_millis()
    ));
    if !command.is_empty() {
        say(&format!("         $ {command}"));
    }
    steps.push(Step {
        service: service.into(),
        what: what.into(),
        ok,
        detail,
        elapsed,
        ssl: None,
        link: None,
    });
}

#[derive(Default)]
struct CountingProgress {
    polls: u32,
}

impl Progress for CountingProgress {
    fn polled(&mut self, attempt: u32, _elapsed: Duration, _seen: Option<&Value>) {
        self.polls = attempt;
    }

    fn finished(&mut self, _ok: bool, _elapsed: Duration) {}
}

fn print_summary(steps: &[Step], total: Duration) {
    let mut services: Vec<&str> = Vec::new();
    for s in steps {
        if !services.contains(&s.service.as_str()) {
            services.push(&s.service);
        }
    }
    let lifecycles = lifecycles();
    let header: Vec<String> = [
        "service",
        "instance",
        "SSL seen",
        "certificate link",
        "steps",
        "time",
        "result",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|name| {
            let mine: Vec<&Step> = steps.iter().filter(|s| s.service == *name).collect();
            let passed = mine.iter().filter(|s| s.ok).count();
            let time: Duration = mine.iter().map(|s| s.elapsed).sum();
            let seen: Vec<&str> = mine
                .iter()
                .filter_map(|s| s.ssl)
                .map(|on| if on { "on" } else { "off" })
                .collect();
            let link = mine.iter().find_map(|s| s.link.as_deref()).unwrap_or("-");
            let instance = lifecycles
                .iter()
                .find(|l| l.service == *name)
                .map_or("-", |l| l.instance.1);
            vec![
                name.to_string(),
                instance.to_string(),
                if seen.is_empty() {
                    "-".into()
                } else {
                    seen.join(" > ")
                },
                link.to_string(),
                format!("{passed}/{} ok", mine.len()),
                format!("{} ms", time.as_millis()),
                if passed == mine.len() {
                    "PASS".into()
                } else {
                    "FAIL".into()
                },
            ]
        })
        .collect();
    say("Summary");
    print!("{}", output::table(&header, &rows));
    for failed in steps.iter().filter(|s| !s.ok) {
        say(&format!(
            "FAILED {}: {}: {}",
            failed.service, failed.what, failed.detail
        ));
    }
    let failed = steps.iter().filter(|s| !s.ok).count();
    say(&format!(
        "{} steps, {} failed, {:.1}s in total: {}",
        steps.len(),
        failed,
        total.as_secs_f64(),
        if failed == 0 {
            "every step did what it should."
        } else {
            "SOME STEPS FAILED."
        }
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn async_handles_are_named() {
        assert_eq!(
            summarize_async_id(&json!({"FlowId": 12, "RequestId": "r"})),
            "FlowId 12"
        );
        assert_eq!(
            summarize_async_id(&json!({"RequestId": "r", "TaskId": 100016})),
            "TaskId 100016"
        );
        assert_eq!(summarize_async_id(&json!({"job_id": "j-1"})), "job_id j-1");
        assert_eq!(summarize_async_id(&json!({"RequestId": "r"})), "started");
    }
}
