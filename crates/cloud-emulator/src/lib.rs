//! A local server that speaks Tencent Cloud API 3.0 and Huawei Cloud REST for every operation
//! in the cloudcall specs, so SDKs and tools can be tested without an account or a network.
//!
//! - **Signatures are verified** like the real services do, with the same code that signs in
//!   `cloud-transport`: TC3-HMAC-SHA256 (5 minutes of clock skew allowed; every response has a
//!   `Date` header for clients to correct theirs), Huawei SDK-HMAC-SHA256 (15 minutes), and IAM
//!   tokens issued by the emulator's own `POST /v3/auth/tokens`. [`EmulatorBuilder::clock_offset`]
//!   shifts the emulator's clock, to test clients' clock correction.
//! - **Driven by the specs** ([`cloud_spec::bundle::services`] by default): routing (Tencent by
//!   `X-TC-Action`, `X-TC-Version` and the credential scope's service; Huawei by method and path),
//!   validation (`MissingParameter`, `InvalidParameter`, `UnknownParameter`), rate limits,
//!   regions, documented error codes, and answers (the documented example that best matches
//!   the request, or one synthesized from the output members when the docs have none; every
//!   answer decodes as the spec says). A new operation in a spec is served without code changes.
//! - **For harnesses** that call every operation: [`sample_input`] (an input for any
//!   operation, naming instances the emulator has), [`instance_members`] (the members that must
//!   name an existing instance), [`not_found_error`] (the answer when one does not) and
//!   [`generated_output_members`] (the members answered with fresh values rather than the
//!   documented ones).
//! - **Instances as real state** where the spec models the service's resource
//!   (`cloud_spec::Resource`): a create makes an instance with a new id in the vendor's format,
//!   creating and then running after [`EmulatorBuilder::async_delay`]; the list operation lists
//!   the real instances, filtered and paged as the spec says; modify operations show; removals
//!   isolate or delete until the instance is gone and every call naming it gets the not-found
//!   code. Instances also come from the docs' examples or a [`Seed`]. A mutation with a waiter
//!   in the spec (enable/disable SSL) shows in the describe operation after the delay;
//!   applications are counted per operation.
//! - **Tasks**: a mutation whose spec has a `task` answers a fresh handle that the service's
//!   task API reports running, then succeeded; a [`TaskFailureRule`] (builder
//!   [`EmulatorBuilder::fail_tasks`], [`RunningEmulator::task_failures`] or
//!   `POST /_emulator/task-failures`) makes the next task of an operation or instance fail.
//! - **Faults** per request (`X-Emulator-Fault` header) or per rule ([`Faults`], or
//!   `POST /_emulator/faults`): latency, HTTP errors, throttling, HTML pages, connection resets,
//!   truncated and malformed bodies. See [`faults`] for the syntax.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use cloud_emulator::{Emulator, Fault, Failure, FaultRule};
//!
//! let emulator = Emulator::builder()
//!     .async_delay(Duration::from_millis(200))
//!     .start()
//!     .await?;
//! let endpoint = emulator.base_url(); // http://127.0.0.1:<port>, for every service
//! emulator
//!     .faults()
//!     .add(FaultRule::new("InstanceEnableSSL", Fault::failure(Failure::Reset)))?;
//! // ... call `endpoint` with the demo credentials (cloud_emulator::demo_data)
//! assert!(emulator.applied_count("InstanceEnableSSL") <= 1);
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
// docs.rs (nightly, `--cfg docsrs`) labels each feature-gated item with the features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod admin;
mod answer_cache;
mod call;
mod catalog;
mod certificates;
mod clock;
mod config;
mod context;
pub mod demo_data;
mod describe;
mod emulator;
mod examples;
pub mod faults;
mod filtered_listing;
#[doc(hidden)]
pub mod fuzzing;
mod huawei;
mod iam;
mod iam_tokens;
mod ids;
mod issued;
mod issuers;
mod lifecycle;
mod listing;
mod ops;
mod quirks;
mod ratelimit;
mod reply;
mod resource;
mod router;
mod sample;
mod server;
mod state;
mod synth;
mod task_failures;
mod task_registry;
mod tasks;
mod tencent;
mod validate;
mod wire;

pub use catalog::generated_output_members;
pub use certificates::{CertificateForm, SeedCertificate};
pub use config::{
    AccessKey, IamUser, Project, DEFAULT_ASYNC_DELAY, DEFAULT_CREDENTIAL_TTL, DEFAULT_TOKEN_TTL,
    HUAWEI_MAX_SKEW, MAX_CLOCK_OFFSET, TENCENT_MAX_SKEW, THROTTLE_RETRY_AFTER,
};
// The demo data, also at the root: where the credentials and the default instances were
// first published, and where users' tests name them.
pub use demo_data::{
    DEFAULT_HUAWEI_DOMAIN_ID, DEFAULT_HUAWEI_PROJECT_ID, DEFAULT_HUAWEI_REGION, DEFAULT_INSTANCES,
    DEMO_CVM_ROLE, DEMO_HUAWEI_AK, DEMO_HUAWEI_SECURITY_TOKEN, DEMO_HUAWEI_SK, DEMO_HUAWEI_TEMP_AK,
    DEMO_HUAWEI_TEMP_SK, DEMO_IAM_DOMAIN, DEMO_IAM_PASSWORD, DEMO_IAM_USER, DEMO_IDP_ID,
    DEMO_ID_TOKEN, DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY, DEMO_TENCENT_TEMP_SECRET_ID,
    DEMO_TENCENT_TEMP_SECRET_KEY, DEMO_TENCENT_TOKEN, DEMO_TKE_PROVIDER_ID,
    DEMO_WEB_IDENTITY_TOKEN,
};
pub use emulator::{Emulator, EmulatorBuilder, RunningEmulator, StartError};
pub use faults::{
    Failure, Fault, FaultParseError, FaultRule, FaultRuleError, Faults, Phase, MAX_FAULT_RULES,
    MAX_LATENCY,
};
pub use iam::{IAM_CREATE_TOKEN_OPERATION, IAM_LIST_PROJECTS_OPERATION};
pub use issued::{
    ISSUER_HUAWEI_ECS_METADATA, ISSUER_HUAWEI_FEDERATED, ISSUER_TENCENT_ASSUME_ROLE,
    ISSUER_TENCENT_CVM_ROLE, ISSUER_TENCENT_WEB_IDENTITY,
};
pub use router::{FAULT_HEADER, FAULT_INJECTED_HEADER};
pub use sample::{instance_members, not_found_error, sample_input};
pub use state::{InstanceSnapshot, InstanceState, Seed, SeedError, SeedInstance};
pub use task_failures::{
    TaskFailureRule, TaskFailureRuleError, TaskFailures, DEFAULT_TASK_FAILURE_MESSAGE,
};
