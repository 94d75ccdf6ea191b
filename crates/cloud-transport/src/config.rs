//! Client configuration.

use crate::{Credentials, Error, Result};

/// Configuration shared by all calls of a client: region, credentials, endpoint, timeouts,
/// retries and the HTTP layer. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) endpoint: Option<String>,
    pub(crate) project_id: Option<String>,
}

impl Config {
    /// Starts a configuration.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The configured region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

/// Builds a [`Config`].
#[derive(Default, Debug)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<Credentials>,
    endpoint: Option<String>,
    project_id: Option<String>,
}

impl ConfigBuilder {
    /// Sets the region (`ap-guangzhou`, `cn-north-4`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets static credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Overrides the endpoint (`https://host` or, for loopback addresses, `http://127.0.0.1:port`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Huawei: the project id used in `{project_id}` paths.
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// Checks the configuration and builds it.
    pub fn build(self) -> Result<Config> {
        if let Some(e) = &self.endpoint {
            if e.is_empty() {
                return Err(Error::invalid_config("the endpoint is empty"));
            }
        }
        Ok(Config {
            region: self.region,
            credentials: self.credentials,
            endpoint: self.endpoint,
            project_id: self.project_id,
        })
    }
}
