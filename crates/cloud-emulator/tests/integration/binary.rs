//! The `cloud-emulator` binary: its first stdout line is the contract other tools rely on.

use crate::common;
use cloud_emulator::demo_data::MONGODB_INSTANCE;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// Kills the child even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Spawns the binary and reads its first stdout line within a bound.
fn spawn(args: &[&str]) -> (Running, String) {
    spawn_with_env(args, &[])
}

/// Like [`spawn`], with environment variables set.
fn spawn_with_env(args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloud-emulator"))
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn cloud-emulator");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("first line within 30 s");
    (running, line)
}

#[tokio::test]
async fn first_line_names_the_address_and_the_server_answers() {
    let (_child, line) = spawn(&["--listen", "127.0.0.1:0", "--async-delay-ms", "100"]);
    let line = line.trim_end_matches('\n');
    let base = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);

    assert_eq!(admin(base, "GET", "health", None).await.status, 200);
    let a = describe_ssl(MONGODB_INSTANCE).send(base).await;
    assert_eq!(a.response()["Status"], 1, "{:?}", a.response());
}

#[tokio::test]
async fn flags_set_the_accepted_credentials() {
    let (_child, line) = spawn(&[
        "--tencent-secret-id",
        "AKIDCUSTOM",
        "--tencent-secret-key",
        "custom-key",
        "--project-id",
        "00000000000000000000000000000001",
        "--region",
        "ap-southeast-1",
    ]);
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let call = describe_ssl(MONGODB_INSTANCE);
    let custom = call
        .clone()
        .with(|t| {
            t.secret_id = "AKIDCUSTOM".into();
            t.secret_key = "custom-key".into();
        })
        .send(&base)
        .await;
    assert_eq!(custom.tencent_code(), None);
    let demo = call.send(&base).await;
    assert_eq!(
        demo.tencent_code().as_deref(),
        Some("AuthFailure.SecretIdNotFound")
    );
    let projects = huawei("GET", "/v3/projects")
        .query("name", "ap-southeast-1")
        .send(&base)
        .await;
    assert_eq!(
        projects.json()["projects"][0]["id"],
        "00000000000000000000000000000001"
    );
}

#[tokio::test]
async fn the_clock_offset_comes_from_the_flag_or_the_environment() {
    let call = describe_ssl(MONGODB_INSTANCE);
    for (args, env, offset) in [
        (&["--clock-offset-secs", "-7200"][..], &[][..], -7200),
        (
            &[][..],
            &[("CLOUD_EMULATOR_CLOCK_OFFSET_SECS", "7200")][..],
            7200,
        ),
    ] {
        let (_child, line) = spawn_with_env(args, env);
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        let refused = call.send(&base).await;
        assert_eq!(
            refused.tencent_code().as_deref(),
            Some("AuthFailure.SignatureExpire"),
            "{args:?} {env:?}"
        );
        let server_time = parse_http_date(refused.header("date").unwrap());
        assert!(
            (server_time - (now() + offset)).abs() <= 5,
            "{args:?} {env:?}: Date {server_time}"
        );
        let corrected = call
            .clone()
            .with(|t| t.timestamp = server_time)
            .send(&base)
            .await;
        assert_eq!(corrected.tencent_code(), None, "{args:?} {env:?}");
    }
}

#[test]
fn bad_flags_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_cloud-emulator"))
        .args(["--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when not listening"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_cloud-emulator"))
        .args(["--state", "/nonexistent/seed.json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/seed.json"));

    let out = Command::new(env!("CARGO_BIN_EXE_cloud-emulator"))
        .args(["--clock-offset-secs", "9999999999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("clock offset"));
    assert!(out.stdout.is_empty());
}

#[test]
fn help_documents_every_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_cloud-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--tencent-secret-id",
        "--tencent-secret-key",
        "--huawei-ak",
        "--huawei-sk",
        "--iam-user",
        "--iam-password",
        "--iam-domain",
        "--project-id",
        "--region",
        "--state",
        "--async-delay-ms",
        "--no-rate-limit",
        "--clock-offset-secs",
        "CLOUD_EMULATOR_CLOCK_OFFSET_SECS",
        "--spec-dir",
        "X-Emulator-Fault",
        cloud_emulator::DEMO_TENCENT_SECRET_ID,
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}
