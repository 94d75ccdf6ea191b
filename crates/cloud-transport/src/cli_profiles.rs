//! Named profiles of the vendors' command-line tools, read by the default chain's profile step
//! when the SDK credentials file has no such section: tccli's `~/.tccli/<name>.credential`
//! (JSON: `secretId`, `secretKey`, `token`, `role-arn`, `role-session-name`, `type` =
//! `cvm-role`) and KooCLI's `~/.hcloud/config.json` (`profiles[]` with `name`, `mode`,
//! `accessKeyId`, `secretAccessKey`, `securityToken`, `projectId`).
//!
//! Errors name the file, never a value from it.

use std::path::Path;
#[cfg(feature = "tencent")]
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::profile::MAX_PROFILE_BYTES;
use crate::{Config, Error, Result};

/// The JSON object in `path`; `Ok(None)` when the file does not exist.
fn read_json(path: &Path) -> Result<Option<Map<String, Value>>> {
    let bytes = match crate::env::read_file_limited(path, MAX_PROFILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::credentials(format!(
                "cannot read the profile file {}: {e}",
                path.display()
            )))
        }
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        _ => Err(Error::credentials(format!(
            "the profile file {} is not a JSON object",
            path.display()
        ))),
    }
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// tccli's profile `name`, if its credential file exists.
#[cfg(feature = "tencent")]
pub(crate) fn tccli(
    config: &Config,
    name: &str,
) -> Result<Option<crate::provide_credentials::Found>> {
    use crate::provide_credentials::Found;
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(Error::invalid_config(format!(
            "`{name}` is not a profile name"
        )));
    }
    let Some(home) = config.environment.home() else {
        return Ok(None);
    };
    let path = home.join(".tccli").join(format!("{name}.credential"));
    let Some(map) = read_json(&path)? else {
        return Ok(None);
    };
    if text(&map, "type") == Some("cvm-role") {
        let mut provider = crate::provider::TencentCvmRole::new();
        if let Some(url) = config.metadata_endpoint.clone().or_else(|| {
            config
                .environment
                .var(crate::credentials::env_vars::TENCENTCLOUD_METADATA_ENDPOINT)
        }) {
            provider = provider.endpoint(&url)?;
        }
        return Ok(Some(Found::Provider(Arc::new(provider))));
    }
    let (Some(id), Some(key)) = (text(&map, "secretId"), text(&map, "secretKey")) else {
        return Err(Error::credentials(format!(
            "the tccli profile {} has no `secretId` and `secretKey`",
            path.display()
        )));
    };
    let mut base = crate::Credentials::new(id, key);
    if let Some(token) = text(&map, "token") {
        base = base.with_session_token(token);
    }
    let Some(arn) = text(&map, "role-arn") else {
        return Ok(Some(Found::Static(base)));
    };
    let mut provider = crate::provider::TencentAssumeRole::new(base, arn).map_err(|e| {
        Error::credentials(format!(
            "the tccli profile {}: {}",
            path.display(),
            e.message()
        ))
    })?;
    if let Some(session) = text(&map, "role-session-name") {
        provider = provider.session_name(session)?;
    }
    if let Some(endpoint) = config.sts_endpoint.clone().or_else(|| {
        config
            .environment
            .var(crate::credentials::env_vars::TENCENTCLOUD_STS_ENDPOINT)
    }) {
        provider = provider.endpoint(endpoint);
    }
    Ok(Some(Found::Provider(Arc::new(provider))))
}

/// KooCLI's profile `name` in `~/.hcloud/config.json`, if the file has it.
#[cfg(feature = "huawei")]
pub(crate) fn koocli(
    config: &Config,
    name: &str,
) -> Result<Option<crate::credentials::HuaweiIdentity>> {
    use crate::credentials::{HuaweiAuth, HuaweiIdentity};
    let Some(home) = config.environment.home() else {
        return Ok(None);
    };
    let path = home.join(".hcloud").join("config.json");
    let Some(map) = read_json(&path)? else {
        return Ok(None);
    };
    let profile = map
        .get("profiles")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .find(|p| text(p, "name") == Some(name));
    let Some(profile) = profile else {
        return Ok(None);
    };
    let (Some(ak), Some(sk)) = (
        text(profile, "accessKeyId"),
        text(profile, "secretAccessKey"),
    ) else {
        return Err(Error::credentials(format!(
            "profile `{name}` of {} has no `accessKeyId` and `secretAccessKey` (only AK/SK \
             profiles are read)",
            path.display()
        )));
    };
    let mut credentials = crate::Credentials::new(ak, sk);
    if let Some(token) = text(profile, "securityToken") {
        credentials = credentials.with_session_token(token);
    }
    let project_id = config
        .environment
        .var(crate::credentials::env_vars::HUAWEICLOUD_SDK_PROJECT_ID)
        .or_else(|| text(profile, "projectId").map(str::to_owned));
    Ok(Some(HuaweiIdentity {
        auth: HuaweiAuth::AkSk(credentials),
        project_id,
    }))
}
