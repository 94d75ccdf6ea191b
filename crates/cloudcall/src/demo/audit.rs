//! The demo's audit step: `cloudcall audit` over a small fleet seeded in an emulator of its own
//! (every service: a certificate good for months, one expiring within the month, a cdb
//! instance with SSL off), checked against what was seeded.
//!
//! With `--endpoint`, the audit runs against that emulator instead, and the step passes when
//! every instance could be checked.

use std::time::{Duration, Instant};

use cloud_spec::Service;
use cloud_transport::Environment;
use serde_json::{json, Value};

use cloud_emulator::demo_data::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY, TENCENT_REGION,
};

use super::{record, say, Emulator, Step};
use crate::audit::report::{self, FailIf, Row};
use crate::console::Console;
use crate::run::Settings;

/// The command line the step stands for.
const COMMAND: &str = "cloudcall audit --fail-if ssl-off,expires-within=30d";

/// One seeded instance and what the audit must find.
struct Expected {
    service: &'static str,
    id: &'static str,
    ssl: bool,
    /// Days until the certificate expires, when SSL is on.
    days: Option<i64>,
}

const FLEET: &[Expected] = &[
    Expected {
        service: "tencent-cdb",
        id: "cdb-audit001",
        ssl: true,
        days: Some(200),
    },
    Expected {
        service: "tencent-cdb",
        id: "cdb-audit002",
        ssl: true,
        days: Some(12),
    },
    Expected {
        service: "tencent-cdb",
        id: "cdb-audit003",
        ssl: false,
        days: None,
    },
    Expected {
        service: "tencent-mongodb",
        id: "cmgo-audit001",
        ssl: true,
        days: Some(200),
    },
    Expected {
        service: "tencent-mongodb",
        id: "cmgo-audit002",
        ssl: true,
        days: Some(12),
    },
    Expected {
        service: "tencent-postgres",
        id: "postgres-audit001",
        ssl: true,
        days: Some(200),
    },
    Expected {
        service: "tencent-postgres",
        id: "postgres-audit002",
        ssl: true,
        days: Some(12),
    },
    Expected {
        service: "huawei-geminidb",
        id: "a0d17a0d17a0d17a0d17a0d17a0d1701in06",
        ssl: true,
        days: Some(200),
    },
    Expected {
        service: "huawei-geminidb",
        id: "a0d17a0d17a0d17a0d17a0d17a0d1702in06",
        ssl: true,
        days: Some(12),
    },
];

/// The seed of the fleet.
fn seed() -> cloud_emulator::Seed {
    let instances: Vec<Value> = FLEET
        .iter()
        .map(|e| {
            let mut instance = json!({"service": e.service, "id": e.id});
            if let Some(days) = e.days {
                instance["certificate"] = json!({"expires_in_days": days});
            }
            match (e.service, e.ssl) {
                ("huawei-geminidb", true) => {
                    instance["outputs"] = json!({"ListInstances": {"instances.0.ssl": "1"}});
                }
                ("tencent-cdb", false) => {
                    instance["outputs"] = json!({"DescribeSSLStatus": {"Status": "OFF"}});
                }
                _ => {}
            }
            if e.service.starts_with("tencent") {
                instance["region"] = json!(TENCENT_REGION);
            }
            instance
        })
        .collect();
    let seed = json!({"replace_defaults": true, "instances": instances});
    cloud_emulator::Seed::from_json(&seed.to_string()).unwrap_or_default()
}

/// Runs the audit step; its steps go to `steps`.
pub(super) async fn walk(services: &[Service], emulator: &Emulator, steps: &mut Vec<Step>) {
    say("== audit: SSL and certificate expiry of every instance ==");
    let started = Instant::now();
    let own = match emulator {
        Emulator::External(_) => None,
        Emulator::InProcess(_) => match cloud_emulator::Emulator::builder()
            .services(services.to_vec())
            .seed(seed())
            .start()
            .await
        {
            Ok(e) => Some(e),
            Err(e) => {
                if let Some(service) = services.first() {
                    record(
                        steps,
                        service,
                        "audit",
                        COMMAND,
                        Err(e.to_string()),
                        Duration::ZERO,
                    );
                }
                return;
            }
        },
    };
    let base_url = own
        .as_ref()
        .map_or_else(|| emulator.base_url(), |e| e.base_url());
    let (huawei_region, project_id) = match &own {
        Some(e) => (e.huawei_region().to_owned(), e.project_id().to_owned()),
        None => emulator.huawei_project(),
    };
    say(&format!(
        "Auditing {} on {base_url}{}.",
        if own.is_some() {
            "a seeded fleet"
        } else {
            "every instance"
        },
        if own.is_some() {
            " (an emulator of its own)"
        } else {
            ""
        }
    ));
    // The demo credentials only: a user's variables and profile files stay out of the demo.
    let environment = Environment::from_vars([
        ("TENCENTCLOUD_SECRET_ID", DEMO_TENCENT_SECRET_ID.to_owned()),
        (
            "TENCENTCLOUD_SECRET_KEY",
            DEMO_TENCENT_SECRET_KEY.to_owned(),
        ),
        ("TENCENTCLOUD_REGION", TENCENT_REGION.to_owned()),
        ("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK.to_owned()),
        ("HUAWEICLOUD_SDK_SK", DEMO_HUAWEI_SK.to_owned()),
        ("HUAWEICLOUD_SDK_REGION", huawei_region),
        ("HUAWEICLOUD_SDK_PROJECT_ID", project_id),
    ]);
    let settings = Settings {
        endpoint: Some(base_url),
        ..Settings::default()
    };
    let chosen: Vec<&Service> = services
        .iter()
        .filter(|s| s.resource.as_ref().is_some_and(|r| r.ssl.is_some()))
        .collect();
    let mut console = Console::stdio();
    let audited =
        crate::audit::collect(&chosen, &[], &settings, environment, 16, &mut console).await;
    if let Some(e) = own {
        e.shutdown().await;
    }
    let rows = match audited {
        Ok((rows, _)) => rows,
        Err(crate::audit::Failure::Usage(e)) => vec![error_row(e)],
        Err(crate::audit::Failure::Setup(e)) => vec![error_row(e.to_string())],
    };
    say(report::table(&rows, None).trim_end_matches('\n'));
    let elapsed = started.elapsed();
    let fail_if = FailIf::parse("ssl-off,expires-within=30d").unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let flagged: Vec<String> = rows.iter().filter_map(|r| fail_if.reason(r, now)).collect();
    say(&format!(
        "--fail-if ssl-off,expires-within=30d flags {} instance(s){}",
        flagged.len(),
        if flagged.is_empty() {
            String::new()
        } else {
            format!(": {}", flagged.join("; "))
        }
    ));
    for service in &chosen {
        let name = service.crate_name();
        let mine: Vec<&Row> = rows.iter().filter(|r| r.service == name).collect();
        let found = if emulator_is_external(emulator) {
            checked(&mine)
        } else {
            matches_fleet(&name, &mine)
        };
        record(
            steps,
            service,
            "audit",
            COMMAND,
            found,
            elapsed / chosen.len().max(1) as u32,
        );
        if let Some(step) = steps.last_mut() {
            step.instance = Some(format!("{} instance(s)", mine.len()));
        }
    }
    say("");
}

fn emulator_is_external(emulator: &Emulator) -> bool {
    matches!(emulator, Emulator::External(_))
}

fn error_row(error: String) -> Row {
    Row {
        service: "-".into(),
        region: "-".into(),
        error: Some(error),
        ..Row::default()
    }
}

/// Every instance could be checked.
fn checked(rows: &[&Row]) -> Result<String, String> {
    match rows.iter().find(|r| r.error.is_some()) {
        Some(r) => Err(format!(
            "{}: {}",
            r.instance.as_deref().unwrap_or(&r.region),
            r.error.as_deref().unwrap_or("")
        )),
        None => Ok(format!("{} instance(s) checked", rows.len())),
    }
}

/// The rows of `service` are the seeded fleet's, with the seeded SSL states and expiries.
fn matches_fleet(service: &str, rows: &[&Row]) -> Result<String, String> {
    let expected: Vec<&Expected> = FLEET.iter().filter(|e| e.service == service).collect();
    if rows.len() != expected.len() {
        return Err(format!("{} row(s), {} seeded", rows.len(), expected.len()));
    }
    let mut seen = Vec::new();
    for e in expected {
        let Some(row) = rows.iter().find(|r| r.instance.as_deref() == Some(e.id)) else {
            return Err(format!("{} is missing", e.id));
        };
        if let Some(error) = &row.error {
            return Err(format!("{}: {error}", e.id));
        }
        if row.ssl != Some(e.ssl) {
            return Err(format!("{}: SSL {:?}, seeded {}", e.id, row.ssl, e.ssl));
        }
        // The certificate was made when the emulator started: a day may have turned since.
        let days_ok = match (e.days, row.days_left) {
            (Some(want), Some(got)) => got == want || got == want - 1,
            (None, None) => true,
            _ => false,
        };
        if !days_ok {
            return Err(format!(
                "{}: {:?} days left, seeded {:?}",
                e.id, row.days_left, e.days
            ));
        }
        seen.push(match row.days_left {
            Some(days) => format!(
                "{} {days} days ({})",
                e.id,
                row.expiry_source.unwrap_or("-")
            ),
            None => format!("{} SSL off", e.id),
        });
    }
    Ok(seen.join("; "))
}
