//! Counting a run's outcomes: each is printed as it is recorded (`PASS`/`FAIL`/`SKIP` lines),
//! and the summary (its `Display`) gives passed/failed/skipped per group and service, with the
//! skip reasons counted by category.
//!
//! An outcome's group is its name up to the first `": "` (`official clients -> emulator`,
//! `cloudcall -> official verifier`, ...); its service is [`Outcome::service`].

use std::collections::BTreeMap;
use std::fmt;

use super::{Outcome, Verdict};

/// Counts of one group and service.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
    /// Skip category (a reason up to its first `": "`) -> how many.
    skip_reasons: BTreeMap<String, usize>,
}

/// Every outcome of a run, counted.
#[derive(Debug, Default)]
pub struct Summary {
    /// Groups in the order they were first seen, each with its services.
    groups: Vec<(String, BTreeMap<String, Counts>)>,
}

impl Summary {
    /// Prints `outcome` and counts it.
    pub fn record(&mut self, outcome: Outcome) {
        println!("{outcome}");
        let group = outcome
            .name
            .split_once(": ")
            .map_or(outcome.name.as_str(), |(group, _)| group)
            .to_owned();
        let service = outcome.service.clone().unwrap_or_else(|| "-".to_owned());
        let index = match self.groups.iter().position(|(g, _)| *g == group) {
            Some(index) => index,
            None => {
                self.groups.push((group, BTreeMap::new()));
                self.groups.len() - 1
            }
        };
        let counts = self.groups[index].1.entry(service).or_default();
        match outcome.verdict {
            Verdict::Pass => counts.passed += 1,
            Verdict::Fail(_) => counts.failed += 1,
            Verdict::Skip(reason) => {
                counts.skipped += 1;
                let category = reason.split_once(": ").map_or(reason.as_str(), |(c, _)| c);
                *counts.skip_reasons.entry(category.to_owned()).or_default() += 1;
            }
        }
    }

    fn total(&self, count: impl Fn(&Counts) -> usize) -> usize {
        self.groups
            .iter()
            .flat_map(|(_, services)| services.values())
            .map(count)
            .sum()
    }

    /// Outcomes that passed.
    pub fn passed(&self) -> usize {
        self.total(|c| c.passed)
    }

    /// Outcomes that failed.
    pub fn failed(&self) -> usize {
        self.total(|c| c.failed)
    }

    /// Cases skipped (with a reason).
    pub fn skipped(&self) -> usize {
        self.total(|c| c.skipped)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "\nsummary (passed / failed / skipped):")?;
        for (group, services) in &self.groups {
            writeln!(f, "  {group}")?;
            for (service, c) in services {
                write!(
                    f,
                    "    {service:<18} {:>5} passed {:>4} failed {:>4} skipped",
                    c.passed, c.failed, c.skipped
                )?;
                if !c.skip_reasons.is_empty() {
                    let reasons: Vec<String> = c
                        .skip_reasons
                        .iter()
                        .map(|(reason, n)| format!("{n} {reason}"))
                        .collect();
                    write!(f, " ({})", reasons.join("; "))?;
                }
                writeln!(f)?;
            }
        }
        writeln!(
            f,
            "  total: {} passed, {} failed, {} skipped",
            self.passed(),
            self.failed(),
            self.skipped()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_counted_per_group_and_service_with_skip_reasons() {
        let mut summary = Summary::default();
        summary.record(Outcome::new("venv is set up", Ok(())));
        summary.record(Outcome::new("b -> e: tencent-cdb X: ok", Ok(())).about("tencent-cdb"));
        summary.record(Outcome::fail("b -> e: tencent-cdb Y: no", "broken").about("tencent-cdb"));
        for op in ["A", "B"] {
            summary.record(
                Outcome::skip(
                    format!("b -> e: tencent-cdb {op}: every case"),
                    format!("the official SDK lacks this operation: no method {op}"),
                )
                .about("tencent-cdb"),
            );
        }
        assert_eq!(
            (summary.passed(), summary.failed(), summary.skipped()),
            (2, 1, 2)
        );
        let text = summary.to_string();
        assert!(text.contains("  b -> e\n"), "{text}");
        assert!(
            text.contains("tencent-cdb            1 passed    1 failed    2 skipped (2 the official SDK lacks this operation)"),
            "{text}"
        );
        assert!(
            text.contains("total: 2 passed, 1 failed, 2 skipped"),
            "{text}"
        );
    }
}
