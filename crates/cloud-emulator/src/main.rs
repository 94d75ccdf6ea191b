//! `cloud-emulator`: runs the emulator until Ctrl-C or SIGTERM.
//!
//! The first line on stdout is exactly `listening on http://<addr>`; logs go to stderr, so a
//! parent process can read that line and then ignore stdout without ever blocking the emulator.

#![forbid(unsafe_code)]

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use cloud_emulator::{
    AccessKey, Emulator, IamUser, Project, Seed, DEFAULT_HUAWEI_PROJECT_ID, DEFAULT_HUAWEI_REGION,
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SECURITY_TOKEN, DEMO_HUAWEI_SK, DEMO_HUAWEI_TEMP_AK,
    DEMO_HUAWEI_TEMP_SK, DEMO_IAM_DOMAIN, DEMO_IAM_PASSWORD, DEMO_IAM_USER, DEMO_TENCENT_SECRET_ID,
    DEMO_TENCENT_SECRET_KEY, DEMO_TENCENT_TEMP_SECRET_ID, DEMO_TENCENT_TEMP_SECRET_KEY,
    DEMO_TENCENT_TOKEN,
};
use cloud_spec::Service;

/// A local emulator of Tencent Cloud API 3.0 and Huawei Cloud REST for the cloudcall specs.
///
/// Verifies TC3 and Huawei AK/SK signatures and IAM tokens, keeps instances as real state
/// (created, listed, renamed, switched to SSL, isolated and deleted, with an async delay; tasks
/// reported by the task APIs), enforces rate limits and injects faults on request. The first stdout
/// line is `listening on http://<addr>`; logs go to stderr. Every service shares the one
/// address: point clients' endpoint override at it.
///
/// Faults: send `X-Emulator-Fault: <fault>` on a request, or POST a rule to /_emulator/faults,
/// e.g. {"operation": "InstanceEnableSSL", "fault": "reset", "times": 1}. <fault> is a comma
/// list of latency:<ms> (max 30000) and one of status:<400-599>, throttle, html[:<code>],
/// reset, truncate, truncate-body, malformed; a failure may end in @before (not processed) or
/// @after (processed, answer lost). Task failures: POST a rule to /_emulator/task-failures,
/// e.g. {"operation": "SwitchSsl", "message": "disk full"}: the next task it starts fails.
/// Admin: GET /_emulator/state, /_emulator/services, /_emulator/faults,
/// /_emulator/task-failures, /_emulator/health; DELETE /_emulator/faults,
/// /_emulator/task-failures.
#[derive(Parser, Debug)]
#[command(name = "cloud-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CLOUD_EMULATOR_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,

    /// Tencent SecretId to accept.
    #[arg(long, env = "CLOUD_EMULATOR_TENCENT_SECRET_ID", default_value = DEMO_TENCENT_SECRET_ID)]
    tencent_secret_id: String,

    /// Tencent SecretKey of --tencent-secret-id.
    #[arg(long, env = "CLOUD_EMULATOR_TENCENT_SECRET_KEY", hide_env_values = true, default_value = DEMO_TENCENT_SECRET_KEY)]
    tencent_secret_key: String,

    /// Makes --tencent-secret-id temporary credentials: requests must send this X-TC-Token.
    #[arg(long, env = "CLOUD_EMULATOR_TENCENT_TOKEN", hide_env_values = true)]
    tencent_token: Option<String>,

    /// Huawei access key (AK) to accept.
    #[arg(long, env = "CLOUD_EMULATOR_HUAWEI_AK", default_value = DEMO_HUAWEI_AK)]
    huawei_ak: String,

    /// Huawei secret key (SK) of --huawei-ak.
    #[arg(long, env = "CLOUD_EMULATOR_HUAWEI_SK", hide_env_values = true, default_value = DEMO_HUAWEI_SK)]
    huawei_sk: String,

    /// Makes --huawei-ak temporary credentials: requests must send this X-Security-Token.
    #[arg(
        long,
        env = "CLOUD_EMULATOR_HUAWEI_SECURITY_TOKEN",
        hide_env_values = true
    )]
    huawei_security_token: Option<String>,

    /// Also accept the built-in temporary demo credentials (Tencent AKIDEMULATORTEMP... with
    /// X-TC-Token emulator-session-token; Huawei EMULATORTEMPAK000000 with X-Security-Token
    /// emulator-security-token).
    #[arg(long, env = "CLOUD_EMULATOR_DEMO_TEMPORARY", default_value_t = true, action = clap::ArgAction::Set)]
    demo_temporary_credentials: bool,

    /// IAM user name accepted by POST /v3/auth/tokens.
    #[arg(long, env = "CLOUD_EMULATOR_IAM_USER", default_value = DEMO_IAM_USER)]
    iam_user: String,

    /// Password of --iam-user.
    #[arg(long, env = "CLOUD_EMULATOR_IAM_PASSWORD", hide_env_values = true, default_value = DEMO_IAM_PASSWORD)]
    iam_password: String,

    /// Account (domain) name of --iam-user.
    #[arg(long, env = "CLOUD_EMULATOR_IAM_DOMAIN", default_value = DEMO_IAM_DOMAIN)]
    iam_domain: String,

    /// Huawei project id of --region (the `{project_id}` in paths).
    #[arg(long, env = "CLOUD_EMULATOR_PROJECT_ID", default_value = DEFAULT_HUAWEI_PROJECT_ID)]
    project_id: String,

    /// Huawei region: the name of the default project (GET /v3/projects?name=<region>).
    #[arg(long, env = "CLOUD_EMULATOR_REGION", default_value = DEFAULT_HUAWEI_REGION)]
    region: String,

    /// JSON seed file with instances and projects (see the README).
    #[arg(long, env = "CLOUD_EMULATOR_STATE")]
    state: Option<PathBuf>,

    /// Milliseconds an async change takes: a creation, an SSL switch, an isolation or a
    /// deletion shows, and a task finishes, after this long.
    #[arg(long, env = "CLOUD_EMULATOR_ASYNC_DELAY_MS", default_value_t = 1000)]
    async_delay_ms: u64,

    /// Seconds the temporary credentials the emulator issues live (CVM role, STS, ECS
    /// metadata, IAM federation); a few seconds makes client refresh testable quickly.
    #[arg(long, env = "CLOUD_EMULATOR_CREDENTIAL_TTL_SECONDS", default_value_t = 7200,
          value_parser = clap::value_parser!(u64).range(1..=43200))]
    credential_ttl_seconds: u64,

    /// Run the emulator's clock this many seconds ahead of the system clock (negative: behind):
    /// signature skew checks, Date headers and IAM token times use the shifted time, so
    /// clients' clock correction can be tested. At most 100 years either way.
    #[arg(
        long,
        env = "CLOUD_EMULATOR_CLOCK_OFFSET_SECS",
        default_value_t = 0,
        allow_negative_numbers = true,
        value_name = "SECONDS"
    )]
    clock_offset_secs: i64,

    /// Do not enforce the specs' per-operation rate limits.
    #[arg(long, env = "CLOUD_EMULATOR_NO_RATE_LIMIT")]
    no_rate_limit: bool,

    /// Directory of normalized spec JSON files (one Service per *.json) to serve in addition to
    /// the bundled specs; a file replaces a bundled service with the same vendor, service and version.
    #[arg(long, env = "CLOUD_EMULATOR_SPEC_DIR")]
    spec_dir: Option<PathBuf>,

    /// Log level on stderr: off, error, warn, info, debug or trace.
    #[arg(long, env = "CLOUD_EMULATOR_LOG", default_value = "info")]
    log_level: tracing_subscriber::filter::LevelFilter,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(args.log_level)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cloud-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cloud-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let tencent_key = match &args.tencent_token {
        Some(token) => {
            AccessKey::temporary(&args.tencent_secret_id, &args.tencent_secret_key, token)
        }
        None => AccessKey::new(&args.tencent_secret_id, &args.tencent_secret_key),
    };
    let huawei_key = match &args.huawei_security_token {
        Some(token) => AccessKey::temporary(&args.huawei_ak, &args.huawei_sk, token),
        None => AccessKey::new(&args.huawei_ak, &args.huawei_sk),
    };
    let mut tencent_keys = vec![tencent_key];
    let mut huawei_keys = vec![huawei_key];
    if args.demo_temporary_credentials {
        tencent_keys.push(AccessKey::temporary(
            DEMO_TENCENT_TEMP_SECRET_ID,
            DEMO_TENCENT_TEMP_SECRET_KEY,
            DEMO_TENCENT_TOKEN,
        ));
        huawei_keys.push(AccessKey::temporary(
            DEMO_HUAWEI_TEMP_AK,
            DEMO_HUAWEI_TEMP_SK,
            DEMO_HUAWEI_SECURITY_TOKEN,
        ));
    }

    let mut builder = Emulator::builder()
        .listen(args.listen)
        .tencent_keys(tencent_keys)
        .huawei_keys(huawei_keys)
        .iam_users(vec![IamUser::new(
            &args.iam_user,
            &args.iam_password,
            &args.iam_domain,
        )])
        .default_project(Project::new(&args.project_id, &args.region))
        .async_delay(Duration::from_millis(args.async_delay_ms))
        .credential_ttl(Duration::from_secs(args.credential_ttl_seconds))
        .clock_offset(args.clock_offset_secs)
        .rate_limits(!args.no_rate_limit);
    if let Some(path) = &args.state {
        builder = builder.seed(Seed::from_file(path).map_err(|e| e.to_string())?);
    }
    if let Some(dir) = &args.spec_dir {
        for service in load_spec_dir(dir)? {
            builder = builder.add_service(service);
        }
    }
    let emulator = builder.start().await.map_err(|e| e.to_string())?;

    // The contract with parent processes: this exact line, first, flushed.
    let (listening, warning) = listening_report(emulator.bound_addr());
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{listening}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    tracing::info!(
        services = %emulator.services().join(", "),
        project_id = emulator.project_id(),
        region = emulator.huawei_region(),
        clock_offset_secs = emulator.clock_offset(),
        "serving"
    );

    wait_for_signal().await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    Ok(())
}

/// The first stdout line (the address the listener really has: `0.0.0.0` means every interface,
/// not only loopback) and, for a listener reachable from other machines, the warning for stderr.
fn listening_report(addr: std::net::SocketAddr) -> (String, Option<String>) {
    let line = format!("listening on http://{addr}");
    let warning = (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: the emulator listens on {}, not only on loopback: anyone who can reach this \
             machine can call it and its admin endpoints, and its demo credentials are public",
            addr.ip()
        )
    });
    (line, warning)
}

fn load_spec_dir(dir: &Path) -> Result<Vec<Service>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read --spec-dir {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a spec: {e}", path.display()))
        })
        .collect()
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::listening_report;

    // No socket is bound here: tests never listen beyond loopback.
    #[test]
    fn every_interface_is_reported_as_such_with_a_warning() {
        let (line, warning) = listening_report("0.0.0.0:4000".parse().unwrap());
        assert_eq!(line, "listening on http://0.0.0.0:4000");
        let warning = warning.expect("a warning for a non-loopback listener");
        assert!(warning.contains("not only on loopback"), "{warning}");
    }

    #[test]
    fn loopback_is_reported_without_a_warning() {
        for addr in ["127.0.0.1:4000", "[::1]:4000"] {
            let (line, warning) = listening_report(addr.parse().unwrap());
            assert_eq!(line, format!("listening on http://{addr}"));
            assert_eq!(warning, None, "{addr}");
        }
    }
}
