//! Time bounds: no test may hang, and waiting for an async change polls with a deadline
//! instead of sleeping for a guessed time.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

/// The longest any one test may run. Far above what a passing test needs (about a second), so
/// hitting it means a hang, not a slow machine.
pub const TEST_BOUND: Duration = Duration::from_secs(30);

/// Runs a test body, failing it if it takes longer than [`TEST_BOUND`].
pub async fn bounded<F: Future>(body: F) -> F::Output {
    within(TEST_BOUND, "the test", body).await
}

/// Runs `future`, failing with `what` if it takes longer than `limit`.
pub async fn within<F: Future>(limit: Duration, what: &str, future: F) -> F::Output {
    match tokio::time::timeout(limit, future).await {
        Ok(output) => output,
        Err(_) => panic!("{what} did not finish within {limit:?}: something hangs"),
    }
}

/// What [`poll_until`] saw.
#[derive(Debug)]
pub struct Polled<T> {
    /// The value that satisfied the condition.
    pub value: T,
    /// When the response carrying it arrived.
    pub arrived: Instant,
    /// How many calls it took.
    pub calls: u32,
}

/// Calls `probe` every `interval` until `done` holds for its value, failing the test if that
/// takes longer than `deadline` or if a call fails.
pub async fn poll_until<T, E, Fut>(
    deadline: Duration,
    interval: Duration,
    mut probe: impl FnMut() -> Fut,
    mut done: impl FnMut(&T) -> bool,
) -> Polled<T>
where
    T: Debug,
    E: Debug,
    Fut: Future<Output = Result<T, E>>,
{
    let started = Instant::now();
    let mut calls = 0;
    loop {
        calls += 1;
        let value = probe().await.expect("a polling call failed");
        let arrived = Instant::now();
        if done(&value) {
            return Polled {
                value,
                arrived,
                calls,
            };
        }
        assert!(
            started.elapsed() < deadline,
            "the change did not show within {deadline:?} ({calls} calls); last value: {value:?}"
        );
        tokio::time::sleep(interval).await;
    }
}
