//! `cloudcall demo`: the SSL lifecycle of every service against an in-process emulator.
//!
//! Which operation describes, enables, disables and lists certificates is the only
//! service-specific knowledge here ([`lifecycles`]); what "enabled" looks like, and which operation
//! shows it, comes from the spec waiters, exactly as `--wait` uses them.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use cloud_spec::Service;
use cloud_transport::{Client, Config, Credentials, Environment};
use serde_json::{json, Map, Value};

use crate::command;
use crate::meta;
use crate::names::cli_name;
use crate::output;
use crate::run::{Settings, EXIT_FAILED, EXIT_OK};
use crate::values::wire_text;
use crate::wait::{self, Progress, WaitError, WaitOptions, WaitPlan};
use cloud_transport::json_path::{loosely_equal, value_at};

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
        },
        Lifecycle {
            service: "tencent-cdb",
            instance: ("InstanceId", "cdb-je5dfmdl"),
            enable: ("OpenSSL", extra(vec![])),
            disable: ("CloseSSL", extra(vec![])),
            certs: ("DescribeSSLStatus", "Url"),
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
        },
        Lifecycle {
            service: "huawei-geminidb",
            instance: ("instance_id", "e73893ef73754465a8bd2e0857bbf13ein02"),
            enable: ("SwitchSsl", extra(vec![("ssl_option", json!("on"))])),
            disable: ("SwitchSsl", extra(vec![("ssl_option", json!("off"))])),
            certs: ("ListSslCertDownloadAddresses", "certs.0.download_link"),
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
    let runtime = match crate::run::runtime() {
        Ok(rt) => rt,
        Err(status) => return status,
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
    // With `--endpoint`, details come from a server the demo does not control.
    let mut out = crate::console::TerminalSafe::new(std::io::stdout().lock());
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

/// One service's walk: its client, and the steps recorded so far.
struct Walk<'a> {
    service: &'a Service,
    lc: &'a Lifecycle,
    client: Client,
    steps: &'a mut Vec<Step>,
}

/// What a step found: its detail line, or why it failed.
type Found = Result<String, String>;

/// Walks one service: describe, switch to the other state and back (waiting each time), checking
/// each describe, and fetch the certificate link while SSL is on.
async fn walk(service: &Service, lc: &Lifecycle, emulator: &Emulator, steps: &mut Vec<Step>) {
    say(&format!(
        "== {} ({}), instance {} ==",
        service.crate_name(),
        service.title,
        lc.instance.1
    ));
    let client = match client_for(service, emulator) {
        Ok(client) => client,
        Err(e) => {
            record(
                steps,
                service,
                "configure client",
                "",
                Err(e),
                Duration::ZERO,
            );
            return;
        }
    };
    let mut walk = Walk {
        service,
        lc,
        client,
        steps,
    };
    walk.run().await;
}

impl Walk<'_> {
    async fn run(&mut self) {
        let enable_input = self.input(self.lc.enable.1);
        let disable_input = self.input(self.lc.disable.1);
        let plans = (
            plan_for(self.service, self.lc.enable.0, &enable_input),
            plan_for(self.service, self.lc.disable.0, &disable_input),
        );
        let (on_plan, off_plan) = match plans {
            (Ok(on), Ok(off)) => (on, off),
            (Err(e), _) | (_, Err(e)) => {
                self.record("read waiters", "", Err(e), Duration::ZERO);
                return;
            }
        };
        // Where do we start? Then switch to the other state and back, describing after each switch,
        // and fetch the certificate link once while SSL is on.
        let Some(initially_on) = self.describe(&on_plan, None).await else {
            return;
        };
        let enable = (self.lc.enable.0, &enable_input, &on_plan, true);
        let disable = (self.lc.disable.0, &disable_input, &off_plan, false);
        let order = if initially_on {
            [disable, enable]
        } else {
            [enable, disable]
        };
        if initially_on && !self.fetch_certs().await {
            return;
        }
        for (index, (op_name, input, plan, want_on)) in order.into_iter().enumerate() {
            if !self.switch(op_name, input, plan, want_on).await
                || self.describe(&on_plan, Some(want_on)).await.is_none()
            {
                return;
            }
            if want_on && index == 0 && !self.fetch_certs().await {
                return;
            }
        }
    }

    /// The instance member plus `extra`.
    fn input(&self, extra: &[(&'static str, Value)]) -> Value {
        let mut map = Map::new();
        map.insert(self.lc.instance.0.into(), json!(self.lc.instance.1));
        for (k, v) in extra {
            map.insert((*k).into(), v.clone());
        }
        Value::Object(map)
    }

    /// Calls `op_name`; returns the equivalent command line and the answer (or error text).
    async fn call(&self, op_name: &str, input: &Value) -> (String, Result<Value, String>) {
        let command = command_line(self.service, op_name, input);
        let Some(op) = self.service.operations.get(op_name) else {
            return (command, Err(format!("the spec has no operation {op_name}")));
        };
        let info = meta::operation_info(self.service, op_name, op);
        let result = self.client.call_json(&info, input.clone()).await;
        (command, result.map_err(|e| e.to_string()))
    }

    fn record(&mut self, what: &str, command: &str, found: Found, elapsed: Duration) -> bool {
        record(self.steps, self.service, what, command, found, elapsed)
    }

    /// Describes and says whether SSL is on; with `expect`, the step fails unless it matches.
    async fn describe(&mut self, on_plan: &WaitPlan<'_>, expect: Option<bool>) -> Option<bool> {
        let what = if expect.is_some() {
            "describe again"
        } else {
            "describe"
        };
        let started = Instant::now();
        let (command, result) = self.call(on_plan.operation, &on_plan.input).await;
        let output = match result {
            Ok(output) => output,
            Err(e) => {
                self.record(what, &command, Err(e), started.elapsed());
                return None;
            }
        };
        let seen = value_at(&output, &on_plan.path).cloned();
        let on = seen
            .as_ref()
            .is_some_and(|v| loosely_equal(v, &on_plan.expected));
        let state = |on: bool| if on { "on" } else { "off" };
        let detail = format!(
            "{} = {} (SSL {})",
            on_plan.path,
            seen.as_ref().map_or_else(|| "absent".into(), wire_text),
            state(on)
        );
        let found = match expect {
            Some(want) if want != on => Err(format!("{detail}, expected SSL {}", state(want))),
            _ => Ok(detail),
        };
        let ok = self.record(what, &command, found, started.elapsed());
        if let Some(step) = self.steps.last_mut() {
            step.ssl = Some(on);
        }
        ok.then_some(on)
    }

    /// Calls the enabling or disabling operation and waits until its waiter's value shows.
    async fn switch(
        &mut self,
        op_name: &str,
        input: &Value,
        plan: &WaitPlan<'_>,
        want_on: bool,
    ) -> bool {
        let what = if want_on {
            "enable SSL + wait"
        } else {
            "disable SSL + wait"
        };
        let started = Instant::now();
        let (command, result) = self.call(op_name, input).await;
        let command = format!("{command} --wait");
        let handle = match result {
            Ok(output) => async_handle(&output),
            Err(e) => return self.record(what, &command, Err(e), started.elapsed()),
        };
        let options = WaitOptions {
            timeout: Duration::from_secs(30),
            first_interval: Duration::from_millis(50),
            max_interval: Duration::from_millis(250),
        };
        let mut progress = CountingProgress::default();
        let waited = wait::wait(&self.client, self.service, plan, options, &mut progress).await;
        let target = format!("{} = {}", plan.path, wire_text(&plan.expected));
        let found = match waited {
            Ok(_) => {
                let polls = progress.polls;
                Ok(format!(
                    "{handle}; {target} after {polls} poll{}",
                    if polls == 1 { "" } else { "s" }
                ))
            }
            Err(WaitError::Timeout { last_seen, .. }) => Err(format!(
                "{handle}; timed out waiting for {target} (last seen {})",
                last_seen.map_or_else(|| "absent".into(), |v| wire_text(&v))
            )),
            Err(WaitError::Call(e)) => Err(e.to_string()),
        };
        self.record(what, &command, found, started.elapsed())
    }

    /// Fetches the certificate download link; the step fails unless a non-empty link is there.
    async fn fetch_certs(&mut self) -> bool {
        let what = "fetch certificate link";
        let (op_name, path) = self.lc.certs;
        let started = Instant::now();
        let (command, result) = self.call(op_name, &self.input(&[])).await;
        let link = match result {
            Ok(output) => value_at(&output, path)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("no link at {path}")),
            Err(e) => Err(e),
        };
        let found = link
            .as_ref()
            .map(|link| format!("{path} = {link}"))
            .map_err(Clone::clone);
        let ok = self.record(what, &command, found, started.elapsed());
        if let (Some(step), Ok(link)) = (self.steps.last_mut(), link) {
            step.link = Some(link);
        }
        ok
    }
}

/// The wait plan of a switching call: the spec's waiter for the operation.
fn plan_for<'a>(
    service: &'a Service,
    op_name: &str,
    input: &Value,
) -> Result<WaitPlan<'a>, String> {
    let op = service
        .operations
        .get(op_name)
        .ok_or_else(|| format!("the spec has no operation {op_name}"))?;
    wait::plan(service, op_name, op, input)
}

/// `FlowId 123`, `TaskId 100016`, `job_id ...`: the handle of the asynchronous change.
fn async_handle(output: &Value) -> String {
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

/// Prints a step and keeps it for the summary; returns whether it succeeded.
fn record(
    steps: &mut Vec<Step>,
    service: &Service,
    what: &str,
    command: &str,
    found: Found,
    elapsed: Duration,
) -> bool {
    let ok = found.is_ok();
    let detail = found.unwrap_or_else(|e| e);
    say(&format!(
        "  [{}] {what:<23} {detail}  ({} ms)",
        if ok { " ok " } else { "FAIL" },
        elapsed.as_millis()
    ));
    if !command.is_empty() {
        say(&format!("         $ {command}"));
    }
    steps.push(Step {
        service: service.crate_name(),
        what: what.into(),
        ok,
        detail,
        elapsed,
        ssl: None,
        link: None,
    });
    ok
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
    say(output::table(&header, &rows).trim_end_matches('\n'));
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
    fn async_handles_are_named_by_their_member() {
        assert_eq!(
            async_handle(&json!({"FlowId": 12, "RequestId": "r"})),
            "FlowId 12"
        );
        assert_eq!(
            async_handle(&json!({"RequestId": "r", "TaskId": 100016})),
            "TaskId 100016"
        );
        assert_eq!(async_handle(&json!({"job_id": "j-1"})), "job_id j-1");
        assert_eq!(async_handle(&json!({"RequestId": "r"})), "started");
    }
}
