//! The demo's SSL walk on a seeded instance: describe, switch SSL to the other state and back
//! (waiting for each change with the library's waiter), describe after each switch, and fetch the
//! certificate link while SSL is on.

use std::time::{Duration, Instant};

use cloud_spec::Service;
use cloud_transport::json_path::value_at;
use cloud_transport::wait::{ConditionWaiter, OperationWaiter, Scalar};
use cloud_transport::Client;
use serde_json::{Map, Value};

use super::{record, say, wait_for, Found, Lifecycle, Step};
use crate::values::wire_text;

/// What "SSL is on" looks like for a service, from the spec's waiter on its enabling operation:
/// which operation to describe with what input, and the member and value that show it.
pub(super) struct SslView {
    describe: ConditionWaiter,
    describe_input: Value,
    path: &'static str,
    on: Scalar,
}

impl SslView {
    /// The view for the instance in `enable_input`, from the waiter of `enable_op`.
    pub(super) fn of(
        service: &Service,
        enable_op: &str,
        enable_input: &Value,
    ) -> Result<SslView, String> {
        let waiter = cloud_spec::transport::condition_waiter(service, enable_op)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("the spec has no waiter on {enable_op}"))?;
        let condition = waiter
            .check_input(enable_input)
            .map_err(|e| e.message().to_owned())?;
        Ok(SslView {
            describe_input: waiter.poll_input(enable_input),
            path: condition.path,
            on: condition.equals,
            describe: waiter,
        })
    }

    /// Describes and says whether SSL is on; with `expect`, the step fails unless it matches.
    pub(super) async fn describe(
        &self,
        service: &Service,
        client: &Client,
        steps: &mut Vec<Step>,
        what: &str,
        expect: Option<bool>,
    ) -> Option<bool> {
        let started = Instant::now();
        let name = self.describe.operation.name;
        let command = super::command_line(service, name, &self.describe_input);
        let output = match client
            .call_json(&self.describe.operation, self.describe_input.clone())
            .await
        {
            Ok(output) => output,
            Err(e) => {
                record(
                    steps,
                    service,
                    what,
                    &command,
                    Err(e.to_string()),
                    started.elapsed(),
                );
                return None;
            }
        };
        let seen = value_at(&output, self.path).cloned();
        let on = seen.as_ref().is_some_and(|v| self.on.matches(v));
        let state = |on: bool| if on { "on" } else { "off" };
        let detail = format!(
            "{} = {} (SSL {})",
            self.path,
            seen.as_ref().map_or_else(|| "absent".into(), wire_text),
            state(on)
        );
        let found = match expect {
            Some(want) if want != on => Err(format!("{detail}, expected SSL {}", state(want))),
            _ => Ok(detail),
        };
        let ok = record(steps, service, what, &command, found, started.elapsed());
        if let Some(step) = steps.last_mut() {
            step.ssl = Some(on);
        }
        ok.then_some(on)
    }
}

/// Calls a switching operation and waits, with the library's waiter for it, until its change
/// shows. Returns the step's result.
pub(super) async fn switch(
    service: &Service,
    client: &Client,
    op_name: &str,
    input: &Value,
) -> (String, Found) {
    let command = format!("{} --wait", super::command_line(service, op_name, input));
    let waiter = match cloud_spec::transport::operation_waiter(service, op_name) {
        Ok(Some(waiter)) => waiter,
        Ok(None) => return (command, Err(format!("the spec has no waiter on {op_name}"))),
        Err(e) => return (command, Err(e.to_string())),
    };
    let found = call_and_wait(service, client, op_name, input, &waiter).await;
    (command, found)
}

/// Calls `op_name` and waits with `waiter`; the detail names the task handle (from the spec's
/// `task`) and the polls it took.
pub(super) async fn call_and_wait(
    service: &Service,
    client: &Client,
    op_name: &str,
    input: &Value,
    waiter: &OperationWaiter,
) -> Found {
    let Some(op) = service.operations.get(op_name) else {
        return Err(format!("the spec has no operation {op_name}"));
    };
    let info = crate::meta::operation_info(service, op_name, op);
    let output = client
        .call_json(&info, input.clone())
        .await
        .map_err(|e| e.to_string())?;
    let handle = op
        .task
        .as_ref()
        .and_then(|t| {
            value_at(&output, &t.handle).map(|v| format!("{} {}", t.handle, wire_text(v)))
        })
        .unwrap_or_else(|| "started".to_owned());
    let (waited, polls) =
        wait_for(|options| async move { waiter.wait(client, input, &output, &options).await })
            .await;
    match waited {
        Ok(done) => Ok(format!(
            "{handle}; done ({}) after {polls} poll{}",
            done.status.as_ref().map_or_else(|| "-".into(), wire_text),
            if polls == 1 { "" } else { "s" }
        )),
        Err(e) => Err(format!("{handle}; {e}")),
    }
}

/// Walks one service's SSL on its seeded instance.
pub(super) async fn walk(
    service: &Service,
    lc: &Lifecycle,
    client: &Client,
    steps: &mut Vec<Step>,
) {
    say(&format!(
        "== {} ({}): SSL on instance {} ==",
        service.crate_name(),
        service.title,
        lc.instance.1
    ));
    let input = |extra: &[(&'static str, Value)]| {
        let mut map = Map::new();
        map.insert(lc.instance.0.into(), Value::from(lc.instance.1));
        for (k, v) in extra {
            map.insert((*k).into(), v.clone());
        }
        Value::Object(map)
    };
    let enable_input = input(lc.enable.1);
    let disable_input = input(lc.disable.1);
    let view = match SslView::of(service, lc.enable.0, &enable_input) {
        Ok(view) => view,
        Err(e) => {
            record(steps, service, "read waiters", "", Err(e), Duration::ZERO);
            return;
        }
    };
    // Where do we start? Then switch to the other state and back, describing after each switch,
    // and fetch the certificate link once while SSL is on.
    let Some(initially_on) = view
        .describe(service, client, steps, "describe", None)
        .await
    else {
        return;
    };
    let enable = (lc.enable.0, &enable_input, true);
    let disable = (lc.disable.0, &disable_input, false);
    let order = if initially_on {
        [disable, enable]
    } else {
        [enable, disable]
    };
    if initially_on && !fetch_certs(service, client, &input(&[]), steps).await {
        return;
    }
    for (index, (op_name, input_value, want_on)) in order.into_iter().enumerate() {
        let what = if want_on {
            "enable SSL + wait"
        } else {
            "disable SSL + wait"
        };
        let started = Instant::now();
        let (command, found) = switch(service, client, op_name, input_value).await;
        if !record(steps, service, what, &command, found, started.elapsed()) {
            return;
        }
        if view
            .describe(service, client, steps, "describe again", Some(want_on))
            .await
            .is_none()
        {
            return;
        }
        if want_on && index == 0 && !fetch_certs(service, client, &input(&[]), steps).await {
            return;
        }
    }
}

/// Fetches the certificate download link for the instance in `input`; the step fails unless a
/// non-empty link is there.
pub(super) async fn fetch_certs(
    service: &Service,
    client: &Client,
    input: &Value,
    steps: &mut Vec<Step>,
) -> bool {
    let what = "fetch certificate link";
    let Some(ssl) = service.resource.as_ref().and_then(|r| r.ssl.as_ref()) else {
        let found =
            Err("the spec does not say where the certificate link is (resource.ssl)".into());
        return record(steps, service, what, "", found, Duration::ZERO);
    };
    let (op_name, path) = (ssl.certificate.as_str(), ssl.link.as_str());
    let started = Instant::now();
    let command = super::command_line(service, op_name, input);
    let link = match service.operations.get(op_name) {
        None => Err(format!("the spec has no operation {op_name}")),
        Some(op) => {
            let info = crate::meta::operation_info(service, op_name, op);
            match client.call_json(&info, input.clone()).await {
                Ok(output) => value_at(&output, path)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| format!("no link at {path}")),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    let found = link
        .as_ref()
        .map(|link| format!("{path} = {link}"))
        .map_err(Clone::clone);
    let ok = record(steps, service, what, &command, found, started.elapsed());
    if let (Some(step), Ok(link)) = (steps.last_mut(), link) {
        step.link = Some(link);
    }
    ok
}
