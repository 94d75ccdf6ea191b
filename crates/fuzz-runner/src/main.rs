//! `fuzz-runner`: runs the fuzz targets on stable Rust.
//!
//! ```text
//! fuzz-runner [--seconds N | --runs N] [--seed N] [--target NAME]... [--crash-dir DIR] [--progress]
//! fuzz-runner --list
//! fuzz-runner --write-corpus DIR         # each target's seeds, for cargo-fuzz: DIR/<target>/
//! fuzz-runner --replay TARGET FILE...    # run saved inputs once (a crash found by cargo-fuzz)
//! ```
//!
//! Without `--target`, every target runs, one after the other, for the budget each. Exit
//! status 0 when nothing crashed, 1 when a target crashed, 2 for a usage error, 3 when an
//! input hung (its file is named on stderr).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use fuzz_runner::runner::{self, Options};
use fuzz_runner::targets::{self, Target, TARGETS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("fuzz-runner: {message}\n\n{}", usage());
            ExitCode::from(2)
        }
    }
}

fn usage() -> &'static str {
    "usage: fuzz-runner [--seconds N | --runs N] [--seed N] [--target NAME]... [--crash-dir DIR] [--progress]\n       \
     fuzz-runner --list | --write-corpus DIR | --replay TARGET FILE..."
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut options = Options {
        crash_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-runner"),
        ..Options::default()
    };
    let mut chosen: Vec<&'static Target> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => {
                let seconds: f64 = number(value()?)?;
                options.time = Some(Duration::from_secs_f64(seconds));
                options.runs = None;
            }
            "--runs" => {
                options.runs = Some(number(value()?)?);
                options.time = None;
            }
            "--seed" => options.seed = number(value()?)?,
            "--target" => {
                let name = value()?;
                chosen.push(targets::find(name).ok_or_else(|| format!("no target `{name}`"))?);
            }
            "--crash-dir" => options.crash_dir = PathBuf::from(value()?),
            "--progress" => options.progress = Some(Duration::from_secs(10)),
            "--list" => {
                for target in TARGETS {
                    println!("{:<18} {}", target.name, target.about);
                }
                return Ok(ExitCode::SUCCESS);
            }
            "--write-corpus" => return write_corpus(&PathBuf::from(value()?)),
            "--replay" => {
                let name = value()?;
                let target = targets::find(name).ok_or_else(|| format!("no target `{name}`"))?;
                return Ok(replay(target, args.map(PathBuf::from).collect()));
            }
            "--help" | "-h" => {
                println!("{}", usage());
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.iter().collect();
    }
    println!(
        "{:<18} {:>11} {:>8} {:>9} {:>6} {:>7} {:>7} {:>10} {:>7}",
        "target",
        "executions",
        "seconds",
        "exec/s",
        "seeds",
        "corpus",
        "labels",
        "slowest",
        "crashes"
    );
    let mut crashed = false;
    for target in chosen {
        let report = runner::run(target, &options);
        let secs = report.elapsed.as_secs_f64();
        println!(
            "{:<18} {:>11} {:>8.1} {:>9.0} {:>6} {:>7} {:>7} {:>10.1?} {:>7}",
            report.target,
            report.executions,
            secs,
            report.executions as f64 / secs.max(1e-9),
            report.seeds,
            report.corpus,
            report.labels,
            report.slowest,
            report.crashes.len()
        );
        for crash in &report.crashes {
            crashed = true;
            println!("  crash: {}", crash.message);
            if let Some(path) = &crash.saved {
                println!("    input: {}", path.display());
            }
        }
    }
    println!("(seed {})", options.seed);
    Ok(if crashed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a number"))
}

fn write_corpus(dir: &std::path::Path) -> Result<ExitCode, String> {
    for target in TARGETS {
        let seeds = (target.seeds)();
        for seed in &seeds {
            runner::save(dir, target.name, "seed", seed)
                .ok_or_else(|| format!("cannot write to {}", dir.display()))?;
        }
        println!(
            "{}: {} seeds in {}",
            target.name,
            seeds.len(),
            dir.join(target.name).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn replay(target: &Target, files: Vec<PathBuf>) -> ExitCode {
    let mut failed = false;
    for file in files {
        let input = match std::fs::read(&file) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                failed = true;
                continue;
            }
        };
        // The default panic hook prints the panic; the exit status says it happened.
        match std::panic::catch_unwind(|| (target.run)(&input)) {
            Ok(label) => println!("{}: ok (label {label:016x})", file.display()),
            Err(_) => {
                println!("{}: PANICKED", file.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
