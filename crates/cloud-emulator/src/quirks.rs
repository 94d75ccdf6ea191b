//! Rules from the vendors' pages that the spec model cannot express. Each one is keyed by the
//! vendor service and operation, applies only when the spec has the members it names, and
//! quotes the doc sentence it implements. Keep this list short: anything expressible in the
//! spec belongs in the spec.

use cloud_spec::Operation;
use serde_json::{Map, Value};

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
