//! The generic call: endpoint, sign, send, retry, decode.

use std::sync::Arc;

use serde::{de::DeserializeOwned, Serialize};

use crate::{Config, Error, OperationInfo, Result, ServiceInfo};

/// A client for one service: its [`ServiceInfo`] plus a [`Config`]. Cheap to clone; clones share
/// connections and caches.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceInfo,
    config: Config,
}

impl Client {
    /// A client for `service` with `config`.
    pub fn new(service: &'static ServiceInfo, config: Config) -> Client {
        Client {
            inner: Arc::new(Inner { service, config }),
        }
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Calls `op` with `input` and decodes the output: for Tencent, the object inside `Response`;
    /// for Huawei, the body.
    pub async fn call<I: Serialize, O: DeserializeOwned>(
        &self,
        op: &OperationInfo,
        input: &I,
    ) -> Result<O> {
        let value = serde_json::to_value(input)
            .map_err(|e| Error::invalid_input(format!("cannot serialize the input: {e}")))?;
        let out = self.call_json(op, value).await?;
        serde_json::from_value(out).map_err(|e| {
            Error::new(crate::ErrorKind::Decode, format!("{}: {e}", op.name))
        })
    }

    /// Like [`Client::call`] with untyped JSON in and out (used by the CLI).
    pub async fn call_json(
        &self,
        op: &OperationInfo,
        input: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let _ = input;
        Err(Error::invalid_config(format!(
            "{}: the transport is not implemented yet",
            op.name
        )))
    }
}
