//! `cloudcall demo`: every service against an in-process emulator, in two parts:
//! - the SSL walk ([`ssl`]) on each service's seeded instance;
//! - the lifecycle walk ([`lifecycle`]): create an instance, wait until it runs, SSL, list every
//!   page, isolate and delete it, wait until it is gone.
//!
//! Which operation enables SSL (and with what input) is the only service-specific knowledge
//! here ([`lifecycles`]); where the certificate link is comes from the spec's `resource.ssl`; what "enabled" looks like, how a task or an instance is followed and
//! what its states mean come from the spec, through the library's waiters and paginators, as
//! the CLI's `--wait` and `--page-all` use them.

#[cfg(feature = "audit")]
mod audit;
mod lifecycle;
mod ssl;

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use cloud_emulator::demo_data::{
    CDB_INSTANCE, DEFAULT_HUAWEI_PROJECT_ID, DEFAULT_HUAWEI_REGION, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK,
    DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY, GEMINIDB_INSTANCE, MONGODB_OTHER_INSTANCE,
    POSTGRES_CONNECT_ADDRESS, POSTGRES_INSTANCE, TENCENT_REGION,
};
use cloud_spec::Service;
use cloud_transport::wait::{WaitError, WaitOptions, WaitProgress, Waited};
use cloud_transport::{Client, Config, Credentials, Environment};
use serde_json::{json, Value};

use crate::command;
use crate::meta;
use crate::names::cli_name;
use crate::output;
use crate::run::{Settings, EXIT_FAILED, EXIT_OK};
use crate::values::wire_text;

/// Which parts `cloudcall demo --part` runs.
pub const PARTS: [&str; 4] = ["all", "ssl", "lifecycle", "audit"];

/// How to walk one service's SSL lifecycle.
struct Lifecycle {
    /// `tencent-mongodb`
    service: &'static str,
    /// The instance member and the seeded instance (from [`cloud_emulator::demo_data`]).
    instance: (&'static str, &'static str),
    /// Operation and extra input that enable SSL.
    enable: (&'static str, &'static [(&'static str, Value)]),
    /// Operation and extra input that disable SSL.
    disable: (&'static str, &'static [(&'static str, Value)]),
}

fn lifecycles() -> Vec<Lifecycle> {
    // `Value` constants cannot be `const`; leak the few small slices once.
    fn extra(pairs: Vec<(&'static str, Value)>) -> &'static [(&'static str, Value)] {
        Box::leak(pairs.into_boxed_slice())
    }
    vec![
        Lifecycle {
            service: "tencent-mongodb",
            instance: ("InstanceId", MONGODB_OTHER_INSTANCE),
            enable: ("InstanceEnableSSL", extra(vec![("Enable", json!(true))])),
            disable: ("InstanceEnableSSL", extra(vec![("Enable", json!(false))])),
        },
        Lifecycle {
            service: "tencent-cdb",
            instance: ("InstanceId", CDB_INSTANCE),
            enable: ("OpenSSL", extra(vec![])),
            disable: ("CloseSSL", extra(vec![])),
        },
        Lifecycle {
            service: "tencent-postgres",
            instance: ("DBInstanceId", POSTGRES_INSTANCE),
            enable: (
                "ModifyDBInstanceSSLConfig",
                extra(vec![
                    ("SSLEnabled", json!(true)),
                    ("ConnectAddress", json!(POSTGRES_CONNECT_ADDRESS)),
                ]),
            ),
            disable: (
                "ModifyDBInstanceSSLConfig",
                extra(vec![("SSLEnabled", json!(false))]),
            ),
        },
        Lifecycle {
            service: "huawei-geminidb",
            instance: ("instance_id", GEMINIDB_INSTANCE),
            enable: ("SwitchSsl", extra(vec![("ssl_option", json!("on"))])),
            disable: ("SwitchSsl", extra(vec![("ssl_option", json!("off"))])),
        },
    ]
}

/// The outcome of one step.
struct Step {
    service: String,
    /// `SSL` or `lifecycle`.
    part: &'static str,
    /// The instance the step was about, once known.
    instance: Option<String>,
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
    let part = matches
        .get_one::<String>("part")
        .map_or("all", String::as_str)
        .to_owned();
    let runtime = match crate::run::runtime() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(run_async(services, delay, &part, settings))
}

async fn run_async(services: &[Service], delay: Duration, part: &str, settings: &Settings) -> i32 {
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
            "Started the cloudcall emulator on {}; asynchronous changes take {} ms.\n",
            e.base_url(),
            delay.as_millis()
        ));
    }

    let mut steps: Vec<Step> = Vec::new();
    let walks: &[&'static str] = match part {
        "ssl" => &["SSL"],
        "lifecycle" => &["lifecycle"],
        "audit" => &[],
        _ => &["SSL", "lifecycle"],
    };
    for walk in walks {
        for lc in lifecycles() {
            let Some(service) = services.iter().find(|s| s.crate_name() == lc.service) else {
                steps.push(Step {
                    service: lc.service.into(),
                    part: walk,
                    instance: None,
                    what: "load spec".into(),
                    ok: false,
                    detail: "the service is not in the spec bundle".into(),
                    elapsed: Duration::ZERO,
                    ssl: None,
                    link: None,
                });
                continue;
            };
            let client = match client_for(service, &emulator) {
                Ok(client) => client,
                Err(e) => {
                    record(
                        &mut steps,
                        service,
                        "configure client",
                        "",
                        Err(e),
                        Duration::ZERO,
                    );
                    continue;
                }
            };
            let first = steps.len();
            if *walk == "SSL" {
                ssl::walk(service, &lc, &client, &mut steps).await;
            } else {
                lifecycle::walk(service, &lc, &client, &mut steps).await;
            }
            let instance = steps[first..].iter().find_map(|s| s.instance.clone());
            for step in &mut steps[first..] {
                step.part = walk;
                if step.instance.is_none() {
                    step.instance = instance
                        .clone()
                        .or_else(|| (*walk == "SSL").then(|| lc.instance.1.to_owned()));
                }
            }
            say("");
        }
    }
    #[cfg(feature = "audit")]
    if part == "all" || part == "audit" {
        let first = steps.len();
        audit::walk(services, &emulator, &mut steps).await;
        for step in &mut steps[first..] {
            step.part = "audit";
        }
    }
    emulator.shutdown().await;

    print_summary(&steps, started.elapsed());
    if steps.iter().all(|s| s.ok) {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// What a step found: its detail line, or why it failed.
type Found = Result<String, String>;

/// Runs a wait with the demo's polling (every 50 ms at first, at most every 250 ms, 30 s at
/// most) and counts its polls.
async fn wait_for<F, Fut>(wait: F) -> (Result<Waited, WaitError>, u32)
where
    F: FnOnce(WaitOptions) -> Fut,
    Fut: Future<Output = Result<Waited, WaitError>>,
{
    let polls = Arc::new(AtomicU32::new(0));
    let counter = polls.clone();
    let options = WaitOptions::new()
        .timeout(Duration::from_secs(30))
        .first_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(250))
        .on_progress(move |progress| {
            if let WaitProgress::Polled { attempt, .. } = progress {
                counter.store(*attempt, Ordering::Relaxed);
            }
        });
    let result = wait(options).await;
    (result, polls.load(Ordering::Relaxed))
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
                DEFAULT_HUAWEI_REGION.to_owned(),
                DEFAULT_HUAWEI_PROJECT_ID.to_owned(),
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
        cloud_spec::Vendor::Tencent => builder.region(TENCENT_REGION).credentials(
            Credentials::new(DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY),
        ),
        cloud_spec::Vendor::Huawei => {
            let (region, project_id) = emulator.huawei_project();
            builder
                .region(region)
                .project_id(project_id)
                .credentials(Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK))
        }
    };
    let config = builder.build().map_err(|e| e.to_string())?;
    Ok(Client::new(meta::service_info(service), config))
}

/// The `cloudcall` command line that makes the same call.
fn command_line(service: &Service, op_name: &str, input: &Value) -> String {
    let mut line = format!("cloudcall {} {}", service.crate_name(), cli_name(op_name));
    let params = service
        .operations
        .get(op_name)
        .map(command::params)
        .unwrap_or_default();
    if let Value::Object(map) = input {
        for (wire, v) in map {
            let flag = params
                .iter()
                .find(|p| p.wire == wire)
                .map_or_else(|| format!("--{}", cli_name(wire)), |p| p.dashed());
            // Documented examples hold passwords too: a demo line shows none.
            let sensitive = service
                .operations
                .get(op_name)
                .and_then(|op| op.input.get(wire))
                .is_some_and(|m| m.sensitive);
            let shown = if sensitive {
                "***".to_owned()
            } else {
                wire_text(v)
            };
            line.push_str(&format!(" {flag} {shown}"));
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
        part: "",
        instance: None,
        what: what.into(),
        ok,
        detail,
        elapsed,
        ssl: None,
        link: None,
    });
    ok
}

fn print_summary(steps: &[Step], total: Duration) {
    // One row per service and part, in the order they ran.
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for s in steps {
        if !groups.contains(&(s.service.as_str(), s.part)) {
            groups.push((&s.service, s.part));
        }
    }
    let header: Vec<String> = [
        "service",
        "walk",
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
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|(name, part)| {
            let mine: Vec<&Step> = steps
                .iter()
                .filter(|s| s.service == *name && s.part == *part)
                .collect();
            let passed = mine.iter().filter(|s| s.ok).count();
            let time: Duration = mine.iter().map(|s| s.elapsed).sum();
            let seen: Vec<&str> = mine
                .iter()
                .filter_map(|s| s.ssl)
                .map(|on| if on { "on" } else { "off" })
                .collect();
            let link = mine.iter().find_map(|s| s.link.as_deref()).unwrap_or("-");
            let instance = mine
                .iter()
                .find_map(|s| s.instance.as_deref())
                .unwrap_or("-");
            vec![
                name.to_string(),
                part.to_string(),
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
            "FAILED {} ({}): {}: {}",
            failed.service, failed.part, failed.what, failed.detail
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
