//! `cargo xtask conformance [--update]`: checks cloudcall against the vendors' official Python
//! SDKs (issue 5). What it proves:
//!
//! - (a) **our signers produce exactly what the official signers produce** (signing vectors);
//! - (b) **the official clients work against our emulator** (every operation, decoded values,
//!   signature errors, not-found codes, enable-then-describe);
//! - (c) **our clients' requests verify under the official signing code** (the `cloudcall` CLI
//!   and the generated crates, every operation).
//!
//! Steps, each counted (`PASS`/`FAIL` lines; the run ends with `N passed, M failed`):
//!
//! 1. `tests/conformance/setup-venv.sh` creates or reuses `.venv-conformance` with the pinned
//!    SDKs. If PyPI cannot be reached, that fails, and so does every check that needs the venv:
//!    nothing passes by being skipped.
//! 2. `signing vectors are current`, one outcome per vector file: `tests/conformance/gen_vectors.py`
//!    recomputes the vectors with the official signers into a temporary directory; they must
//!    equal the committed `crates/cloud-transport/tests/vectors/*.json` byte for byte (so a new
//!    SDK version that signs differently is caught). `--update` rewrites the committed files.
//! 3. `our signers match the vectors`: `cargo test -p cloud-transport --test vectors`.
//! 4. (b) [`official_clients`]: the `cloud-emulator` binary and `official_clients.py`, one
//!    outcome per driver case plus one for coverage of `specs/`.
//! 5. (c) [`official_verifier`]: `official_verifier.py`, calibrated with the official clients,
//!    then the `cloudcall` binary and `cargo test -p cloudcall-tests --test
//!    conformance_official_verifier -- --ignored`, one outcome per call / verified operation.
//!
//! Adding a check: write a `fn(&Context) -> Result<(), String>` ([`Run::One`]) or a
//! `fn(&Context) -> Vec<Outcome>` ([`Run::Many`], one counted outcome per case) and list it in
//! [`checks`]. The function gets the repo root, the venv's Python, a scratch directory and the
//! binaries ([`Context::binaries`], built once), and must bound every wait
//! ([`run_with_timeout`], [`process`]).

mod keys;
mod official_clients;
mod official_verifier;
mod process;

use std::cell::OnceCell;
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
    /// The binaries, built by the first check that needs them.
    binaries: OnceCell<Result<Binaries, String>>,
}

impl Context {
    /// The `cloud-emulator` and `cloudcall` binaries of this checkout, built (once) with
    /// `cargo build -p cloud-emulator -p cloudcall`, so a run always tests the current sources.
    pub fn binaries(&self) -> Result<&Binaries, String> {
        self.binaries
            .get_or_init(|| build_binaries(&self.repo))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Paths of the binaries the checks spawn.
pub struct Binaries {
    /// `cloud-emulator`.
    pub emulator: PathBuf,
    /// `cloudcall`.
    pub cloudcall: PathBuf,
}

/// One counted result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What it proves, printed with its result.
    pub name: String,
    /// `Err` says why it failed.
    pub result: Result<(), String>,
}

impl Outcome {
    /// An outcome with a result.
    pub fn new(name: impl Into<String>, result: Result<(), String>) -> Outcome {
        Outcome {
            name: name.into(),
            result,
        }
    }

    /// A failed outcome.
    pub fn fail(name: impl Into<String>, why: impl Into<String>) -> Outcome {
        Outcome::new(name, Err(why.into()))
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
            name: "our signers match every official vector (cargo test -p cloud-transport --test vectors)",
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

/// An operation of a spec in `specs/`, as the checks call it.
pub struct SpecOperation {
    /// `tencent-mongodb`: the crate, and the CLI's service name.
    pub crate_name: String,
    /// The vendor.
    pub vendor: cloud_spec::Vendor,
    /// `DescribeInstanceSSL`.
    pub name: String,
    /// The operation.
    pub op: cloud_spec::Operation,
}

/// Every operation of every spec in `specs/`, loaded and validated by the generator's loader.
pub fn spec_operations(repo: &Path) -> Result<Vec<SpecOperation>, String> {
    let specs = codegen::generate::load_specs(repo)
        .map_err(|e| format!("the specs in specs/ do not load: {e}"))?;
    let mut operations = Vec::new();
    for spec in specs {
        let service = spec.service;
        let vendor = match service.vendor {
            cloud_spec::Vendor::Tencent => "tencent",
            cloud_spec::Vendor::Huawei => "huawei",
        };
        for (name, op) in service.operations {
            operations.push(SpecOperation {
                crate_name: format!("{vendor}-{}", service.name),
                vendor: service.vendor,
                name,
                op,
            });
        }
    }
    if operations.is_empty() {
        return Err("specs/ has no operations".to_owned());
    }
    Ok(operations)
}

/// Builds the binaries with `cargo build` in the repository and takes their paths from cargo's
/// own artifact messages (so `CARGO_TARGET_DIR` and every other cargo setting are honoured).
fn build_binaries(repo: &Path) -> Result<Binaries, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "-p",
        "cloud-emulator",
        "-p",
        "cloudcall",
        "--message-format=json-render-diagnostics",
    ])
    .current_dir(repo);
    let built = process::run_stdout_captured(&mut cmd, CARGO_TEST_TIMEOUT)?;
    if !built.status.success() {
        return Err(format!(
            "cargo build -p cloud-emulator -p cloudcall exited with {} (see the errors above)",
            describe(built.status)
        ));
    }
    let executable = |name: &str| {
        built
            .stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == name)
            .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
            .ok_or_else(|| format!("cargo build reported no `{name}` executable"))
    };
    Ok(Binaries {
        emulator: executable("cloud-emulator")?,
        cloudcall: executable("cloudcall")?,
    })
}

const SETUP_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const GENERATE_TIMEOUT: Duration = Duration::from_secs(3 * 60);
const CARGO_TEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const VECTOR_FILES: &[&str] = &["tencent.json", "huawei.json"];
const VECTOR_DIR: &str = "crates/cloud-transport/tests/vectors";

const USAGE: &str = "usage: cargo xtask conformance [--update]

Checks cloudcall against the vendors' official Python SDKs (pinned in
tests/conformance/requirements.txt, installed into .venv-conformance).

  --update   rewrite the committed signing vectors instead of failing when they differ";

/// Entry point: `args` are the arguments after `conformance`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut update = false;
    for arg in args {
        match arg.as_str() {
            "--update" => update = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => {
                return Err(format!(
                    "conformance: unknown argument `{other}`\n\n{USAGE}"
                ))
            }
        }
    }
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
        binaries: OnceCell::new(),
    };
    let started = Instant::now();
    let (passed, failed) = run_checks(&ctx);
    let _ = fs::remove_dir_all(&ctx.scratch);
    println!(
        "conformance finished in {:.0} s",
        started.elapsed().as_secs_f64()
    );
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

fn run_checks(ctx: &Context) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    let venv = setup_venv(ctx);
    match &venv {
        Ok(()) => {
            println!("PASS conformance venv is set up (tests/conformance/setup-venv.sh)");
            passed += 1;
        }
        Err(e) => {
            println!("FAIL conformance venv is set up (tests/conformance/setup-venv.sh): {e}");
            failed += 1;
        }
    }
    for check in checks() {
        let check_started = Instant::now();
        let outcomes = match (&venv, check.needs_venv) {
            (Err(_), true) => vec![Outcome::fail(
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
            match outcome.result {
                Ok(()) => {
                    println!("PASS {}", outcome.name);
                    passed += 1;
                }
                Err(e) => {
                    println!("FAIL {}: {e}", outcome.name);
                    failed += 1;
                }
            }
        }
        println!(
            "({} took {:.1} s)",
            check.name,
            check_started.elapsed().as_secs_f64()
        );
    }
    (passed, failed)
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
    let status = run_with_timeout(&mut cmd, SETUP_TIMEOUT)?;
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
    let generated = match run_with_timeout(&mut cmd, GENERATE_TIMEOUT) {
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
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "test",
        "-p",
        "cloud-transport",
        "--features",
        "tencent,huawei",
        "--test",
        "vectors",
    ])
    .current_dir(&ctx.repo);
    let status = run_with_timeout(&mut cmd, CARGO_TEST_TIMEOUT)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo test exited with {} (failing vectors are named above)",
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
}
