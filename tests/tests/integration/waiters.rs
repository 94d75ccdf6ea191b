//! The typed crates' waiters against the emulator over loopback HTTP: `send_and_wait` on each
//! service's SSL switch follows the task it starts, then returns once the change shows (not
//! before the emulator's async delay), and a deadline shorter than the delay ends in a typed
//! timeout with the last status seen.

use std::time::{Duration, Instant};

use cloud_transport::wait::{WaitError, WaitOptions};
use cloudcall_tests::services::{Service, POSTGRES_CONNECT_ADDRESS};
use cloudcall_tests::setup::{instances, Clients, TestBed};
use cloudcall_tests::wait::bounded;
use huawei_geminidb::types::SslOption;

/// Polls often (the emulator's delay is a few hundred milliseconds), within a deadline far
/// above it.
fn options() -> WaitOptions {
    WaitOptions::new()
        .first_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(100))
        .timeout(Duration::from_secs(10))
}

/// Switches SSL on `service`'s instance with the typed crate's `send_and_wait`; returns how
/// many polls it took.
async fn switch_and_wait(
    service: Service,
    clients: &Clients,
    enable: bool,
    options: WaitOptions,
) -> Result<u32, WaitError> {
    Ok(match service {
        Service::MongoDb => {
            clients
                .mongodb
                .instance_enable_ssl()
                .instance_id(instances::MONGODB)
                .enable(enable)
                .send_and_wait(options)
                .await?
                .waited
                .attempts
        }
        Service::Cdb if enable => {
            let done = clients
                .cdb
                .open_ssl()
                .instance_id(instances::CDB)
                .send_and_wait(options)
                .await?;
            assert!(!done.output.async_request_id.is_empty());
            done.waited.attempts
        }
        Service::Cdb => {
            clients
                .cdb
                .close_ssl()
                .instance_id(instances::CDB)
                .send_and_wait(options)
                .await?
                .waited
                .attempts
        }
        Service::Postgres => {
            let mut request = clients
                .postgres
                .modify_db_instance_ssl_config()
                .db_instance_id(instances::POSTGRES)
                .ssl_enabled(enable);
            if enable {
                request = request.connect_address(POSTGRES_CONNECT_ADDRESS);
            }
            request.send_and_wait(options).await?.waited.attempts
        }
        Service::GeminiDb => {
            let option = if enable {
                SslOption::On
            } else {
                SslOption::Off
            };
            clients
                .geminidb
                .switch_ssl()
                .instance_id(instances::GEMINIDB)
                .ssl_option(option)
                .send_and_wait(options)
                .await?
                .waited
                .attempts
        }
    })
}

#[tokio::test]
async fn send_and_wait_returns_once_the_ssl_change_shows_on_every_service() {
    bounded(Service::each_concurrently(|service| async move {
        let bed = TestBed::start().await;
        let delay = bed.emulator.async_delay();
        let initial = service.ssl_enabled(&bed.clients).await.unwrap();
        for target in [!initial, initial] {
            let sent = Instant::now();
            let polls = switch_and_wait(service, &bed.clients, target, options())
                .await
                .unwrap_or_else(|e| panic!("{service:?}: {e}"));
            assert!(
                sent.elapsed() >= delay,
                "{service:?}: the wait ended after {:?}, before the {delay:?} delay",
                sent.elapsed()
            );
            assert!(polls >= 2, "{service:?}: the first poll sees the old state");
            // Done means done: the change shows at once.
            assert_eq!(
                service.ssl_enabled(&bed.clients).await.unwrap(),
                target,
                "{service:?}"
            );
        }
        bed.shutdown().await;
    }))
    .await
}

#[tokio::test]
async fn a_deadline_shorter_than_the_change_ends_in_a_timeout_with_the_old_state() {
    bounded(Service::each_concurrently(|service| async move {
        let bed = TestBed::start().await;
        let delay = bed.emulator.async_delay();
        let initial = service.ssl_enabled(&bed.clients).await.unwrap();
        let started = Instant::now();
        let error = switch_and_wait(
            service,
            &bed.clients,
            !initial,
            options().timeout(delay / 3),
        )
        .await
        .expect_err("the change cannot show in time");
        match error {
            WaitError::Timeout {
                waited,
                last_status,
            } => {
                assert!(waited >= delay / 3, "{service:?}: {waited:?}");
                assert!(last_status.is_some(), "{service:?}: the old state was seen");
            }
            other => panic!("{service:?}: expected a timeout, got {other:?}"),
        }
        assert!(
            started.elapsed() < delay * 3,
            "{service:?}: {:?}",
            started.elapsed()
        );
        bed.shutdown().await;
    }))
    .await
}
