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
pub mod call;
pub mod conform;
pub mod facts;
pub mod lifecycle;
mod model;
pub mod pages;
pub mod resource;
pub mod sample;
#[cfg(test)]
mod test_service;
#[cfg(feature = "transport")]
pub mod transport;
pub mod transport_members;
mod types;
pub mod waits;

pub use model::*;
pub use types::{IntWidth, TypeExpr, TypeExprError};

impl Member {
    /// A member of type `ty` with nothing else stated: no docs, not required, not nullable, no
    /// format, location, example or Rust name, not deprecated, not sensitive (what a spec's
    /// `{type: ...}` alone means). Builders state the rest with struct update syntax.
    pub fn new(ty: TypeExpr) -> Member {
        Member {
            ty,
            docs: String::new(),
            required: false,
            nullable: false,
            format: None,
            location: None,
            example: None,
            rust_name: None,
            deprecated: false,
            sensitive: false,
        }
    }
}

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
