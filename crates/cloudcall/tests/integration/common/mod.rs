//! Shared helpers: an in-process emulator and the `cloudcall` binary run against it, bounded.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cloud_emulator::demo_data::TENCENT_REGION;
use cloud_emulator::{Emulator, RunningEmulator};
use cloud_spec::Service;

/// The longest any one `cloudcall` run may take before the test kills it and fails.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A running emulator with the Tokio runtime that serves it.
pub struct Harness {
    pub emulator: RunningEmulator,
    /// Serves the emulator; dropped with the harness.
    _runtime: tokio::runtime::Runtime,
    home: PathBuf,
}

impl Harness {
    /// An emulator with the bundled specs and the given async delay.
    pub fn start(async_delay: Duration) -> Harness {
        Harness::start_with(Emulator::builder().async_delay(async_delay))
    }

    /// Like [`Harness::start`], with `seed`'s instances as well.
    pub fn start_seeded(async_delay: Duration, seed: cloud_emulator::Seed) -> Harness {
        Harness::start_with(Emulator::builder().async_delay(async_delay).seed(seed))
    }

    /// An emulator started from `builder` (seeded, rate limits, ...).
    pub fn start_with(builder: cloud_emulator::EmulatorBuilder) -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let emulator = runtime
            .block_on(builder.start())
            .expect("the emulator starts");
        // An empty home directory: no profile file of the machine running the tests is read.
        let home = std::env::temp_dir().join(format!(
            "cloudcall-test-home-{}-{}",
            std::process::id(),
            emulator.local_addr().port()
        ));
        std::fs::create_dir_all(&home).expect("temp home");
        Harness {
            emulator,
            _runtime: runtime,
            home,
        }
    }

    /// The private home directory the binary runs with (profile files go here).
    pub fn home(&self) -> &std::path::Path {
        &self.home
    }

    /// `cloudcall --endpoint <emulator> <args>` with the demo credentials in the environment.
    pub fn cloudcall(&self, args: &[&str]) -> Run {
        self.cloudcall_env(args, &demo_env())
    }

    /// Like [`Harness::cloudcall`] with exactly these credential variables.
    pub fn cloudcall_env(&self, args: &[&str], env: &[(&str, String)]) -> Run {
        let mut full = vec!["--endpoint".to_owned(), self.emulator.base_url()];
        full.extend(args.iter().map(|s| s.to_string()));
        run_binary(&full, env, &self.home)
    }
}

impl Harness {
    /// Like [`Harness::cloudcall`], but run in-process through the library entry point with
    /// `services` (what the binary would load for this command line), the demo credentials
    /// given as a fixed environment (no process variables, no profile files).
    pub fn cloudcall_in_process(&self, args: &[&str], services: &[Service]) -> Run {
        self.cloudcall_in_process_env(args, services, demo_env())
    }

    /// Like [`Harness::cloudcall_in_process`] with exactly these variables.
    pub fn cloudcall_in_process_env(
        &self,
        args: &[&str],
        services: &[Service],
        env: Vec<(&'static str, String)>,
    ) -> Run {
        let started = Instant::now();
        let mut argv = vec![
            "cloudcall".to_owned(),
            "--endpoint".to_owned(),
            self.emulator.base_url(),
        ];
        argv.extend(args.iter().map(|s| s.to_string()));
        let environment = cloudcall::Environment::from_vars(env);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = cloudcall::run_with_environment(
            argv,
            services,
            environment,
            &mut cloudcall::Console::capture(&mut out, &mut err),
        );
        Run {
            status,
            stdout: String::from_utf8_lossy(&out).into_owned(),
            stderr: String::from_utf8_lossy(&err).into_owned(),
            elapsed: started.elapsed(),
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// The emulator's demo credentials as the default chain reads them, plus regions.
pub fn demo_env() -> Vec<(&'static str, String)> {
    vec![
        (
            "TENCENTCLOUD_SECRET_ID",
            cloud_emulator::DEMO_TENCENT_SECRET_ID.to_owned(),
        ),
        (
            "TENCENTCLOUD_SECRET_KEY",
            cloud_emulator::DEMO_TENCENT_SECRET_KEY.to_owned(),
        ),
        ("TENCENTCLOUD_REGION", TENCENT_REGION.to_owned()),
        (
            "HUAWEICLOUD_SDK_AK",
            cloud_emulator::DEMO_HUAWEI_AK.to_owned(),
        ),
        (
            "HUAWEICLOUD_SDK_SK",
            cloud_emulator::DEMO_HUAWEI_SK.to_owned(),
        ),
        (
            "HUAWEICLOUD_SDK_REGION",
            cloud_emulator::DEFAULT_HUAWEI_REGION.to_owned(),
        ),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            cloud_emulator::DEFAULT_HUAWEI_PROJECT_ID.to_owned(),
        ),
    ]
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// The stdout parsed as JSON; panics with both streams when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics, showing both streams, unless the exit status is `expected`.
    pub fn expect_status(&self, expected: i32) -> &Run {
        assert_eq!(
            self.status, expected,
            "exit status {} (expected {expected})\nstdout:\n{}\nstderr:\n{}",
            self.status, self.stdout, self.stderr
        );
        self
    }
}

/// Runs the built binary with a clean environment (only `env`, `PATH` and a private `HOME`),
/// killing it if it runs longer than [`RUN_LIMIT`].
pub fn run_binary(args: &[String], env: &[(&str, String)], home: &std::path::Path) -> Run {
    let started = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cloudcall"));
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        // The binary reads the process environment, whose chain would ask the real metadata
        // services: tests never do.
        .env("TENCENTCLOUD_METADATA_ENDPOINT", "off")
        .env("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "off")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn cloudcall");
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for cloudcall") {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("cloudcall {args:?} ran longer than {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        status: status.code().unwrap_or(-1),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    }
}
