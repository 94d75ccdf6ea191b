//! `cloudcall audit`: which database instances, across services and regions, have SSL off or a
//! CA certificate expiring soon.
//!
//! For every requested service and region it lists every instance with the library's paginator
//! over the spec's resource listing, then checks the instances in parallel (every client spaces
//! its requests within each action's documented rate limit): SSL on or off as the spec's SSL
//! switch's waiter reads it, and, when on, the certificate's expiry — from the answer where the
//! spec says it states one, else from the CA certificate downloaded from the link the API
//! returned ([`certificate`]). What it needs to know about a service is the spec's
//! `resource.ssl`.
//!
//! A listing or an instance that fails becomes a row with its error, never an abort; progress
//! goes to stderr; `--fail-if` turns findings into exit status 3.

mod certificate;
pub mod report;

use std::io::Write;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command};
use cloud_spec::Service;
use cloud_transport::http::{HttpClient, ReqwestHttpClient};
use cloud_transport::json_path::value_at;
use cloud_transport::paginate::Paginator;
use cloud_transport::wait::ConditionWaiter;
use cloud_transport::{Client, Config, Environment, ProxyRules, Vendor};
use serde_json::{Map, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::command::global;
use crate::console::Console;
use crate::output::{self, Format};
use crate::run::{Settings, EXIT_OK, EXIT_USAGE};
use crate::text;
use report::{FailIf, Row};

/// The subcommand's name.
pub const NAME: &str = "audit";

/// Exit status when `--fail-if` finds something.
pub const EXIT_FINDINGS: i32 = 3;

/// Instances checked at once, by default.
const DEFAULT_PARALLEL: usize = 32;

/// `cloudcall audit`.
pub fn command() -> Command {
    Command::new(NAME)
        .about("Report SSL and certificate expiry for every instance of the given services and regions")
        .long_about(text::wrap(
            "Lists every instance of each service in each region (all pages), then reads whether SSL \
             is on and, when it is, when the CA certificate expires: from the answer where the API \
             states it, else by downloading the certificate from the link the API returned (that \
             URL only) and reading it. Prints one row per instance with the days left; a listing \
             or an instance that cannot be checked becomes a row with its error. Progress goes to \
             stderr. Output: --output table (default), json, csv, yaml or text; --query applies \
             to the JSON rows.\n\n\
             Exit status: 0 done; 3 a --fail-if condition matched; 2 usage error.",
            text::WRAP_WIDTH,
        ))
        .arg(
            Arg::new("services")
                .long("services")
                .value_name("LIST")
                .value_delimiter(',')
                .help("Services to audit, comma-separated (crate or vendor names; default: every service with SSL in its spec)"),
        )
        .arg(
            Arg::new("regions")
                .long("regions")
                .value_name("LIST")
                .value_delimiter(',')
                .help("Regions, comma-separated; `tencent:REGION` or `huawei:REGION` applies to one vendor only (default: --region, else each vendor's region variable)"),
        )
        .arg(
            Arg::new("fail-if")
                .long("fail-if")
                .value_name("CONDITIONS")
                .help("Exit 3 if any instance matches: ssl-off, expires-within=30d (or 12h), error; comma-separated"),
        )
        .arg(
            Arg::new("parallel")
                .long("parallel")
                .value_name("N")
                .value_parser(clap::value_parser!(u64).range(1..=256))
                .help("Instances of one service and region checked at once (default 32); each action still stays within its rate limit"),
        )
}

/// One service's SSL as the spec describes it, resolved for calls.
struct SslCheck {
    resource: cloud_transport::wait::ResourceInfo,
    /// The resource id's input member (`InstanceId`).
    id_member: &'static str,
    /// The switch's waiter, and the input that turns SSL on.
    status: ConditionWaiter,
    enable_input: Map<String, Value>,
    certificate: cloud_transport::OperationInfo,
    link: &'static str,
    expires: Option<&'static str>,
    /// Path of the name in a listed item, when items have one.
    item_name: Option<&'static str>,
}

impl SslCheck {
    fn of(service: &Service) -> Result<SslCheck, String> {
        let resource_spec = service
            .resource
            .as_ref()
            .ok_or("the spec describes no resource")?;
        let ssl = resource_spec
            .ssl
            .as_ref()
            .ok_or("the spec does not say how its SSL shows (resource.ssl)")?;
        let resource = cloud_spec::transport::resource_info(service)
            .map_err(|e| e.to_string())?
            .ok_or("the spec describes no resource")?;
        let status = cloud_spec::transport::condition_waiter(service, &ssl.enable)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("`{}` has no waiter", ssl.enable))?;
        let certificate_op = service
            .operations
            .get(&ssl.certificate)
            .ok_or_else(|| format!("no operation `{}`", ssl.certificate))?;
        let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
        Ok(SslCheck {
            resource,
            id_member: leak(&resource_spec.id),
            status,
            enable_input: ssl.enable_input.clone().into_iter().collect(),
            certificate: crate::meta::operation_info(service, &ssl.certificate, certificate_op),
            link: leak(&ssl.link),
            expires: ssl.expires.as_deref().map(leak),
            item_name: resource_spec.list.name.as_deref().map(leak),
        })
    }

    /// The enabling request's input for instance `id`: what the waiter reads its condition and
    /// its polling input from.
    fn enable_request(&self, id: &str) -> Value {
        let mut input = self.enable_input.clone();
        input.insert(self.id_member.to_owned(), Value::String(id.to_owned()));
        Value::Object(input)
    }
}

/// Entry point of `cloudcall audit`.
pub fn run(
    services: &[Service],
    matches: &ArgMatches,
    environment: Environment,
    console: &mut Console<'_>,
) -> i32 {
    let settings = match Settings::from_matches(matches).with_query(matches) {
        Ok(settings) => settings,
        Err(e) => return usage(console, &e),
    };
    let fail_if = match matches
        .get_one::<String>("fail-if")
        .map(|s| FailIf::parse(s))
    {
        None => FailIf::default(),
        Some(Ok(f)) => f,
        Some(Err(e)) => return usage(console, &e),
    };
    // The audit prints a table unless --output says otherwise (the CLI's default is JSON).
    let format = match matches.value_source(global::OUTPUT) {
        Some(ValueSource::CommandLine) => settings.format.unwrap_or(Format::Table),
        _ => Format::Table,
    };
    let chosen = match choose_services(services, matches) {
        Ok(chosen) => chosen,
        Err(e) => return usage(console, &e),
    };
    let regions: Vec<String> = matches
        .get_many::<String>("regions")
        .map(|r| {
            r.map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let parallel = matches
        .get_one::<u64>("parallel")
        .and_then(|n| usize::try_from(*n).ok())
        .unwrap_or(DEFAULT_PARALLEL);
    let runtime = match crate::run::runtime() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    let started = Instant::now();
    let style_environment = environment.clone();
    let audited = runtime.block_on(collect(
        &chosen,
        &regions,
        &settings,
        environment,
        parallel,
        console,
    ));
    let (rows, pairs) = match audited {
        Ok(audited) => audited,
        Err(Failure::Usage(e)) => return usage(console, &e),
        Err(Failure::Setup(e)) => return crate::run::report_call_error(console, NAME, &e),
    };
    let checked = rows.iter().filter(|r| r.instance.is_some()).count();
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    let _ = writeln!(
        console.err(),
        "audit: {checked} instance(s) in {pairs} service/region pair(s) checked in {:.1} s; {failed} row(s) with errors",
        started.elapsed().as_secs_f64()
    );

    let style = settings.style(None, &style_environment, console);
    let status = if format == Format::Table && settings.query.is_none() {
        console.print(&report::table(&rows, style.width));
        EXIT_OK
    } else {
        let style = output::Style { format, ..style };
        settings.print(console, &style, NAME, &report::to_json(&rows))
    };
    if status != EXIT_OK {
        return status;
    }
    let now = unix_now();
    let reasons: Vec<String> = rows.iter().filter_map(|r| fail_if.reason(r, now)).collect();
    if reasons.is_empty() {
        return EXIT_OK;
    }
    let mut err = console.err();
    let _ = writeln!(err, "audit: --fail-if matched {} row(s):", reasons.len());
    for reason in reasons.iter().take(20) {
        let _ = writeln!(err, "  {reason}");
    }
    if reasons.len() > 20 {
        let _ = writeln!(err, "  ... and {} more", reasons.len() - 20);
    }
    EXIT_FINDINGS
}

/// Why an audit could not start.
pub(crate) enum Failure {
    /// A usage error: an unknown service, no region.
    Usage(String),
    /// The HTTP client for downloads could not be made (bad proxy settings).
    Setup(cloud_transport::Error),
}

/// Audits `chosen` in `regions` (each `REGION`, `tencent:REGION` or `huawei:REGION`; none: each
/// vendor's region from `settings` or the environment), with credentials from `environment`;
/// returns the rows, sorted, and how many service/region pairs there were. Progress goes to the
/// console's message stream.
pub(crate) async fn collect(
    chosen: &[&Service],
    regions: &[String],
    settings: &Settings,
    environment: Environment,
    parallel: usize,
    console: &mut Console<'_>,
) -> Result<(Vec<Row>, usize), Failure> {
    let targets = targets(chosen, regions, settings, &environment).map_err(Failure::Usage)?;
    let rules = ProxyRules::from_environment(&environment).map_err(Failure::Setup)?;
    let downloader: Arc<dyn HttpClient> = Arc::new(
        ReqwestHttpClient::with_proxy_rules(
            cloud_transport::DEFAULT_CONNECT_TIMEOUT,
            cloud_transport::DEFAULT_POOL_IDLE_TIMEOUT,
            rules,
        )
        .map_err(Failure::Setup)?,
    );
    let audit = Audit {
        settings,
        environment,
        downloader,
        parallel,
    };
    let mut rows = audit.run(&targets, console).await;
    rows.sort_by(|a, b| {
        (&a.service, &a.region, &a.instance).cmp(&(&b.service, &b.region, &b.instance))
    });
    Ok((rows, targets.len()))
}

fn usage(console: &mut Console<'_>, message: &str) -> i32 {
    let _ = writeln!(console.err(), "error: {message}");
    EXIT_USAGE
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The services `--services` names (crate or vendor names), or every one whose spec has
/// `resource.ssl`.
fn choose_services<'s>(
    services: &'s [Service],
    matches: &ArgMatches,
) -> Result<Vec<&'s Service>, String> {
    let Some(names) = matches.get_many::<String>("services") else {
        return Ok(services
            .iter()
            .filter(|s| s.resource.as_ref().is_some_and(|r| r.ssl.is_some()))
            .collect());
    };
    let mut chosen: Vec<&Service> = Vec::new();
    for name in names.map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let found = services
            .iter()
            .find(|s| s.crate_name() == name || s.service == name)
            .ok_or_else(|| {
                let known: Vec<String> = services.iter().map(Service::crate_name).collect();
                format!(
                    "--services: unknown service `{name}` (known: {})",
                    known.join(", ")
                )
            })?;
        if !chosen.iter().any(|s| std::ptr::eq(*s, found)) {
            chosen.push(found);
        }
    }
    Ok(chosen)
}

/// One service in one region.
struct Target<'s> {
    service: &'s Service,
    region: String,
    check: Result<Arc<SslCheck>, String>,
}

/// Every (service, region) pair to audit.
fn targets<'s>(
    chosen: &[&'s Service],
    given: &[String],
    settings: &Settings,
    environment: &Environment,
) -> Result<Vec<Target<'s>>, String> {
    let mut out = Vec::new();
    for service in chosen {
        let vendor = match meta_vendor(service) {
            Vendor::Tencent => "tencent",
            _ => "huawei",
        };
        let mut regions: Vec<String> = given
            .iter()
            .filter_map(|r| match r.split_once(':') {
                Some((v, region)) if v == vendor => Some(region.to_owned()),
                Some(_) => None,
                None => Some(r.clone()),
            })
            .collect();
        if given.is_empty() {
            let from_env = match vendor {
                "tencent" => environment.var("TENCENTCLOUD_REGION"),
                _ => environment.var("HUAWEICLOUD_SDK_REGION"),
            };
            match settings.region.clone().or(from_env) {
                Some(region) => regions.push(region),
                None => {
                    return Err(format!(
                        "no region for {}: pass --regions (or --region), or set {}",
                        service.crate_name(),
                        if vendor == "tencent" {
                            "TENCENTCLOUD_REGION"
                        } else {
                            "HUAWEICLOUD_SDK_REGION"
                        }
                    ))
                }
            }
        }
        regions.dedup();
        let check = SslCheck::of(service).map(Arc::new);
        for region in regions {
            out.push(Target {
                service,
                region,
                check: check.as_ref().map(Arc::clone).map_err(Clone::clone),
            });
        }
    }
    Ok(out)
}

fn meta_vendor(service: &Service) -> Vendor {
    crate::meta::service_info(service).vendor
}

/// The audit run: settings, where credentials come from, the downloader, how many at once.
struct Audit<'a> {
    settings: &'a Settings,
    environment: Environment,
    downloader: Arc<dyn HttpClient>,
    parallel: usize,
}

impl Audit<'_> {
    fn client(&self, target: &Target<'_>) -> cloud_transport::Result<Client> {
        let mut builder = Config::builder()
            .environment(self.environment.clone())
            .allow_insecure_http(self.settings.allow_insecure_http)
            .region(target.region.clone())
            // Every action stays within its documented requests per second.
            .rate_limit(true);
        if let Some(endpoint) = &self.settings.endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        if let Some(project_id) = &self.settings.project_id {
            builder = builder.project_id(project_id.clone());
        }
        Ok(Client::new(
            crate::meta::service_info(target.service),
            builder.build()?,
        ))
    }

    async fn run(&self, targets: &[Target<'_>], console: &mut Console<'_>) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut jobs: JoinSet<Row> = JoinSet::new();
        let mut total = 0usize;
        // Listings, one service and region at a time, each in parallel with the checks of the
        // instances already listed.
        let mut listings = JoinSet::new();
        for (index, target) in targets.iter().enumerate() {
            let base = Row {
                service: target.service.crate_name(),
                region: target.region.clone(),
                ..Row::default()
            };
            let check = match &target.check {
                Ok(check) => Arc::clone(check),
                Err(e) => {
                    rows.push(Row {
                        error: Some(e.clone()),
                        ..base
                    });
                    continue;
                }
            };
            let client = match self.client(target) {
                Ok(client) => client,
                Err(e) => {
                    rows.push(Row {
                        error: Some(e.to_string()),
                        ..base
                    });
                    continue;
                }
            };
            listings.spawn(async move {
                let listed = list(&client, &check).await;
                (index, client, check, base, listed)
            });
        }
        let mut done = 0usize;
        let progress_every = |total: usize| (total / 10).max(1);
        while let Some(joined) = listings.join_next().await {
            let Ok((index, client, check, base, listed)) = joined else {
                continue;
            };
            let target = &targets[index];
            match listed {
                Err(e) => {
                    let _ = writeln!(
                        console.err(),
                        "audit: {} {}: listing failed: {e}",
                        target.service.crate_name(),
                        target.region
                    );
                    rows.push(Row {
                        error: Some(format!("listing failed: {e}")),
                        ..base
                    });
                }
                Ok(items) => {
                    let _ = writeln!(
                        console.err(),
                        "audit: {} {}: {} instance(s)",
                        target.service.crate_name(),
                        target.region,
                        items.len()
                    );
                    total += items.len();
                    // Each service and region checks its own instances `parallel` at a time:
                    // their rate limits are separate, so one never waits behind another's.
                    let permits = Arc::new(Semaphore::new(self.parallel));
                    for item in items {
                        let client = client.clone();
                        let check = Arc::clone(&check);
                        let downloader = Arc::clone(&self.downloader);
                        let permits = Arc::clone(&permits);
                        let base = base.clone();
                        jobs.spawn(async move {
                            let _permit = permits.acquire_owned().await;
                            check_instance(&client, &check, downloader.as_ref(), base, item).await
                        });
                    }
                }
            }
            // Report checks finished meanwhile.
            while let Some(Ok(row)) = jobs.try_join_next() {
                rows.push(row);
                done += 1;
            }
        }
        while let Some(joined) = jobs.join_next().await {
            if let Ok(row) = joined {
                rows.push(row);
            }
            done += 1;
            if done % progress_every(total) == 0 || done == total {
                if console.err_is_terminal() {
                    console.err_control("\r\x1b[2K");
                    let _ = write!(console.err(), "audit: checked {done}/{total}");
                    if done == total {
                        let _ = writeln!(console.err());
                    }
                } else {
                    let _ = writeln!(console.err(), "audit: checked {done}/{total}");
                }
            }
        }
        rows
    }
}

/// A listed instance: id, name and status from its item.
struct Listed {
    id: String,
    name: Option<String>,
    status: Option<Value>,
}

/// Every instance of the service in the client's region, over all pages.
async fn list(client: &Client, check: &SslCheck) -> Result<Vec<Listed>, String> {
    let resource = &check.resource;
    let items: Vec<Value> = Paginator::<Value, Value>::new(
        client.clone(),
        resource.list,
        resource.pages,
        Value::Object(Map::new()),
    )
    .items()
    .collect_all()
    .await
    .map_err(|e| e.to_string())?;
    Ok(items
        .iter()
        .filter_map(|item| {
            let id = value_at(item, resource.item_id)?.as_str()?.to_owned();
            Some(Listed {
                id,
                name: check
                    .item_name
                    .and_then(|path| value_at(item, path))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                status: value_at(item, resource.item_status).cloned(),
            })
        })
        .collect())
}

/// One instance's row: SSL, then the certificate's expiry when SSL is on.
async fn check_instance(
    client: &Client,
    check: &SslCheck,
    downloader: &dyn HttpClient,
    base: Row,
    listed: Listed,
) -> Row {
    let mut row = Row {
        instance: Some(listed.id.clone()),
        name: listed.name,
        status: listed.status,
        ..base
    };
    let request = check.enable_request(&listed.id);
    let Some(condition) = check.status.condition_for(&request) else {
        row.error = Some("the spec's SSL waiter has no condition for switching SSL on".into());
        return row;
    };
    let poll_input = check.status.poll_input(&request);
    let answer = match client.call_json(&check.status.operation, poll_input).await {
        Ok(answer) => answer,
        Err(e) => {
            row.error = Some(e.to_string());
            return row;
        }
    };
    let Some(shown) = value_at(&answer, condition.path) else {
        // A listing filtered by the id that lists nothing: the instance went away.
        row.error = Some(format!(
            "not found when described (`{}` absent): the instance is gone",
            condition.path
        ));
        return row;
    };
    let on = condition.equals.matches(shown);
    row.ssl = Some(on);
    if !on {
        return row;
    }
    // The certificate: from the same answer when the status operation is the certificate one.
    let answer = if check.status.operation.name == check.certificate.name {
        answer
    } else {
        let mut input = Map::new();
        input.insert(check.id_member.to_owned(), Value::String(listed.id.clone()));
        match client
            .call_json(&check.certificate, Value::Object(input))
            .await
        {
            Ok(answer) => answer,
            Err(e) => {
                row.error = Some(format!("certificate link: {e}"));
                return row;
            }
        }
    };
    let now = unix_now();
    if let Some(path) = check.expires {
        let stated = value_at(&answer, path)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty());
        if let Some(text) = stated {
            match cloud_transport::codec::Timestamp::new(text).to_system_time() {
                Ok(t) => {
                    let unix = t
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
                    row.set_expiry(unix, now, "api");
                }
                Err(e) => row.error = Some(format!("`{path}` `{text}` is not a time: {e}")),
            }
        }
    }
    let link = value_at(&answer, check.link)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned);
    row.certificate_url.clone_from(&link);
    if row.expires.is_some() {
        return row;
    }
    let Some(link) = link else {
        row.error = Some(format!(
            "SSL is on but the answer has no certificate link at `{}`",
            check.link
        ));
        return row;
    };
    match certificate::expiry_of(downloader, &link).await {
        Ok(not_after) => row.set_expiry(not_after, now, "certificate"),
        Err(e) => row.error = Some(e),
    }
    row
}
