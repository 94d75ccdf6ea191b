//! Inputs to call any operation of an emulator with, and the members in them that must name
//! an instance, for harnesses that call every operation (this crate's tests, the CLI's, the
//! conformance driver).

use cloud_spec::sample::SampleSource;
use cloud_spec::Service;
use indexmap::IndexMap;
use serde_json::Value;

use crate::catalog::{not_found_code, resource_members};
use crate::emulator::first_default_instance;

/// An input to call operation `operation` of `service` with against an emulator that has its
/// default instances (any emulator not seeded with `replace_defaults`), and where it came from;
/// `None` if the service has no such operation.
///
/// It is [`cloud_spec::sample::sample_input`]'s: the first documented example's input, else a
/// synthesized one. Every top-level input member that names an instance (`InstanceId`,
/// `instance_id`, `source_instance_id`, a member a waiter fills in) then holds an instance the
/// emulator has: the docs' example ids already are default instances; a synthesized
/// placeholder (`"example"`) is replaced by the service's first default instance (see
/// [`DEFAULT_INSTANCES`](crate::DEFAULT_INSTANCES)), since the emulator answers an unknown
/// instance with the vendor's not-found error, as the service does.
///
/// ```
/// use cloud_spec::sample::SampleSource;
///
/// let spec = cloud_spec::bundle::service("huawei-geminidb").unwrap();
/// // The docs show no example call of ShowErrorLog: the input is synthesized, and its
/// // instance is GeminiDB's default one rather than a placeholder.
/// let (input, source) = cloud_emulator::sample_input(&spec, "ShowErrorLog").unwrap();
/// assert_eq!(source, SampleSource::Synthesized);
/// assert_eq!(input["instance_id"], cloud_emulator::demo_data::GEMINIDB_INSTANCE);
/// ```
pub fn sample_input(
    service: &Service,
    operation: &str,
) -> Option<(IndexMap<String, Value>, SampleSource)> {
    let op = service.operations.get(operation)?;
    let (mut input, source) = cloud_spec::sample::sample_input(service, op);
    if source == SampleSource::Documented {
        // The docs' example ids are default instances by construction.
        return Some((input, source));
    }
    // A synthesized value is the member's documented example (a default instance too) or a
    // placeholder, which is replaced.
    let placeholders: Vec<String> = instance_members(service, operation)
        .into_iter()
        .filter(|m| {
            input.get(m).is_some_and(Value::is_string)
                && op
                    .input
                    .get(m)
                    .is_some_and(|member| member.example.is_none())
        })
        .collect();
    if placeholders.is_empty() {
        return Some((input, source));
    }
    if let Some(instance) = first_default_instance(service) {
        for member in placeholders {
            input.insert(member, Value::String(instance.clone()));
        }
    }
    Some((input, source))
}

/// The input members of operation `operation` of `service` that name an instance, in input
/// order (empty for an unknown operation): the resource's `id` member where the spec models
/// the resource, the members the spec states as the operation's `references` to other instances
/// (`MasterInstanceId`, `source_instance_id`), the members the operation's waiter passes to the
/// operation it polls, and the members a waiter polling this operation fills in (GeminiDB
/// `ListInstances`' `id`).
///
/// The emulator looks up the first of them a call gives: an instance it does not have is
/// answered with the operation's documented not-found error, except when the member is a
/// listing's instance filter (`ListInstances?id=`, the spec's `resource.filtered_lists`),
/// which then lists nothing.
///
/// ```
/// let spec = cloud_spec::bundle::service("huawei-geminidb").unwrap();
/// assert_eq!(cloud_emulator::instance_members(&spec, "SwitchSsl"), ["instance_id"]);
/// assert_eq!(cloud_emulator::instance_members(&spec, "ListInstances"), ["id"]);
/// assert!(cloud_emulator::instance_members(&spec, "DeleteDbCacheMapping").is_empty());
/// ```
pub fn instance_members(service: &Service, operation: &str) -> Vec<String> {
    match service.operations.get(operation) {
        Some(op) => resource_members(service, operation, op),
        None => Vec::new(),
    }
}

/// The error the emulator answers a call of operation `operation` naming an unknown instance
/// with: the code, and the HTTP status it is sent with (Tencent sends every error with 200).
/// The code is the first documented one (the operation's own, its siblings', the service's
/// common ones) whose `meaning` the spec states as `instance_not_found`, else as another
/// not-found meaning, else the vendor's common code (Tencent `ResourceNotFound`, GeminiDB
/// `DBS.200002`). `None` for an unknown operation.
///
/// ```
/// let spec = cloud_spec::bundle::service("huawei-geminidb").unwrap();
/// assert_eq!(
///     cloud_emulator::not_found_error(&spec, "SwitchSsl"),
///     Some(("DBS.200002".to_owned(), 404))
/// );
/// ```
pub fn not_found_error(service: &Service, operation: &str) -> Option<(String, u16)> {
    let error = not_found_code(service, service.operations.get(operation)?);
    Some((error.code, error.http_status))
}
