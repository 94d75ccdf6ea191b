//! One invocation: parse the command line, call the operation, print, wait, pick the exit status.

use std::ffi::OsString;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind as ClapErrorKind};
use clap::ArgMatches;
use cloud_spec::{Operation, Service};
use cloud_transport::http::ReqwestHttpClient;
use cloud_transport::{Client, Config, Environment, ErrorKind, ProxyRules};
use serde_json::Value;

use crate::command::{self, global, op_flags};
use crate::console::Console;
use crate::debug::{self, DebugHttp, DebugLog};
use crate::input::InputError;
use crate::names::cli_name;
use crate::output::{self, Format, Style};
use crate::query::Query;
use crate::wait::{self, WaitPlan};
use crate::{input, meta, suggest};
use cloud_transport::wait::WaitError;

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: the call failed (service error, network, timeout, credentials).
pub const EXIT_FAILED: i32 = 1;
/// Exit status: usage or configuration error; nothing was sent.
pub const EXIT_USAGE: i32 = 2;

/// Global settings shared by every operation.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--endpoint`
    pub endpoint: Option<String>,
    /// `--region`
    pub region: Option<String>,
    /// `--project-id`
    pub project_id: Option<String>,
    /// `--profile`
    pub profile: Option<String>,
    /// `--output`
    pub format: Option<Format>,
    /// `--query`, checked
    pub query: Option<Query>,
    /// `--full-width`
    pub full_width: bool,
    /// `--debug`
    pub debug: bool,
    /// `--allow-insecure-http`
    pub allow_insecure_http: bool,
}

impl Settings {
    pub(crate) fn from_matches(m: &ArgMatches) -> Settings {
        Settings {
            endpoint: m.get_one::<String>(global::ENDPOINT).cloned(),
            region: m.get_one::<String>(global::REGION).cloned(),
            project_id: m.get_one::<String>(global::PROJECT_ID).cloned(),
            profile: m.get_one::<String>(global::PROFILE).cloned(),
            format: m
                .get_one::<String>(global::OUTPUT)
                .map(|s| Format::from_flag(s)),
            query: None,
            full_width: m.get_flag(global::FULL_WIDTH),
            debug: m.get_flag(global::DEBUG),
            allow_insecure_http: m.get_flag(global::ALLOW_INSECURE_HTTP),
        }
    }

    /// Reads `--query` from `m`: a malformed expression is a usage error whose message says
    /// where it is wrong.
    pub fn with_query(mut self, m: &ArgMatches) -> Result<Settings, String> {
        if let Some(source) = m.get_one::<String>(global::QUERY) {
            self.query = Some(Query::parse(source)?);
        }
        Ok(self)
    }

    /// How answers print: the format, and the width tables fit. The width is `COLUMNS` when
    /// set, else the terminal's when stdout is one; output to a file or a pipe is not cut.
    pub fn style(
        &self,
        service: Option<&Service>,
        environment: &Environment,
        console: &Console<'_>,
    ) -> Style {
        let format = self.format.unwrap_or(Format::Json);
        let lead = service
            .and_then(|s| s.resource.as_ref())
            .map(|r| {
                [Some(&r.list.id), r.list.name.as_ref(), Some(&r.list.status)]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let width = if self.full_width {
            None
        } else {
            environment
                .var("COLUMNS")
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|w| *w >= 20)
                .or_else(|| console.out_width())
        };
        Style {
            format,
            width,
            lead,
        }
    }

    /// Prints `value` (the answer of `op`, its CLI name) after `--query`; a query that cannot
    /// be evaluated on it is reported and fails the invocation.
    pub fn print(&self, console: &mut Console<'_>, style: &Style, op: &str, value: &Value) -> i32 {
        let shown = match &self.query {
            None => {
                return {
                    console.print(&output::render_response(op, value, style.clone()));
                    EXIT_OK
                }
            }
            Some(query) => match query.apply(value) {
                Ok(shown) => shown,
                Err(e) => {
                    let _ = writeln!(console.err(), "error: {e}");
                    return EXIT_FAILED;
                }
            },
        };
        // A query's answer is printed as it is: `null` when nothing matched, never the
        // "no content" sentence.
        console.print(&output::render(&shown, style.clone()));
        EXIT_OK
    }

    /// The transport configuration. Credentials are left to the transport's default chain,
    /// which reads `environment`.
    /// With `debug_log`, every HTTP attempt is described there ([`crate::debug`]).
    pub fn config(
        &self,
        environment: Environment,
        debug_log: Option<&DebugLog>,
    ) -> cloud_transport::Result<Config> {
        let mut builder = Config::builder().allow_insecure_http(self.allow_insecure_http);
        if let Some(log) = debug_log {
            let inner = ReqwestHttpClient::with_proxy_rules(
                cloud_transport::DEFAULT_CONNECT_TIMEOUT,
                cloud_transport::DEFAULT_POOL_IDLE_TIMEOUT,
                ProxyRules::from_environment(&environment)?,
            )?;
            builder = builder.http_client(Arc::new(DebugHttp::new(Arc::new(inner), log.clone())));
        }
        let mut builder = builder.environment(environment);
        if let Some(endpoint) = &self.endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        if let Some(region) = &self.region {
            builder = builder.region(region.clone());
        }
        if let Some(project_id) = &self.project_id {
            builder = builder.project_id(project_id.clone());
        }
        if let Some(profile) = &self.profile {
            builder = builder.profile(profile.clone());
        }
        builder.build()
    }
}

/// Runs the CLI on `args` (including the program name) with the given specs, writing to
/// `console`; returns the exit status ([`EXIT_OK`], [`EXIT_FAILED`] or [`EXIT_USAGE`]).
///
/// `services` is what [`crate::services_for`] returns for `args` (or any set of specs, e.g. a
/// test's). Credentials, region and project id come from the process environment and profile
/// files, as for the binary. Help and errors are printed as the binary prints them;
/// `cloudcall demo` prints its walk-through, and `--debug` the transport's trace (a process-wide
/// subscriber), on the process's own streams.
pub fn run<I, T>(args: I, services: &[Service], console: &mut Console<'_>) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    run_with_environment(args, services, Environment::process(), console)
}

/// [`run`] with the credential chain reading `environment` instead of the process's variables
/// and home directory (e.g. [`Environment::from_vars`] in a test, so parallel invocations never
/// touch the process environment).
pub fn run_with_environment<I, T>(
    args: I,
    services: &[Service],
    environment: Environment,
    console: &mut Console<'_>,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let ParsedCall {
        service,
        op_name,
        op,
        input,
        wait,
        paging,
        settings,
    } = match parse(&args, services, console) {
        Parsed::Call(call) => *call,
        #[cfg(feature = "demo")]
        Parsed::Demo(matches) => {
            return crate::demo::run(services, &matches, &Settings::from_matches(&matches))
        }
        #[cfg(feature = "audit")]
        Parsed::Audit(matches) => {
            return crate::audit::run(services, &matches, environment, console)
        }
        Parsed::Completions(shell) => return crate::completions::run(services, &shell, console),
        Parsed::Exit(status) => return status,
    };
    let style = settings.style(Some(service), &environment, console);
    let debug_log = settings.debug.then(DebugLog::default);
    let config = match settings.config(environment, debug_log.as_ref()) {
        Ok(config) => config,
        Err(e) => return report_call_error(console, op_name, &e),
    };
    if settings.debug {
        debug_request(console, service, op_name, &settings, &input);
        enable_tracing();
    }
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    let client = Client::new(meta::service_info(service), config);
    let call = Call {
        client: &client,
        service,
        op_name,
        op,
        settings: &settings,
        style,
        debug_log: debug_log.as_ref(),
    };
    let status = match paging {
        Some(max_items) => runtime.block_on(call.run_pages(input, max_items, console)),
        None => runtime.block_on(call.run(input, wait, console)),
    };
    if let Some(log) = &debug_log {
        flush_debug(console, log);
    }
    status
}

/// Writes the `--debug` lines logged so far to the message stream.
fn flush_debug(console: &mut Console<'_>, log: &DebugLog) {
    let mut err = console.err();
    for line in debug::drain(log) {
        let _ = writeln!(err, "{line}");
    }
}

/// `--page-all` / `--max-items N`, when given: `Some(None)` for every page, `Some(Some(n))` for
/// at most n items. Operations without pagination have neither flag.
fn paging_request(matches: &ArgMatches) -> Option<Option<u64>> {
    let max_items = matches
        .try_get_one::<u64>(op_flags::MAX_ITEMS)
        .ok()
        .flatten()
        .copied();
    let all = matches
        .try_get_one::<bool>(op_flags::PAGE_ALL)
        .ok()
        .flatten()
        == Some(&true);
    (all || max_items.is_some()).then_some(max_items)
}

/// A command line that calls an operation, parsed and checked: nothing is sent yet.
pub(crate) struct ParsedCall<'s> {
    pub(crate) service: &'s Service,
    pub(crate) op_name: &'s str,
    pub(crate) op: &'s Operation,
    /// The request input, by wire name.
    pub(crate) input: Value,
    pub(crate) wait: Option<(WaitPlan, Duration)>,
    /// `--page-all` (`Some(None)`) or `--max-items N` (`Some(Some(n))`).
    pub(crate) paging: Option<Option<u64>>,
    pub(crate) settings: Settings,
}

/// What a command line asks for.
pub(crate) enum Parsed<'s> {
    /// Call an operation (boxed: far larger than the other variants).
    Call(Box<ParsedCall<'s>>),
    /// `cloudcall demo`, with its arguments.
    #[cfg(feature = "demo")]
    Demo(ArgMatches),
    /// `cloudcall audit`, with its arguments.
    #[cfg(feature = "audit")]
    Audit(ArgMatches),
    /// `cloudcall completions <shell>`.
    Completions(String),
    /// Help, version or a usage error, already printed to `console`: exit with this status.
    Exit(i32),
}

/// Parses `args` (the program name included) against `services`: clap's checks, the input
/// members (flags and `--cli-input-json`), the required members and the `--wait` plan. Usage
/// errors and help are printed to `console`.
pub(crate) fn parse<'s>(
    args: &[OsString],
    services: &'s [Service],
    console: &mut Console<'_>,
) -> Parsed<'s> {
    let mut root = command::build(services, &command::Reach::of(args));
    let matches = match root.try_get_matches_from_mut(args.iter().cloned()) {
        Ok(m) => m,
        Err(e) => {
            if e.kind() == ClapErrorKind::InvalidSubcommand {
                if let Some(status) = unknown_operation(&mut root, args, services, &e, console) {
                    return Parsed::Exit(status);
                }
            }
            // Help and version go to stdout with status 0; errors to stderr with status 2.
            console.clap_message(&e);
            return Parsed::Exit(e.exit_code());
        }
    };
    // clap has checked the names: a subcommand, service and operation that exist.
    let Some((sub_name, sub_matches)) = matches.subcommand() else {
        return Parsed::Exit(EXIT_USAGE);
    };
    #[cfg(feature = "demo")]
    if sub_name == "demo" {
        return Parsed::Demo(sub_matches.clone());
    }
    #[cfg(feature = "audit")]
    if sub_name == crate::audit::NAME {
        return Parsed::Audit(sub_matches.clone());
    }
    if sub_name == crate::completions::NAME {
        let shell = sub_matches
            .get_one::<String>("shell")
            .map_or("bash", String::as_str);
        return Parsed::Completions(shell.to_owned());
    }
    let Some(service) = services.iter().find(|s| s.crate_name() == sub_name) else {
        return Parsed::Exit(EXIT_USAGE);
    };
    let Some((op_cli_name, op_matches)) = sub_matches.subcommand() else {
        return Parsed::Exit(EXIT_USAGE);
    };
    let Some((op_name, op)) = service
        .operations
        .iter()
        .find(|(n, _)| cli_name(n) == op_cli_name)
    else {
        return Parsed::Exit(EXIT_USAGE);
    };
    // Usage errors found after parsing are printed like clap's own, with the operation's usage.
    let mut usage_error =
        |console: &mut Console<'_>, kind: ClapErrorKind, message: String| -> i32 {
            match root
                .find_subcommand_mut(sub_name)
                .and_then(|s| s.find_subcommand_mut(op_cli_name))
            {
                Some(cmd) => console.clap_message(&cmd.error(kind, message)),
                None => {
                    let _ = writeln!(console.err(), "error: {message}");
                }
            }
            EXIT_USAGE
        };
    let settings = match Settings::from_matches(op_matches).with_query(op_matches) {
        Ok(settings) => settings,
        Err(m) => return Parsed::Exit(usage_error(console, ClapErrorKind::ValueValidation, m)),
    };
    if op_matches
        .try_get_one::<bool>(op_flags::GENERATE_CLI_SKELETON)
        .ok()
        .flatten()
        == Some(&true)
    {
        return Parsed::Exit(match crate::skeleton::of(op, &service.shapes) {
            Ok(skeleton) => {
                console.print(&output::render(&skeleton, Format::Json));
                EXIT_OK
            }
            Err(m) => usage_error(console, ClapErrorKind::ValueValidation, m),
        });
    }
    let input = match input::collect(op, &service.shapes, op_matches) {
        Ok(input) => input,
        Err(InputError::Missing(m)) => {
            return Parsed::Exit(usage_error(
                console,
                ClapErrorKind::MissingRequiredArgument,
                m,
            ))
        }
        Err(InputError::Invalid(m)) => {
            return Parsed::Exit(usage_error(console, ClapErrorKind::ValueValidation, m))
        }
    };
    // The wait plan is made before anything is sent, so a `--wait` that cannot work changes nothing.
    let wait = match wait_request(service, op_name, op_matches, &input) {
        Ok(wait) => wait,
        Err(m) => return Parsed::Exit(usage_error(console, ClapErrorKind::ArgumentConflict, m)),
    };
    let paging = paging_request(op_matches);
    if paging.is_some() && wait.is_some() {
        return Parsed::Exit(usage_error(
            console,
            ClapErrorKind::ArgumentConflict,
            "--wait cannot be combined with --page-all or --max-items".to_owned(),
        ));
    }
    Parsed::Call(Box::new(ParsedCall {
        service,
        op_name,
        op,
        input,
        wait,
        paging,
        settings,
    }))
}

/// An operation name clap did not find: a usage error listing the closest operations of the
/// service named (clap's own suggestions list dozens of names at this size). `None` when the
/// unknown word is not in an operation's place.
fn unknown_operation(
    root: &mut clap::Command,
    args: &[OsString],
    services: &[Service],
    error: &clap::Error,
    console: &mut Console<'_>,
) -> Option<i32> {
    let Some(ContextValue::String(typed)) = error.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let words: Vec<&str> = args.iter().map(|a| a.to_str().unwrap_or("")).collect();
    let typed_at = words.iter().position(|w| w == typed)?;
    // The service named before the unknown word.
    let service = words[..typed_at]
        .iter()
        .find_map(|w| services.iter().find(|s| s.crate_name() == *w))?;
    let name = service.crate_name();
    let names: Vec<String> = service.operations.keys().map(|n| cli_name(n)).collect();
    let close = suggest::closest(typed, names.iter().map(String::as_str));
    let mut message = format!("unrecognized operation '{typed}' for {name}\n");
    if !close.is_empty() {
        message.push_str(&format!(
            "\n  tip: similar operations: {}",
            close.join(", ")
        ));
    }
    message.push_str(&format!(
        "\n  tip: `cloudcall {name} --help` lists its {} operations",
        names.len()
    ));
    let cmd = root.find_subcommand_mut(&name)?;
    console.clap_message(&cmd.error(ClapErrorKind::InvalidSubcommand, message));
    Some(EXIT_USAGE)
}

/// `--wait` and `--wait-timeout`, when given: the plan and the timeout.
fn wait_request(
    service: &Service,
    op_name: &str,
    matches: &ArgMatches,
    input: &Value,
) -> Result<Option<(WaitPlan, Duration)>, String> {
    // Operations without a waiter have neither flag; `try_get_one` says so instead of panicking.
    let wanted = matches.try_get_one::<bool>(op_flags::WAIT).ok().flatten() == Some(&true);
    if !wanted {
        return Ok(None);
    }
    let timeout = matches
        .try_get_one::<u64>(op_flags::WAIT_TIMEOUT)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(command::DEFAULT_WAIT_TIMEOUT_SECS);
    let plan = wait::plan(service, op_name, input)?;
    Ok(Some((plan, Duration::from_secs(timeout))))
}

/// The async runtime of one invocation (two workers: the demo's emulator serves while it calls).
pub fn runtime() -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            EXIT_FAILED
        })
}

/// One operation call, ready to send.
struct Call<'a> {
    client: &'a Client,
    service: &'a Service,
    op_name: &'a str,
    op: &'a Operation,
    settings: &'a Settings,
    style: Style,
    /// `--debug`: the attempts' lines, written out after each call.
    debug_log: Option<&'a DebugLog>,
}

impl Call<'_> {
    fn flush_debug(&self, console: &mut Console<'_>) {
        if let Some(log) = self.debug_log {
            flush_debug(console, log);
        }
    }
}

impl Call<'_> {
    /// Sends, prints the answer, then waits if asked; returns the exit status.
    async fn run(
        &self,
        input: Value,
        wait: Option<(WaitPlan, Duration)>,
        console: &mut Console<'_>,
    ) -> i32 {
        let info = meta::operation_info(self.service, self.op_name, self.op);
        let output = self.client.call_json(&info, input.clone()).await;
        self.flush_debug(console);
        let output = match output {
            Ok(output) => output,
            Err(e) => return report_call_error(console, self.op_name, &e),
        };
        let printed = self
            .settings
            .print(console, &self.style, &cli_name(self.op_name), &output);
        let Some((plan, timeout)) = wait else {
            return printed;
        };
        match wait::wait(self.client, &plan, &input, &output, timeout, console).await {
            Ok(_) => EXIT_OK,
            Err(WaitError::Call(e)) => report_call_error(console, self.op_name, &e),
            Err(e) => {
                let verb = if e.is_timeout() {
                    "timed out waiting"
                } else {
                    "waiting"
                };
                let _ = writeln!(console.err(), "error: {verb} for {}: {e}", plan.what);
                EXIT_FAILED
            }
        }
    }

    /// Fetches every page (or pages until `max_items`) and prints them as one answer: the
    /// first page's members, with the list holding every item fetched.
    async fn run_pages(
        &self,
        input: Value,
        max_items: Option<u64>,
        console: &mut Console<'_>,
    ) -> i32 {
        let info = meta::operation_info(self.service, self.op_name, self.op);
        let pages = match cloud_spec::transport::page_info(self.op_name, self.op) {
            Ok(Some(pages)) => pages,
            Ok(None) => {
                let _ = writeln!(
                    console.err(),
                    "error: {} does not page",
                    cli_name(self.op_name)
                );
                return EXIT_USAGE;
            }
            Err(e) => {
                let _ = writeln!(
                    console.err(),
                    "error: --page-all: the spec's pagination is invalid: {e}"
                );
                return EXIT_USAGE;
            }
        };
        let mut paginator: cloud_transport::paginate::Paginator =
            cloud_transport::paginate::Paginator::new(self.client.clone(), info, pages, input);
        if let Some(max) = max_items {
            paginator = paginator.max_items(max);
        }
        let mut merged: Option<Value> = None;
        let mut items: Vec<Value> = Vec::new();
        // Where the items are: `items`, or the other list the request made the answer fill.
        let mut items_path = pages.items;
        let mut fetched = 0u32;
        while let Some(page) = paginator.next_page().await {
            self.flush_debug(console);
            let page = match page {
                Ok(page) => page,
                Err(e) => return report_call_error(console, self.op_name, &e),
            };
            fetched += 1;
            let path = pages.items_path(&page);
            if let Some(list) =
                cloud_transport::json_path::value_at(&page, path).and_then(Value::as_array)
            {
                if !list.is_empty() {
                    items_path = path;
                }
                items.extend(list.iter().cloned());
            }
            merged.get_or_insert(page);
        }
        if let Some(max) = max_items.and_then(|m| usize::try_from(m).ok()) {
            items.truncate(max);
        }
        let mut merged = merged.unwrap_or_else(|| Value::Object(Default::default()));
        cloud_transport::json_path::set_path(&mut merged, items_path, Value::Array(items));
        if console.err_is_terminal() || fetched > 1 {
            let _ = writeln!(console.err(), "fetched {fetched} page(s)");
        }
        self.settings
            .print(console, &self.style, &cli_name(self.op_name), &merged)
    }
}

/// Prints a failed call (code, message, request id) and picks the exit status.
pub fn report_call_error(
    console: &mut Console<'_>,
    op_name: &str,
    e: &cloud_transport::Error,
) -> i32 {
    let mut err = console.err();
    let _ = writeln!(err, "error: {op_name} failed: {e}");
    if e.kind() == ErrorKind::Service {
        let _ = writeln!(err, "  code:       {}", e.code().unwrap_or("-"));
        let _ = writeln!(err, "  message:    {}", e.message());
        let _ = writeln!(err, "  request id: {}", e.request_id().unwrap_or("-"));
        if let Some(status) = e.http_status() {
            let _ = writeln!(err, "  http status: {status}");
        }
    }
    if e.kind() == ErrorKind::InvalidConfig {
        let message = e.message().to_ascii_lowercase();
        if message.contains("region") {
            let _ = writeln!(
                err,
                "  hint: pass --region, or set TENCENTCLOUD_REGION / HUAWEICLOUD_SDK_REGION"
            );
        } else if message.contains("project") {
            let _ = writeln!(
                err,
                "  hint: pass --project-id, or set HUAWEICLOUD_SDK_PROJECT_ID"
            );
        } else if message.contains("allow_insecure_http") {
            let _ = writeln!(
                err,
                "  hint: pass --allow-insecure-http to send to this endpoint anyway"
            );
        }
    }
    match e.kind() {
        ErrorKind::InvalidInput | ErrorKind::InvalidConfig => EXIT_USAGE,
        _ => EXIT_FAILED,
    }
}

/// `--debug`: what is about to be sent. Members whose names suggest a secret are masked.
fn debug_request(
    console: &mut Console<'_>,
    service: &Service,
    op_name: &str,
    settings: &Settings,
    input: &Value,
) {
    let mut err = console.err();
    let _ = writeln!(
        err,
        "debug: {} {} ({} {}), endpoint {}, region {}, project id {}",
        service.crate_name(),
        op_name,
        service.service,
        service.version,
        settings.endpoint.as_deref().unwrap_or("(from the spec)"),
        settings
            .region
            .as_deref()
            .unwrap_or("(from the environment)"),
        settings
            .project_id
            .as_deref()
            .unwrap_or("(from the environment)"),
    );
    let _ = writeln!(err, "debug: input {}", redact(input));
    let _ = writeln!(
        err,
        "debug: credentials from the default chain (secrets are never printed)"
    );
}

/// Sends the transport's tracing output (calls, attempts, retries, request ids) to stderr.
fn enable_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Whether a member, header or parameter named `name` holds a secret (`SecretKey`,
/// `Password`, `session_token`, `X-Auth-Token`...).
pub fn is_secret_name(name: &str) -> bool {
    const SECRET_WORDS: &[&str] = &[
        "password",
        "secret",
        "token",
        "passwd",
        "credential",
        "privatekey",
        "signature",
    ];
    let key = name.to_ascii_lowercase().replace(['_', '-'], "");
    SECRET_WORDS.iter().any(|w| key.contains(w))
}

/// A copy of `value` with secret-looking members replaced by `***`.
pub fn redact(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    if is_secret_name(k) {
                        (k.clone(), Value::String("***".into()))
                    } else {
                        (k.clone(), redact(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redact_masks_secret_members_at_any_depth() {
        let v = json!({"InstanceId": "x", "Password": "p", "Auth": {"session_token": "t"}, "L": [{"SecretKey": "k"}]});
        assert_eq!(
            redact(&v),
            json!({"InstanceId": "x", "Password": "***", "Auth": {"session_token": "***"}, "L": [{"SecretKey": "***"}]})
        );
    }
}
