//! One operation call after authentication and validation, as every part of the answer sees
//! it, and how it fails. A leaf under the operations: the listing, lifecycle, task and
//! describe modules take a [`Call`]; `ops` runs it.

use cloud_spec::Operation;
use serde_json::{Map, Value};

use crate::catalog::{OpEntry, ServiceEntry};
use crate::validate::Invalid;

/// One call, after authentication and validation.
pub(crate) struct Call<'a> {
    pub svc: &'a ServiceEntry,
    pub name: &'a str,
    pub op: &'a Operation,
    pub entry: &'a OpEntry,
    pub input: Map<String, Value>,
    /// Tencent: `X-TC-Region`. Huawei: the name of the project in the path.
    pub region: Option<&'a str>,
    /// Huawei: the project id in the path.
    pub project_id: Option<&'a str>,
}

/// A call that fails.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The input breaks a rule: the protocol layer picks the vendor's code.
    Invalid(Invalid),
    /// A documented error code.
    Coded {
        code: String,
        http_status: u16,
        message: String,
    },
}
