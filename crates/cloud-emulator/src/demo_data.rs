//! The demo's data, in one place: the credentials the emulator accepts by default, its default
//! Huawei account, the instances it has by default, and the values the demo walk-through
//! (`cloudcall demo`) and the tests send. The emulator's defaults, the CLI demo and every test
//! suite read them from here, so changing one changes all of them.
//!
//! The values are public on purpose: they only ever open this local emulator. The instance ids
//! and the project id are the ones the vendors' documentation examples use (the specs keep those
//! examples), so the documented answers name instances the emulator has.
//!
//! The credentials, the Huawei account and [`DEFAULT_INSTANCES`] are also exported at the crate
//! root, where they were first published.

/// Demo Tencent SecretId accepted by default.
pub const DEMO_TENCENT_SECRET_ID: &str = "AKIDEMULATOR000000000000000000000000";
/// Demo Tencent SecretKey accepted by default.
pub const DEMO_TENCENT_SECRET_KEY: &str = "EmulatorSecretKey000000000000000";
/// Demo Tencent temporary SecretId (needs [`DEMO_TENCENT_TOKEN`] in `X-TC-Token`).
pub const DEMO_TENCENT_TEMP_SECRET_ID: &str = "AKIDEMULATORTEMP00000000000000000000";
/// Demo Tencent temporary SecretKey.
pub const DEMO_TENCENT_TEMP_SECRET_KEY: &str = "EmulatorTempSecretKey00000000000";
/// Demo Tencent session token of the temporary credentials.
pub const DEMO_TENCENT_TOKEN: &str = "emulator-session-token";

/// Demo Huawei access key (AK) accepted by default.
pub const DEMO_HUAWEI_AK: &str = "EMULATORAK0000000000";
/// Demo Huawei secret key (SK) accepted by default.
pub const DEMO_HUAWEI_SK: &str = "EmulatorSecretAccessKey00000000000000000";
/// Demo Huawei temporary AK (needs [`DEMO_HUAWEI_SECURITY_TOKEN`] in `X-Security-Token`).
pub const DEMO_HUAWEI_TEMP_AK: &str = "EMULATORTEMPAK000000";
/// Demo Huawei temporary SK.
pub const DEMO_HUAWEI_TEMP_SK: &str = "EmulatorTempSecretKey0000000000000000000";
/// Demo Huawei security token of the temporary credentials.
pub const DEMO_HUAWEI_SECURITY_TOKEN: &str = "emulator-security-token";

/// The CAM role the emulated CVM metadata service says is bound to the instance.
pub const DEMO_CVM_ROLE: &str = "emulator-cvm-role";
/// The OIDC identity provider the emulated STS accepts in `AssumeRoleWithWebIdentity`.
pub const DEMO_TKE_PROVIDER_ID: &str = "emulator-oidc-provider";
/// The web-identity token the emulated STS accepts.
pub const DEMO_WEB_IDENTITY_TOKEN: &str = "emulator-web-identity-token";
/// The identity provider id (`X-Idp-Id`) the emulated IAM federation accepts.
pub const DEMO_IDP_ID: &str = "emulator-idp";
/// The OpenID Connect id token the emulated IAM federation accepts.
pub const DEMO_ID_TOKEN: &str = "emulator-id-token";

/// Demo IAM user name for `POST /v3/auth/tokens`.
pub const DEMO_IAM_USER: &str = "emulator-user";
/// Demo IAM password.
pub const DEMO_IAM_PASSWORD: &str = "emulator-password";
/// Demo IAM account (domain) name.
pub const DEMO_IAM_DOMAIN: &str = "emulator-domain";

/// Default Huawei region, the name of the default project.
pub const DEFAULT_HUAWEI_REGION: &str = "cn-north-4";
/// Default Huawei project id: the one in the GeminiDB documentation examples.
pub const DEFAULT_HUAWEI_PROJECT_ID: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
/// Id of the account (domain) that owns the projects.
pub const DEFAULT_HUAWEI_DOMAIN_ID: &str = "d78cbac186b744899480f25bd022f468";

/// The Tencent region the demo and the tests use: one where every operation is served
/// (PostgreSQL's SSL operations are limited to a list of regions).
pub const TENCENT_REGION: &str = "ap-guangzhou";

/// TencentDB for MongoDB: the instance in the documented examples of `DescribeInstanceSSL` and
/// `InstanceEnableSSL`.
pub const MONGODB_INSTANCE: &str = "cmgo-eqmoaxxx";
/// TencentDB for MongoDB: the instance the `InstanceId` members' docs name (and many examples).
pub const MONGODB_OTHER_INSTANCE: &str = "cmgo-p8vnipr5";
/// TencentDB for MySQL: the instance in `DescribeSSLStatus`'s documented example.
pub const CDB_INSTANCE: &str = "cdb-je5dfmdl";
/// TencentDB for PostgreSQL: the instance in `ModifyDBInstanceSSLConfig`'s documented example.
pub const POSTGRES_INSTANCE: &str = "postgres-5gevh7gr";
/// GeminiDB: the instance in the documented examples (`ListSslCertDownloadAddresses`, ...).
pub const GEMINIDB_INSTANCE: &str = "e73893ef73754465a8bd2e0857bbf13ein02";

/// The connect address sent to PostgreSQL when enabling SSL (required then): the one in
/// `ModifyDBInstanceSSLConfig`'s documented example.
pub const POSTGRES_CONNECT_ADDRESS: &str = "10.6.0.4";

/// Instances that exist by default, by service key: the ids the vendors' documentation examples
/// use. Each is created when its service is loaded. (Ids found in the specs' examples are added
/// as well.)
pub const DEFAULT_INSTANCES: &[(&str, &str)] = &[
    ("tencent-mongodb", MONGODB_INSTANCE),
    ("tencent-mongodb", MONGODB_OTHER_INSTANCE),
    ("tencent-cdb", CDB_INSTANCE),
    ("tencent-postgres", POSTGRES_INSTANCE),
    ("huawei-geminidb", GEMINIDB_INSTANCE),
];
