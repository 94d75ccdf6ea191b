//! The instance lifecycle through the generated crates' typed API, as a user writes it: create,
//! `wait_until_instance_running`, SSL with `send_and_wait`, the certificate link, every page
//! through `paginate()` (each instance once), isolate and delete with the waiters, gone; plus a
//! create seen by the next list call. One function per service, because each service's create
//! takes its own typed members.

use std::collections::HashMap;
use std::time::Duration;

use cloud_transport::wait::WaitOptions;
use cloudcall_tests::setup::TestBed;
use cloudcall_tests::wait::bounded;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Fast polling, bounded: the emulator's changes take its async delay.
fn fast() -> WaitOptions {
    WaitOptions::new()
        .first_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(150))
        .timeout(Duration::from_secs(20))
}

/// Checks that a listing paged 2 at a time took more than 3 pages and listed each instance
/// once.
fn listed_once_over_pages(ids: impl IntoIterator<Item = String>) -> Result<(), String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for id in ids {
        *seen.entry(id).or_default() += 1;
    }
    if let Some((id, n)) = seen.iter().find(|(_, n)| **n > 1) {
        return Err(format!("{id} listed {n} times"));
    }
    if seen.len() <= 6 {
        return Err(format!("{} instances: fewer than 3 pages of 2", seen.len()));
    }
    Ok(())
}

async fn mongodb(c: &tencent_mongodb::Client) -> TestResult {
    let created = c
        .create_db_instance_hour()
        .memory(4)
        .volume(250)
        .replicate_set_num(1)
        .node_num(3)
        .mongo_version("MONGO_50_WT")
        .machine_code("HIO10G")
        .goods_num(1)
        .zone("ap-guangzhou-3")
        .cluster_type("REPLSET")
        .send()
        .await?;
    let id = created.instance_ids.first().cloned().ok_or("no new id")?;
    // The next list call sees it, before it runs.
    let listed = c
        .describe_db_instances()
        .instance_ids([id.clone()])
        .send()
        .await?;
    assert_eq!(listed.instance_details.len(), 1, "{listed:?}");
    c.wait_until_instance_running(&id, fast()).await?;
    c.instance_enable_ssl()
        .instance_id(&id)
        .enable(true)
        .send_and_wait(fast())
        .await?;
    let ssl = c.describe_instance_ssl().instance_id(&id).send().await?;
    assert!(ssl.cert_url.is_some_and(|u| !u.is_empty()));
    let items = c
        .describe_db_instances()
        .limit(2)
        .paginate()
        .items()
        .collect_all()
        .await?;
    listed_once_over_pages(items.into_iter().map(|i| i.instance_id))?;
    c.isolate_db_instance()
        .instance_id(&id)
        .send_and_wait(fast())
        .await?;
    c.wait_until_instance_isolated(&id, fast()).await?;
    c.offline_isolated_db_instance()
        .instance_id(&id)
        .send_and_wait(fast())
        .await?;
    c.wait_until_instance_gone(&id, fast()).await?;
    let gone = c.describe_instance_ssl().instance_id(&id).send().await;
    assert!(gone.is_err(), "{gone:?}");
    Ok(())
}

async fn cdb(c: &tencent_cdb::Client) -> TestResult {
    let created = c
        .create_db_instance_hour()
        .goods_num(1)
        .memory(1000)
        .volume(150)
        .engine_version("8.0")
        .zone("540001")
        .send()
        .await?;
    let id = created.instance_ids.first().cloned().ok_or("no new id")?;
    let listed = c
        .describe_db_instances()
        .instance_ids([id.clone()])
        .send()
        .await?;
    assert_eq!(listed.items.len(), 1, "{listed:?}");
    c.wait_until_instance_running(&id, fast()).await?;
    c.open_ssl().instance_id(&id).send_and_wait(fast()).await?;
    let ssl = c.describe_ssl_status().instance_id(&id).send().await?;
    assert!(!ssl.url.is_empty(), "{ssl:?}");
    let items = c
        .describe_db_instances()
        .limit(2)
        .paginate()
        .items()
        .collect_all()
        .await?;
    listed_once_over_pages(items.into_iter().map(|i| i.instance_id))?;
    c.isolate_db_instance().instance_id(&id).send().await?;
    c.wait_until_instance_isolated(&id, fast()).await?;
    c.offline_isolated_instances()
        .instance_ids([id.clone()])
        .send()
        .await?;
    c.wait_until_instance_gone(&id, fast()).await?;
    Ok(())
}

async fn postgres(c: &tencent_postgres::Client) -> TestResult {
    let created = c
        .create_instances()
        .spec_code("cdb.pg.z1.2g")
        .storage(10)
        .instance_count(1)
        .period(1)
        .charset("UTF8")
        .admin_name("test2313")
        .admin_password("a-Passw0rd")
        .zone("ap-guangzhou-2")
        .db_version("12.4")
        .send()
        .await?;
    let id = created
        .db_instance_id_set
        .first()
        .cloned()
        .ok_or("no new id")?;
    c.wait_until_instance_running(&id, fast()).await?;
    c.modify_db_instance_ssl_config()
        .db_instance_id(&id)
        .ssl_enabled(true)
        .connect_address(cloudcall_tests::services::POSTGRES_CONNECT_ADDRESS)
        .send_and_wait(fast())
        .await?;
    let ssl = c
        .describe_db_instance_ssl_config()
        .db_instance_id(&id)
        .send()
        .await?;
    assert!(ssl.ca_url.is_some_and(|u| !u.is_empty()));
    let items = c
        .describe_db_instances()
        .limit(2)
        .paginate()
        .items()
        .collect_all()
        .await?;
    listed_once_over_pages(items.into_iter().map(|i| i.db_instance_id))?;
    c.isolate_db_instances()
        .db_instance_id_set([id.clone()])
        .send()
        .await?;
    c.wait_until_instance_isolated(&id, fast()).await?;
    c.destroy_db_instance().db_instance_id(&id).send().await?;
    c.wait_until_instance_gone(&id, fast()).await?;
    Ok(())
}

async fn geminidb(c: &huawei_geminidb::Client) -> TestResult {
    use huawei_geminidb::types::{CreateInstanceFlavorOption, DatastoreOption};
    let datastore: DatastoreOption = serde_json::from_value(serde_json::json!({
        "type": "cassandra", "version": "3.11", "storage_engine": "rocksDB"
    }))?;
    let flavor: CreateInstanceFlavorOption = serde_json::from_value(serde_json::json!({
        "num": "3", "storage": "ULTRAHIGH", "size": "100", "spec_code": "geminidb.cassandra.xlarge.4"
    }))?;
    let created = c
        .create_instance()
        .name("lifecycle-walk")
        .datastore(datastore)
        .region("cn-north-4")
        .availability_zone("cn-north-4a")
        .vpc_id("vpc-1")
        .subnet_id("subnet-1")
        .security_group_id("sg-1")
        .password("a-Passw0rd")
        .mode("Cluster")
        .flavor([flavor])
        .send_and_wait(fast())
        .await?;
    let id = created.output.id.clone().ok_or("no new id")?;
    let listed = c.list_instances().id(&id).send().await?;
    assert_eq!(
        listed.instances.as_ref().map_or(0, Vec::len),
        1,
        "{listed:?}"
    );
    c.wait_until_instance_running(&id, fast()).await?;
    c.switch_ssl()
        .instance_id(&id)
        .ssl_option(huawei_geminidb::types::SslOption::On)
        .send_and_wait(fast())
        .await?;
    let certs = c
        .list_ssl_cert_download_addresses()
        .instance_id(&id)
        .send()
        .await?;
    assert!(
        certs.certs.as_ref().is_some_and(|c| !c.is_empty()),
        "{certs:?}"
    );
    let items = c
        .list_instances()
        .limit(2)
        .paginate()
        .items()
        .collect_all()
        .await?;
    listed_once_over_pages(items.into_iter().filter_map(|i| i.id))?;
    c.delete_instance()
        .instance_id(&id)
        .send_and_wait(fast())
        .await?;
    c.wait_until_instance_gone(&id, fast()).await?;
    Ok(())
}

#[tokio::test]
async fn the_lifecycle_of_every_service_through_the_typed_crates() {
    bounded(async {
        let bed = TestBed::start().await;
        let clients = &bed.clients;
        let results = [
            ("tencent-mongodb", mongodb(&clients.mongodb).await),
            ("tencent-cdb", cdb(&clients.cdb).await),
            ("tencent-postgres", postgres(&clients.postgres).await),
            ("huawei-geminidb", geminidb(&clients.geminidb).await),
        ];
        let failures: Vec<String> = results
            .into_iter()
            .filter_map(|(name, r)| r.err().map(|e| format!("{name}: {e}")))
            .collect();
        bed.shutdown().await;
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    })
    .await;
}
