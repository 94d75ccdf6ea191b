//! `cargo xtask`: the repository's tasks (alias in `.cargo/config.toml`).
//!
//! - `cargo xtask codegen` regenerates every generated file from `specs/`;
//! - `cargo xtask codegen --check` fails, naming each file, when anything checked in is stale;
//! - `cargo xtask schema [--check]` does the same for `specs/schema.json` alone;
//! - `cargo xtask import tencent|huawei --service NAME` writes a spec from the pinned vendor
//!   sources and its overlays; `cargo xtask spec-diff` classifies spec changes (semver bump);
//! - `cargo xtask conformance [ARGS...]` runs the conformance suite;
//! - `cargo xtask release plan|apply|sizes|semver-checks` plans and applies per-crate releases;
//! - `cargo xtask update-sources [--to NAME==VERSION] [--dry-run]` brings in new vendor releases;
//! - `cargo xtask bench [--quick]` runs the run-time benchmarks and prints one table of ratios.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bench;
mod cargo_env;
#[cfg(feature = "conformance")]
mod conformance;
mod git;
#[cfg(feature = "import")]
mod import;
// Parsed by every build; used only by the `import` build.
#[cfg_attr(not(feature = "import"), allow(dead_code))]
mod import_args;
mod release;
#[cfg(feature = "import")]
mod update_sources;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codegen::generate;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "cloudcall repository tasks",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate the service crates, the spec bundle and specs/schema.json from specs/.
    Codegen {
        /// Write nothing; fail (exit code 1), naming each file, if anything checked in is stale.
        #[arg(long)]
        check: bool,
    },
    /// Regenerate specs/schema.json only (it depends on the spec model, not on the specs).
    Schema {
        /// Write nothing; fail if specs/schema.json is stale.
        #[arg(long)]
        check: bool,
    },
    /// `import`, `spec-diff`, `update-sources`: the subcommands that run the importers.
    #[command(flatten)]
    Importers(import_args::ImporterTask),
    /// Per-crate releases: `plan` (next versions, changelogs, publish order), `apply`, `sizes`.
    Release(release::ReleaseArgs),
    /// Run the run-time benchmarks (signing, client and emulator throughput, decoding, CLI
    /// start-up) and print one table of ours against each baseline.
    Bench {
        /// A few seconds each (a regression check), instead of the full runs.
        #[arg(long)]
        quick: bool,
    },
    /// Run the conformance suite; every argument (`--help` too) is passed on.
    #[command(disable_help_flag = true)]
    Conformance {
        /// Arguments for the conformance runner.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = repo_root();
    let result = match cli.command {
        Command::Codegen { check } => generate::generate_all(&root)
            .map_err(|e| format!("error: {e}"))
            .and_then(|files| apply(&root, &files, check, Scope::Everything)),
        Command::Schema { check } => {
            let files = [codegen::schema::schema_file()];
            apply(&root, &files, check, Scope::OnlyTheseFiles)
        }
        Command::Conformance { args } => run_conformance(&args),
        Command::Bench { quick } => bench::run(&root, quick),
        Command::Importers(task) => run_importers(&root, task),
        Command::Release(args) => release::run(&root, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs an importer subcommand, in the build of xtask with feature `import`.
#[cfg(feature = "import")]
fn run_importers(root: &Path, task: import_args::ImporterTask) -> Result<(), String> {
    use import_args::ImporterTask;
    match task {
        ImporterTask::Import(args) => import::run(root, args),
        ImporterTask::SpecDiff(args) => import::spec_diff(root, args),
        ImporterTask::UpdateSources(args) => update_sources::run(root, args),
    }
}

/// Runs an importer subcommand: the plain build (the one `cargo xtask codegen` compiles, without
/// the `spec-import` crate) re-runs the same command line through `cargo run -p xtask
/// --features import`.
#[cfg(not(feature = "import"))]
fn run_importers(_root: &Path, _task: import_args::ImporterTask) -> Result<(), String> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    rerun_with_feature("import", &args)
}

/// Runs the conformance suite, in a build of xtask with the `conformance` feature: the suite
/// links the emulator and the CLI, which the other tasks should not wait for.
#[cfg(feature = "conformance")]
fn run_conformance(args: &[String]) -> Result<(), String> {
    conformance::run(args)
}

/// Re-runs this command through `cargo run -p xtask --features conformance`.
#[cfg(not(feature = "conformance"))]
fn run_conformance(args: &[String]) -> Result<(), String> {
    let mut all = vec![std::ffi::OsString::from("conformance")];
    all.extend(args.iter().map(Into::into));
    rerun_with_feature("conformance", &all)
}

/// Runs `cargo run -p xtask --features FEATURE -- ARGS`: the build of xtask a subcommand needs
/// (the importers, or the emulator and the CLI), which the plain build does not wait for.
#[cfg(any(not(feature = "conformance"), not(feature = "import")))]
fn rerun_with_feature(feature: &str, args: &[std::ffi::OsString]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(repo_root())
        .args([
            "run",
            "--package",
            "xtask",
            "--quiet",
            "--features",
            feature,
        ])
        .arg("--")
        .args(args);
    cargo_env::remove_package_variables(&mut cmd);
    let status = cmd
        .status()
        .map_err(|e| format!("error: cannot run cargo for the {feature} build of xtask: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(format!("{feature}: exit code {code}")),
        None => Err(format!("{feature}: killed by a signal")),
    }
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Whether the files given are everything the generator makes (so other generated files are
/// stale) or just a part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Everything,
    OnlyTheseFiles,
}

/// Writes `files` (or, with `check`, compares them with what is checked in).
fn apply(
    root: &Path,
    files: &[codegen::GeneratedFile],
    check: bool,
    scope: Scope,
) -> Result<(), String> {
    let failed = |e: generate::Error| format!("error: {e}");
    if check {
        let report = match scope {
            Scope::Everything => generate::check_all(root, files),
            Scope::OnlyTheseFiles => generate::check_files(root, files),
        }
        .map_err(failed)?;
        if report.is_fresh() {
            println!("{} generated files are up to date", files.len());
            Ok(())
        } else {
            Err(report.to_string())
        }
    } else {
        let report = match scope {
            Scope::Everything => generate::write_all(root, files),
            Scope::OnlyTheseFiles => generate::write_files(root, files),
        }
        .map_err(failed)?;
        println!("{report}");
        Ok(())
    }
}
