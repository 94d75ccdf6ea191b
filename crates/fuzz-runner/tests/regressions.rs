//! Every input that once broke a target (`regressions/<target>/`) runs through it again without
//! a panic; and every target runs a few of its seeds, so a seed builder that broke shows here.

use fuzz_runner::regressions;
use fuzz_runner::targets::TARGETS;

#[test]
fn regression_inputs_pass() {
    let mut replayed = 0;
    for target in TARGETS {
        for (name, input) in regressions::inputs(target.name) {
            let outcome = std::panic::catch_unwind(|| (target.run)(&input));
            assert!(outcome.is_ok(), "{}/{name} panics again", target.name);
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression input found in {}",
        regressions::dir("*").display()
    );
}

#[test]
fn every_target_has_seeds_that_run() {
    for target in TARGETS {
        let seeds = (target.seeds)();
        assert!(
            seeds.len() >= 10,
            "{}: only {} seeds",
            target.name,
            seeds.len()
        );
        for seed in seeds.iter().step_by(seeds.len() / 10) {
            (target.run)(seed);
        }
    }
}
