//! The HTTP server: accepts connections, reads requests, hands them to the router
//! ([`crate::router`]), and writes replies, including deliberately broken ones (a reset
//! connection, a body cut short).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::HeaderValue;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
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
/// How often the accept loop looks for connections past [`HEADER_READ_TIMEOUT`]: they are
/// closed at most this much later.
const IDLE_SWEEP: Duration = Duration::from_secs(1);
/// How long a truncated body waits after its half before the connection closes, so the half
/// is flushed to the client rather than discarded with the connection.
const TRUNCATE_FLUSH_DELAY: Duration = Duration::from_millis(50);

/// An open connection, as the accept loop sees it: its state (whether a request of it is being
/// executed, after its body arrived; how active it is), how to stop it, and since when it has
/// been quiet.
struct Tracked {
    state: Arc<ConnectionState>,
    handle: tokio::task::AbortHandle,
    /// Tells the connection to finish its request in flight and close (dropping it does too).
    stop: Option<oneshot::Sender<()>>,
    idle: IdleWatch,
}

/// How long a connection has waited for a request's head, as the accept loop sees it.
struct IdleWatch {
    /// The connection's `activity` when the accept loop last looked.
    seen: u64,
    /// Since when it has not moved with no request in the service.
    quiet_since: Instant,
}

impl IdleWatch {
    fn new(now: Instant) -> Self {
        IdleWatch {
            seen: 0,
            quiet_since: now,
        }
    }

    /// Whether, with its `activity` now at `activity`, the connection has waited for a
    /// request's head longer than [`HEADER_READ_TIMEOUT`] as of `now`.
    fn expired(&mut self, activity: u64, now: Instant) -> bool {
        if activity != self.seen || activity % 2 == 1 {
            self.seen = activity;
            self.quiet_since = now;
            return false;
        }
        now.saturating_duration_since(self.quiet_since) >= HEADER_READ_TIMEOUT
    }
}

/// What a connection and its requests share: one reference count per request, touched by
/// that connection alone (cloning the server-wide `Arc`s per request bounced their counts
/// between the worker threads).
struct ConnectionState {
    shared: Arc<Shared>,
    /// For waits inside a request (an injected latency) to end at shutdown.
    shutdown: watch::Receiver<bool>,
    /// Close the connection with a TCP RST rather than a FIN.
    reset: AtomicBool,
    /// A request of it is executing (its body has arrived).
    busy: AtomicBool,
    /// Bumped when a request's head has been read and again when its answer is ready: odd
    /// while a request is in the service, unchanged while the connection waits for a head.
    activity: AtomicU64,
}

/// Marks a request as in the service (see [`ConnectionState::activity`]) until dropped.
struct InService<'a>(&'a AtomicU64);

impl<'a> InService<'a> {
    fn enter(activity: &'a AtomicU64) -> Self {
        activity.fetch_add(1, Ordering::Relaxed);
        InService(activity)
    }
}

impl Drop for InService<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Accepts connections until `shutdown` turns true (or its sender is dropped), then lets
/// in-flight requests finish for a short grace period and aborts the rest.
///
/// At most `max_connections` are open at once. When a new one arrives at the cap, the oldest
/// connection that is not executing a request (idle keep-alive, or still sending its request)
/// is closed to make room, so a pile of stalled clients cannot stop health checks and normal
/// calls from being answered; when every connection is executing, the new one is closed.
///
/// Every [`IDLE_SWEEP`] it also closes the connections that have waited for a request's head
/// longer than [`HEADER_READ_TIMEOUT`]: one timer for the server instead of one armed and
/// cancelled by hyper for every request.
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
    let mut sweep = tokio::time::interval(IDLE_SWEEP);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
                        match open.iter().position(|t| !t.state.busy.load(Ordering::SeqCst)) {
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
                    let state = Arc::new(ConnectionState {
                        shared: shared.clone(),
                        shutdown: shutdown.clone(),
                        reset: AtomicBool::new(false),
                        busy: AtomicBool::new(false),
                        activity: AtomicU64::new(0),
                    });
                    let (stop, stopped) = oneshot::channel();
                    let handle = connections.spawn(connection(stream, state.clone(), stopped));
                    open.push_back(Tracked {
                        state,
                        handle,
                        stop: Some(stop),
                        idle: IdleWatch::new(Instant::now()),
                    });
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = sweep.tick() => close_idle(&mut open, Instant::now()),
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    for tracked in &mut open {
        if let Some(stop) = tracked.stop.take() {
            let _ = stop.send(());
        }
    }
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

/// Closes the connections that have waited for a request's head (a first one, or the next
/// on a kept-alive connection) for [`HEADER_READ_TIMEOUT`] as of `now`, and forgets the
/// finished ones.
fn close_idle(open: &mut std::collections::VecDeque<Tracked>, now: Instant) {
    open.retain_mut(|t| {
        if t.handle.is_finished() {
            return false;
        }
        if !t
            .idle
            .expired(t.state.activity.load(Ordering::Relaxed), now)
        {
            return true;
        }
        tracing::debug!("closing a connection that sent no request head in time");
        t.handle.abort();
        false
    });
}

async fn connection(stream: TcpStream, state: Arc<ConnectionState>, stop: oneshot::Receiver<()>) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(ResettableStream {
        inner: stream,
        state: state.clone(),
    });
    let service = service_fn(move |req| {
        let state = state.clone();
        async move {
            let _in_service = InService::enter(&state.activity);
            respond(req, &state).await
        }
    });
    // No hyper timer: the accept loop bounds the wait for a request's head (see `run`).
    let conn = http1::Builder::new().serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        biased;
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = stop => {
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

/// A TCP stream that, once its connection's `reset` is set, is closed with `SO_LINGER` 0 so
/// the peer sees a TCP RST instead of an orderly FIN.
struct ResettableStream {
    inner: TcpStream,
    state: Arc<ConnectionState>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.state.reset.load(Ordering::SeqCst) {
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
    connection: &ConnectionState,
) -> Result<Response<ReplyBody>, io::Error> {
    let shared = &*connection.shared;
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
    let _busy = BusyGuard::set(&connection.busy);
    answer(
        parts,
        body,
        dialect,
        shared,
        &connection.reset,
        &connection.shutdown,
    )
    .await
}

/// Answers a request whose body has been read: dispatches it, then builds the response, or
/// marks the connection for a reset (the error tells hyper to drop it).
pub(crate) async fn answer(
    parts: hyper::http::request::Parts,
    body: Bytes,
    dialect: Dialect,
    shared: &Shared,
    reset: &AtomicBool,
    shutdown: &watch::Receiver<bool>,
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
    headers.reserve(reply.headers.len() + 1);
    for (name, value) in reply.headers {
        headers.append(name, value);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_is_idle_only_after_waiting_for_a_head_the_whole_timeout() {
        let start = Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        let mut idle = IdleWatch::new(start);
        // Accepted, no request yet: closed once the timeout has passed.
        assert!(!idle.expired(0, at(59)));
        assert!(idle.expired(0, at(60)));

        // A request came and went: the wait starts again when the loop sees it.
        let mut idle = IdleWatch::new(start);
        assert!(!idle.expired(2, at(50)));
        assert!(!idle.expired(2, at(109)));
        assert!(idle.expired(2, at(110)));

        // A request in the service (odd count) is never idle, however long it takes.
        let mut idle = IdleWatch::new(start);
        assert!(!idle.expired(1, at(10)));
        assert!(!idle.expired(1, at(500)));
        // It finished: the wait starts then.
        assert!(!idle.expired(2, at(501)));
        assert!(!idle.expired(2, at(560)));
        assert!(idle.expired(2, at(561)));
    }

    #[test]
    fn in_service_marks_a_request_until_it_is_dropped() {
        let activity = AtomicU64::new(0);
        {
            let _in = InService::enter(&activity);
            assert_eq!(activity.load(Ordering::Relaxed) % 2, 1);
        }
        assert_eq!(activity.load(Ordering::Relaxed), 2);
    }
}
