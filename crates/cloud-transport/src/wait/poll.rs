//! The one polling loop every waiter runs: poll, report, decide, back off, until the deadline.

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::Value;
use tracing::Instrument;

use super::{WaitError, WaitOptions, WaitProgress, Waited};
use crate::Error;

/// What one poll saw.
pub(crate) struct Observation {
    /// What the wait returns if this poll ends it.
    pub output: Value,
    /// The status it shows, if any.
    pub status: Option<Value>,
    pub verdict: Verdict,
}

/// What a poll means for the wait.
pub(crate) enum Verdict {
    /// The awaited state: the wait succeeds.
    Done,
    /// Not yet: poll again.
    Pending,
    /// It will not come: the wait fails with this.
    Failed(WaitError),
}

/// Polls with `probe` until it says done or failed, or the deadline passes.
///
/// `probe` gets the deadline, to bound its calls by. A call that fails with a timeout at the
/// deadline ends the wait as [`WaitError::Timeout`]; any other failed call as
/// [`WaitError::Call`].
pub(crate) async fn poll_until<F, Fut>(
    what: &str,
    options: &WaitOptions,
    probe: F,
) -> Result<Waited, WaitError>
where
    F: FnMut(Instant) -> Fut,
    Fut: Future<Output = Result<Observation, Error>>,
{
    let span = tracing::debug_span!(
        "cloud_wait",
        what,
        timeout_ms = options.get_timeout().as_millis() as u64
    );
    let start = Instant::now();
    let result = run(start, options, probe).instrument(span.clone()).await;
    let elapsed = start.elapsed();
    options.report(&WaitProgress::Finished {
        elapsed,
        succeeded: result.is_ok(),
    });
    let _entered = span.enter();
    match &result {
        Ok(waited) => tracing::debug!(
            attempts = waited.attempts,
            elapsed_ms = elapsed.as_millis() as u64,
            "wait succeeded"
        ),
        Err(error) => tracing::debug!(
            elapsed_ms = elapsed.as_millis() as u64,
            %error,
            "wait failed"
        ),
    }
    result
}

async fn run<F, Fut>(
    start: Instant,
    options: &WaitOptions,
    mut probe: F,
) -> Result<Waited, WaitError>
where
    F: FnMut(Instant) -> Fut,
    Fut: Future<Output = Result<Observation, Error>>,
{
    // `checked_add`: a huge timeout means no practical deadline, not an overflow.
    let deadline = start
        .checked_add(options.get_timeout())
        .unwrap_or_else(|| start + Duration::from_secs(100 * 365 * 24 * 3600));
    let mut interval = options.get_first_interval();
    let mut last_status: Option<Value> = None;
    let mut attempt: u32 = 0;
    loop {
        attempt = attempt.saturating_add(1);
        let observation = match probe(deadline).await {
            Ok(observation) => observation,
            Err(error) if error.is_timeout() && Instant::now() >= deadline => {
                return Err(WaitError::Timeout {
                    waited: start.elapsed(),
                    last_status,
                });
            }
            Err(error) => return Err(WaitError::Call(error)),
        };
        let elapsed = start.elapsed();
        let shown = observation.status.as_ref().unwrap_or(&Value::Null);
        tracing::debug!(
            attempt,
            elapsed_ms = elapsed.as_millis() as u64,
            status = %shown,
            "polled"
        );
        options.report(&WaitProgress::Polled {
            attempt,
            elapsed,
            status: observation.status.as_ref(),
        });
        match observation.verdict {
            Verdict::Done => {
                return Ok(Waited {
                    output: observation.output,
                    status: observation.status,
                    attempts: attempt,
                    elapsed,
                })
            }
            Verdict::Failed(error) => return Err(error),
            Verdict::Pending => last_status = observation.status,
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(WaitError::Timeout {
                waited: start.elapsed(),
                last_status,
            });
        }
        sleep(interval.min(left), start, options).await;
        if Instant::now() >= deadline {
            return Err(WaitError::Timeout {
                waited: start.elapsed(),
                last_status,
            });
        }
        interval = options.next_interval(interval);
    }
}

/// Sleeps `duration`, reporting ticks when the options ask for them.
async fn sleep(duration: Duration, start: Instant, options: &WaitOptions) {
    let Some(tick) = options.tick() else {
        tokio::time::sleep(duration).await;
        return;
    };
    let until = Instant::now() + duration;
    loop {
        let now = Instant::now();
        if now >= until {
            return;
        }
        tokio::time::sleep((until - now).min(tick)).await;
        options.report(&WaitProgress::Tick {
            elapsed: start.elapsed(),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::ErrorKind;
    use serde_json::json;

    fn fast() -> WaitOptions {
        WaitOptions::new()
            .first_interval(Duration::from_millis(1))
            .max_interval(Duration::from_millis(2))
    }

    fn seen(status: i64, verdict: Verdict) -> Result<Observation, Error> {
        Ok(Observation {
            output: json!({ "Status": status }),
            status: Some(json!(status)),
            verdict,
        })
    }

    #[tokio::test]
    async fn polls_until_done_and_reports_every_poll() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let options = fast().on_progress(move |p| {
            let line = match p {
                WaitProgress::Polled {
                    attempt, status, ..
                } => format!("polled {attempt} {status:?}"),
                WaitProgress::Finished { succeeded, .. } => format!("finished {succeeded}"),
                _ => return,
            };
            sink.lock().unwrap().push(line);
        });
        let mut n = 0;
        let waited = poll_until("test", &options, |_| {
            n += 1;
            let verdict = if n == 3 {
                Verdict::Done
            } else {
                Verdict::Pending
            };
            let status = n;
            async move { seen(status, verdict) }
        })
        .await
        .expect("done on the third poll");
        assert_eq!(waited.attempts, 3);
        assert_eq!(waited.status, Some(json!(3)));
        assert_eq!(
            *events.lock().unwrap(),
            [
                "polled 1 Some(Number(1))",
                "polled 2 Some(Number(2))",
                "polled 3 Some(Number(3))",
                "finished true"
            ]
        );
    }

    #[tokio::test]
    async fn the_deadline_ends_a_wait_with_the_last_status() {
        let options = fast().timeout(Duration::from_millis(30));
        let started = Instant::now();
        let error = poll_until("test", &options, |_| async { seen(0, Verdict::Pending) })
            .await
            .expect_err("never done");
        match error {
            WaitError::Timeout {
                waited,
                last_status,
            } => {
                assert!(waited >= Duration::from_millis(30), "{waited:?}");
                assert_eq!(last_status, Some(json!(0)));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn failed_calls_and_failed_verdicts_end_the_wait_at_once() {
        let mut polls = 0;
        let error = poll_until("test", &fast(), |_| {
            polls += 1;
            async { Err::<Observation, _>(Error::new(ErrorKind::Connection, "reset")) }
        })
        .await
        .expect_err("a failed call");
        assert!(matches!(error, WaitError::Call(ref e) if e.kind() == ErrorKind::Connection));
        assert_eq!(polls, 1);

        let error = poll_until("test", &fast(), |_| async {
            seen(
                -1,
                Verdict::Failed(WaitError::TaskFailed {
                    status: json!(-1),
                    message: None,
                }),
            )
        })
        .await
        .expect_err("failed");
        assert!(matches!(error, WaitError::TaskFailed { .. }));
    }

    #[tokio::test]
    async fn a_call_cut_at_the_deadline_is_a_timeout() {
        let options = fast().timeout(Duration::ZERO);
        let error = poll_until("test", &options, |deadline| async move {
            assert!(deadline <= Instant::now());
            Err::<Observation, _>(Error::new(ErrorKind::Timeout, "deadline"))
        })
        .await
        .expect_err("no time");
        assert!(error.is_timeout(), "{error:?}");
    }
}
