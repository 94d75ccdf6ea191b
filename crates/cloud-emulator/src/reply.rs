//! Responses in each vendor's format, and the damage a fault can do to them.

use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use serde_json::{json, Map, Value};

use crate::answer_cache::Rendered;
use crate::config::THROTTLE_RETRY_AFTER;
use crate::faults::Failure;
use crate::ids;

/// The header naming the request id on Huawei responses (Tencent puts it in the body).
pub(crate) const HUAWEI_REQUEST_ID_HEADER: &str = "X-Request-Id";
/// [`HUAWEI_REQUEST_ID_HEADER`] as a header name, made once rather than parsed per answer.
const REQUEST_ID_NAME: HeaderName = HeaderName::from_static("x-request-id");

/// How the transport of a reply is broken on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Damage {
    None,
    /// Reset the connection instead of answering.
    Reset,
    /// Send `Content-Length` for the whole body, then only half of it, then close.
    TruncatedBody,
}

/// A response before it is written.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    /// Names and values made once here: the server moves them into the response as they are.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    pub damage: Damage,
}

impl Reply {
    pub(crate) fn json(status: u16, value: &Value) -> Self {
        Reply::json_body(
            status,
            Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
        )
    }

    /// A JSON body serialized already.
    pub(crate) fn json_body(status: u16, body: Bytes) -> Self {
        Reply::with_content_type(status, "application/json", body)
    }

    /// A body of the media type `content_type`.
    pub(crate) fn with_content_type(status: u16, content_type: &'static str, body: Bytes) -> Self {
        // Room for the request id and one more (a fault's mark, `Retry-After`).
        let mut headers = Vec::with_capacity(3);
        headers.push((CONTENT_TYPE, HeaderValue::from_static(content_type)));
        Reply {
            status,
            headers,
            body,
            damage: Damage::None,
        }
    }

    /// Adds a header; a name or value HTTP cannot carry is left out.
    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name),
            HeaderValue::try_from(value.into()),
        ) {
            self.headers.push((name, value));
        }
        self
    }

    /// Adds Huawei's `X-Request-Id`.
    fn request_id(mut self, request_id: &str) -> Self {
        if let Ok(value) = HeaderValue::try_from(request_id) {
            self.headers.push((REQUEST_ID_NAME, value));
        }
        self
    }
}

/// Which error format a reply takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `{"Response": {...}}`, always HTTP 200 for service errors.
    Tencent,
    /// `{"error_code", "error_msg"}` with an HTTP status and `X-Request-Id`.
    Huawei,
}

/// Tencent success: the output with `RequestId` added, inside `Response`.
pub(crate) fn tencent_ok(mut output: Map<String, Value>, request_id: &str) -> Reply {
    output.insert("RequestId".to_owned(), Value::String(request_id.to_owned()));
    // Moved into the envelope: `json!` would copy the whole output through `to_value`.
    let mut envelope = Map::new();
    envelope.insert("Response".to_owned(), Value::Object(output));
    Reply::json(200, &Value::Object(envelope))
}

/// Tencent error envelope (HTTP 200, like the real service).
pub(crate) fn tencent_error(code: &str, message: &str, request_id: &str) -> Reply {
    Reply::json(
        200,
        &json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}),
    )
}

/// Tencent success of an operation call: its rendered answer with the request id.
pub(crate) fn tencent_answer(answer: &Rendered, request_id: &str) -> Reply {
    Reply::json_body(200, answer.body(request_id))
}

/// Huawei success.
pub(crate) fn huawei_ok(status: u16, answer: &Rendered, request_id: &str) -> Reply {
    Reply::json_body(status, answer.body(request_id)).request_id(request_id)
}

/// Huawei success without a body (HTTP 204, or an operation that documents no output).
pub(crate) fn huawei_empty(status: u16, request_id: &str) -> Reply {
    Reply {
        status,
        headers: Vec::with_capacity(1),
        body: Bytes::new(),
        damage: Damage::None,
    }
    .request_id(request_id)
}

/// Huawei error body with `X-Request-Id`.
pub(crate) fn huawei_error(status: u16, code: &str, message: &str, request_id: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error_code": code, "error_msg": message, "request_id": request_id}),
    )
    .request_id(request_id)
}

/// An error in the dialect; `http_status` applies to Huawei only (Tencent errors are 200).
pub(crate) fn error(
    dialect: Dialect,
    http_status: u16,
    code: &str,
    message: &str,
    request_id: &str,
) -> Reply {
    match dialect {
        Dialect::Tencent => tencent_error(code, message, request_id),
        Dialect::Huawei => huawei_error(http_status, code, message, request_id),
    }
}

/// The reply a fault produces in place of (`before`) or out of (`after`) the real reply.
pub(crate) fn faulty(dialect: Dialect, failure: Failure, real: Option<Reply>) -> Reply {
    let request_id = match dialect {
        Dialect::Tencent => ids::uuid_like(),
        Dialect::Huawei => ids::hex32(),
    };
    match failure {
        Failure::Status(status) => {
            let message = format!("injected fault: HTTP {status}");
            let reply = match dialect {
                Dialect::Tencent => tencent_error("InternalError", &message, &request_id),
                // Huawei's API gateway answers backend failures with APIGW.02xx codes.
                Dialect::Huawei => huawei_error(status, "APIGW.0203", &message, &request_id),
            };
            Reply { status, ..reply }
        }
        Failure::Throttle => throttled(dialect, &request_id, "injected fault: throttled"),
        Failure::Html(status) => Reply::with_content_type(
            status,
            "text/html; charset=utf-8",
            Bytes::from(format!(
                "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n\
                 <center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n",
                reason = reason(status)
            )),
        )
        // A proxy's page carries no vendor request id; the header still lets a test correlate it.
        .request_id(&request_id),
        Failure::Reset => Reply {
            damage: Damage::Reset,
            ..real.unwrap_or_else(|| Reply::json(200, &Value::Null))
        },
        Failure::TruncatedJson => {
            let real = real.unwrap_or_else(|| Reply::json(200, &json!({})));
            let half = real.body.len() / 2;
            Reply {
                body: real.body.slice(..half),
                ..real
            }
        }
        Failure::TruncatedBody => Reply {
            damage: Damage::TruncatedBody,
            ..real.unwrap_or_else(|| Reply::json(200, &json!({})))
        },
        Failure::MalformedJson => {
            let real = real.unwrap_or_else(|| Reply::json(200, &json!({})));
            // The start of the real answer, then garbage: a parser gets far enough to fail late.
            let mut body = real.body[..real.body.len() / 2].to_vec();
            body.extend_from_slice(b"}}<!-- not json -->");
            Reply {
                body: Bytes::from(body),
                ..real
            }
        }
    }
}

/// Tencent's common code for throttling.
pub(crate) const TENCENT_THROTTLED: &str = "RequestLimitExceeded";
/// Huawei API gateway: the throttling threshold has been reached (HTTP 429).
pub(crate) const HUAWEI_THROTTLED: &str = "APIGW.0308";

/// The vendor's throttling answer, with `Retry-After` (see [`THROTTLE_RETRY_AFTER`]).
pub(crate) fn throttled(dialect: Dialect, request_id: &str, message: &str) -> Reply {
    let reply = match dialect {
        Dialect::Tencent => tencent_error(TENCENT_THROTTLED, message, request_id),
        Dialect::Huawei => huawei_error(429, HUAWEI_THROTTLED, message, request_id),
    };
    reply.header(
        "Retry-After",
        THROTTLE_RETRY_AFTER.as_secs().max(1).to_string(),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        429 => "Too Many Requests",
        _ => "Error",
    }
}

/// A fresh request id in the vendor's format (Tencent a UUID, Huawei 32 hex digits).
pub(crate) fn request_id(dialect: Dialect) -> String {
    match dialect {
        Dialect::Tencent => ids::uuid_like(),
        Dialect::Huawei => ids::hex32(),
    }
}
