//! The credentials of a conformance run. They are test values, not secrets: the emulator and the
//! official verifier are started with them, and the callers (official clients, `cloudcall`, the
//! Rust crates) get them from the environment.

/// Long-term Tencent key the emulator and the verifier accept.
const TENCENT_SECRET_ID: &str = "AKIDCONFORMANCE000000000000000000000";
const TENCENT_SECRET_KEY: &str = "ConformanceSecretKey000000000000";
/// Long-term Huawei key the emulator and the verifier accept.
const HUAWEI_AK: &str = "CONFORMANCEAK0000000";
const HUAWEI_SK: &str = "ConformanceSecretAccessKey00000000000000";
/// The GeminiDB docs' project id, the emulator's default project.
pub use cloud_emulator::demo_data::DEFAULT_HUAWEI_PROJECT_ID as HUAWEI_PROJECT_ID;
/// Huawei region of the emulator's default project.
pub use cloud_emulator::demo_data::DEFAULT_HUAWEI_REGION as HUAWEI_REGION;
/// Regions the callers use (PostgreSQL's SSL operations are served in ap-guangzhou).
pub use cloud_emulator::demo_data::TENCENT_REGION;
// The emulator's built-in temporary demo credentials, which it accepts by default; the
// verifier is given the same.
use cloud_emulator::demo_data::{
    DEMO_HUAWEI_SECURITY_TOKEN as HUAWEI_TEMP_SECURITY_TOKEN,
    DEMO_HUAWEI_TEMP_AK as HUAWEI_TEMP_AK, DEMO_HUAWEI_TEMP_SK as HUAWEI_TEMP_SK,
    DEMO_TENCENT_TEMP_SECRET_ID as TENCENT_TEMP_SECRET_ID,
    DEMO_TENCENT_TEMP_SECRET_KEY as TENCENT_TEMP_SECRET_KEY,
    DEMO_TENCENT_TOKEN as TENCENT_TEMP_TOKEN,
};

/// The long-term keys, for the CLI's credential chain and its negative controls.
pub struct LongTerm {
    /// Tencent SecretId.
    pub tencent_id: &'static str,
    /// Tencent SecretKey.
    pub tencent_key: &'static str,
    /// Huawei AK.
    pub huawei_ak: &'static str,
    /// Huawei SK.
    pub huawei_sk: &'static str,
}

/// The long-term keys.
pub const LONG_TERM: LongTerm = LongTerm {
    tencent_id: TENCENT_SECRET_ID,
    tencent_key: TENCENT_SECRET_KEY,
    huawei_ak: HUAWEI_AK,
    huawei_sk: HUAWEI_SK,
};

/// Environment for `cloud-emulator`: accept the long-term keys (the demo temporary ones stay on).
pub fn emulator_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("CLOUD_EMULATOR_TENCENT_SECRET_ID", TENCENT_SECRET_ID),
        ("CLOUD_EMULATOR_TENCENT_SECRET_KEY", TENCENT_SECRET_KEY),
        ("CLOUD_EMULATOR_HUAWEI_AK", HUAWEI_AK),
        ("CLOUD_EMULATOR_HUAWEI_SK", HUAWEI_SK),
        ("CLOUD_EMULATOR_PROJECT_ID", HUAWEI_PROJECT_ID),
        ("CLOUD_EMULATOR_REGION", HUAWEI_REGION),
        ("CLOUD_EMULATOR_DEMO_TEMPORARY", "true"),
    ]
}

/// Environment for the callers: `official_clients.py` and the Rust conformance test.
pub fn driver_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("CONFORMANCE_TENCENT_SECRET_ID", TENCENT_SECRET_ID),
        ("CONFORMANCE_TENCENT_SECRET_KEY", TENCENT_SECRET_KEY),
        ("CONFORMANCE_TENCENT_TEMP_SECRET_ID", TENCENT_TEMP_SECRET_ID),
        (
            "CONFORMANCE_TENCENT_TEMP_SECRET_KEY",
            TENCENT_TEMP_SECRET_KEY,
        ),
        ("CONFORMANCE_TENCENT_TEMP_TOKEN", TENCENT_TEMP_TOKEN),
        ("CONFORMANCE_HUAWEI_AK", HUAWEI_AK),
        ("CONFORMANCE_HUAWEI_SK", HUAWEI_SK),
        ("CONFORMANCE_HUAWEI_TEMP_AK", HUAWEI_TEMP_AK),
        ("CONFORMANCE_HUAWEI_TEMP_SK", HUAWEI_TEMP_SK),
        (
            "CONFORMANCE_HUAWEI_TEMP_SECURITY_TOKEN",
            HUAWEI_TEMP_SECURITY_TOKEN,
        ),
        ("CONFORMANCE_HUAWEI_PROJECT_ID", HUAWEI_PROJECT_ID),
    ]
}

/// `CONFORMANCE_VERIFIER_KEYS` for `official_verifier.py`: every key above.
pub fn verifier_keys_json() -> String {
    let key = |id: &str, secret: &str, token: Option<&str>| serde_json::json!({"id": id, "secret": secret, "token": token});
    serde_json::json!({
        "tencent": [
            key(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, None),
            key(TENCENT_TEMP_SECRET_ID, TENCENT_TEMP_SECRET_KEY, Some(TENCENT_TEMP_TOKEN)),
        ],
        "huawei": [
            key(HUAWEI_AK, HUAWEI_SK, None),
            key(HUAWEI_TEMP_AK, HUAWEI_TEMP_SK, Some(HUAWEI_TEMP_SECURITY_TOKEN)),
        ],
    })
    .to_string()
}
