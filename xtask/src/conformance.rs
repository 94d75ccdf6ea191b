//! `cargo xtask conformance [--update]`: checks cloudcall against the vendors' official Python
//! SDKs (issue 5).
//!
//! 1. `tests/conformance/setup-venv.sh` creates or reuses `.venv-conformance` with the pinned
//!    SDKs. If PyPI cannot be reached, that fails, and so does every check that needs the venv:
//!    nothing passes by being skipped.
//! 2. `signing vectors are current`: `tests/conformance/gen_vectors.py` recomputes the vectors with
//!    the official signers into a temporary directory; they must equal the committed
//!    `crates/cloud-transport/tests/vectors/*.json` byte for byte (so a new SDK version that signs
//!    differently is caught). `--update` rewrites the committed files instead.
//! 3. `our signers match the vectors`: `cargo test -p cloud-transport --test vectors`.
//!
//! Adding a check (e.g. "official clients → emulator", "our client → official verifier"): write a
//! `fn(&Context) -> Result<(), String>` and list it in [`checks`]; remove its line from
//! [`PENDING`]. The function gets the repo root, the venv's Python and a scratch directory, and
//! must bound every wait ([`run_with_timeout`]). The run ends with the line `N passed, M failed`.

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
}

/// One named check.
pub struct Check {
    /// What the check proves, printed with its result.
    pub name: &'static str,
    /// Whether it needs the conformance venv (if the venv cannot be set up, it fails).
    pub needs_venv: bool,
    /// The check itself.
    pub run: fn(&Context) -> Result<(), String>,
}

/// The checks, in order.
pub fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "signing vectors are current (official SDKs recompute the committed files)",
            needs_venv: true,
            run: check_vectors_current,
        },
        Check {
            name: "our signers match every official vector (cargo test -p cloud-transport --test vectors)",
            needs_venv: false,
            run: check_rust_vectors,
        },
    ]
}

/// Parts of issue 5 that have no check yet; printed so a run never looks more complete than it is.
pub const PENDING: &[&str] = &[
    "official clients -> emulator (issue 5, part 3)",
    "our client -> official verifier (issue 5, part 4)",
];

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
    };
    let (passed, failed) = run_checks(&ctx);
    let _ = fs::remove_dir_all(&ctx.scratch);
    for pending in PENDING {
        println!("pending (not checked yet): {pending}");
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("conformance: {failed} check(s) failed"))
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
        let outcome = match (&venv, check.needs_venv) {
            (Err(_), true) => {
                Err("needs the conformance venv, which could not be set up".to_owned())
            }
            _ => (check.run)(ctx),
        };
        match outcome {
            Ok(()) => {
                println!("PASS {}", check.name);
                passed += 1;
            }
            Err(e) => {
                println!("FAIL {}: {e}", check.name);
                failed += 1;
            }
        }
    }
    (passed, failed)
}

/// The repository root: xtask lives in `<repo>/xtask`.
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
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

fn check_vectors_current(ctx: &Context) -> Result<(), String> {
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
    let status = run_with_timeout(&mut cmd, GENERATE_TIMEOUT)?;
    if !status.success() {
        return Err(format!("gen_vectors.py exited with {}", describe(status)));
    }
    if ctx.update {
        println!("updated {VECTOR_DIR}/{{{}}}", VECTOR_FILES.join(","));
        return Ok(());
    }
    let mut differing = Vec::new();
    for file in VECTOR_FILES {
        let fresh = fs::read(out_dir.join(file))
            .map_err(|e| format!("gen_vectors.py did not write {file}: {e}"))?;
        let path = committed.join(file);
        match fs::read(&path) {
            Ok(old) if old == fresh => {}
            Ok(old) => differing.push(format!(
                "{VECTOR_DIR}/{file} differs from what the official SDKs compute now ({})",
                first_difference(&old, &fresh)
            )),
            Err(e) => differing.push(format!("{VECTOR_DIR}/{file} cannot be read: {e}")),
        }
    }
    if differing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}; if the change is intended, run `cargo xtask conformance --update` and review the diff",
            differing.join("; ")
        ))
    }
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
