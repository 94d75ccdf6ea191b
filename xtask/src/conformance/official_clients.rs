//! Check (b): the vendors' official clients work against our emulator (issue 5, part 3).
//!
//! Starts one `cloud-emulator` (loopback, the conformance keys, a short async delay) and runs
//! `tests/conformance/official_clients.py` once, with the run's plan, for every operation of
//! every service. Each of the driver's `PASS`/`FAIL`/`SKIP` lines is one counted outcome; one more
//! per service checks that every operation was called successfully through the official client
//! (or that the official SDK lacks it, which the driver reports as a skip with that reason). The
//! emulator is killed when the check ends, however it ends.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use super::process::{run_captured, tail, Server};
use super::{keys, write_plan, Context, Outcome, Verdict};

/// The emulator's `--async-delay-ms`: long enough to see the old state right after a change on a
/// busy 2-core machine, short enough to keep the run quick (8 transitions).
const ASYNC_DELAY_MS: u64 = 1500;
/// The driver calls ~3,000 times: about 16 s on 2 cores, half of it waiting out async delays.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(4 * 60);
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
    let plan = ctx.plan()?;
    let plan_path = write_plan(ctx)?;
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
        .arg("--plan")
        .arg(&plan_path)
        .args(["--endpoint", &emulator.url])
        .args(["--async-delay-ms", &ASYNC_DELAY_MS.to_string()])
        .envs(keys::driver_env())
        .current_dir(&ctx.repo);
    let captured = run_captured(&mut driver, ctx.timeout(DRIVER_TIMEOUT)?)?;
    let report = DriverReport::parse(&captured.stdout, PREFIX);
    let unfinished = report.unfinished(&captured, "official_clients.py");
    let mut outcomes = report.outcomes;
    if let Some(why) = unfinished {
        outcomes.push(Outcome::fail(
            format!("{PREFIX}: the driver finished"),
            format!("{why}{}", emulator.stderr_tail()),
        ));
    }

    for service in &plan.services {
        let absent: BTreeSet<&str> = outcomes
            .iter()
            .filter(|o| o.service.as_deref() == Some(service.crate_name.as_str()))
            .filter(|o| matches!(&o.verdict, Verdict::Skip(r) if r.starts_with(ABSENT)))
            .filter_map(|o| {
                o.name
                    .strip_prefix(&format!("{PREFIX}: {} ", service.crate_name))
            })
            .filter_map(|rest| rest.split_once(':').map(|(op, _)| op))
            .collect();
        let missing: Vec<&str> = service
            .operations
            .iter()
            .map(|op| op.name.as_str())
            .filter(|op| !absent.contains(op))
            .filter(|op| {
                !report
                    .covered
                    .contains(&format!("{} {op}", service.crate_name))
            })
            .collect();
        let total = service.operations.len();
        let called = total - missing.len() - absent.len();
        outcomes.push(
            Outcome::new(
                format!(
                    "{PREFIX}: {} every operation was called successfully through the official \
                     client ({called} of {total}; {} not in the official SDK)",
                    service.crate_name,
                    absent.len()
                ),
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(format!("never called successfully: {}", missing.join(", ")))
                },
            )
            .about(&service.crate_name),
        );
    }
    drop(emulator);
    Ok(outcomes)
}

/// The category of the driver's skips for operations the official SDK lacks.
const ABSENT: &str = "the official SDK lacks this operation";

/// What a driver (`official_clients.py`, also in `--verifier-control` mode) printed: its cases,
/// the operations it reached, and whether it got to the end.
pub struct DriverReport {
    /// One per `PASS`/`FAIL`/`SKIP` line, named `<prefix>: <case>`, about the case's crate.
    pub outcomes: Vec<Outcome>,
    /// How many of them failed.
    pub failed: usize,
    /// `<crate> <Operation>` of every `COVERED` line.
    pub covered: BTreeSet<String>,
    /// The `DONE` line was seen.
    pub done: bool,
}

impl DriverReport {
    /// Parses the driver's line protocol (tab-separated, see the script's docs); other lines
    /// are ignored.
    pub fn parse(stdout: &str, prefix: &str) -> DriverReport {
        let mut report = DriverReport {
            outcomes: Vec::new(),
            failed: 0,
            covered: BTreeSet::new(),
            done: false,
        };
        for line in stdout.lines() {
            let mut fields = line.splitn(3, '\t');
            let (kind, case, detail) = (fields.next(), fields.next(), fields.next());
            let name = |case: &str| format!("{prefix}: {case}");
            let about = |outcome: Outcome, case: &str| match case.split_once(' ') {
                Some((service, _)) => outcome.about(service.trim_end_matches(':')),
                None => outcome,
            };
            let unescape = |text: &str| text.replace("\\n", "\n    ");
            match (kind, case) {
                (Some("PASS"), Some(case)) => {
                    report
                        .outcomes
                        .push(about(Outcome::new(name(case), Ok(())), case));
                }
                (Some("FAIL"), Some(case)) => {
                    report.failed += 1;
                    let why = unescape(detail.unwrap_or("failed"));
                    report
                        .outcomes
                        .push(about(Outcome::fail(name(case), why), case));
                }
                (Some("SKIP"), Some(case)) => {
                    let reason = unescape(detail.unwrap_or("no reason given"));
                    report
                        .outcomes
                        .push(about(Outcome::skip(name(case), reason), case));
                }
                (Some("COVERED"), Some(operation)) => {
                    report.covered.insert(operation.trim().to_owned());
                }
                (Some("DONE"), _) => report.done = true,
                _ => {}
            }
        }
        report
    }

    /// Why the driver's run is incomplete (killed, stopped before `DONE`, or failed without a
    /// failing case), with its stderr; `None` if it finished.
    pub fn unfinished(&self, captured: &super::process::Captured, script: &str) -> Option<String> {
        let why = if captured.timed_out {
            format!(
                "{script} did not finish in time and was killed; the cases it finished are counted"
            )
        } else if !self.done {
            format!(
                "{script} stopped before its DONE line ({})",
                super::describe(captured.status)
            )
        } else if !captured.status.success() && self.failed == 0 {
            format!(
                "{script} exited with {} without a failing case",
                super::describe(captured.status)
            )
        } else {
            return None;
        };
        Some(format!("{why}{}", tail(&captured.stderr, "driver stderr")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_protocol_is_parsed() {
        let report = DriverReport::parse(
            "PASS\ttencent-cdb A: a case\nFAIL\ttencent-cdb B: b case\tit broke\\nbadly\n\
             SKIP\thuawei-x Op: every case\tthe official SDK lacks this operation: no method\n\
             COVERED\ttencent-cdb OpenSSL\nnoise\nDONE\t1\t1\t1\n",
            "p",
        );
        assert_eq!(report.outcomes.len(), 3);
        assert_eq!(report.outcomes[0].name, "p: tencent-cdb A: a case");
        assert_eq!(report.outcomes[0].verdict, Verdict::Pass);
        assert_eq!(report.outcomes[0].service.as_deref(), Some("tencent-cdb"));
        assert_eq!(
            report.outcomes[1].verdict,
            Verdict::Fail("it broke\n    badly".to_owned())
        );
        assert_eq!(
            report.outcomes[2].verdict,
            Verdict::Skip("the official SDK lacks this operation: no method".to_owned())
        );
        assert_eq!(report.outcomes[2].service.as_deref(), Some("huawei-x"));
        assert_eq!(report.failed, 1);
        assert!(report.covered.contains("tencent-cdb OpenSSL"));
        assert!(report.done);
    }

    #[test]
    fn a_driver_that_stops_early_is_not_done() {
        let report = DriverReport::parse("PASS\ta\n", "p");
        assert!(!report.done);
    }
}
