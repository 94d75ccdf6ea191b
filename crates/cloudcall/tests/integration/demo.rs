//! `cloudcall demo`: the README's main job, run as a user runs it.

use crate::common;

use std::time::Duration;

use common::{run_binary, Harness};

#[test]
fn demo_walks_the_ssl_lifecycle_of_every_service() {
    let home = std::env::temp_dir().join(format!("cloudcall-demo-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    // No credentials in the environment: the demo needs none.
    let run = run_binary(
        &["demo".into(), "--delay-ms".into(), "200".into()],
        &[],
        &home,
    );
    let _ = std::fs::remove_dir_all(&home);
    run.expect_status(0);
    for service in [
        "tencent-mongodb",
        "tencent-cdb",
        "tencent-postgres",
        "huawei-geminidb",
    ] {
        for walk in ["SSL", "lifecycle"] {
            let row = run
                .stdout
                .lines()
                .find(|l| {
                    l.starts_with(&format!("| {service} ")) && l.contains(&format!("| {walk} "))
                })
                .unwrap_or_else(|| panic!("no {walk} summary row for {service}:\n{}", run.stdout));
            assert!(row.contains("PASS"), "{row}");
        }
    }
    for step in [
        "describe",
        "enable SSL + wait",
        "disable SSL + wait",
        "describe again",
        "fetch certificate link",
        "create + wait running",
        "list every page",
        "delete + wait gone",
    ] {
        assert!(
            run.stdout.contains(step),
            "no `{step}` step:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("every step did what it should"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
    assert!(
        run.elapsed < Duration::from_secs(30),
        "the demo took {:?}",
        run.elapsed
    );
}

#[test]
fn demo_against_a_running_emulator_via_endpoint() {
    let h = Harness::start(Duration::from_millis(100));
    let run = h.cloudcall_env(&["demo"], &[]);
    run.expect_status(0);
    assert!(
        run.stdout.contains("Using the emulator at"),
        "{}",
        run.stdout
    );
    // The demo really changed the emulator's state: each switch was applied once per direction
    // on the seeded instance, and once more on the instance the lifecycle walk created.
    assert_eq!(
        h.emulator
            .applied_count_in("tencent-mongodb", "InstanceEnableSSL"),
        3
    );
    assert_eq!(
        h.emulator.applied_count_in("huawei-geminidb", "SwitchSsl"),
        3
    );
}

#[test]
fn demo_exits_1_and_names_the_step_when_one_fails() {
    use cloud_emulator::{Failure, Fault, FaultRule};
    let h = Harness::start(Duration::from_millis(100));
    // CloseSSL is a mutation: a reset connection is not retried, so the step must fail.
    h.emulator
        .faults()
        .add(FaultRule::new("CloseSSL", Fault::failure(Failure::Reset)))
        .expect("a valid rule");
    let run = h.cloudcall_env(&["demo"], &[]);
    run.expect_status(1);
    // The summary's rows (the audit step prints a table of its own before).
    let summary = run.stdout.split("\nSummary\n").nth(1).unwrap_or("");
    let row = summary
        .lines()
        .find(|l| l.starts_with("| tencent-cdb "))
        .unwrap_or_else(|| panic!("no cdb row:\n{}", run.stdout));
    assert!(row.contains("FAIL"), "{row}");
    assert!(
        run.stdout
            .contains("FAILED tencent-cdb (SSL): disable SSL + wait"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("SOME STEPS FAILED"), "{}", run.stdout);
    // The other services still ran to the end.
    for service in ["tencent-mongodb", "tencent-postgres", "huawei-geminidb"] {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("| {service} ")))
            .unwrap();
        assert!(row.contains("PASS"), "{row}");
    }
}
