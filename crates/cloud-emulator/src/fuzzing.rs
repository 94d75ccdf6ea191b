//! In-process request handling for the fuzz targets (`crates/fuzz-runner`, `fuzz/`): a request
//! given as parts goes through what a connection does after reading it (vendor detection,
//! admin endpoints, faults, routing, signature checks, validation, state, the reply and its
//! damage) without a socket.
//!
//! Not part of the public API (hidden from the docs, may change in any release). Reached
//! through [`RunningEmulator::serve_in_process`](crate::RunningEmulator::serve_in_process).

use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use http_body_util::BodyExt;
use tokio::sync::watch;

use crate::context::Shared;
use crate::{router, server};

/// A request as its parts: what hyper hands the emulator after parsing the wire.
#[derive(Debug, Clone, Copy)]
pub struct RawRequest<'a> {
    /// `GET`, `POST`, ... (any token).
    pub method: &'a [u8],
    /// The request target: a path with an optional query (`/v3/x?a=b`).
    pub uri: &'a [u8],
    /// Header names and values as sent.
    pub headers: &'a [(&'a [u8], &'a [u8])],
    /// The body.
    pub body: &'a [u8],
}

/// What the client would see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// The request could not have reached the emulator: hyper refuses this method, target or
    /// header on the wire (the reason says which).
    NotHttp(&'static str),
    /// The connection was reset (an injected `reset` fault).
    Reset,
    /// A response.
    Response {
        /// The status code.
        status: u16,
        /// Header names and values.
        headers: Vec<(String, Vec<u8>)>,
        /// The body received (half of it when a fault cut it short).
        body: Vec<u8>,
        /// Whether the body ended normally (false: cut short by a fault).
        complete: bool,
    },
}

/// Serves `raw` with `shared`'s state, as a connection would.
pub(crate) async fn serve(
    shared: &Shared,
    shutdown: watch::Receiver<bool>,
    raw: RawRequest<'_>,
) -> Served {
    let mut builder = hyper::Request::builder();
    match hyper::Method::from_bytes(raw.method) {
        Ok(method) => builder = builder.method(method),
        Err(_) => return Served::NotHttp("method"),
    }
    match hyper::Uri::try_from(raw.uri) {
        // hyper's server only passes origin-form targets (`/path?query`) and `*` on to services.
        Ok(uri) if uri.scheme().is_none() && raw.uri.first() == Some(&b'/') => {
            builder = builder.uri(uri)
        }
        _ => return Served::NotHttp("request target"),
    }
    for (name, value) in raw.headers {
        let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name),
            hyper::header::HeaderValue::from_bytes(value),
        ) else {
            return Served::NotHttp("header");
        };
        builder = builder.header(name, value);
    }
    let Ok(request) = builder.body(()) else {
        return Served::NotHttp("request");
    };
    let (parts, ()) = request.into_parts();
    let dialect = router::dialect_of(
        &shared.catalog,
        parts.method.as_str(),
        &parts.uri,
        &parts.headers,
    );
    let reset = AtomicBool::new(false);
    let body = Bytes::copy_from_slice(raw.body);
    let answered = server::answer(parts, body, dialect, shared, &reset, &shutdown).await;
    let response = match answered {
        Ok(response) => response,
        // `answer` fails only to reset the connection, and says so in `reset`.
        Err(_) => {
            debug_assert!(reset.load(Ordering::SeqCst));
            return Served::Reset;
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let mut body = response.into_body();
    let mut received = Vec::new();
    let complete = loop {
        match body.frame().await {
            None => break true,
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    received.extend_from_slice(data);
                }
            }
            Some(Err(_)) => break false,
        }
    };
    Served::Response {
        status,
        headers,
        body: received,
        complete,
    }
}
