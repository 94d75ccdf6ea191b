//! `cloudcall audit` end to end against a seeded emulator: SSL on and off, certificate expiry
//! from the answer and from downloaded certificates, and every way a row can fail (an HTML page,
//! a broken certificate, an unreachable link, a region the service refuses, an instance that
//! vanishes between the listing and the describe), then `--fail-if` and the output formats.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cloud_emulator::{Emulator, Fault, FaultRule, Seed};
use serde_json::{json, Value};

use crate::common::{demo_env, Harness};

fn seeded(seed: Value, rate_limits: bool) -> Harness {
    let seed = Seed::from_json(&seed.to_string()).expect("seed");
    Harness::start_with(
        Emulator::builder()
            .async_delay(Duration::ZERO)
            .rate_limits(rate_limits)
            .seed(seed),
    )
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

const GEMINI_ON: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01in06";

fn seed() -> Value {
    let unreachable = format!("http://127.0.0.1:{}/ca.pem", closed_port());
    json!({
        "replace_defaults": true,
        "instances": [
            {"service": "tencent-cdb", "id": "cdb-ok000001", "region": "ap-guangzhou",
             "certificate": {"expires_in_days": 200}},
            {"service": "tencent-cdb", "id": "cdb-soon0001", "region": "ap-guangzhou",
             "certificate": {"expires_in_days": 10}},
            {"service": "tencent-cdb", "id": "cdb-off00001", "region": "ap-guangzhou",
             "outputs": {"DescribeSSLStatus": {"Status": "OFF"}}},
            {"service": "tencent-cdb", "id": "cdb-html0001", "region": "ap-guangzhou",
             "certificate": {"serve": "html"}},
            {"service": "tencent-cdb", "id": "cdb-bad00001", "region": "ap-guangzhou",
             "certificate": {"serve": "garbage"}},
            {"service": "tencent-cdb", "id": "cdb-unrch001", "region": "ap-guangzhou",
             "outputs": {"DescribeSSLStatus": {"Url": unreachable}}},
            {"service": "tencent-mongodb", "id": "cmgo-days0001", "region": "ap-guangzhou",
             "certificate": {"expires_in_days": 5}},
            {"service": "tencent-postgres", "id": "postgres-ok000001", "region": "ap-guangzhou",
             "certificate": {"not_after": "2030-01-01T00:00:00Z"}},
            // PostgreSQL's SSL actions are not served in ap-mumbai.
            {"service": "tencent-postgres", "id": "postgres-mumbai01", "region": "ap-mumbai"},
            {"service": "huawei-geminidb", "id": GEMINI_ON,
             "outputs": {"ListInstances": {"instances.0.ssl": "1"}}}
        ]
    })
}

fn rows_by_instance(rows: &Value) -> HashMap<String, Value> {
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = match r["instance"].as_str() {
                Some(id) => id.to_owned(),
                None => format!("{}:{}", r["service"], r["region"]),
            };
            (key, r.clone())
        })
        .collect()
}

#[test]
fn audit_reports_ssl_and_expiry_and_every_failure_as_a_row() {
    let h = seeded(seed(), true);
    // No project id: each Huawei region's project is looked up, and an unknown region has none.
    let mut env = demo_env();
    env.retain(|(k, _)| *k != "HUAWEICLOUD_SDK_PROJECT_ID");
    let run = h.cloudcall_env(
        &[
            "audit",
            "--regions",
            "tencent:ap-guangzhou,tencent:ap-mumbai,huawei:cn-north-4,huawei:xx-nowhere-1",
            "--output",
            "json",
        ],
        &env,
    );
    run.expect_status(0);
    let rows = rows_by_instance(&run.json());

    let row = |id: &str| {
        rows.get(id)
            .unwrap_or_else(|| panic!("no row {id}: {rows:#?}"))
    };
    let ok = row("cdb-ok000001");
    assert_eq!(ok["ssl"], true);
    assert_eq!(ok["expiry_source"], "certificate");
    assert!(matches!(ok["days_left"].as_i64(), Some(199 | 200)), "{ok}");
    assert!(ok["error"].is_null(), "{ok}");
    let soon = row("cdb-soon0001");
    assert!(matches!(soon["days_left"].as_i64(), Some(9 | 10)), "{soon}");
    let off = row("cdb-off00001");
    assert_eq!(off["ssl"], false);
    assert!(off["expires"].is_null() && off["error"].is_null(), "{off}");
    let html = row("cdb-html0001");
    assert!(
        html["error"].as_str().unwrap().contains("HTML page"),
        "{html}"
    );
    assert_eq!(html["ssl"], true);
    let bad = row("cdb-bad00001");
    assert!(bad["error"].as_str().unwrap().contains("X.509"), "{bad}");
    let unreachable = row("cdb-unrch001");
    assert!(
        unreachable["error"]
            .as_str()
            .unwrap()
            .contains("cannot download"),
        "{unreachable}"
    );
    // mongodb states the expiry in its answer.
    let mongo = row("cmgo-days0001");
    assert_eq!(mongo["expiry_source"], "api");
    assert!(
        matches!(mongo["days_left"].as_i64(), Some(4 | 5)),
        "{mongo}"
    );
    let pg = row("postgres-ok000001");
    assert_eq!(pg["expires"], "2030-01-01T00:00:00Z");
    let mumbai = row("postgres-mumbai01");
    assert_eq!(mumbai["region"], "ap-mumbai");
    assert!(
        mumbai["error"]
            .as_str()
            .unwrap()
            .contains("UnsupportedRegion")
            || mumbai["error"].as_str().unwrap().contains("ap-mumbai"),
        "{mumbai}"
    );
    let gemini = row(GEMINI_ON);
    assert_eq!(gemini["ssl"], true);
    assert_eq!(gemini["expiry_source"], "certificate");
    // The Huawei region without a project: one row for the listing, with its error.
    let nowhere = row("\"huawei-geminidb\":\"xx-nowhere-1\"");
    assert!(
        nowhere["error"]
            .as_str()
            .unwrap()
            .contains("listing failed"),
        "{nowhere}"
    );
    // Every instance, and progress on stderr.
    assert_eq!(rows.len(), 11, "{rows:#?}");
    assert!(
        run.stderr
            .contains("audit: tencent-cdb ap-guangzhou: 6 instance(s)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("checked 10/10"), "{}", run.stderr);
}

#[test]
fn fail_if_sets_the_exit_status_and_formats_print_the_rows() {
    let h = seeded(seed(), true);
    let tencent = [
        "audit",
        "--services",
        "tencent-cdb,mongodb",
        "--regions",
        "ap-guangzhou",
    ];
    let with = |extra: &[&str]| {
        let mut args = tencent.to_vec();
        args.extend_from_slice(extra);
        h.cloudcall(&args)
    };
    let failing = with(&["--fail-if", "ssl-off,expires-within=30d"]);
    failing.expect_status(3);
    assert!(
        failing.stderr.contains("cdb-off00001: SSL is off"),
        "{}",
        failing.stderr
    );
    assert!(
        failing
            .stderr
            .contains("cdb-soon0001: the certificate expires"),
        "{}",
        failing.stderr
    );
    assert!(
        failing.stderr.contains("cmgo-days0001"),
        "{}",
        failing.stderr
    );
    // Within 3 days: nothing in mongodb (5 days left).
    h.cloudcall(&[
        "audit",
        "--services",
        "tencent-mongodb",
        "--fail-if",
        "expires-within=3d",
    ])
    .expect_status(0);
    h.cloudcall(&[
        "audit",
        "--services",
        "tencent-mongodb",
        "--fail-if",
        "expires-within=6d",
    ])
    .expect_status(3);
    with(&["--fail-if", "error"]).expect_status(3);
    // Usage errors.
    with(&["--fail-if", "ssl-of"]).expect_status(2);
    h.cloudcall(&["audit", "--services", "nosuch"])
        .expect_status(2);

    let mut env = demo_env();
    env.push(("COLUMNS", "120".to_owned()));
    let mut table_args = tencent.to_vec();
    table_args.extend(["--output", "table"]);
    let table = h.cloudcall_env(&table_args, &env);
    let out = &table.expect_status(0).stdout;
    assert!(out.contains("| Service "), "{out}");
    assert!(out.contains("cdb-soon0001"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 120), "{out}");

    let csv = with(&["--output", "csv"]);
    let lines: Vec<&str> = csv.expect_status(0).stdout.lines().collect();
    assert!(
        lines[0].starts_with("service,region,instance,name,status,ssl,expires,days_left"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + 7, "{}", csv.stdout);

    let query = with(&["--query", "[?ssl==`false`].instance", "--output", "json"]);
    assert_eq!(query.expect_status(0).json(), json!(["cdb-off00001"]));
}

/// An instance removed after the listing and before its describe becomes a row saying it is
/// gone: the describes are held back (a latency fault) while the test deletes it.
#[test]
fn an_instance_that_vanishes_between_list_and_describe_is_a_row() {
    let h = seeded(
        json!({"replace_defaults": true, "instances": [
            {"service": "tencent-cdb", "id": "cdb-stay0001", "region": "ap-guangzhou"},
            {"service": "tencent-cdb", "id": "cdb-vanish01", "region": "ap-guangzhou"}
        ]}),
        false,
    );
    let faults = h.emulator.faults();
    faults
        .add(FaultRule::new("DescribeSSLStatus", Fault::latency(Duration::from_secs(3))).times(2))
        .unwrap();
    let services = cloudcall::services_for(["cloudcall", "audit"]);
    std::thread::scope(|scope| {
        let audit = scope.spawn(|| {
            h.cloudcall_in_process(
                &["audit", "--services", "tencent-cdb", "--output", "json"],
                &services,
            )
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while faults.injected_count() < 2 {
            assert!(Instant::now() < deadline, "the describes never started");
            std::thread::sleep(Duration::from_millis(10));
        }
        for op in ["isolate-db-instance", "offline-isolated-instances"] {
            let id_flag = if op == "isolate-db-instance" {
                "--instance-id"
            } else {
                "--instance-ids"
            };
            h.cloudcall_in_process(&["tencent-cdb", op, id_flag, "cdb-vanish01"], &services)
                .expect_status(0);
        }
        let run = audit.join().unwrap();
        run.expect_status(0);
        let rows = rows_by_instance(&run.json());
        assert_eq!(rows["cdb-stay0001"]["ssl"], true, "{rows:#?}");
        let gone = &rows["cdb-vanish01"];
        assert!(gone["ssl"].is_null(), "{gone}");
        eprintln!("vanished: {gone}");
        assert!(
            gone["error"]
                .as_str()
                .is_some_and(|e| e.contains("NotFound")),
            "{gone}"
        );
    });
}

/// 500 instances over the four services, with the emulator's rate limits on (20 requests per
/// second per action): the audit takes about as long as the slowest action's share of calls
/// at its limit, not longer.
#[test]
fn auditing_500_instances_stays_within_the_rate_limits() {
    let services = [
        ("tencent-cdb", "cdb-"),
        ("tencent-mongodb", "cmgo-"),
        ("tencent-postgres", "postgres-"),
        ("huawei-geminidb", ""),
    ];
    let mut instances = Vec::new();
    for (index, (service, prefix)) in services.iter().enumerate() {
        for i in 0..125 {
            let id = if service.starts_with("huawei") {
                format!("{index:030}{i:02x}in06")
            } else {
                format!("{prefix}b{i:07}")
            };
            let mut instance = json!({"service": service, "id": id,
                "certificate": {"expires_in_days": 30 + i}});
            if !service.starts_with("huawei") {
                instance["region"] = json!("ap-guangzhou");
            }
            instances.push(instance);
        }
    }
    let h = seeded(
        json!({"replace_defaults": true, "instances": instances}),
        true,
    );
    let started = Instant::now();
    let run = h.cloudcall(&["audit", "--output", "json"]);
    let elapsed = started.elapsed();
    run.expect_status(0);
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 500);
    let failed: Vec<&Value> = rows.iter().filter(|r| !r["error"].is_null()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    eprintln!("audit of 500 instances over 4 services with rate limits on: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}
