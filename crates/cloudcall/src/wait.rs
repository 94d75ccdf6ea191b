//! `--wait`: after the call, wait for what it started, with the library's waiters
//! (`cloud_transport::wait`) built from the spec (`cloud_spec::transport`).
//!
//! What an operation waits for is the spec's, never guessed here:
//! - its own waiter: the task whose handle it returns (`task`), then the condition its change
//!   shows (`waiter`, the SSL switches);
//! - for the operations of the service's resource: a create waits until each new instance runs,
//!   an isolate until the instance is isolated, a delete until it is gone.
//!
//! The plan is made from the spec and the input before the call is sent, so a `--wait` that
//! cannot work fails as a usage error without changing anything. Progress goes to the
//! console's messages stream while the library polls.

use std::io::Write;
use std::time::Duration;

use cloud_spec::{Removal, Service};
use cloud_transport::json_path::value_at;
use cloud_transport::wait::{
    OperationWaiter, ResourceInfo, ResourceState, WaitError, WaitOptions, WaitProgress,
};
use cloud_transport::Client;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::console::Console;
use crate::names::cli_name;
use crate::values::wire_text;

/// Polling of the CLI's waits: a first look after 1 s, then up to every 10 s (the library's
/// defaults are for programs; a person watching wants to hear sooner).
const FIRST_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(10);

/// Where the ids of the instances to wait for are.
#[derive(Debug, Clone)]
enum Ids {
    /// At this path of the answer (a string or a list of strings): a create's new ids.
    InOutput(String),
    /// Given in the request.
    Given(Vec<String>),
}

/// What one invocation waits for, decided before anything is sent.
#[derive(Debug, Clone)]
pub struct WaitPlan {
    /// The operation's own waiter (its task, its condition).
    operation: Option<OperationWaiter>,
    /// Then: instances to see in a state.
    resource: Option<(ResourceInfo, ResourceState, Ids)>,
    /// What is waited for, for messages (`task DescribeAsyncRequestInfo`, `instance running`).
    pub what: String,
}

/// What `--wait` on operation `name` would wait for, for its help line; `None` when it has
/// nothing to wait for (then it has no `--wait` flag).
pub fn describe(service: &Service, name: &str) -> Option<String> {
    let op = service.operations.get(name)?;
    let mut parts = Vec::new();
    if let Some(task) = &op.task {
        if let Some(api) = service.tasks.get(&task.api) {
            parts.push(format!(
                "its task ({} reports it done)",
                cli_name(&api.operation)
            ));
        }
    }
    if let Some(waiter) = &op.waiter {
        parts.push(format!(
            "{} to show the change",
            cli_name(&waiter.operation)
        ));
    }
    if let Some((state, _)) = resource_step(service, name) {
        let resource = service
            .resource
            .as_ref()
            .map_or("instance", |r| r.name.as_str());
        parts.push(format!("the {resource} to be {}", state_word(state)));
    }
    (!parts.is_empty()).then(|| parts.join(", then "))
}

fn state_word(state: ResourceState) -> &'static str {
    match state {
        ResourceState::Running => "running",
        ResourceState::Isolated => "isolated",
        _ => "gone",
    }
}

/// The resource state operation `name` leads to, and the member naming the instances (in the
/// answer for a create, in the request otherwise).
fn resource_step(service: &Service, name: &str) -> Option<(ResourceState, String)> {
    let resource = service.resource.as_ref()?;
    if let Some(path) = resource.create.get(name) {
        return Some((ResourceState::Running, path.clone()));
    }
    let removal = resource.remove.get(name)?;
    let member = resource
        .id_members
        .get(name)
        .cloned()
        .unwrap_or_else(|| resource.id.clone());
    let state = match removal {
        Removal::Isolated => ResourceState::Isolated,
        Removal::Deleted => ResourceState::Gone,
    };
    Some((state, member))
}

/// Makes the plan for operation `name` called with `input`. Errors are usage errors.
pub fn plan(service: &Service, name: &str, input: &Value) -> Result<WaitPlan, String> {
    let what = describe(service, name)
        .ok_or_else(|| format!("--wait: {} has nothing to wait for", cli_name(name)))?;
    let operation = cloud_spec::transport::operation_waiter(service, name)
        .map_err(|e| format!("--wait: the spec's waiter is invalid: {e}"))?;
    if let Some(waiter) = &operation {
        waiter
            .check_input(input)
            .map_err(|e| format!("--wait: {}", e.message()))?;
    }
    let resource = match resource_step(service, name) {
        None => None,
        Some((state, member)) => {
            let info = cloud_spec::transport::resource_info(service)
                .map_err(|e| format!("--wait: the spec's resource is invalid: {e}"))?
                .ok_or_else(|| "--wait: the spec has no resource".to_owned())?;
            let ids = if state == ResourceState::Running {
                Ids::InOutput(member)
            } else {
                let ids = ids_in(input.get(&member));
                if ids.is_empty() {
                    return Err(format!(
                        "--wait: the request names no {} in `{member}`",
                        info.name
                    ));
                }
                Ids::Given(ids)
            };
            Some((info, state, ids))
        }
    };
    Ok(WaitPlan {
        operation,
        resource,
        what,
    })
}

/// The ids in a member's value: one string, or a list of strings.
fn ids_in(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(id)) => vec![id.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// One progress line's worth of news from the library.
enum News {
    Polled {
        attempt: u32,
        elapsed: Duration,
        status: Option<Value>,
    },
    Tick(Duration),
}

/// Waits for what the call (sent with `input`, answered `output`) started, within `timeout`,
/// reporting progress on the console. Returns the last poll's output.
pub async fn wait(
    client: &Client,
    plan: &WaitPlan,
    input: &Value,
    output: &Value,
    timeout: Duration,
    console: &mut Console<'_>,
) -> Result<Value, WaitError> {
    let (news, mut heard) = mpsc::unbounded_channel();
    let options = WaitOptions::new()
        .timeout(timeout)
        .first_interval(FIRST_INTERVAL)
        .max_interval(MAX_INTERVAL)
        .tick_every(Duration::from_millis(250))
        .on_progress(move |progress| {
            let item = match progress {
                WaitProgress::Polled {
                    attempt,
                    elapsed,
                    status,
                } => News::Polled {
                    attempt: *attempt,
                    elapsed: *elapsed,
                    status: status.cloned(),
                },
                WaitProgress::Tick { elapsed } => News::Tick(*elapsed),
                _ => return,
            };
            // The receiver lives as long as the wait; a send can only fail after it.
            let _ = news.send(item);
        });
    let mut progress = ConsoleProgress::new(&plan.what, console);
    let started = std::time::Instant::now();
    let work = run(client, plan, input, output, &options);
    tokio::pin!(work);
    let result = loop {
        tokio::select! {
            result = &mut work => break result,
            Some(item) = heard.recv() => match item {
                News::Polled { attempt, elapsed, status } => progress.polled(attempt, elapsed, status.as_ref()),
                News::Tick(elapsed) => progress.tick(elapsed),
            },
        }
    };
    progress.finished(result.is_ok(), started.elapsed());
    result
}

/// The waits of the plan, one after the other, under one deadline.
async fn run(
    client: &Client,
    plan: &WaitPlan,
    input: &Value,
    output: &Value,
    options: &WaitOptions,
) -> Result<Value, WaitError> {
    let started = std::time::Instant::now();
    let mut last = output.clone();
    if let Some(waiter) = &plan.operation {
        last = waiter.wait(client, input, output, options).await?.output;
    }
    if let Some((info, state, ids)) = &plan.resource {
        let ids = match ids {
            Ids::Given(ids) => ids.clone(),
            Ids::InOutput(path) => ids_in(value_at(output, path)),
        };
        if ids.is_empty() {
            return Err(WaitError::Call(cloud_transport::Error::invalid_input(
                format!("the answer names no new {} to wait for", info.name),
            )));
        }
        for id in ids {
            let left = options.get_timeout().saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(WaitError::Timeout {
                    waited: started.elapsed(),
                    last_status: None,
                });
            }
            let options = options.clone().timeout(left);
            last = info.wait_until(client, &id, *state, &options).await?.output;
        }
    }
    Ok(last)
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
    /// Progress for waiting for `what`.
    pub fn new(what: &str, console: &'c mut Console<'a>) -> ConsoleProgress<'c, 'a> {
        ConsoleProgress {
            what: what.to_owned(),
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

    /// After a poll.
    pub fn polled(&mut self, attempt: u32, elapsed: Duration, seen: Option<&Value>) {
        let seen = seen.map_or_else(|| "no status".to_owned(), wire_text);
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

    /// Between polls.
    pub fn tick(&mut self, elapsed: Duration) {
        if self.terminal {
            self.draw(elapsed);
        }
    }

    /// The wait ended (either way).
    pub fn finished(&mut self, ok: bool, elapsed: Duration) {
        if self.terminal {
            self.console.err_control("\r\x1b[2K");
        }
        let what = self.what.clone();
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
    fn plans_follow_the_spec() {
        let service = fixture::tencent();
        let p = plan(
            &service,
            "InstanceEnableSSL",
            &json!({"InstanceId": "cmgo-1", "Enable": false}),
        )
        .unwrap();
        assert!(p.operation.is_some_and(|w| w.until.is_some()));
        assert!(p.what.contains("describe-instance-ssl"), "{}", p.what);
        let e = plan(&service, "DescribeInstanceSSL", &json!({})).unwrap_err();
        assert!(
            e.contains("describe-instance-ssl has nothing to wait for"),
            "{e}"
        );
    }

    #[test]
    fn ids_are_one_string_or_a_list() {
        assert_eq!(ids_in(Some(&json!("a"))), ["a"]);
        assert_eq!(ids_in(Some(&json!(["a", 1, "b"]))), ["a", "b"]);
        assert!(ids_in(Some(&json!(7))).is_empty());
        assert!(ids_in(None).is_empty());
    }
}
