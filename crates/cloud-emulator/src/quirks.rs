//! Rules from the vendors' pages that the spec model cannot express. Each one is keyed by the
//! vendor service and operation, applies only when the spec has the members it names, and
//! quotes the doc sentence it implements. Keep this list short: anything expressible in the
//! spec belongs in the spec.

use cloud_spec::{Operation, Service, Vendor, Waiter};
use serde_json::{json, Map, Value};

use crate::validate::Invalid;

/// A member required when a boolean switch is on and ignored when it is off.
struct ConditionalMember {
    service: &'static str,
    operation: &'static str,
    switch: &'static str,
    member: &'static str,
}

const CONDITIONAL_MEMBERS: &[ConditionalMember] = &[
    // PostgreSQL ModifyDBInstanceSSLConfig, `ConnectAddress`: "this parameter is required when
    // enabling SSL or modifying the SSL-protected connection address. it will be ignored when
    // disabling SSL."
    ConditionalMember {
        service: "postgres",
        operation: "ModifyDBInstanceSSLConfig",
        switch: "SSLEnabled",
        member: "ConnectAddress",
    },
];

/// Applies the rules to a validated input: a missing conditional member is an error; an
/// ignored one is dropped so it has no effect.
pub(crate) fn apply(
    service: &str,
    name: &str,
    op: &Operation,
    input: &mut Map<String, Value>,
) -> Result<(), Invalid> {
    for rule in CONDITIONAL_MEMBERS {
        if rule.service != service
            || rule.operation != name
            || !op.input.contains_key(rule.switch)
            || !op.input.contains_key(rule.member)
        {
            continue;
        }
        match input.get(rule.switch) {
            Some(Value::Bool(true)) => {
                let given = input
                    .get(rule.member)
                    .is_some_and(|v| !v.is_null() && v.as_str() != Some(""));
                if !given {
                    return Err(Invalid {
                        message: format!(
                            "the parameter `{}` is required when `{}` is true",
                            rule.member, rule.switch
                        ),
                        ..Invalid::missing(rule.member)
                    });
                }
            }
            Some(Value::Bool(false)) => {
                input.remove(rule.member);
            }
            _ => {}
        }
    }
    Ok(())
}

/// A waiter the emulator assumes while a spec does not give one yet, so the change a mutation
/// starts is visible somewhere. Used only when the operation has no waiter and the polled
/// operation and every member named exist; a waiter in the spec always wins.
struct FallbackWaiter {
    vendor: Vendor,
    service: &'static str,
    operation: &'static str,
    waiter: fn() -> Value,
}

const FALLBACK_WAITERS: &[FallbackWaiter] = &[
    // GeminiDB SwitchSsl: the spec parks this exact waiter (commented out) until waiter paths may
    // index lists; ListInstances filtered by `id` shows the instance's `ssl` as "1"/"0".
    FallbackWaiter {
        vendor: Vendor::Huawei,
        service: "gaussdbfornosql",
        operation: "SwitchSsl",
        waiter: || {
            json!({
                "operation": "ListInstances",
                "input": {"id": "instance_id"},
                "until": [
                    {"when": {"ssl_option": "on"}, "path": "instances.0.ssl", "equals": "1"},
                    {"when": {"ssl_option": "off"}, "path": "instances.0.ssl", "equals": "0"}
                ]
            })
        },
    },
];

/// Gives operations without a waiter their [`FALLBACK_WAITERS`] entry.
pub(crate) fn fill_in_waiters(spec: &mut Service) {
    for fallback in FALLBACK_WAITERS {
        if spec.vendor != fallback.vendor || spec.service != fallback.service {
            continue;
        }
        let Ok(waiter) = serde_json::from_value::<Waiter>((fallback.waiter)()) else {
            continue;
        };
        let Some(polled) = spec.operations.get(&waiter.operation) else {
            continue;
        };
        let polled_ok = waiter.input.keys().all(|k| polled.input.contains_key(k))
            && waiter.until.iter().all(|c| {
                polled
                    .output
                    .contains_key(c.path.split('.').next().unwrap_or_default())
            });
        let Some(op) = spec.operations.get_mut(fallback.operation) else {
            continue;
        };
        let op_ok = waiter.input.values().all(|m| op.input.contains_key(m))
            && waiter
                .until
                .iter()
                .all(|c| c.when.keys().all(|k| op.input.contains_key(k)));
        if op.waiter.is_none() && polled_ok && op_ok {
            op.waiter = Some(waiter);
        }
    }
}
