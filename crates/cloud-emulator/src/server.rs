//! The HTTP server: accepts connections, reads requests, hands them to the router
//! ([`crate::router`]), and writes replies, including deliberately broken ones (a reset
//! connection, a body cut short).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::clock::http_date;
use crate::context::{Request, Shared};
use crate::reply::{self, request_id, Damage, Dialect, Reply};
use crate::router::{dialect_of, dispatch};

/// Largest request body read; larger ones are refused.
const MAX_BODY: usize = 8 << 20;
/// How long in-flight requests get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// A connection waiting for a request's headers longer than this is closed. It also bounds
/// idle keep-alive connections, so it is Tencent's server keep-alive: 60 s. (Clients must close
/// pooled connections before that, as they must against the real service.)
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a truncated body waits after its half before the connection closes, so the half
/// is flushed to the client rather than discarded with the connection.
const TRUNCATE_FLUSH_DELAY: Duration = Duration::from_millis(50);

/// An open connection, as the accept loop sees it: when it started, whether a request of it is
/// being executed (after its body arrived), and how to close it.
struct Tracked {
    busy: Arc<AtomicBool>,
    handle: tokio::task::AbortHandle,
}

/// Accepts connections until `shutdown` turns true (or its sender is dropped), then lets
/// in-flight requests finish for a short grace period and aborts the rest.
///
/// At most `max_connections` are open at once. When a new one arrives at the cap, the oldest
/// connection that is not executing a request (idle keep-alive, or still sending its request)
/// is closed to make room, so a pile of stalled clients cannot stop health checks and normal
/// calls from being answered; when every connection is executing, the new one is closed.
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    // Oldest first.
    let mut open: std::collections::VecDeque<Tracked> = std::collections::VecDeque::new();
    let max = shared.settings.max_connections;
    let mut saturated = false;
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    open.retain(|t| !t.handle.is_finished());
                    if open.len() >= max {
                        if !saturated {
                            tracing::warn!(
                                max_connections = max,
                                "connection cap reached: closing the oldest idle or stalled connections to make room"
                            );
                            saturated = true;
                        }
                        match open.iter().position(|t| !t.busy.load(Ordering::SeqCst)) {
                            Some(oldest) => {
                                if let Some(victim) = open.remove(oldest) {
                                    victim.handle.abort();
                                }
                            }
                            None => {
                                tracing::warn!(%peer, max_connections = max, "every connection is executing a request: refusing a new one");
                                drop(stream);
                                continue;
                            }
                        }
                    } else if saturated && open.len() < max / 2 {
                        tracing::info!(open = open.len(), "connections back under the cap");
                        saturated = false;
                    }
                    let busy = Arc::new(AtomicBool::new(false));
                    let handle = connections.spawn(connection(stream, shared.clone(), shutdown.clone(), busy.clone()));
                    open.push_back(Tracked { busy, handle });
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::debug!(
            left = connections.len(),
            "aborting connections after the grace period"
        );
    }
    connections.shutdown().await;
}

async fn connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    busy: Arc<AtomicBool>,
) {
    let _ = stream.set_nodelay(true);
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(ResettableStream {
        inner: stream,
        reset: reset.clone(),
    });
    let handler_shutdown = shutdown.clone();
    let service = service_fn(move |req| {
        let shared = shared.clone();
        let reset = reset.clone();
        let shutdown = handler_shutdown.clone();
        let busy = busy.clone();
        async move { respond(req, &shared, &reset, &busy, shutdown).await }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn.as_mut()).await;
        }
    }
}

/// Marks a connection busy while a request of it executes; clears the mark when dropped.
struct BusyGuard<'a>(&'a AtomicBool);

impl<'a> BusyGuard<'a> {
    fn set(flag: &'a AtomicBool) -> Self {
        flag.store(true, Ordering::SeqCst);
        BusyGuard(flag)
    }
}

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// A TCP stream that, once `reset` is set, is closed with `SO_LINGER` 0 so the peer sees a
/// TCP RST instead of an orderly FIN.
struct ResettableStream {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    // Vectored writes let hyper send an answer's head and body in one `writev` without first
    // copying the body behind the head (what it does for a stream that cannot).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The body of a reply: whole, or cut short on purpose.
pub(crate) enum ReplyBody {
    Full(Option<Bytes>),
    Truncated {
        half: Option<Bytes>,
        wait: Option<Pin<Box<tokio::time::Sleep>>>,
        failed: bool,
    },
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ReplyBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            ReplyBody::Truncated { half, wait, failed } => {
                if let Some(data) = half.take() {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                if let Some(sleep) = wait {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    *wait = None;
                }
                if *failed {
                    return Poll::Ready(None);
                }
                *failed = true;
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "injected fault: body truncated",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ReplyBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(Some(d)) => SizeHint::with_exact(d.len() as u64),
            ReplyBody::Full(None) => SizeHint::with_exact(0),
            ReplyBody::Truncated { .. } => SizeHint::default(),
        }
    }
}

async fn respond(
    req: hyper::Request<Incoming>,
    shared: &Shared,
    reset: &AtomicBool,
    busy: &AtomicBool,
    shutdown: watch::Receiver<bool>,
) -> Result<Response<ReplyBody>, io::Error> {
    let (parts, body) = req.into_parts();
    let dialect = dialect_of(
        &shared.catalog,
        parts.method.as_str(),
        &parts.uri,
        &parts.headers,
    );
    // A body that has arrived with its head (most do) needs no timer: one poll reads it.
    let mut collect = std::pin::pin!(Limited::new(body, MAX_BODY).collect());
    let first = std::future::poll_fn(|cx| Poll::Ready(collect.as_mut().poll(cx))).await;
    let read = match first {
        Poll::Ready(read) => Ok(read),
        Poll::Pending => tokio::time::timeout(shared.settings.body_read_timeout, collect).await,
    };
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) => {
            let too_large = e
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            let (status, message) = if too_large {
                (
                    413,
                    format!("the request body is larger than {MAX_BODY} bytes"),
                )
            } else {
                (400, format!("the request body is malformed: {e}"))
            };
            return Ok(body_failure(dialect, status, &message, shared));
        }
        Err(_) => {
            let message = format!(
                "the request body did not arrive within {} s",
                shared.settings.body_read_timeout.as_secs_f64()
            );
            return Ok(body_failure(dialect, 408, &message, shared));
        }
    };
    let _busy = BusyGuard::set(busy);
    answer(parts, body, dialect, shared, reset, shutdown).await
}

/// Answers a request whose body has been read: dispatches it, then builds the response, or
/// marks the connection for a reset (the error tells hyper to drop it).
pub(crate) async fn answer(
    parts: hyper::http::request::Parts,
    body: Bytes,
    dialect: Dialect,
    shared: &Shared,
    reset: &AtomicBool,
    shutdown: watch::Receiver<bool>,
) -> Result<Response<ReplyBody>, io::Error> {
    let request = Request {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body,
    };
    let reply = dispatch(&request, shared, dialect, shutdown).await;
    if reply.damage == Damage::Reset {
        reset.store(true, Ordering::SeqCst);
        return Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "injected fault: connection reset",
        ));
    }
    Ok(into_response(reply, shared.settings.clock.now()))
}

/// The answer to a request whose body could not be read, with the vendor's code for it, on a
/// connection that is then closed (what follows the unread body cannot be trusted).
fn body_failure(
    dialect: Dialect,
    status: u16,
    message: &str,
    shared: &Shared,
) -> Response<ReplyBody> {
    let code = match (dialect, status) {
        // Tencent's common codes: the body too large, or not a request it can read.
        (Dialect::Tencent, 413) => "RequestSizeLimitExceeded",
        (Dialect::Tencent, _) => "InvalidRequest",
        // Huawei's API gateway answers every malformed request with APIG.0201 and the status.
        (Dialect::Huawei, _) => "APIG.0201",
    };
    let reply = reply::error(dialect, status, code, message, &request_id(dialect));
    let mut response = into_response(reply, shared.settings.clock.now());
    response
        .headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The HTTP response for a reply, dated `now` (the emulator's clock, offset included, so
/// clients correct their skew against the emulator's time).
fn into_response(reply: Reply, now: i64) -> Response<ReplyBody> {
    let full_len = reply.body.len();
    let body = match reply.damage {
        Damage::TruncatedBody => ReplyBody::Truncated {
            half: Some(reply.body.slice(..full_len / 2)),
            wait: Some(Box::pin(tokio::time::sleep(TRUNCATE_FLUSH_DELAY))),
            failed: false,
        },
        _ => ReplyBody::Full(Some(reply.body)),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.append(name, value);
        }
    }
    if let Some(date) = date_header(now) {
        headers.insert(hyper::header::DATE, date);
    }
    if reply.damage == Damage::TruncatedBody {
        headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(full_len));
    }
    response
}

/// The `Date` header for `now`, formatted once a second per worker thread rather than for
/// every answer.
fn date_header(now: i64) -> Option<HeaderValue> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(i64, HeaderValue)>> =
            const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((at, value)) if *at == now => Some(value.clone()),
            _ => {
                let value = HeaderValue::try_from(http_date(now)).ok()?;
                *last = Some((now, value.clone()));
                Some(value)
            }
        }
    })
}
