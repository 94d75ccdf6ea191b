//! The API description model behind the cloudcall crates.
//!
//! A spec (`specs/<vendor>/<service>.yaml` in the cloudcall repository) describes one cloud service:
//! its endpoint rules, operations, members, shapes, error codes and documented examples. The code
//! generator reads the YAML; the emulator and the CLI read the normalized copies bundled in this
//! crate ([`bundle::services`]), so they never compile a YAML parser.

#![forbid(unsafe_code)]
// docs.rs (nightly, `--cfg docsrs`) labels each feature-gated item with the features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod bundle;
pub mod conform;
pub mod lifecycle;
mod model;
pub mod sample;
#[cfg(feature = "transport")]
pub mod transport;
pub mod transport_members;
mod types;

pub use model::*;
pub use types::{IntWidth, TypeExpr, TypeExprError};

impl Service {
    /// The crate and CLI name of the service: `tencent-mongodb`, `huawei-geminidb`.
    pub fn crate_name(&self) -> String {
        let vendor = match self.vendor {
            Vendor::Tencent => "tencent",
            Vendor::Huawei => "huawei",
        };
        format!("{vendor}-{}", self.name)
    }
}
