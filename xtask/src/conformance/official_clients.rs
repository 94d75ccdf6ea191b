//! Check (b): the vendors' official clients work against our emulator (issue 5, part 3).
//!
//! Starts the `cloud-emulator` binary on 127.0.0.1 with the conformance keys and a short async
//! delay, runs `tests/conformance/official_clients.py` (the official SDK clients, endpoint
//! overridden to the emulator) with the venv's Python, and turns each of its `PASS`/`FAIL` lines
//! into one counted outcome. One more outcome checks that every operation in `specs/` was called
//! through an official client (or that the official SDK lacks it, which the driver reports as
//! `ABSENT` and this prints). The emulator is killed when the check ends, however it ends.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use super::process::{run_captured, tail, Server};
use super::{keys, spec_operations, Context, Outcome};

/// The emulator's `--async-delay-ms`: long enough to see the old state right after a change on a
/// busy 2-core machine, short enough to keep the run quick (8 transitions).
const ASYNC_DELAY_MS: u64 = 1500;
const DRIVER_TIMEOUT: Duration = Duration::from_secs(5 * 60);
const PREFIX: &str = "official clients -> emulator";

/// Runs the check; see the module docs.
pub fn check(ctx: &Context) -> Vec<Outcome> {
    match run(ctx) {
        Ok(outcomes) => outcomes,
        Err(why) => vec![Outcome::fail(
            format!("{PREFIX}: the driver ran against the emulator"),
            why,
        )],
    }
}

fn run(ctx: &Context) -> Result<Vec<Outcome>, String> {
    let operations = spec_operations(&ctx.repo)?;
    let binaries = ctx.binaries()?;
    let mut emulator_cmd = Command::new(&binaries.emulator);
    emulator_cmd
        .args(["--listen", "127.0.0.1:0", "--log-level", "warn"])
        .arg("--async-delay-ms")
        .arg(ASYNC_DELAY_MS.to_string())
        .envs(keys::emulator_env())
        .current_dir(&ctx.repo);
    let emulator = Server::start(
        "cloud-emulator",
        emulator_cmd,
        &ctx.scratch.join("emulator.stderr"),
    )?;

    let mut driver = Command::new(&ctx.python);
    driver
        .arg(ctx.repo.join("tests/conformance/official_clients.py"))
        .args(["--endpoint", &emulator.url])
        .args(["--async-delay-ms", &ASYNC_DELAY_MS.to_string()])
        .envs(keys::driver_env())
        .current_dir(&ctx.repo);
    let captured = run_captured(&mut driver, DRIVER_TIMEOUT)?;
    let report = DriverReport::parse(&captured.stdout, PREFIX);
    let mut outcomes = report.outcomes;

    if !report.done {
        outcomes.push(Outcome::fail(
            format!("{PREFIX}: the driver finished"),
            format!(
                "official_clients.py stopped before its DONE line ({}){}{}",
                super::describe(captured.status),
                tail(&captured.stderr, "driver stderr"),
                emulator.stderr_tail()
            ),
        ));
    } else if !captured.status.success() && report.failed == 0 {
        outcomes.push(Outcome::fail(
            format!("{PREFIX}: the driver finished"),
            format!(
                "official_clients.py exited with {} without a failing case{}",
                super::describe(captured.status),
                tail(&captured.stderr, "driver stderr")
            ),
        ));
    }
    for (operation, why) in &report.absent {
        println!(
            "note: {operation} is not in the official SDK, so no official client calls it ({why})"
        );
    }
    let missing: Vec<String> = operations
        .iter()
        .map(|op| format!("{} {}", op.crate_name, op.name))
        .filter(|op| !report.covered.contains(op) && !report.absent.iter().any(|(a, _)| a == op))
        .collect();
    let called = operations.len() - missing.len() - report.absent.len();
    outcomes.push(Outcome::new(
        format!(
            "{PREFIX}: every operation in specs/ was called through an official client \
             ({called} of {}, {} not in the official SDKs)",
            operations.len(),
            report.absent.len()
        ),
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("never called successfully: {}", missing.join(", ")))
        },
    ));
    drop(emulator);
    Ok(outcomes)
}

/// What `official_clients.py` printed: its cases, the operations it reached, and whether it
/// got to the end.
pub struct DriverReport {
    /// One per `PASS`/`FAIL` line, named `<prefix>: <case>`.
    pub outcomes: Vec<Outcome>,
    /// How many of them failed.
    pub failed: usize,
    /// `<crate> <Operation>` of every `COVERED` line.
    pub covered: BTreeSet<String>,
    /// `(<crate> <Operation>, why)` of every `ABSENT` line.
    pub absent: Vec<(String, String)>,
    /// The `DONE` line was seen.
    pub done: bool,
}

impl DriverReport {
    /// Parses the driver's line protocol (see the script's docs); other lines are ignored.
    pub fn parse(stdout: &str, prefix: &str) -> DriverReport {
        let mut report = DriverReport {
            outcomes: Vec::new(),
            failed: 0,
            covered: BTreeSet::new(),
            absent: Vec::new(),
            done: false,
        };
        for line in stdout.lines() {
            if let Some(case) = line.strip_prefix("PASS ") {
                report
                    .outcomes
                    .push(Outcome::new(format!("{prefix}: {case}"), Ok(())));
            } else if let Some(rest) = line.strip_prefix("FAIL ") {
                let (case, why) = rest.split_once(": ").unwrap_or((rest, "failed"));
                report.failed += 1;
                report.outcomes.push(Outcome::fail(
                    format!("{prefix}: {case}"),
                    why.replace("\\n", "\n    "),
                ));
            } else if let Some(operation) = line.strip_prefix("COVERED ") {
                report.covered.insert(operation.trim().to_owned());
            } else if let Some(rest) = line.strip_prefix("ABSENT ") {
                let (operation, why) = rest.split_once(": ").unwrap_or((rest, ""));
                report.absent.push((operation.to_owned(), why.to_owned()));
            } else if line.starts_with("DONE ") {
                report.done = true;
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::DriverReport;

    #[test]
    fn the_line_protocol_is_parsed() {
        let report = DriverReport::parse(
            "PASS a case\nFAIL b case: it broke\\nbadly\nCOVERED tencent-cdb OpenSSL\n\
             ABSENT huawei-x Op: no method\nnoise\nDONE 1 1\n",
            "p",
        );
        assert_eq!(report.outcomes.len(), 2);
        assert_eq!(report.outcomes[0].name, "p: a case");
        assert!(report.outcomes[0].result.is_ok());
        assert_eq!(report.outcomes[1].name, "p: b case");
        assert_eq!(
            report.outcomes[1].result,
            Err("it broke\n    badly".to_owned())
        );
        assert_eq!(report.failed, 1);
        assert!(report.covered.contains("tencent-cdb OpenSSL"));
        assert_eq!(
            report.absent,
            vec![("huawei-x Op".to_owned(), "no method".to_owned())]
        );
        assert!(report.done);
    }

    #[test]
    fn a_driver_that_stops_early_is_not_done() {
        let report = DriverReport::parse("PASS a\n", "p");
        assert!(!report.done);
    }
}
