//! `cargo xtask conformance [--update] [--budget-secs N]`: checks cloudcall against the vendors'
//! official Python SDKs (issue 5). What it proves:
//!
//! - (a) **our signers produce exactly what the official signers produce** (signing vectors);
//! - (b) **the official clients work against our emulator** (every operation, decoded values,
//!   signature errors, not-found codes, enable-then-describe);
//! - (c) **our clients' requests verify under the official signing code** (the Rust crates and
//!   the `cloudcall` CLI, every operation).
//!
//! Steps, each counted (`PASS`/`FAIL`/`SKIP` lines, a summary per check and service with the
//! skip reasons counted; the run ends with `N passed, M failed` and fails if M > 0):
//!
//! 1. `tests/conformance/setup-venv.sh` creates or reuses `.venv-conformance` with the pinned
//!    SDKs. If PyPI cannot be reached, that fails, and so does every check that needs the venv:
//!    nothing passes by being skipped.
//! 2. `signing vectors are current`, one outcome per vector file: `tests/conformance/gen_vectors.py`
//!    recomputes the vectors with the official signers into a temporary directory; they must
//!    equal the committed `crates/cloud-transport/tests/vectors/*.json` byte for byte (so a new
//!    SDK version that signs differently is caught). `--update` rewrites the committed files.
//! 3. `our signers match the vectors`: the test `crates/cloud-transport/tests/vectors.rs`.
//! 4. (b) [`official_clients`]: one `cloud-emulator` and one `official_clients.py` process for
//!    every operation of every service, one outcome per driver case plus one per service for
//!    coverage of the specs.
//! 5. (c) [`official_verifier`]: `official_verifier.py`, calibrated with the official clients,
//!    then `cloudcall` (every operation in-process, the binary per class of input) and the test
//!    `tests/tests/conformance_official_verifier.rs` (every operation), one outcome per call /
//!    verified operation.
//!
//! Every executable (emulator, CLI, both tests) comes from one `cargo build` at the first step
//! that needs one ([`Context::binaries`]).
//!
//! What is called with which input, and what each answer must be, is the run's [`plan`]: built
//! from the spec bundle with [`cloud_emulator::sample_input`] (documented examples, else inputs
//! synthesized by [`cloud_spec::sample::sample_input`]) and written as JSON for the drivers, so
//! no driver synthesizes inputs.
//!
//! Time: the whole run has a budget (`--budget-secs`, default [`DEFAULT_BUDGET`]); every step's
//! timeout is cut to what is left of it, and a step that cannot start in time fails.
//!
//! Adding a check: write a `fn(&Context) -> Result<(), String>` ([`Run::One`]) or a
//! `fn(&Context) -> Vec<Outcome>` ([`Run::Many`], one counted outcome per case) and list it in
//! [`checks`]. The function gets the repo root, the venv's Python, a scratch directory, the
//! plan ([`Context::plan`]) and the binaries ([`Context::binaries`], built once), and must bound
//! every wait by [`Context::timeout`] ([`run_with_timeout`], [`process`]).

mod cli;
mod keys;
mod official_clients;
mod official_verifier;
mod plan;
mod process;
mod summary;

use std::cell::OnceCell;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Everything a check may use.
pub struct Context {
    /// The repository root.
    pub repo: PathBuf,
    /// The conformance venv's Python interpreter.
    pub python: PathBuf,
    /// A scratch directory, removed after the run.
    pub scratch: PathBuf,
    /// `--update` was given: checks that compare against committed files rewrite them instead.
    pub update: bool,
    /// When the run's time budget is used up.
    pub deadline: Instant,
    /// The budget, for messages.
    pub budget: Duration,
    /// The executables, built by the first check that needs them.
    binaries: OnceCell<Result<Binaries, String>>,
    /// The plan, built by the first check that needs it.
    plan: OnceCell<Result<plan::Plan, String>>,
}

impl Context {
    /// The executables the checks run, built from this checkout once per run by one `cargo
    /// build` ([`BUILD_ARGS`]), so a run always tests the current sources and pays for one cargo
    /// invocation, with one feature resolution, instead of one per step.
    pub fn binaries(&self) -> Result<&Binaries, String> {
        self.binaries
            .get_or_init(|| {
                let timeout = self.timeout(CARGO_TIMEOUT)?;
                build_binaries(&self.repo, timeout)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// What to call and what to expect, from the spec bundle (built once).
    pub fn plan(&self) -> Result<&plan::Plan, String> {
        self.plan
            .get_or_init(|| plan::Plan::new(cloud_spec::bundle::services()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The timeout for a step that may take up to `step_max`: that, or what is left of the
    /// run's budget if less. Fails when the budget is used up.
    pub fn timeout(&self, step_max: Duration) -> Result<Duration, String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_secs(1) {
            return Err(format!(
                "not run: the conformance budget of {} s (--budget-secs) is used up",
                self.budget.as_secs()
            ));
        }
        Ok(left.min(step_max))
    }
}

/// Paths of the executables the checks run.
pub struct Binaries {
    /// `cloud-emulator`.
    pub emulator: PathBuf,
    /// `cloudcall`.
    pub cloudcall: PathBuf,
    /// `crates/cloud-transport/tests/vectors.rs`, built as a test.
    pub vectors_test: PathBuf,
    /// `tests/tests/conformance_official_verifier.rs`, built as a test.
    pub verifier_test: PathBuf,
}

/// `cargo build` arguments for every executable in [`Binaries`].
const BUILD_ARGS: &[&str] = &[
    "build",
    "-p",
    "cloud-emulator",
    "-p",
    "cloudcall",
    "-p",
    "cloud-transport",
    "-p",
    "cloudcall-tests",
    "--bins",
    "--test",
    "vectors",
    "--test",
    "conformance_official_verifier",
    "--features",
    "cloud-transport/tencent,cloud-transport/huawei",
    "--message-format=json-render-diagnostics",
];

/// How a counted case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It held.
    Pass,
    /// It did not; why.
    Fail(String),
    /// It was not run; why (`<category>: <detail>`; the summary counts categories).
    Skip(String),
}

/// One counted result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The service (`tencent-cdb`) it is about, if any: the summary groups by it.
    pub service: Option<String>,
    /// What it proves, printed with its result.
    pub name: String,
    /// How it ended.
    pub verdict: Verdict,
}

impl Outcome {
    /// An outcome with a result.
    pub fn new(name: impl Into<String>, result: Result<(), String>) -> Outcome {
        Outcome {
            service: None,
            name: name.into(),
            verdict: match result {
                Ok(()) => Verdict::Pass,
                Err(why) => Verdict::Fail(why),
            },
        }
    }

    /// A failed outcome.
    pub fn fail(name: impl Into<String>, why: impl Into<String>) -> Outcome {
        Outcome::new(name, Err(why.into()))
    }

    /// A skipped case: `reason` is `<category>: <detail>`.
    pub fn skip(name: impl Into<String>, reason: impl Into<String>) -> Outcome {
        Outcome {
            service: None,
            name: name.into(),
            verdict: Verdict::Skip(reason.into()),
        }
    }

    /// The same outcome, about `service`.
    pub fn about(mut self, service: impl Into<String>) -> Outcome {
        self.service = Some(service.into());
        self
    }
}

impl fmt::Display for Outcome {
    /// `PASS <name>`, `FAIL <name>: <why>` or `SKIP <name>: <reason>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.verdict {
            Verdict::Pass => write!(f, "PASS {}", self.name),
            Verdict::Fail(why) => write!(f, "FAIL {}: {why}", self.name),
            Verdict::Skip(reason) => write!(f, "SKIP {}: {reason}", self.name),
        }
    }
}

/// How a check runs.
pub enum Run {
    /// One outcome, named after the check.
    One(fn(&Context) -> Result<(), String>),
    /// Any number of named outcomes (e.g. one per driver case), each counted.
    Many(fn(&Context) -> Vec<Outcome>),
}

/// One named check.
pub struct Check {
    /// What the check proves (for [`Run::Many`]: its name if it cannot run at all).
    pub name: &'static str,
    /// Whether it needs the conformance venv (if the venv cannot be set up, it fails).
    pub needs_venv: bool,
    /// The check itself.
    pub run: Run,
}

/// The checks, in order.
pub fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "signing vectors are current (official SDKs recompute the committed files)",
            needs_venv: true,
            run: Run::Many(check_vectors_current),
        },
        Check {
            name:
                "our signers match every official vector (crates/cloud-transport/tests/vectors.rs)",
            needs_venv: false,
            run: Run::One(check_rust_vectors),
        },
        Check {
            name: "official clients -> emulator (tests/conformance/official_clients.py)",
            needs_venv: true,
            run: Run::Many(official_clients::check),
        },
        Check {
            name: "our clients -> official verifier (tests/conformance/official_verifier.py)",
            needs_venv: true,
            run: Run::Many(official_verifier::check),
        },
    ]
}

/// Writes the plan ([`Context::plan`]) as JSON into the scratch directory, for the drivers.
pub fn write_plan(ctx: &Context) -> Result<PathBuf, String> {
    let path = ctx.scratch.join("plan.json");
    fs::write(&path, ctx.plan()?.to_json().to_string())
        .map_err(|e| format!("cannot write the plan to {}: {e}", path.display()))?;
    Ok(path)
}

/// Builds the executables with `cargo build` in the repository and takes their paths from
/// cargo's own artifact messages (so `CARGO_TARGET_DIR` and every other cargo setting are
/// honoured).
fn build_binaries(repo: &Path, timeout: Duration) -> Result<Binaries, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(BUILD_ARGS).current_dir(repo);
    crate::cargo_env::remove_package_variables(&mut cmd);
    let started = Instant::now();
    let built = process::run_stdout_captured(&mut cmd, timeout)?;
    if built.timed_out {
        return Err(format!(
            "cargo build did not finish within {} s and was killed",
            timeout.as_secs()
        ));
    }
    if !built.status.success() {
        return Err(format!(
            "`cargo {}` exited with {} (see the errors above)",
            BUILD_ARGS.join(" "),
            describe(built.status)
        ));
    }
    println!(
        "(cargo build of the emulator, the CLI and the test executables took {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let executable = |name: &str, kind: &str| {
        built
            .stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == name)
            .filter(|msg| msg["target"]["kind"][0] == kind)
            .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
            .ok_or_else(|| format!("cargo build reported no `{name}` {kind} executable"))
    };
    Ok(Binaries {
        emulator: executable("cloud-emulator", "bin")?,
        cloudcall: executable("cloudcall", "bin")?,
        vectors_test: executable("vectors", "test")?,
        verifier_test: executable("conformance_official_verifier", "test")?,
    })
}

/// The default `--budget-secs`: the whole run, venv setup included, on a 2-core CI machine
/// whose pip cache and cargo target dir are warm.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(5 * 60);
const SETUP_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const GENERATE_TIMEOUT: Duration = Duration::from_secs(3 * 60);
/// A cargo build of this workspace's executables (a cold one takes minutes on 2 cores).
const CARGO_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// A built test executable's run.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(5 * 60);
const VECTOR_FILES: &[&str] = &["tencent.json", "huawei.json"];
const VECTOR_DIR: &str = "crates/cloud-transport/tests/vectors";

const USAGE: &str = "usage: cargo xtask conformance [--update] [--budget-secs N]
       cargo xtask conformance --write-plan FILE

Checks cloudcall against the vendors' official Python SDKs (pinned in
tests/conformance/requirements.txt, installed into .venv-conformance).

  --update          rewrite the committed signing vectors instead of failing when they differ
  --budget-secs N   time for the whole run (default 300); steps get what is left, a step that
                    cannot finish in time fails. Raise it for a first run on a cold cargo
                    target dir (builds of the emulator, the CLI and the test crate).
  --write-plan FILE write the run's plan (what each operation is called with, what it must
                    answer) as JSON and exit, to run a driver by hand";

/// The parsed arguments.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    update: bool,
    budget: Duration,
    write_plan: Option<PathBuf>,
}

/// `None` for `--help`.
fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        update: false,
        budget: DEFAULT_BUDGET,
        write_plan: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        match flag {
            "--update" if inline.is_none() => parsed.update = true,
            "--budget-secs" => {
                let value = inline.or_else(|| args.next().cloned()).ok_or_else(|| {
                    format!("conformance: --budget-secs needs a value\n\n{USAGE}")
                })?;
                let secs: u64 = value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    format!("conformance: --budget-secs takes a positive number of seconds, not `{value}`")
                })?;
                parsed.budget = Duration::from_secs(secs);
            }
            "--write-plan" => {
                let value = inline
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("conformance: --write-plan needs a file\n\n{USAGE}"))?;
                parsed.write_plan = Some(PathBuf::from(value));
            }
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("conformance: unknown argument `{arg}`\n\n{USAGE}")),
        }
    }
    Ok(Some(parsed))
}

/// Entry point: `args` are the arguments after `conformance`.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(Args {
        update,
        budget,
        write_plan,
    }) = parse_args(args)?
    else {
        println!("{USAGE}");
        return Ok(());
    };
    if let Some(path) = write_plan {
        let plan = plan::Plan::new(cloud_spec::bundle::services())?;
        return fs::write(&path, plan.to_json().to_string())
            .map_err(|e| format!("conformance: cannot write {}: {e}", path.display()));
    }
    let started = Instant::now();
    let repo = repo_root();
    let scratch =
        std::env::temp_dir().join(format!("cloudcall-conformance-{}", std::process::id()));
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("conformance: cannot create {}: {e}", scratch.display()))?;
    let ctx = Context {
        python: venv_python(&repo),
        repo,
        scratch,
        update,
        deadline: started + budget,
        budget,
        binaries: OnceCell::new(),
        plan: OnceCell::new(),
    };
    let summary = run_checks(&ctx);
    let _ = fs::remove_dir_all(&ctx.scratch);
    print!("{summary}");
    println!(
        "conformance finished in {:.0} s (budget {} s)",
        started.elapsed().as_secs_f64(),
        budget.as_secs()
    );
    let (passed, failed) = (summary.passed(), summary.failed());
    // The summary is the last line either way: on failure it is the error `main` prints (on
    // stderr, after everything else), so it is not printed twice.
    let summary = format!("{passed} passed, {failed} failed");
    if failed == 0 {
        println!("{summary}");
        Ok(())
    } else {
        Err(summary)
    }
}

fn run_checks(ctx: &Context) -> summary::Summary {
    let mut summary = summary::Summary::default();
    let venv_started = Instant::now();
    let venv = setup_venv(ctx);
    summary.record(Outcome::new(
        "conformance venv is set up (tests/conformance/setup-venv.sh)",
        venv.clone(),
    ));
    println!(
        "(conformance venv took {:.1} s)",
        venv_started.elapsed().as_secs_f64()
    );
    for check in checks() {
        let check_started = Instant::now();
        let outcomes = match (&venv, check.needs_venv, ctx.timeout(Duration::MAX)) {
            (_, _, Err(why)) => vec![Outcome::fail(check.name, why)],
            (Err(_), true, _) => vec![Outcome::fail(
                check.name,
                "needs the conformance venv, which could not be set up",
            )],
            _ => match check.run {
                Run::One(run) => vec![Outcome::new(check.name, run(ctx))],
                Run::Many(run) => run(ctx),
            },
        };
        let outcomes = if outcomes.is_empty() {
            vec![Outcome::fail(check.name, "produced no outcome")]
        } else {
            outcomes
        };
        for outcome in outcomes {
            summary.record(outcome);
        }
        println!(
            "({} took {:.1} s)",
            check.name,
            check_started.elapsed().as_secs_f64()
        );
    }
    summary
}

/// The repository root: xtask lives in `<repo>/xtask`.
/// `cargo run` (the `cargo xtask` alias) sets `CARGO_MANIFEST_DIR` for the process too; it wins
/// over the compile-time value, so a copied checkout with a copied target dir checks itself.
pub fn repo_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().unwrap_or(&manifest).to_path_buf()
}

/// The conformance venv's Python (`$CONFORMANCE_VENV` overrides the location, as in the script).
pub fn venv_python(repo: &Path) -> PathBuf {
    let venv = std::env::var_os("CONFORMANCE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join(".venv-conformance"));
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn setup_venv(ctx: &Context) -> Result<(), String> {
    let script = ctx.repo.join("tests/conformance/setup-venv.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script).current_dir(&ctx.repo);
    let status = run_with_timeout(&mut cmd, ctx.timeout(SETUP_TIMEOUT)?)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} exited with {} (see its message above)",
            script.display(),
            describe(status)
        ))
    }
}

/// One outcome per vector file: the official SDKs recompute it byte for byte.
fn check_vectors_current(ctx: &Context) -> Vec<Outcome> {
    let name = |file: &str| {
        format!(
            "signing vectors are current: {VECTOR_DIR}/{file} is what the official SDKs compute"
        )
    };
    let committed = ctx.repo.join(VECTOR_DIR);
    let out_dir = if ctx.update {
        committed.clone()
    } else {
        ctx.scratch.join("vectors")
    };
    let mut cmd = Command::new(&ctx.python);
    cmd.arg(ctx.repo.join("tests/conformance/gen_vectors.py"))
        .arg("--out-dir")
        .arg(&out_dir)
        .current_dir(&ctx.repo);
    let generated = match ctx
        .timeout(GENERATE_TIMEOUT)
        .and_then(|timeout| run_with_timeout(&mut cmd, timeout))
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("gen_vectors.py exited with {}", describe(status))),
        Err(e) => Err(e),
    };
    if let Err(why) = generated {
        return VECTOR_FILES
            .iter()
            .map(|file| Outcome::fail(name(file), why.clone()))
            .collect();
    }
    if ctx.update {
        println!("updated {VECTOR_DIR}/{{{}}}", VECTOR_FILES.join(","));
    }
    VECTOR_FILES
        .iter()
        .map(|file| {
            let result = match (fs::read(out_dir.join(file)), fs::read(committed.join(file))) {
                (Err(e), _) => Err(format!("gen_vectors.py did not write {file}: {e}")),
                (_, Err(e)) => Err(format!("{VECTOR_DIR}/{file} cannot be read: {e}")),
                (Ok(fresh), Ok(old)) if old == fresh => Ok(()),
                (Ok(fresh), Ok(old)) => Err(format!(
                    "{VECTOR_DIR}/{file} differs from what the official SDKs compute now ({}); \
                     if the change is intended, run `cargo xtask conformance --update` and review \
                     the diff",
                    first_difference(&old, &fresh)
                )),
            };
            Outcome::new(name(file), result)
        })
        .collect()
}

fn check_rust_vectors(ctx: &Context) -> Result<(), String> {
    let mut cmd = Command::new(&ctx.binaries()?.vectors_test);
    // Where `cargo test` would run it.
    cmd.current_dir(ctx.repo.join("crates/cloud-transport"));
    let status = run_with_timeout(&mut cmd, ctx.timeout(TEST_TIMEOUT)?)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the vectors test exited with {} (failing vectors are named above)",
            describe(status)
        ))
    }
}

/// Line number and both versions of the first line where `old` and `new` differ.
fn first_difference(old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let (mut a, mut b) = (old.lines(), new.lines());
    let mut line = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return "only line endings differ".to_owned(),
            (x, y) => {
                let show = |s: Option<&str>| match s {
                    Some(s) if s.chars().count() > 160 => {
                        format!("{:?}...", s.chars().take(160).collect::<String>())
                    }
                    Some(s) => format!("{s:?}"),
                    None => "end of file".to_owned(),
                };
                return format!(
                    "first difference at line {line}: committed {} vs now {}",
                    show(x),
                    show(y)
                );
            }
        }
    }
}

/// Runs a command with inherited output, killing it after `timeout`.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<ExitStatus, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{program}` did not finish within {} s and was killed",
                    timeout.as_secs()
                ));
            }
            Ok(None) => thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("waiting for `{program}` failed: {e}")),
        }
    }
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("status {code}"),
        None => "a signal".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(
            first_difference(b"a\nb\nc\n", b"a\nx\nc\n"),
            "first difference at line 2: committed \"b\" vs now \"x\""
        );
        assert!(first_difference(b"a\n", b"a\nb\n").contains("committed end of file"));
    }

    #[test]
    fn unknown_arguments_are_refused() {
        let err = run(&["--bogus".to_owned()]).unwrap_err();
        assert!(err.contains("unknown argument `--bogus`"), "{err}");
    }

    #[test]
    fn the_budget_is_parsed() {
        let args = |a: &[&str]| parse_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            args(&[]).unwrap(),
            Some(Args {
                update: false,
                budget: DEFAULT_BUDGET,
                write_plan: None,
            })
        );
        let expected = Some(Args {
            update: true,
            budget: Duration::from_secs(90),
            write_plan: None,
        });
        assert_eq!(
            args(&["--budget-secs", "90", "--update"]).unwrap(),
            expected
        );
        assert_eq!(args(&["--update", "--budget-secs=90"]).unwrap(), expected);
        assert_eq!(args(&["--help"]).unwrap(), None);
        for bad in [
            &["--budget-secs"][..],
            &["--budget-secs", "0"],
            &["--budget-secs", "x"],
        ] {
            assert!(args(bad).is_err(), "{bad:?}");
        }
    }
}
