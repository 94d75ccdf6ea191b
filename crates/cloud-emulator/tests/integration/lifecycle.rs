//! The SSL lifecycle on every service: a mutation returns a flow id at once, the describe
//! operation shows the change only after the async delay, and applications are counted.

use crate::common;

use std::time::Duration;

use cloud_emulator::demo_data::{
    CDB_INSTANCE, MONGODB_INSTANCE, MONGODB_OTHER_INSTANCE, POSTGRES_INSTANCE,
};
use cloud_emulator::{Emulator, RunningEmulator, Seed};
use common::*;
use serde_json::{json, Value};

const DELAY: Duration = Duration::from_millis(400);

async fn start() -> RunningEmulator {
    Emulator::builder()
        .async_delay(DELAY)
        .start()
        .await
        .expect("start")
}

/// Polls `describe` until `check` holds, failing after a bound.
async fn eventually(base: &str, describe: &Tencent, check: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..40 {
        let r = describe.send(base).await.response();
        if check(&r) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the change never showed");
}

#[tokio::test]
async fn mongodb_enable_ssl_shows_after_the_delay() {
    let emu = start().await;
    let base = emu.base_url();
    let describe = describe_ssl(MONGODB_OTHER_INSTANCE);
    assert_eq!(describe.send(&base).await.response()["Status"], 1);

    let started = std::time::Instant::now();
    let disable = mongodb(
        "InstanceEnableSSL",
        json!({"InstanceId": MONGODB_OTHER_INSTANCE, "Enable": false}),
    )
    .send(&base)
    .await
    .response();
    assert!(disable["FlowId"].as_i64().is_some(), "{disable}");
    // Not yet visible.
    assert_eq!(describe.send(&base).await.response()["Status"], 1);
    let snapshot = emu
        .instance("tencent-mongodb", MONGODB_OTHER_INSTANCE)
        .unwrap();
    assert_eq!(snapshot.pending_changes, 1);

    eventually(&base, &describe, |r| r["Status"] == 0).await;
    assert!(started.elapsed() >= DELAY, "shown only after the delay");
    // Another instance is untouched.
    let other = describe_ssl(MONGODB_INSTANCE).send(&base).await;
    assert_eq!(other.response()["Status"], 1);

    mongodb(
        "InstanceEnableSSL",
        json!({"InstanceId": MONGODB_OTHER_INSTANCE, "Enable": true}),
    )
    .send(&base)
    .await;
    eventually(&base, &describe, |r| r["Status"] == 1).await;
    assert_eq!(emu.applied_count("InstanceEnableSSL"), 2);
    assert_eq!(
        emu.applied_count_on(
            "tencent-mongodb",
            "InstanceEnableSSL",
            MONGODB_OTHER_INSTANCE
        ),
        2
    );
    assert_eq!(
        emu.applied_count("DescribeInstanceSSL"),
        0,
        "reads are not applications"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn cdb_close_and_open_ssl() {
    let emu = start().await;
    let base = emu.base_url();
    let describe = cdb("DescribeSSLStatus", json!({"InstanceId": CDB_INSTANCE}));
    assert_eq!(describe.send(&base).await.response()["Status"], "ON");
    let close = cdb("CloseSSL", json!({"InstanceId": CDB_INSTANCE}))
        .send(&base)
        .await
        .response();
    let flow = close["AsyncRequestId"].as_str().unwrap().to_owned();
    assert_ne!(
        flow, "123asd21-2dasdasd-123qcsdw-313213",
        "a fresh flow id, not the example's"
    );
    assert_eq!(describe.send(&base).await.response()["Status"], "ON");
    eventually(&base, &describe, |r| r["Status"] == "OFF").await;
    cdb("OpenSSL", json!({"InstanceId": CDB_INSTANCE}))
        .send(&base)
        .await;
    eventually(&base, &describe, |r| r["Status"] == "ON").await;
    assert_eq!(emu.applied_count("OpenSSL"), 1);
    assert_eq!(emu.applied_count("CloseSSL"), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn postgres_modify_ssl_config_carries_the_connect_address() {
    let emu = start().await;
    let base = emu.base_url();
    let describe = postgres(
        "DescribeDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE}),
    );
    postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": false}),
    )
    .send(&base)
    .await;
    let off = eventually(&base, &describe, |r| r["SSLEnabled"] == false).await;
    // The documented "SSL is closed" example describes a disabled instance.
    assert_eq!(off["CAUrl"], "", "{off}");
    postgres(
        "ModifyDBInstanceSSLConfig",
        json!({"DBInstanceId": POSTGRES_INSTANCE, "SSLEnabled": true, "ConnectAddress": "10.6.0.9"}),
    )
    .send(&base)
    .await;
    let on = eventually(&base, &describe, |r| r["SSLEnabled"] == true).await;
    assert_eq!(on["ConnectAddress"], "10.6.0.9", "{on}");
    emu.shutdown().await;
}

#[tokio::test]
async fn geminidb_switch_ssl_shows_in_list_instances() {
    let emu = start().await;
    let base = emu.base_url();
    let project = emu.project_id().to_owned();
    let list = huawei("GET", &format!("/v3/{project}/instances")).query("id", GEMINI_INSTANCE);
    let before = list.send(&base).await;
    assert_eq!(
        before.status,
        200,
        "{}",
        String::from_utf8_lossy(&before.body)
    );
    let before = before.json();
    assert_eq!(before["instances"][0]["id"], GEMINI_INSTANCE);
    assert_eq!(before["total_count"], 1);
    let initial = before["instances"][0]["ssl"].clone();
    let (target, option) = if initial == "1" {
        ("0", "off")
    } else {
        ("1", "on")
    };

    let switch = huawei(
        "POST",
        &gemini_path(&project, GEMINI_INSTANCE, "ssl-option"),
    )
    .body(json!({"ssl_option": option}))
    .send(&base)
    .await;
    assert_eq!(switch.status, 202);
    assert_eq!(switch.json()["job_id"].as_str().unwrap().len(), 32);
    assert_eq!(
        list.send(&base).await.json()["instances"][0]["ssl"],
        initial
    );
    let mut shown = false;
    for _ in 0..40 {
        if list.send(&base).await.json()["instances"][0]["ssl"] == target {
            shown = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown, "ListInstances never showed ssl={target}");
    assert_eq!(emu.applied_count_in("huawei-geminidb", "SwitchSsl"), 1);

    // A filter that matches nothing lists nothing.
    let none = list
        .clone()
        .with(|h| h.query = vec![("id".into(), "nope".into())])
        .send(&base)
        .await;
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["instances"], json!([]));
    emu.shutdown().await;
}

#[tokio::test]
async fn seeds_create_instances_with_their_state() {
    let seed = Seed::from_json(
        r#"{
            "instances": [
                {"service": "mongodb", "id": "cmgo-seeded1", "region": "ap-shanghai",
                 "outputs": {"DescribeInstanceSSL": {"Status": 0, "CertUrl": null}}}
            ],
            "replace_defaults": true
        }"#,
    )
    .unwrap();
    let emu = Emulator::builder().seed(seed).start().await.unwrap();
    let base = emu.base_url();
    let seeded = describe_ssl("cmgo-seeded1")
        .with(|t| t.region = Some("ap-shanghai".into()))
        .send(&base)
        .await
        .response();
    assert_eq!(seeded["Status"], 0);
    assert_eq!(seeded["CertUrl"], Value::Null);
    let elsewhere = describe_ssl("cmgo-seeded1")
        .with(|t| t.region = Some("ap-beijing".into()))
        .send(&base)
        .await;
    assert_eq!(
        elsewhere.tencent_code().as_deref(),
        Some("InvalidParameterValue.NotFoundInstance")
    );
    let default_gone = describe_ssl(MONGODB_INSTANCE).send(&base).await;
    assert_eq!(
        default_gone.tencent_code().as_deref(),
        Some("InvalidParameterValue.NotFoundInstance")
    );
    emu.shutdown().await;

    let bad = Seed::from_json(r#"{"instances": [{"service": "nosuch", "id": "x"}]}"#).unwrap();
    let err = Emulator::builder()
        .seed(bad)
        .start()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("nosuch"), "{err}");
}

#[tokio::test]
async fn default_instances_are_the_documented_ones() {
    let emu = Emulator::builder().start().await.unwrap();
    for (service, id) in cloud_emulator::DEFAULT_INSTANCES {
        assert!(emu.has_instance(service, id), "{service} {id}");
    }
    emu.shutdown().await;
}

/// Enable and disable raced on one instance, many times, while another client reads the
/// instance all along (so due changes settle one by one): the state that shows in the end is
/// always the one asked by the request that took the state lock last, which is the one whose
/// flow id (numbered under that lock) is the larger.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_last_mutation_to_take_the_lock_is_the_one_that_shows() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    const ROUNDS: usize = 40;
    let emu = Emulator::builder()
        .async_delay(Duration::from_millis(20))
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let instance = MONGODB_OTHER_INSTANCE;
    let describe = describe_ssl(instance);
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (stop, base, describe) = (stop.clone(), base.clone(), describe.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                describe.send(&base).await;
            }
        })
    };

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut rounds = 0;
    while rounds < ROUNDS && std::time::Instant::now() < deadline {
        let switch = |enable: bool| {
            mongodb(
                "InstanceEnableSSL",
                json!({ "InstanceId": instance, "Enable": enable }),
            )
        };
        let (on, off) = (switch(true), switch(false));
        let (on, off) = tokio::join!(on.send(&base), off.send(&base));
        let flow = |a: &Answer| a.response()["FlowId"].as_u64().expect("a flow id");
        let expected = if flow(&on) > flow(&off) { 1 } else { 0 };
        // Each round's changes settle within 20 ms of their delay; 10 s is for a loaded machine.
        let settle_deadline = std::time::Instant::now() + Duration::from_secs(10);
        while emu
            .instance("tencent-mongodb", instance)
            .is_some_and(|s| s.pending_changes > 0)
        {
            assert!(
                std::time::Instant::now() < settle_deadline,
                "round {rounds}: changes never settled"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let shown = describe.send(&base).await.response()["Status"].clone();
        assert_eq!(shown, expected, "round {rounds}: the last switch must show");
        rounds += 1;
    }
    stop.store(true, Ordering::Relaxed);
    reader.await.unwrap();
    assert_eq!(rounds, ROUNDS, "the rounds did not fit in the time bound");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_creation_naming_an_unknown_instance_is_refused_and_creates_nothing() {
    let emu = start().await;
    let base = emu.base_url();
    // A read-only instance: the spec's `references` say `MasterInstanceId` names its primary.
    let read_only = |master: &str| {
        cdb(
            "CreateDBInstance",
            json!({"GoodsNum": 1, "InstanceRole": "ro", "MasterInstanceId": master,
                   "Period": 1, "Volume": 100, "Memory": 4000}),
        )
    };
    let total = || async {
        let listed = cdb("DescribeDBInstances", json!({}))
            .send(&base)
            .await
            .response();
        listed["TotalCount"].as_u64().expect("a total")
    };
    let before = total().await;
    let refused = read_only("cdb-doesnotexist").send(&base).await;
    let spec = cloud_spec::bundle::service("tencent-cdb").expect("the cdb spec");
    let (code, _) = cloud_emulator::not_found_error(&spec, "CreateDBInstance").expect("a code");
    assert_eq!(refused.tencent_code(), Some(code), "{}", refused.response());
    assert!(
        refused.response()["Error"]["Message"]
            .as_str()
            .is_some_and(|m| m.contains("cdb-doesnotexist")),
        "{}",
        refused.response()
    );
    assert_eq!(total().await, before, "nothing created");

    let created = read_only(CDB_INSTANCE).send(&base).await.response();
    let id = created["InstanceIds"][0]
        .as_str()
        .expect("an id")
        .to_owned();
    assert!(emu.has_instance("tencent-cdb", &id), "{created}");
    assert_eq!(total().await, before + 1);
}
