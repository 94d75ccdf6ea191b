//! `--wait`: poll the spec's waiter operation until the change an operation started shows.
//!
//! The plan (which operation to poll, with what input, for which value) is made from the spec
//! and the input before the mutating call is sent, so a `--wait` that cannot work fails as a usage
//! error without changing anything. Polling backs off from `first_interval` to `max_interval`
//! and gives up at `timeout`; every call is also bounded by the time left.

use std::io::Write;
use std::time::{Duration, Instant};

use cloud_spec::{Operation, Service};
use cloud_transport::json_path::{loosely_equal, value_at};
use cloud_transport::Client;
use serde_json::{Map, Value};

use crate::console::Console;
use crate::meta;
use crate::names::cli_name;

/// What to poll and what to look for.
#[derive(Debug, Clone)]
pub struct WaitPlan<'a> {
    /// The polled operation's vendor name.
    pub operation: &'a str,
    /// The polled operation.
    pub op: &'a Operation,
    /// Its input.
    pub input: Value,
    /// The output member to watch (dot-separated).
    pub path: String,
    /// The value it shows once the change is done.
    pub expected: Value,
}

/// Timing of a wait.
#[derive(Debug, Clone, Copy)]
pub struct WaitOptions {
    /// Give up after this long.
    pub timeout: Duration,
    /// Delay before the first poll.
    pub first_interval: Duration,
    /// Longest delay between polls (the delay grows by half each time up to this).
    pub max_interval: Duration,
}

impl WaitOptions {
    /// Defaults for real clouds: first poll after 1 s, then up to every 10 s.
    pub fn with_timeout(timeout: Duration) -> WaitOptions {
        WaitOptions {
            timeout,
            first_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
        }
    }
}

/// Why a wait did not succeed.
#[derive(Debug)]
pub enum WaitError {
    /// The value did not show in time.
    Timeout {
        /// How long it waited.
        waited: Duration,
        /// The last value seen at the path (`None`: absent or no answer yet).
        last_seen: Option<Value>,
    },
    /// A poll failed.
    Call(cloud_transport::Error),
}

/// Progress reports while waiting.
pub trait Progress {
    /// After each poll: attempt number, time since the start, the value seen.
    fn polled(&mut self, attempt: u32, elapsed: Duration, seen: Option<&Value>);
    /// Between polls, a few times a second.
    fn tick(&mut self, _elapsed: Duration) {}
    /// The wait ended (either way).
    fn finished(&mut self, ok: bool, elapsed: Duration);
}

/// Makes the plan for `op` (named `name`) called with `input`. Errors are usage errors.
pub fn plan<'a>(
    service: &'a Service,
    name: &str,
    op: &Operation,
    input: &Value,
) -> Result<WaitPlan<'a>, String> {
    let waiter = op
        .waiter
        .as_ref()
        .ok_or_else(|| format!("--wait: {} has nothing to wait for", cli_name(name)))?;
    let (polled_name, polled_op) = service
        .operations
        .get_key_value(&waiter.operation)
        .ok_or_else(|| {
            format!(
                "--wait: the spec's waiter names an unknown operation `{}`",
                waiter.operation
            )
        })?;
    let mut polled_input = Map::new();
    for (polled_member, own_member) in &waiter.input {
        if let Some(v) = input.get(own_member) {
            polled_input.insert(polled_member.clone(), v.clone());
        }
    }
    let condition = waiter
        .until
        .iter()
        .find(|c| {
            c.when
                .iter()
                .all(|(k, v)| input.get(k).is_some_and(|have| loosely_equal(have, v)))
        })
        .ok_or_else(|| {
            format!(
                "--wait: none of the waiter's conditions applies to this input (they depend on {})",
                waiter
                    .until
                    .iter()
                    .flat_map(|c| c.when.keys())
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    Ok(WaitPlan {
        operation: polled_name,
        op: polled_op,
        input: Value::Object(polled_input),
        path: condition.path.clone(),
        expected: condition.equals.clone(),
    })
}

/// Polls until the plan's value shows. Returns the last polled output.
pub async fn wait(
    client: &Client,
    service: &Service,
    plan: &WaitPlan<'_>,
    options: WaitOptions,
    progress: &mut dyn Progress,
) -> Result<Value, WaitError> {
    let info = meta::operation_info(service, plan.operation, plan.op);
    let start = Instant::now();
    let mut interval = options.first_interval;
    let mut last_seen = None;
    for attempt in 1u32.. {
        let elapsed = start.elapsed();
        let Some(left) = options.timeout.checked_sub(elapsed) else {
            progress.finished(false, elapsed);
            return Err(WaitError::Timeout {
                waited: elapsed,
                last_seen,
            });
        };
        sleep_with_ticks(interval.min(left), start, progress).await;
        let left = options.timeout.saturating_sub(start.elapsed());
        let outcome = tokio::time::timeout(left, client.call_json(&info, plan.input.clone())).await;
        let output = match outcome {
            Err(_) => continue, // out of time: the loop head reports the timeout
            Ok(Err(e)) => {
                progress.finished(false, start.elapsed());
                return Err(WaitError::Call(e));
            }
            Ok(Ok(output)) => output,
        };
        last_seen = value_at(&output, &plan.path).cloned();
        progress.polled(attempt, start.elapsed(), last_seen.as_ref());
        if last_seen
            .as_ref()
            .is_some_and(|seen| loosely_equal(seen, &plan.expected))
        {
            progress.finished(true, start.elapsed());
            return Ok(output);
        }
        interval = (interval + interval / 2).min(options.max_interval);
    }
    unreachable!("the attempt counter does not run out before the timeout")
}

/// Sleeps `duration`, letting `progress` redraw every quarter second (a live spinner on a terminal).
async fn sleep_with_ticks(duration: Duration, start: Instant, progress: &mut dyn Progress) {
    const TICK: Duration = Duration::from_millis(250);
    let until = Instant::now() + duration;
    loop {
        let now = Instant::now();
        if now >= until {
            return;
        }
        tokio::time::sleep((until - now).min(TICK)).await;
        progress.tick(start.elapsed());
    }
}

/// Progress on the console's messages stream: a self-overwriting line on a terminal, one line
/// per poll otherwise.
pub struct ConsoleProgress<'c, 'a> {
    console: &'c mut Console<'a>,
    what: String,
    terminal: bool,
    frame: usize,
    last: String,
}

impl<'c, 'a> ConsoleProgress<'c, 'a> {
    /// Progress for waiting until `path` of `operation` equals `expected`.
    pub fn new(plan: &WaitPlan<'_>, console: &'c mut Console<'a>) -> ConsoleProgress<'c, 'a> {
        ConsoleProgress {
            what: format!(
                "{} {} = {}",
                cli_name(plan.operation),
                plan.path,
                crate::values::wire_text(&plan.expected)
            ),
            terminal: console.err_is_terminal(),
            console,
            frame: 0,
            last: "not polled yet".to_owned(),
        }
    }

    /// Redraws the status line (terminals only).
    fn draw(&mut self, elapsed: Duration) {
        const SPINNER: [char; 4] = ['|', '/', '-', '\\'];
        self.frame = self.frame.wrapping_add(1);
        self.console.err_control("\r\x1b[2K");
        let mut err = self.console.err();
        let _ = write!(
            err,
            "{} waiting for {} ({}, {:.1}s)",
            SPINNER[self.frame % SPINNER.len()],
            self.what,
            self.last,
            elapsed.as_secs_f64()
        );
        let _ = err.flush();
    }
}

impl Progress for ConsoleProgress<'_, '_> {
    fn polled(&mut self, attempt: u32, elapsed: Duration, seen: Option<&Value>) {
        let seen = seen.map_or_else(|| "absent".to_owned(), crate::values::wire_text);
        if self.terminal {
            self.last = format!("now {seen}, poll {attempt}");
            self.draw(elapsed);
        } else {
            let _ = writeln!(
                self.console.err(),
                "waiting for {}: now {seen} (poll {attempt}, {:.1}s)",
                self.what,
                elapsed.as_secs_f64()
            );
        }
    }

    fn tick(&mut self, elapsed: Duration) {
        if self.terminal {
            self.draw(elapsed);
        }
    }

    fn finished(&mut self, ok: bool, elapsed: Duration) {
        let terminal = self.terminal;
        let what = self.what.clone();
        if terminal {
            self.console.err_control("\r\x1b[2K");
        }
        let mut err = self.console.err();
        if ok {
            let _ = writeln!(err, "done: {what} after {:.1}s", elapsed.as_secs_f64());
        }
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use serde_json::json;

    #[test]
    fn plan_picks_the_condition_for_the_input() {
        let service = fixture::tencent();
        let op = &service.operations["InstanceEnableSSL"];
        let p = plan(
            &service,
            "InstanceEnableSSL",
            op,
            &json!({"InstanceId": "cmgo-1", "Enable": false}),
        )
        .unwrap();
        assert_eq!(p.operation, "DescribeInstanceSSL");
        assert_eq!(p.input, json!({"InstanceId": "cmgo-1"}));
        assert_eq!((p.path.as_str(), &p.expected), ("Status", &json!(0)));
        let p = plan(
            &service,
            "InstanceEnableSSL",
            op,
            &json!({"InstanceId": "cmgo-1", "Enable": true}),
        )
        .unwrap();
        assert_eq!(p.expected, json!(1));
    }

    #[test]
    fn plan_refuses_operations_without_waiter() {
        let service = fixture::tencent();
        let op = &service.operations["DescribeInstanceSSL"];
        let e = plan(&service, "DescribeInstanceSSL", op, &json!({})).unwrap_err();
        assert!(
            e.contains("describe-instance-ssl has nothing to wait for"),
            "{e}"
        );
    }
}
