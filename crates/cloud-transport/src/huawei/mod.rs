//! Huawei Cloud REST: the input object split over path, query, headers and body by the
//! operation's [`HttpBinding`], `{project_id}` filled in, authentication by SDK-HMAC-SHA256
//! (AK/SK) or an IAM token (`X-Auth-Token`), and Huawei's error bodies decoded.
//!
//! Success is any 2xx status: the documented `success_status` (200 for most, 202 for async
//! jobs) is what the service should send, but treating a 200-for-202 drift as a failure would
//! only break callers for nothing. A 2xx with an empty body decodes as `{}`.

mod iam;

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::credentials::{env_vars, HuaweiAuth, HuaweiIdentity, IamPassword};
use crate::endpoint::{configured_region, service_base, BaseUrl};
use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{
    boxed, AfterFuture, Call, Exchange, InBody, Outcome, PrepareFuture, Protocol, Request, Want,
};
use crate::provide_credentials::CredentialSource;
use crate::response::{header_request_id, retry_after};
use crate::shared::Resolved;
use crate::sign::huawei::{self as signer, HuaweiRequest};
use crate::{
    Config, Credentials, Error, ErrorKind, HttpBinding, OperationInfo, ParamLocation, Result,
    Secret, Vendor,
};

/// The default credentials chain a protocol falls back on (`chain::huawei_default_chain`).
pub(crate) type DefaultChain = fn(&Config) -> Result<Option<HuaweiIdentity>>;

/// Huawei Cloud REST, as the call loop drives it.
#[derive(Debug)]
pub(crate) struct Huawei {
    /// Where credentials come from when the configuration names none.
    pub(crate) default_chain: DefaultChain,
}

impl Protocol for Huawei {
    fn vendor(&self) -> Vendor {
        Vendor::Huawei
    }

    fn prepare<'a>(&'a self, call: Call<'a>, request: Request<'a>) -> PrepareFuture<'a> {
        boxed(prepare_call(self, call, request))
    }
}

pub(crate) use iam::State as IamState;
pub(crate) use iam::{
    iam_call, subject_token, CREATE_TEMPORARY_ACCESS_KEY_BY_TOKEN, CREATE_TOKEN_WITH_ID_TOKEN,
};

/// Huawei state shared by the clients of one configuration.
#[derive(Debug, Default)]
pub(crate) struct State {
    settings: Resolved<Settings>,
    iam: IamState,
}

/// How to authenticate and where, from the configuration or the default chain.
#[derive(Debug)]
pub(crate) struct Settings {
    auth: HuaweiAuth,
    /// The cache of a [`HuaweiAuth::Provider`]'s temporary credentials.
    refreshing: Option<CredentialSource>,
    region: Option<String>,
    project_id: Option<String>,
    iam_endpoint: Option<BaseUrl>,
}

impl Settings {
    /// The settings from the configuration, else the default chain (kept in [`State`]).
    fn resolve(config: &Config, default_chain: DefaultChain) -> Result<Settings> {
        let env = &config.environment;
        // Explicit credentials replace the chain as a whole, project id from the chain included.
        let (auth, chain_project_id) = match (
            &config.huawei_auth,
            &config.credentials,
            &config.credentials_provider,
        ) {
            (Some(auth), _, _) => (auth.clone(), None),
            (None, Some(credentials), _) => (HuaweiAuth::AkSk(credentials.clone()), None),
            (None, None, Some(provider)) => (HuaweiAuth::Provider(provider.clone()), None),
            (None, None, None) => {
                let identity = default_chain(config)?.ok_or_else(|| {
                    Error::credentials(format!(
                        "no Huawei Cloud credentials: set {} and {} (AK/SK), {} (IAM token), \
                         {}, {} and {} (IAM login) or {} and {} (federated identity), write \
                         ~/.huaweicloud/credentials (or the file {} names), or run on an ECS \
                         instance with an agency; a program can also give them to its client \
                         configuration",
                        env_vars::HUAWEICLOUD_SDK_AK,
                        env_vars::HUAWEICLOUD_SDK_SK,
                        env_vars::HUAWEICLOUD_SDK_AUTH_TOKEN,
                        env_vars::HUAWEICLOUD_SDK_USER_NAME,
                        env_vars::HUAWEICLOUD_SDK_PASSWORD,
                        env_vars::HUAWEICLOUD_SDK_DOMAIN_NAME,
                        env_vars::HUAWEICLOUD_SDK_IDP_ID,
                        env_vars::HUAWEICLOUD_SDK_ID_TOKEN_FILE,
                        env_vars::HUAWEICLOUD_SDK_CREDENTIALS_FILE,
                    ))
                })?;
                (identity.auth, identity.project_id)
            }
        };
        let region = configured_region(config, env_vars::HUAWEICLOUD_SDK_REGION)?;
        let iam_endpoint = match &config.iam_endpoint {
            Some(url) => Some(url.clone()),
            None => env
                .var(env_vars::HUAWEICLOUD_SDK_IAM_ENDPOINT)
                .map(|url| BaseUrl::parse(&url, config.allow_insecure_http))
                .transpose()?,
        };
        let refreshing = match &auth {
            HuaweiAuth::Provider(provider) => {
                Some(CredentialSource::provider(provider.clone(), config))
            }
            _ => None,
        };
        Ok(Settings {
            refreshing,
            auth,
            region,
            project_id: config.project_id.clone().or(chain_project_id),
            iam_endpoint,
        })
    }
}

/// How one request is authenticated.
#[derive(Debug, Clone)]
pub(crate) enum RequestAuth {
    /// SDK-HMAC-SHA256 with AK/SK.
    Sign(Credentials),
    /// `X-Auth-Token`, unsigned.
    Token(Secret),
    /// Nothing (the IAM token request itself).
    None,
}

/// Prepares a Huawei operation: settings, the IAM token and project id when needed, and the
/// input split by the operation's binding.
async fn prepare_call<'a>(
    protocol: &Huawei,
    call: Call<'a>,
    request: Request<'a>,
) -> Result<HuaweiExchange<'a>> {
    let Request {
        op,
        input,
        deadline,
    } = request;
    let config = call.config;
    let state = config.shared.vendor_state::<State>();
    let binding = op.http.ok_or_else(|| {
        Error::invalid_input(format!("{}: the operation has no HTTP binding", op.name))
    })?;
    let settings = state
        .settings
        .get_or_try(|| Settings::resolve(config, protocol.default_chain))?;
    let region = settings.region.as_deref();
    let base = service_base(
        call.service,
        config,
        region,
        env_vars::HUAWEICLOUD_SDK_REGION,
    )?;
    let members = into_members(op, input)?;
    let needs_project_id =
        binding.path.contains("{project_id}") && !members.contains_key("project_id");
    let iam = || iam_base(config, &settings, &base);

    let (auth, token_project_id) = match &settings.auth {
        HuaweiAuth::AkSk(credentials) => (RequestAuth::Sign(credentials.clone()), None),
        HuaweiAuth::Token(token) => (RequestAuth::Token(token.clone()), None),
        HuaweiAuth::Provider(provider) => {
            let source = settings.refreshing.as_ref().ok_or_else(|| {
                Error::credentials(format!("{}: no credentials cache", provider.name()))
            })?;
            (
                RequestAuth::Sign(source.current(config, deadline).await?),
                None,
            )
        }
        HuaweiAuth::Password(login) => {
            let token = state
                .iam
                .token(
                    call,
                    &iam()?,
                    login,
                    region,
                    settings.project_id.as_deref(),
                    deadline,
                )
                .await?;
            (
                RequestAuth::Token(token.token.clone()),
                token.project_id.clone(),
            )
        }
    };
    let project_id = match (&settings.project_id, token_project_id) {
        (Some(id), _) => Some(id.clone()),
        (None, Some(id)) => Some(id),
        (None, None) if needs_project_id => {
            let region = region.ok_or_else(|| {
                Error::invalid_config(format!(
                    "{}: the path needs a project id: set one (ConfigBuilder::project_id or {}) \
                     or a region to look it up",
                    op.name,
                    env_vars::HUAWEICLOUD_SDK_PROJECT_ID
                ))
            })?;
            Some(
                state
                    .iam
                    .project_id(call, &iam()?, &auth, region, deadline)
                    .await?,
            )
        }
        (None, None) => None,
    };
    let request = prepare(op, &binding, members, project_id.as_deref())?;
    let mut exchange = HuaweiExchange::new(call, &base, op, request, auth, project_id);
    if let HuaweiAuth::Password(login) = &settings.auth {
        exchange.token_login = Some((state.clone(), login.clone()));
    }
    Ok(exchange)
}

/// The IAM base URL: configured, else the endpoint override (the emulator serves IAM), else
/// `https://iam.<region>.<domain of the service's host>`.
fn iam_base(config: &Config, settings: &Settings, service_base: &BaseUrl) -> Result<BaseUrl> {
    if let Some(url) = &settings.iam_endpoint {
        return Ok(url.clone());
    }
    if let Some(url) = &config.endpoint {
        return Ok(url.clone());
    }
    let region = settings
        .region
        .as_deref()
        .ok_or_else(|| Error::invalid_config("IAM requests need a region (or an IAM endpoint)"))?;
    Ok(BaseUrl::https(iam_host(region, service_base.host())))
}

/// `iam.<region>.<domain>`, the domain taken from the service host so that regions on other
/// domains (`eu-west-101` on `myhuaweicloud.eu`) reach their own IAM.
fn iam_host(region: &str, service_host: &str) -> String {
    let marker = format!(".{region}.");
    let domain = service_host
        .find(&marker)
        .map(|at| &service_host[at + marker.len()..])
        .filter(|d| !d.is_empty())
        .unwrap_or("myhuaweicloud.com");
    format!("iam.{region}.{domain}")
}

/// The input as a map of members; `null` is no members.
fn into_members(op: &OperationInfo, input: Value) -> Result<Map<String, Value>> {
    match input {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::invalid_input(format!(
            "{}: the input must be a JSON object of request members",
            op.name
        ))),
    }
}

/// A request split by its binding, before authentication.
#[derive(Debug)]
pub(crate) struct Prepared {
    method: &'static str,
    /// Percent-encoded path.
    path: String,
    /// Decoded query pairs.
    query: Vec<(String, String)>,
    /// Headers from input members.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Splits `members` into path, query, headers and body, filling `{project_id}`.
pub(crate) fn prepare(
    op: &OperationInfo,
    binding: &HttpBinding,
    mut members: Map<String, Value>,
    project_id: Option<&str>,
) -> Result<Prepared> {
    let location = |name: &str| {
        binding
            .params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, l)| *l)
    };
    let mut path_values = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let names: Vec<String> = members.keys().cloned().collect();
    for name in names {
        let Some(place) = location(&name) else {
            continue;
        };
        let Some(value) = members.remove(&name) else {
            continue;
        };
        match place {
            ParamLocation::Path => {
                if let Some(text) = scalar(op, &name, &value)? {
                    path_values.push((name, text));
                }
            }
            ParamLocation::Query => match value {
                Value::Array(items) => {
                    for item in &items {
                        if let Some(text) = scalar(op, &name, item)? {
                            query.push((name.clone(), text));
                        }
                    }
                }
                other => {
                    if let Some(text) = scalar(op, &name, &other)? {
                        query.push((name, text));
                    }
                }
            },
            ParamLocation::Header => {
                if let Some(text) = scalar(op, &name, &value)? {
                    if text.contains(['\r', '\n']) {
                        return Err(Error::invalid_input(format!(
                            "{}: header member `{name}` contains a line break",
                            op.name
                        )));
                    }
                    headers.push((name, text));
                }
            }
        }
    }
    let path = fill_path(op, binding.path, &path_values, project_id)?;
    let body = if members.is_empty() && matches!(binding.method, "GET" | "DELETE" | "HEAD") {
        Vec::new()
    } else {
        serde_json::to_vec(&members).map_err(|e| {
            Error::invalid_input(format!("{}: cannot serialize the body: {e}", op.name))
        })?
    };
    // Member order depends on serde_json's map (sorted, or insertion order with its
    // `preserve_order` feature); sort by key (stable: a list keeps its order) so the request
    // does not depend on which features the dependency graph happens to enable.
    query.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Prepared {
        method: binding.method,
        path,
        query,
        headers,
        body,
    })
}

/// The text of a path, query or header value; `None` for `null` (member left out).
fn scalar(op: &OperationInfo, name: &str, value: &Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Array(_) | Value::Object(_) => Err(Error::invalid_input(format!(
            "{}: `{name}` must be a string, number or boolean to go in the path, query or a header",
            op.name
        ))),
    }
}

/// Fills every `{name}` of `template`; a missing or empty value is an error, never a literal
/// `{name}` on the wire.
fn fill_path(
    op: &OperationInfo,
    template: &str,
    values: &[(String, String)],
    project_id: Option<&str>,
) -> Result<String> {
    let mut path = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(Error::invalid_input(format!(
                "{}: the path template `{template}` has an unclosed `{{`",
                op.name
            )));
        };
        let name = &rest[open + 1..open + close];
        let value = values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .or(if name == "project_id" {
                project_id
            } else {
                None
            });
        match value {
            Some(v) if !v.is_empty() => path.push_str(&signer::percent_encode(v)),
            _ if name == "project_id" => {
                return Err(Error::invalid_config(format!(
                    "{}: no project id for the path: set one (ConfigBuilder::project_id or {})",
                    op.name,
                    env_vars::HUAWEICLOUD_SDK_PROJECT_ID
                )))
            }
            _ => {
                return Err(Error::invalid_input(format!(
                    "{}: the path member `{name}` is missing or empty",
                    op.name
                )))
            }
        }
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// Sends a prepared request with retries (signing each attempt) and decodes the answer: the
/// IAM requests a call or a provider makes on the side.
pub(crate) async fn send(
    call: Call<'_>,
    base: &BaseUrl,
    op: &OperationInfo,
    request: Prepared,
    auth: RequestAuth,
    deadline: Instant,
) -> Result<Outcome> {
    let exchange = HuaweiExchange::new(call, base, op, request, auth, None);
    crate::call::send_with_retries(call, op, deadline, &exchange).await
}

/// One Huawei request, ready to sign for each attempt.
pub(crate) struct HuaweiExchange<'a> {
    call: Call<'a>,
    op: &'a OperationInfo,
    host: String,
    url: String,
    request: Prepared,
    auth: RequestAuth,
    project_id: Option<String>,
    /// The password login whose cached token a 401 answer makes the call forget.
    token_login: Option<(Arc<State>, IamPassword)>,
}

impl<'a> HuaweiExchange<'a> {
    fn new(
        call: Call<'a>,
        base: &BaseUrl,
        op: &'a OperationInfo,
        request: Prepared,
        auth: RequestAuth,
        project_id: Option<String>,
    ) -> Self {
        let query_pairs: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // The official client sends the canonical (sorted, encoded) query, so the signed and
        // the sent query are the same string.
        let query = signer::canonical_query(&query_pairs);
        HuaweiExchange {
            call,
            op,
            host: base.host_header(),
            url: base.url(&request.path, &query),
            request,
            auth,
            project_id,
            token_login: None,
        }
    }
}

impl Exchange for HuaweiExchange<'_> {
    fn request(&self, timestamp: i64) -> Result<HttpRequest> {
        let request = &self.request;
        let host = &self.host;
        let project_id = self.project_id.as_deref();
        let query_pairs: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // Names in lower case, as HTTP/1 sends them anyway, and in the order the signature
        // sorts them: the signer then writes them into the canonical request as they are, with
        // no lower-casing or sorting on every call.
        let mut headers: Vec<(String, String)> = Vec::with_capacity(8);
        if !request.body.is_empty() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        headers.push(("host".to_owned(), host.clone()));
        headers.extend(request.headers.iter().cloned());
        match &self.auth {
            RequestAuth::Sign(credentials) => {
                if let Some(id) = project_id {
                    headers.push(("x-project-id".to_owned(), id.to_owned()));
                }
                headers.push(("x-sdk-date".to_owned(), signer::sdk_date(timestamp)));
                if let Some(token) = credentials.session_token() {
                    headers.push(("x-security-token".to_owned(), token.expose().to_owned()));
                }
                let signed_headers: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let authorization = signer::authorization(
                    credentials.access_key_id(),
                    credentials.secret(),
                    &HuaweiRequest {
                        method: request.method,
                        path: &request.path,
                        query: &query_pairs,
                        headers: &signed_headers,
                        body: &request.body,
                    },
                )
                .map_err(|e| Error::credentials(format!("cannot sign the request: {e}")))?;
                headers.push(("authorization".to_owned(), authorization));
            }
            RequestAuth::Token(token) => {
                headers.push(("x-auth-token".to_owned(), token.expose().to_owned()));
            }
            RequestAuth::None => {}
        }
        // Not signed: the official client adds it outside the signature too.
        headers.push(("user-agent".to_owned(), self.call.user_agent.to_owned()));
        Ok(HttpRequest {
            method: request.method.to_owned(),
            url: self.url.clone(),
            headers,
            body: request.body.clone(),
            timeout: None,
        })
    }

    fn decode(&self, response: HttpResponse, want: Want) -> Result<Outcome> {
        decode_response_for(self.op, response, want).map_err(|e| {
            // An answer that carries credentials (IAM) is never quoted in an error.
            if self.call.config.secret_answers {
                e.without_body()
            } else {
                e
            }
        })
    }

    fn failed<'b>(&'b self, error: &'b Error, deadline: Instant) -> Option<AfterFuture<'b>> {
        let (state, login) = self.token_login.as_ref()?;
        // The cached token was refused (revoked, or the clocks disagree on its expiry): the
        // next call obtains a new one.
        (error.http_status() == Some(401))
            .then(|| Box::pin(state.iam.forget_token(login, deadline)) as AfterFuture<'b>)
    }
}

/// Decodes a Huawei response: any 2xx is the output (an empty body is `{}`); anything else is
/// an error from the body. For a typed call, a success's output is left in the body for the
/// typed decoding ([`InBody::Whole`]), with no `Value` in between.
pub(crate) fn decode_response_for(
    op: &OperationInfo,
    response: HttpResponse,
    want: Want,
) -> Result<Outcome> {
    let status = response.status;
    let request_id = header_request_id(&response);
    if !(200..300).contains(&status) {
        return Err(decode_error(response));
    }
    if let Some(binding) = &op.http {
        if binding.success_status != status {
            tracing::debug!(
                status,
                documented = binding.success_status,
                "success status differs from the documented one"
            );
        }
    }
    let empty = response.body.iter().all(u8::is_ascii_whitespace);
    if want == Want::Typed && !empty {
        return Ok(Outcome {
            value: Value::Null,
            in_body: Some(InBody::Whole),
            status,
            headers: response.headers,
            body: response.body,
            request_id,
        });
    }
    let value = if empty {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(&response.body).map_err(|e| {
            let error = Error::decode(
                format!("{}: the response is not JSON ({e})", op.name),
                status,
                &response.body,
            );
            match &request_id {
                Some(id) => error.with_request_id(id.clone()),
                None => error,
            }
        })?
    };
    Ok(Outcome {
        value,
        in_body: None,
        status,
        headers: response.headers,
        body: response.body,
        request_id,
    })
}

/// The error a non-2xx response means. Understands every spelling Huawei services use:
/// `error_code`/`error_msg` (most services, API Gateway), `errorCode`/`errorMsg`,
/// `code`/`message`, and IAM's `{"error": {"code", "message"}}`; keeps
/// `encoded_authorization_message`; takes the request id from `X-Request-Id` or the body.
pub(crate) fn decode_error(response: HttpResponse) -> Error {
    let status = response.status;
    let mut request_id = header_request_id(&response);
    let wait = retry_after(&response);
    let parsed: Option<Map<String, Value>> = match serde_json::from_slice(&response.body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let mut error = match parsed {
        None => Error::decode("the error response is not JSON", status, &response.body),
        Some(body) => {
            let text = |map: &Map<String, Value>, key: &str| -> Option<String> {
                match map.get(key)? {
                    Value::String(s) if !s.is_empty() => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            };
            let nested = match body.get("error") {
                Some(Value::Object(inner)) => Some(inner),
                _ => None,
            };
            let pairs = [
                (Some(&body), "error_code", "error_msg"),
                (Some(&body), "errorCode", "errorMsg"),
                (Some(&body), "code", "message"),
                (nested, "code", "message"),
                (nested, "error_code", "error_msg"),
            ];
            let found = pairs.iter().find_map(|(map, code_key, message_key)| {
                let map = (*map)?;
                let code = text(map, code_key);
                let message = text(map, message_key);
                (code.is_some() || message.is_some()).then_some((code, message))
            });
            if request_id.is_none() {
                request_id = text(&body, "request_id");
            }
            let mut error = match found {
                Some((Some(code), message)) => {
                    Error::service(code, message.unwrap_or_default()).with_http_status(status)
                }
                Some((None, Some(message))) => {
                    Error::new(ErrorKind::Service, message).with_http_status(status)
                }
                _ => Error::decode(
                    "the error response has no error code or message",
                    status,
                    &response.body,
                ),
            };
            if let Some(message) = text(&body, "encoded_authorization_message") {
                error = error.with_encoded_authorization_message(message);
            }
            error
        }
    };
    if let Some(id) = request_id {
        error = error.with_request_id(id);
    }
    if let Some(wait) = wait {
        error = error.with_retry_after(wait);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SWITCH_SSL: OperationInfo = OperationInfo {
        name: "SwitchSsl",
        http: Some(HttpBinding {
            method: "POST",
            path: "/v3/{project_id}/instances/{instance_id}/ssl-option",
            success_status: 202,
            params: &[
                ("instance_id", ParamLocation::Path),
                ("X-Language", ParamLocation::Header),
                ("tags", ParamLocation::Query),
                ("limit", ParamLocation::Query),
            ],
        }),
        read_only: false,
        idempotent: false,
        rate_limit: None,
        regions: &[],
    };

    const LIST: OperationInfo = OperationInfo {
        name: "ListSslCertDownloadAddresses",
        http: Some(HttpBinding {
            method: "GET",
            path: "/v3/{project_id}/instances/{instance_id}/ssl-cert/download-link",
            success_status: 200,
            params: &[("instance_id", ParamLocation::Path)],
        }),
        read_only: true,
        ..SWITCH_SSL
    };

    fn members(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn splits_members_by_binding() {
        let p = prepare(
            &SWITCH_SSL,
            SWITCH_SSL.http.as_ref().unwrap(),
            members(json!({
                "instance_id": "a b/c",
                "X-Language": "en-us",
                "tags": ["x", "y z"],
                "limit": 10,
                "ssl_option": "on",
                "skipped": null
            })),
            Some("proj"),
        )
        .unwrap();
        assert_eq!(p.path, "/v3/proj/instances/a%20b%2Fc/ssl-option");
        assert_eq!(
            p.query,
            vec![
                ("limit".to_owned(), "10".to_owned()),
                ("tags".to_owned(), "x".to_owned()),
                ("tags".to_owned(), "y z".to_owned())
            ]
        );
        assert_eq!(
            p.headers,
            vec![("X-Language".to_owned(), "en-us".to_owned())]
        );
        let body: Value = serde_json::from_slice(&p.body).unwrap();
        assert_eq!(body, json!({"ssl_option": "on", "skipped": null}));

        let get = prepare(
            &LIST,
            LIST.http.as_ref().unwrap(),
            members(json!({"instance_id": "i1"})),
            Some("p"),
        )
        .unwrap();
        assert!(get.body.is_empty());
        let post_empty = prepare(
            &SWITCH_SSL,
            SWITCH_SSL.http.as_ref().unwrap(),
            members(json!({"instance_id": "i1"})),
            Some("p"),
        )
        .unwrap();
        assert_eq!(post_empty.body, b"{}");
    }

    #[test]
    fn never_sends_a_literal_placeholder() {
        let binding = LIST.http.unwrap();
        let e = prepare(&LIST, &binding, members(json!({"instance_id": "i1"})), None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        let e = prepare(&LIST, &binding, members(json!({})), Some("p")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("instance_id"), "{e}");
        let e = prepare(
            &LIST,
            &binding,
            members(json!({"instance_id": ""})),
            Some("p"),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e = prepare(
            &LIST,
            &binding,
            members(json!({"instance_id": {"a": 1}})),
            Some("p"),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn error_bodies_in_every_spelling() {
        let cases = [
            (
                400,
                r#"{"error_code":"DBS.200823","error_msg":"Instance not found."}"#,
                Some("DBS.200823"),
                "Instance not found.",
            ),
            (
                400,
                r#"{"errorCode":"DBS.280001","errorMsg":"Bad input."}"#,
                Some("DBS.280001"),
                "Bad input.",
            ),
            (
                403,
                r#"{"code":"APIGW.0302","message":"Forbidden."}"#,
                Some("APIGW.0302"),
                "Forbidden.",
            ),
            (
                401,
                r#"{"error":{"code":401,"message":"The token is invalid.","title":"Unauthorized"}}"#,
                Some("401"),
                "The token is invalid.",
            ),
            (500, r#"{"message":"boom"}"#, None, "boom"),
        ];
        for (status, body, code, message) in cases {
            let e =
                decode_error(HttpResponse::new(status, body).with_header("X-Request-Id", "req-42"));
            assert_eq!(e.kind(), ErrorKind::Service, "{body}");
            assert_eq!(e.code(), code, "{body}");
            assert_eq!(e.message(), message);
            assert_eq!(e.request_id(), Some("req-42"));
            assert_eq!(e.http_status(), Some(status));
        }
        let e = decode_error(HttpResponse::new(
            403,
            r#"{"error_code":"APIGW.0302","error_msg":"denied","request_id":"body-id","encoded_authorization_message":"enc-xyz"}"#,
        ));
        assert_eq!(e.encoded_authorization_message(), Some("enc-xyz"));
        assert_eq!(e.request_id(), Some("body-id"));
        let e = decode_error(HttpResponse::new(502, "<html>Bad Gateway</html>"));
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert_eq!(e.body_snippet(), Some("<html>Bad Gateway</html>"));
        let e = decode_error(
            HttpResponse::new(
                429,
                r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
            )
            .with_header("Retry-After", "2"),
        );
        assert!(e.is_throttling());
        assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(2)));
    }

    #[test]
    fn success_bodies() {
        let decode_response = |op, response| decode_response_for(op, response, Want::Value);
        let ok = decode_response(&SWITCH_SSL, HttpResponse::new(202, "")).unwrap();
        assert_eq!(ok.value, json!({}));
        // A typed call leaves a success's body to the typed decoding; an empty one is `{}`.
        let typed = |body: &str| {
            decode_response_for(&SWITCH_SSL, HttpResponse::new(200, body), Want::Typed).unwrap()
        };
        assert_eq!(typed(r#"{"job_id":"j"}"#).in_body, Some(InBody::Whole));
        assert_eq!(typed(" ").in_body, None);
        assert_eq!(typed(" ").value, json!({}));
        let ok = decode_response(&SWITCH_SSL, HttpResponse::new(200, r#"{"job_id":"j"}"#)).unwrap();
        assert_eq!(ok.value["job_id"], "j");
        let e = decode_response(&SWITCH_SSL, HttpResponse::new(200, "<html>")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert_eq!(e.http_status(), Some(200));
    }

    #[test]
    fn iam_hosts_follow_the_service_domain() {
        assert_eq!(
            iam_host("cn-north-4", "gaussdb-nosql.cn-north-4.myhuaweicloud.com"),
            "iam.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            iam_host("eu-west-101", "gaussdb-nosql.eu-west-101.myhuaweicloud.eu"),
            "iam.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            iam_host("cn-north-4", "custom.example.com"),
            "iam.cn-north-4.myhuaweicloud.com"
        );
    }
}
