//! Tencent Cloud API 3.0: `POST /` with the action in headers, TC3-HMAC-SHA256, and the
//! `{"Response": {...}}` envelope.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::client::{retry_after, InBody, Outcome, Want};
use crate::credentials::{env_vars, tencent_default_chain, Found};
use crate::endpoint::{check_region, BaseUrl};
use crate::http::{HttpRequest, HttpResponse};
use crate::provider::CredentialSource;
use crate::sign::tc3::{Signer, Tc3Request, JSON_CONTENT_TYPE};
use crate::{Client, Config, Credentials, Error, OperationInfo, Result};

/// Tencent state shared by the clients of one configuration.
#[derive(Debug, Default)]
pub(crate) struct State {
    settings: Mutex<Option<Arc<Settings>>>,
    /// Caches derived signing keys per (key, date, service).
    signer: Signer,
}

/// Credentials and region, from the configuration or the default chain.
#[derive(Debug)]
struct Settings {
    /// `None`: requests go unsigned (STS web identity).
    credentials: Option<CredentialSource>,
    region: Option<String>,
}

impl State {
    /// The settings, resolved on first use and then kept. A failure is not kept: fixing the
    /// environment or the file and calling again works.
    fn settings(&self, config: &Config) -> Result<Arc<Settings>> {
        let mut cached = self.settings.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(settings) = &*cached {
            return Ok(settings.clone());
        }
        let credentials = match (&config.credentials, &config.credentials_provider) {
            _ if config.anonymous => None,
            (Some(credentials), _) => Some(CredentialSource::Static(credentials.clone())),
            (None, Some(provider)) => Some(CredentialSource::provider(provider.clone(), config)),
            (None, None) => match tencent_default_chain(config)? {
                Some(Found::Static(credentials)) => Some(CredentialSource::Static(credentials)),
                Some(Found::Provider(provider)) => {
                    Some(CredentialSource::provider(provider, config))
                }
                None => {
                    return Err(Error::credentials(format!(
                        "no Tencent Cloud credentials: set {} and {}, or write them to \
                         ~/.tencentcloud/credentials (or the file {} names), or run where a CVM \
                         role or TKE web identity ({}, ...) is available; a program can also \
                         give them to its client configuration",
                        env_vars::TENCENTCLOUD_SECRET_ID,
                        env_vars::TENCENTCLOUD_SECRET_KEY,
                        env_vars::TENCENTCLOUD_CREDENTIALS_FILE,
                        env_vars::TKE_ROLE_ARN,
                    )))
                }
            },
        };
        let region = match &config.region {
            Some(region) => Some(region.clone()),
            None => match config.environment.var(env_vars::TENCENTCLOUD_REGION) {
                Some(region) => {
                    check_region(&region)?;
                    Some(region)
                }
                None => None,
            },
        };
        let settings = Arc::new(Settings {
            credentials,
            region,
        });
        *cached = Some(settings.clone());
        Ok(settings)
    }
}

/// Calls a Tencent action.
pub(crate) async fn execute(
    client: &Client,
    op: &OperationInfo,
    input: Value,
    deadline: Instant,
    want: Want,
) -> Result<Outcome> {
    let config = client.config();
    let service = client.service();
    let state = &config.shared.tencent;
    let settings = state.settings(config)?;
    let region = settings.region.as_deref();
    service
        .endpoint
        .check_region_given(region, service.service, env_vars::TENCENTCLOUD_REGION)?;
    if let Some(region) = region {
        if !op.regions.is_empty() && !op.regions.contains(&region) {
            tracing::debug!(region, "the docs do not list this region for the action");
        }
    }
    let base = match &config.endpoint {
        Some(base) => base.clone(),
        None => BaseUrl::https(service.endpoint.host_for(region, config.international)?),
    };
    let body = match &input {
        Value::Null => b"{}".to_vec(),
        Value::Object(_) => serde_json::to_vec(&input).map_err(|e| {
            Error::invalid_input(format!("{}: cannot serialize the input: {e}", op.name))
        })?,
        _ => {
            return Err(Error::invalid_input(format!(
                "{}: the input must be a JSON object of request members",
                op.name
            )))
        }
    };
    let host = base.host_header();
    let url = base.url("/", "");
    let credentials: Option<Credentials> = match &settings.credentials {
        Some(source) => Some(source.current(config, deadline).await?),
        None => None,
    };
    let build = |timestamp: i64| -> Result<HttpRequest> {
        let authorization = match &credentials {
            Some(credentials) => state
                .signer
                .authorization(
                    credentials.access_key_id(),
                    credentials.secret(),
                    service.service,
                    timestamp,
                    &Tc3Request::post_json(&host, &body),
                )
                .map_err(|e| Error::credentials(format!("cannot sign the request: {e}")))?,
            // What the official SDKs send for actions that take no signature.
            None => "SKIP".to_owned(),
        };
        let mut headers = vec![
            ("Host".to_owned(), host.clone()),
            ("Content-Type".to_owned(), JSON_CONTENT_TYPE.to_owned()),
            ("X-TC-Action".to_owned(), op.name.to_owned()),
            ("X-TC-Version".to_owned(), service.version.to_owned()),
            ("X-TC-Timestamp".to_owned(), timestamp.to_string()),
        ];
        if let Some(region) = region {
            headers.push(("X-TC-Region".to_owned(), region.to_owned()));
        }
        if let Some(token) = credentials.as_ref().and_then(Credentials::session_token) {
            headers.push(("X-TC-Token".to_owned(), token.expose().to_owned()));
        }
        if let Some(language) = &config.language {
            headers.push(("X-TC-Language".to_owned(), language.clone()));
        }
        headers.push(("User-Agent".to_owned(), client.user_agent().to_owned()));
        headers.push(("Authorization".to_owned(), authorization));
        Ok(HttpRequest {
            method: "POST".to_owned(),
            url: url.clone(),
            headers,
            body: body.clone(),
            timeout: None,
        })
    };
    let secret_answers = config.secret_answers;
    let decode = |response| {
        match want {
            Want::Typed => decode_typed_response(response),
            Want::Value => decode_response(response),
        }
        .map_err(|e| {
            // An answer that carries credentials (STS) is never quoted in an error.
            if secret_answers {
                e.without_body()
            } else {
                e
            }
        })
    };
    client.send_with_retries(op, deadline, build, decode).await
}

/// Decodes an answer for a typed call: a success is checked for an `Error` with one pass that
/// keeps nothing but the request id, and its output is left in the body for the typed decoding
/// ([`InBody::TencentResponse`]). Anything else is decoded by [`decode_response`], so errors
/// are the same on both paths.
pub(crate) fn decode_typed_response(response: HttpResponse) -> Result<Outcome> {
    if !(200..300).contains(&response.status) {
        return decode_response(response);
    }
    match serde_json::from_slice::<Envelope>(&response.body) {
        Ok(Envelope(Some(Members {
            error: false,
            request_id,
        }))) => Ok(Outcome {
            value: Value::Null,
            in_body: Some(InBody::TencentResponse),
            status: response.status,
            headers: response.headers,
            body: response.body,
            request_id,
        }),
        _ => decode_response(response),
    }
}

/// `{"Response": {...}}` as [`decode_typed_response`] reads it: only objects, and of
/// `Response` only whether it has an `Error` and its `RequestId`, skipping every other member
/// without keeping it.
struct Envelope(Option<Members>);

struct Members {
    error: bool,
    request_id: Option<String>,
}

/// The members [`Envelope`] reads; the rest are skipped.
#[derive(serde::Deserialize)]
#[serde(field_identifier)]
enum Key {
    Response,
    Error,
    RequestId,
    #[serde(other)]
    Other,
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with a `Response` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Envelope, A::Error> {
        let mut response = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Response => response = Some(map.next_value::<Members>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Envelope(response))
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `Response` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Members, A::Error> {
        let mut members = Members {
            error: false,
            request_id: None,
        };
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                // Whatever its value, `null` included: the full decoding judges it.
                Key::Error => {
                    map.next_value::<IgnoredAny>()?;
                    members.error = true;
                }
                Key::RequestId => members.request_id = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(members)
    }
}

/// Decodes `{"Response": {...}}`: the object itself, or `Response.Error` as a service error.
pub(crate) fn decode_response(response: HttpResponse) -> Result<Outcome> {
    let status = response.status;
    let parsed: Value = match serde_json::from_slice(&response.body) {
        Ok(value) => value,
        Err(e) => {
            let error = Error::decode(
                format!("the response is not JSON ({e})"),
                status,
                &response.body,
            );
            return Err(match retry_after(&response) {
                Some(wait) => error.with_retry_after(wait),
                None => error,
            });
        }
    };
    let Some(Value::Object(mut envelope)) = (match parsed {
        Value::Object(mut map) => map.remove("Response"),
        _ => None,
    }) else {
        return Err(Error::decode(
            "the response has no `Response` object",
            status,
            &response.body,
        ));
    };
    let request_id = envelope
        .get("RequestId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(error) = envelope.remove("Error") {
        let code = error.get("Code").and_then(Value::as_str);
        let message = error.get("Message").and_then(Value::as_str).unwrap_or("");
        let Some(code) = code else {
            return Err(Error::decode(
                "`Response.Error` has no `Code`",
                status,
                &response.body,
            ));
        };
        let mut error = Error::service(code, message).with_http_status(status);
        if let Some(id) = request_id {
            error = error.with_request_id(id);
        }
        if let Some(wait) = retry_after(&response) {
            error = error.with_retry_after(wait);
        }
        return Err(error);
    }
    if !(200..300).contains(&status) {
        return Err(Error::decode(
            format!("HTTP {status} with a response that is not an error"),
            status,
            &response.body,
        ));
    }
    Ok(Outcome {
        value: Value::Object(envelope),
        in_body: None,
        status,
        headers: response.headers,
        body: response.body,
        request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn respond(status: u16, body: &str) -> Result<Outcome> {
        decode_response(HttpResponse::new(status, body))
    }

    #[test]
    fn typed_calls_find_errors_and_leave_successes_in_the_body() {
        let typed = |status, body: &str| decode_typed_response(HttpResponse::new(status, body));
        let ok = typed(200, r#"{"Response":{"Status":1,"RequestId":"r-1"}}"#).unwrap();
        assert_eq!(ok.in_body, Some(InBody::TencentResponse));
        assert_eq!(ok.request_id.as_deref(), Some("r-1"));
        // Everything but a plain success is decoded as for an untyped call, errors alike.
        for (status, body) in [
            (
                200,
                r#"{"Response":{"RequestId":"r-2","Error":{"Code":"InternalError","Message":"m"}}}"#,
            ),
            (200, r#"{"Response":{"Error":null,"RequestId":"r-3"}}"#),
            (200, r#"{"Response":[]}"#),
            (200, r#"{"Other":{}}"#),
            (200, "not json"),
            (502, r#"{"Response":{"RequestId":"r-4"}}"#),
        ] {
            let fast = typed(status, body).unwrap_err();
            let slow = respond(status, body).unwrap_err();
            assert_eq!(fast.to_string(), slow.to_string(), "{body}");
            assert_eq!(fast.kind(), slow.kind(), "{body}");
        }
    }

    #[test]
    fn envelopes() {
        let ok = respond(200, r#"{"Response":{"Status":1,"RequestId":"r-1"}}"#).unwrap();
        assert_eq!(ok.value["Status"], 1);
        assert_eq!(ok.value["RequestId"], "r-1");
        assert_eq!(ok.request_id.as_deref(), Some("r-1"));

        let e = respond(
            200,
            r#"{"Response":{"Error":{"Code":"InvalidParameterValue.NotFoundInstance","Message":"not found"},"RequestId":"r-2"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Service);
        assert_eq!(e.code(), Some("InvalidParameterValue.NotFoundInstance"));
        assert_eq!(e.message(), "not found");
        assert_eq!(e.request_id(), Some("r-2"));
        assert_eq!(e.http_status(), Some(200));
        assert_eq!(
            e.to_string(),
            "InvalidParameterValue.NotFoundInstance: not found (request id r-2)"
        );

        for (status, body) in [
            (502, "<html><body>Bad Gateway</body></html>"),
            (200, "[]"),
            (200, r#"{"Data":1}"#),
            (200, r#"{"Response":{"Error":{"Message":"no code"}}}"#),
            (500, r#"{"Response":{"RequestId":"x"}}"#),
            (200, ""),
        ] {
            let e = respond(status, body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Decode, "{body}");
            assert_eq!(e.http_status(), Some(status));
            assert_eq!(e.body_snippet(), Some(body));
        }
    }
}
