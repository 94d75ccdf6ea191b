//! Tencent Cloud API 3.0: `POST /` with the action in headers, TC3-HMAC-SHA256, and the
//! `{"Response": {...}}` envelope.

use std::sync::Arc;

use serde_json::Value;

use crate::credentials::env_vars;
use crate::endpoint::{configured_region, service_base};
use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{
    boxed, Call, Exchange, InBody, Outcome, PrepareFuture, Protocol, Request, Want,
};
use crate::provide_credentials::{CredentialSource, Found};
use crate::response::retry_after;
use crate::shared::Resolved;
use crate::sign::tc3::{Signer, Tc3Request, JSON_CONTENT_TYPE};
use crate::{Config, Credentials, Error, OperationInfo, Result, Vendor};

/// The default credentials chain a protocol falls back on (`chain::tencent_default_chain`).
pub(crate) type DefaultChain = fn(&Config) -> Result<Option<Found>>;

/// Tencent Cloud API 3.0, as the call loop drives it.
#[derive(Debug)]
pub(crate) struct Tencent {
    /// Where credentials come from when the configuration names none.
    pub(crate) default_chain: DefaultChain,
}

impl Tencent {
    /// For calls whose configuration names its credentials or none (STS): no default chain.
    pub(crate) const EXPLICIT: Tencent = Tencent {
        default_chain: no_default_chain,
    };
}

fn no_default_chain(_: &Config) -> Result<Option<Found>> {
    Ok(None)
}

/// Tencent state shared by the clients of one configuration.
#[derive(Debug, Default)]
pub(crate) struct State {
    settings: Resolved<Settings>,
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

impl Settings {
    /// The settings from the configuration, else the default chain (kept in [`State`]).
    fn resolve(config: &Config, default_chain: DefaultChain) -> Result<Settings> {
        let credentials = match (&config.credentials, &config.credentials_provider) {
            _ if config.anonymous => None,
            (Some(credentials), _) => Some(CredentialSource::Static(credentials.clone())),
            (None, Some(provider)) => Some(CredentialSource::provider(provider.clone(), config)),
            (None, None) => match default_chain(config)? {
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
        let region = configured_region(config, env_vars::TENCENTCLOUD_REGION)?;
        Ok(Settings {
            credentials,
            region,
        })
    }
}

impl Protocol for Tencent {
    fn vendor(&self) -> Vendor {
        Vendor::Tencent
    }

    fn prepare<'a>(&'a self, call: Call<'a>, request: Request<'a>) -> PrepareFuture<'a> {
        boxed(prepare(self, call, request))
    }
}

/// One Tencent call, ready to sign for each attempt.
struct TencentExchange<'a> {
    call: Call<'a>,
    op: &'a OperationInfo,
    state: Arc<State>,
    settings: Arc<Settings>,
    credentials: Option<Credentials>,
    host: String,
    url: String,
    body: Vec<u8>,
}

async fn prepare<'a>(
    protocol: &Tencent,
    call: Call<'a>,
    request: Request<'a>,
) -> Result<TencentExchange<'a>> {
    let Request {
        op,
        input,
        deadline,
    } = request;
    let config = call.config;
    let state = config.shared.vendor_state::<State>();
    let settings = state
        .settings
        .get_or_try(|| Settings::resolve(config, protocol.default_chain))?;
    let region = settings.region.as_deref();
    let base = service_base(call.service, config, region, env_vars::TENCENTCLOUD_REGION)?;
    if let Some(region) = region {
        if !op.regions.is_empty() && !op.regions.contains(&region) {
            tracing::debug!(region, "the docs do not list this region for the action");
        }
    }
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
    let credentials: Option<Credentials> = match &settings.credentials {
        Some(source) => Some(source.current(config, deadline).await?),
        None => None,
    };
    Ok(TencentExchange {
        call,
        op,
        host: base.host_header(),
        url: base.url("/", ""),
        state,
        settings,
        credentials,
        body,
    })
}

impl Exchange for TencentExchange<'_> {
    fn request(&self, timestamp: i64) -> Result<HttpRequest> {
        let Call {
            service,
            config,
            user_agent,
        } = self.call;
        let authorization = match &self.credentials {
            Some(credentials) => self
                .state
                .signer
                .authorization(
                    credentials.access_key_id(),
                    credentials.secret(),
                    service.service,
                    timestamp,
                    &Tc3Request::post_json(&self.host, &self.body),
                )
                .map_err(|e| Error::credentials(format!("cannot sign the request: {e}")))?,
            // What the official SDKs send for actions that take no signature.
            None => "SKIP".to_owned(),
        };
        // Sized for every header below.
        let mut headers = Vec::with_capacity(10);
        headers.extend([
            ("Host".to_owned(), self.host.clone()),
            ("Content-Type".to_owned(), JSON_CONTENT_TYPE.to_owned()),
            ("X-TC-Action".to_owned(), self.op.name.to_owned()),
            ("X-TC-Version".to_owned(), service.version.to_owned()),
            ("X-TC-Timestamp".to_owned(), timestamp.to_string()),
        ]);
        if let Some(region) = &self.settings.region {
            headers.push(("X-TC-Region".to_owned(), region.clone()));
        }
        if let Some(token) = self
            .credentials
            .as_ref()
            .and_then(Credentials::session_token)
        {
            headers.push(("X-TC-Token".to_owned(), token.expose().to_owned()));
        }
        if let Some(language) = &config.language {
            headers.push(("X-TC-Language".to_owned(), language.clone()));
        }
        headers.push(("User-Agent".to_owned(), user_agent.to_owned()));
        headers.push(("Authorization".to_owned(), authorization));
        Ok(HttpRequest {
            method: "POST".to_owned(),
            url: self.url.clone(),
            headers,
            body: self.body.clone(),
            timeout: None,
        })
    }

    fn decode(&self, response: HttpResponse, want: Want) -> Result<Outcome> {
        decode(response, want).map_err(|e| {
            // An answer that carries credentials (STS) is never quoted in an error.
            if self.call.config.secret_answers {
                e.without_body()
            } else {
                e
            }
        })
    }
}

/// Classifies an answer. For a typed call a success is left in the body
/// ([`InBody::TencentResponse`]): the typed decoding reads it once, and finding an `Error`
/// there, hands it back to be decoded as a `Value` ([`decode_response`]), so errors are the same
/// on both paths.
pub(crate) fn decode(response: HttpResponse, want: Want) -> Result<Outcome> {
    match want {
        Want::Typed if (200..300).contains(&response.status) => Ok(Outcome {
            value: Value::Null,
            in_body: Some(InBody::TencentResponse),
            status: response.status,
            headers: response.headers,
            body: response.body,
            request_id: None,
        }),
        _ => decode_response(response),
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
    fn typed_calls_find_errors_and_decode_successes_in_one_pass() {
        use crate::meta::OperationInfo;
        const OP: OperationInfo = OperationInfo {
            name: "DescribeThings",
            http: None,
            read_only: true,
            idempotent: false,
            rate_limit: None,
            regions: &[],
        };
        #[derive(Debug, serde::Deserialize)]
        struct Output {
            #[serde(rename = "Status")]
            status: Option<i64>,
            #[serde(rename = "RequestId")]
            request_id: Option<String>,
        }
        let typed = |status, body: &str| {
            crate::fuzzing::decode_tencent::<Output>(&OP, HttpResponse::new(status, body))
        };
        let ok = typed(200, r#"{"Response":{"Status":"1","RequestId":"r-1"}}"#);
        let out = ok.result.unwrap();
        assert_eq!(out.status, Some(1));
        assert_eq!(out.request_id.as_deref(), Some("r-1"));
        // Everything but a plain success is decoded as for an untyped call, errors alike.
        for (status, body) in [
            (
                200,
                r#"{"Response":{"RequestId":"r-2","Error":{"Code":"InternalError","Message":"m"}}}"#,
            ),
            (
                200,
                r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"m"},"RequestId":"r-2"}}"#,
            ),
            (200, r#"{"Response":{"Error":null,"RequestId":"r-3"}}"#),
            (200, r#"{"Response":[]}"#),
            (200, r#"{"Other":{}}"#),
            (200, "not json"),
            (200, r#"{"Response":{"RequestId":"r-5"}} trailing"#),
            (502, r#"{"Response":{"RequestId":"r-4"}}"#),
        ] {
            let fast = typed(status, body).result.unwrap_err();
            let slow = respond(status, body).unwrap_err();
            assert_eq!(fast.to_string(), slow.to_string(), "{body}");
            assert_eq!(fast.kind(), slow.kind(), "{body}");
            assert_eq!(fast.code(), slow.code(), "{body}");
        }
        // A success of the wrong shape is a final decode error with the request id.
        let wrong = typed(200, r#"{"Response":{"Status":"many","RequestId":"r-6"}}"#);
        let e = wrong.result.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(!wrong.retried);
        assert!(e.to_string().contains("documented shape"), "{e}");
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
