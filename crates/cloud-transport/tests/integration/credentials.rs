//! The default credentials chain: environment variables and the official SDKs' profile files,
//! read through a fixed `Environment` (no test touches the process environment), used by real
//! calls to a loopback server.

#![cfg(all(feature = "tencent", feature = "huawei"))]

use crate::common;

use std::path::{Path, PathBuf};

use cloud_transport::{Client, Config, Environment, ErrorKind};
use common::*;
use serde_json::json;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("cloud-transport-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Calls DescribeInstanceSSL with credentials from `env`; returns the request the server saw.
async fn tencent_call(env: Environment) -> cloud_transport::Result<Received> {
    let server = TestServer::start(|_, _| Reply::tencent_ok(json!({}), "r")).await;
    let config = Config::builder()
        .endpoint(&server.url)
        .environment(env)
        .build()
        .unwrap();
    Client::new(&MONGODB, config)
        .call_json(&DESCRIBE_SSL, json!({}))
        .await?;
    Ok(server.received().remove(0))
}

/// Calls ListSslCertDownloadAddresses with credentials from `env`.
async fn huawei_call(env: Environment) -> cloud_transport::Result<Received> {
    let server = TestServer::start(|req, _| {
        if req.path == "/v3/projects" {
            Reply::json(
                200,
                json!({"projects": [{"id": "looked-up", "name": "cn-north-4"}]}),
            )
        } else {
            Reply::json(200, json!({}))
        }
    })
    .await;
    let config = Config::builder()
        .endpoint(&server.url)
        .environment(env)
        .build()
        .unwrap();
    Client::new(&GEMINIDB, config)
        .call_json(&LIST_CERTS, json!({"instance_id": INSTANCE_ID}))
        .await?;
    Ok(server.received().pop().unwrap())
}

fn credential_of(auth: &str) -> &str {
    auth.split("Credential=")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
}

#[tokio::test]
async fn tencent_environment_variables_are_used() {
    let sent = tencent_call(Environment::from_vars([
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "envkey"),
        ("TENCENTCLOUD_TOKEN", "envtoken"),
        ("TENCENTCLOUD_REGION", "ap-shanghai"),
    ]))
    .await
    .unwrap();
    assert_eq!(
        credential_of(sent.header("authorization").unwrap()),
        "AKIDenv"
    );
    sent.verify_tc3("envkey").unwrap();
    assert_eq!(sent.header("x-tc-token"), Some("envtoken"));
    assert_eq!(sent.header("x-tc-region"), Some("ap-shanghai"));
}

#[tokio::test]
async fn tencent_half_set_environment_is_an_error_naming_the_variable() {
    let e = tencent_call(Environment::from_vars([(
        "TENCENTCLOUD_SECRET_ID",
        "AKIDenv",
    )]))
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("TENCENTCLOUD_SECRET_KEY"), "{e}");
}

#[tokio::test]
async fn tencent_profile_in_the_home_directory_is_used() {
    let home = TempDir::new("tc-home");
    home.write(
        ".tencentcloud/credentials",
        "# Tencent Cloud credentials\n[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n\n[other]\nsecret_id = nope\n",
    );
    let sent = tencent_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap();
    assert_eq!(
        credential_of(sent.header("authorization").unwrap()),
        "AKIDfile"
    );
    sent.verify_tc3("filekey").unwrap();
    assert!(sent.header("x-tc-token").is_none());
}

#[tokio::test]
async fn tencent_environment_wins_over_the_profile() {
    let home = TempDir::new("tc-both");
    home.write(
        ".tencentcloud/credentials",
        "[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n",
    );
    let env = Environment::from_vars([
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "envkey"),
    ])
    .with_home(home.path());
    let sent = tencent_call(env).await.unwrap();
    assert_eq!(
        credential_of(sent.header("authorization").unwrap()),
        "AKIDenv"
    );
}

#[tokio::test]
async fn tencent_credentials_file_variable_names_the_file() {
    let dir = TempDir::new("tc-var");
    let file = dir.write(
        "elsewhere.ini",
        "[default]\nsecret_id=AKIDvar\nsecret_key=varkey\ntoken=vartoken\n",
    );
    let sent = tencent_call(Environment::from_vars([(
        "TENCENTCLOUD_CREDENTIALS_FILE",
        file.to_str().unwrap(),
    )]))
    .await
    .unwrap();
    assert_eq!(
        credential_of(sent.header("authorization").unwrap()),
        "AKIDvar"
    );
    assert_eq!(sent.header("x-tc-token"), Some("vartoken"));

    let missing = dir.path().join("missing.ini");
    let e = tencent_call(Environment::from_vars([(
        "TENCENTCLOUD_CREDENTIALS_FILE",
        missing.to_str().unwrap(),
    )]))
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("missing.ini"), "{e}");
}

#[tokio::test]
async fn malformed_profiles_name_the_file_and_line() {
    let home = TempDir::new("tc-bad");
    let path = home.write(
        ".tencentcloud/credentials",
        "[default]\nsecret_id = AKIDfile\nsecret_key filekey-without-equals\n",
    );
    let e = tencent_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let shown = e.to_string();
    assert!(
        shown.contains(&format!("{} line 3:", path.display())),
        "{shown}"
    );
    assert!(
        !shown.contains("filekey-without-equals"),
        "the line's content may be a secret: {shown}"
    );

    let home = TempDir::new("hw-bad");
    let path = home.write(
        ".huaweicloud/credentials",
        "[basic]\nak = A\n\n[basic]\nsk = S\n",
    );
    let e = huawei_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(
        e.to_string()
            .contains(&format!("{} line 4:", path.display())),
        "{e}"
    );
}

#[tokio::test]
async fn incomplete_profile_section_names_the_missing_key() {
    let home = TempDir::new("tc-incomplete");
    home.write(
        ".tencentcloud/credentials",
        "\n[default]\nsecret_id = AKIDfile\n",
    );
    let e = tencent_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(
        e.to_string()
            .contains("line 2: section [default] has no `secret_key`"),
        "{e}"
    );
}

#[tokio::test]
async fn no_credentials_anywhere_is_a_credentials_error() {
    let home = TempDir::new("empty-home");
    let e = tencent_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let e = huawei_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_AK"), "{e}");
}

#[tokio::test]
async fn huawei_environment_aksk_with_project_id_and_region() {
    let sent = huawei_call(Environment::from_vars([
        ("HUAWEICLOUD_SDK_AK", "HWAKENV"),
        ("HUAWEICLOUD_SDK_SK", "hwenvsk"),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "hwenvtoken"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "envproject"),
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
    ]))
    .await
    .unwrap();
    assert_eq!(sent.verify_huawei("hwenvsk").unwrap(), "HWAKENV");
    assert_eq!(sent.header("x-security-token"), Some("hwenvtoken"));
    assert!(sent.path.starts_with("/v3/envproject/"), "{}", sent.path);
}

#[tokio::test]
async fn huawei_environment_region_drives_the_project_lookup() {
    let sent = huawei_call(Environment::from_vars([
        ("HUAWEICLOUD_SDK_AK", "HWAKENV"),
        ("HUAWEICLOUD_SDK_SK", "hwenvsk"),
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
    ]))
    .await
    .unwrap();
    assert!(sent.path.starts_with("/v3/looked-up/"), "{}", sent.path);
}

#[tokio::test]
async fn huawei_profile_with_project_id() {
    let home = TempDir::new("hw-home");
    home.write(
        ".huaweicloud/credentials",
        "[basic]\nak = HWAKFILE\nsk = hwfilesk\nproject_id = fileproject\n\n[global]\nak = other\n",
    );
    let sent = huawei_call(Environment::empty().with_home(home.path()))
        .await
        .unwrap();
    assert_eq!(sent.verify_huawei("hwfilesk").unwrap(), "HWAKFILE");
    assert!(sent.path.starts_with("/v3/fileproject/"), "{}", sent.path);
}

#[tokio::test]
async fn huawei_credentials_file_variable() {
    let dir = TempDir::new("hw-var");
    let file = dir.write(
        "hw.ini",
        "[basic]\nak: HWAKVAR\nsk: hwvarsk\nproject_id: varproject\nsecurity_token: vartoken\n",
    );
    let sent = huawei_call(Environment::from_vars([(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        file.to_str().unwrap(),
    )]))
    .await
    .unwrap();
    assert_eq!(sent.verify_huawei("hwvarsk").unwrap(), "HWAKVAR");
    assert_eq!(sent.header("x-security-token"), Some("vartoken"));
}

#[tokio::test]
async fn huawei_token_from_the_environment_wins_over_aksk() {
    let sent = huawei_call(Environment::from_vars([
        ("HUAWEICLOUD_SDK_AUTH_TOKEN", "env-iam-token"),
        ("HUAWEICLOUD_SDK_AK", "HWAKENV"),
        ("HUAWEICLOUD_SDK_SK", "hwenvsk"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "envproject"),
    ]))
    .await
    .unwrap();
    assert_eq!(sent.header("x-auth-token"), Some("env-iam-token"));
    assert!(sent.header("authorization").is_none());
}

#[tokio::test]
async fn huawei_half_set_iam_login_names_what_is_missing() {
    let e = huawei_call(Environment::from_vars([
        ("HUAWEICLOUD_SDK_USER_NAME", "ops"),
        ("HUAWEICLOUD_SDK_PASSWORD", "pw"),
    ]))
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert!(
        e.to_string()
            .contains("not set: HUAWEICLOUD_SDK_DOMAIN_NAME"),
        "{e}"
    );
}
