//! The plan of a conformance run: for every operation of every bundled service, the inputs the
//! callers (official clients, `cloudcall`, the Rust crates) send and what each answer must be.
//!
//! The drivers are Python; they read this plan as JSON (`Plan::to_json`) instead of deriving
//! inputs themselves, so inputs are synthesized in one place: [`cloud_emulator::sample_input`],
//! which is [`cloud_spec::sample::sample_input`] (the first documented example, else every
//! required member from its example or a placeholder of its type) with placeholder instance ids
//! replaced by instances the emulator has. The output members the emulator generates per call
//! (flow/task/job ids, Tencent's `RequestId`) are its own answer,
//! [`cloud_emulator::generated_output_members`]. Everything else is derived from the specs here.

use std::collections::BTreeSet;

use cloud_spec::sample::SampleSource;
use cloud_spec::{Location, Operation, Removal, Service, TypeExpr, Vendor};
use serde_json::{json, Map, Value};

/// A value that needs percent-encoding in a Huawei path or query (space, `+`, `~`, `/`, `%`,
/// non-ASCII) and escaping in a Tencent JSON body.
pub const TRICKY: &str = "a b+c~d/é%";

/// An instance id no service has.
pub const UNKNOWN_INSTANCE: &str = "conformance-no-such-instance-0000";

/// The plan for every service.
pub struct Plan {
    /// One per bundled service, sorted by crate name.
    pub services: Vec<ServicePlan>,
}

/// The plan for one service.
pub struct ServicePlan {
    /// `tencent-cdb`: the crate, and the CLI's service name.
    pub crate_name: String,
    /// The vendor.
    pub vendor: Vendor,
    /// The spec.
    pub spec: Service,
    /// Instance ids the service's documented examples and member examples use, in order of
    /// appearance: the emulator starts with each of them.
    pub instances: Vec<String>,
    /// One per operation, in spec order.
    pub operations: Vec<OperationPlan>,
}

/// The plan for one operation.
pub struct OperationPlan {
    /// `DescribeSSLStatus`.
    pub name: String,
    /// The calls whose answers are checked: each documented example with a distinct input, or
    /// one synthesized input when the docs have none.
    pub calls: Vec<PlannedCall>,
    /// Documented examples not called, and why.
    pub skips: Vec<(String, String)>,
    /// The input for checks that need one valid call (credentials, the verifier, the CLI).
    pub sample: Map<String, Value>,
    /// Where `sample` comes from.
    pub sample_source: SampleSource,
    /// `sample` with every string member (Huawei: in the path or query) set to [`TRICKY`],
    /// and the names of those members; `None` if it has no such member.
    pub tricky: Option<(Map<String, Value>, Vec<String>)>,
    /// Huawei: the operation answers HTTP 204, without a body (nothing to decode).
    pub empty_response: bool,
    /// The member that names the instance the operation acts on or filters by.
    pub instance: Option<InstanceMember>,
    /// Part of the `cloudcall` sample: the class of inputs it stands for.
    pub cli_class: Option<String>,
    /// Output members the emulator generates per call instead of answering the documented
    /// ones: they must be present.
    pub generated: Vec<String>,
    /// Those of `generated` that are new ids on every call (task handles, new instance ids,
    /// request ids): also of their type, not empty, and never repeated. The others come from
    /// the emulator's state (the items and total of a listing, a task's status) and repeat.
    pub fresh: Vec<String>,
}

/// One call to check.
pub struct PlannedCall {
    /// `example 1 (Querying SSL status)` or `synthesized input`.
    pub case: String,
    /// The input, by wire name.
    pub input: Map<String, Value>,
    /// The documented output (`None` for a synthesized input: the docs show none).
    pub output: Option<Map<String, Value>>,
}

/// The input member that names an instance.
pub struct InstanceMember {
    /// Its wire name.
    pub member: String,
    /// It filters a listing (an optional query member of a read-only operation that answers a
    /// list of structures): an unknown instance lists nothing rather than failing.
    pub filter: Option<ListingFilter>,
    /// The code an unknown instance must answer with, and (Huawei) the HTTP status.
    pub not_found: (String, Option<u16>),
}

/// How a listing shows the instances it lists.
pub struct ListingFilter {
    /// The listing's top-level output member holding the list.
    pub list: String,
    /// The member of each listed item that holds the instance id.
    pub item_member: String,
}

impl Plan {
    /// The plan for `services`.
    pub fn new(services: Vec<Service>) -> Result<Plan, String> {
        if services.iter().all(|s| s.operations.is_empty()) {
            return Err("the spec bundle has no operations".to_owned());
        }
        Ok(Plan {
            services: services.into_iter().map(ServicePlan::new).collect(),
        })
    }

    /// The plan as the drivers read it (documented in `tests/conformance/README.md`).
    pub fn to_json(&self) -> Value {
        let services: Vec<Value> = self.services.iter().map(ServicePlan::to_json).collect();
        json!({
            "tricky": TRICKY,
            "unknown_instance": UNKNOWN_INSTANCE,
            "services": services,
        })
    }
}

impl ServicePlan {
    fn new(spec: Service) -> ServicePlan {
        let instances = documented_instances(&spec);
        let mut cli_classes = BTreeSet::new();
        let operations = spec
            .operations
            .iter()
            .map(|(name, op)| {
                let mut plan = OperationPlan::new(&spec, name, op);
                let class = cli_class(&spec, op, &plan.sample);
                if cli_classes.insert(class.clone()) {
                    plan.cli_class = Some(class);
                }
                plan
            })
            .collect();
        ServicePlan {
            crate_name: spec.crate_name(),
            vendor: spec.vendor,
            instances,
            operations,
            spec,
        }
    }

    fn to_json(&self) -> Value {
        let operations: Vec<Value> = self.operations.iter().map(OperationPlan::to_json).collect();
        json!({
            "crate": self.crate_name,
            "vendor": vendor_name(self.vendor),
            "service": self.spec.service,
            "version": self.spec.version,
            "instances": self.instances,
            "operations": operations,
        })
    }
}

impl OperationPlan {
    fn new(spec: &Service, name: &str, op: &Operation) -> OperationPlan {
        let instance = instance_member(spec, name).map(|member| InstanceMember {
            filter: listing_filter(spec, name, &member),
            not_found: not_found_code(spec, name),
            member,
        });
        let (sample, sample_source) = cloud_emulator::sample_input(spec, name)
            .unwrap_or_else(|| (Default::default(), SampleSource::Synthesized));
        let sample: Map<String, Value> = sample.into_iter().collect();

        let mut calls = Vec::new();
        let mut skips = Vec::new();
        for (i, example) in op.examples.iter().enumerate() {
            let case = format!("example {} ({})", i + 1, example.title.trim());
            let input: Map<String, Value> = example.input.clone().into_iter().collect();
            match op.examples[..i]
                .iter()
                .position(|e| e.input == example.input)
            {
                Some(first) => skips.push((
                    case,
                    format!(
                        "same input as an earlier example: example {}; a server answers one \
                         input one way",
                        first + 1
                    ),
                )),
                None => calls.push(PlannedCall {
                    case,
                    input,
                    output: Some(example.output.clone().into_iter().collect()),
                }),
            }
        }
        if calls.is_empty() {
            calls.push(PlannedCall {
                case: "synthesized input (no documented example)".to_owned(),
                input: sample.clone(),
                output: None,
            });
        }

        let empty_response = op.http.as_ref().is_some_and(|h| h.success_status == 204);
        OperationPlan {
            name: name.to_owned(),
            calls,
            skips,
            tricky: tricky_input(spec, op, &sample),
            sample,
            sample_source,
            empty_response,
            instance,
            cli_class: None,
            fresh: fresh_members(
                spec,
                name,
                cloud_emulator::generated_output_members(spec, op),
            ),
            generated: cloud_emulator::generated_output_members(spec, op),
        }
    }

    fn to_json(&self) -> Value {
        let calls: Vec<Value> = self
            .calls
            .iter()
            .map(|c| json!({"case": c.case, "input": c.input, "output": c.output}))
            .collect();
        let skips: Vec<Value> = self
            .skips
            .iter()
            .map(|(case, reason)| json!({"case": case, "reason": reason}))
            .collect();
        let instance = self.instance.as_ref().map(|i| {
            json!({
                "member": i.member,
                "filter": i.filter.as_ref().map(|f| json!({"list": f.list, "item_member": f.item_member})),
                "not_found": {"code": i.not_found.0, "http_status": i.not_found.1},
            })
        });
        json!({
            "name": self.name,
            "calls": calls,
            "skips": skips,
            "sample": self.sample,
            "sample_source": match self.sample_source {
                SampleSource::Documented => "documented",
                SampleSource::Synthesized => "synthesized",
            },
            "tricky": self.tricky.as_ref().map(|(input, members)| json!({"input": input, "members": members})),
            "empty_response": self.empty_response,
            "instance": instance,
            "generated": self.generated,
            "fresh": self.fresh,
        })
    }
}

/// The generated members of operation `name` that are new ids per call: all but what the
/// emulator's state answers (the spec's resource listing's items and total, a task API's status,
/// the certificate link and expiry of `resource.ssl`).
fn fresh_members(spec: &Service, name: &str, generated: Vec<String>) -> Vec<String> {
    let top = |path: &str| path.split('.').next().unwrap_or(path).to_owned();
    let mut from_state: Vec<String> = Vec::new();
    if spec
        .resource
        .as_ref()
        .is_some_and(|r| r.list.operation == name)
    {
        if let Some(pages) = spec
            .operations
            .get(name)
            .and_then(|op| op.pagination.as_ref())
        {
            from_state.push(top(&pages.items));
            from_state.extend(pages.total.as_deref().map(top));
        }
    }
    for api in spec.tasks.values().filter(|api| api.operation == name) {
        from_state.push(top(&api.status));
        from_state.extend(api.message.as_deref().map(top));
    }
    // The instance's certificate link and expiry: the same for every call about it.
    if let Some(ssl) = spec
        .resource
        .as_ref()
        .and_then(|r| r.ssl.as_ref())
        .filter(|ssl| ssl.certificate == name)
    {
        from_state.push(top(&ssl.link));
        from_state.extend(ssl.expires.as_deref().map(top));
    }
    generated
        .into_iter()
        .filter(|member| !from_state.contains(member))
        .collect()
}

fn vendor_name(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Tencent => "tencent",
        Vendor::Huawei => "huawei",
    }
}

/// The input member naming the instance the operation acts on or filters by: the first of the
/// emulator's [instance members](cloud_emulator::instance_members) (read from the spec's
/// `resource`: its `id`, its `references` to instances, the members waiters fill in, GeminiDB
/// `ListInstances`' `id`). A create operation of the resource (`resource.create`) has none: it
/// makes an instance, and the ones it names (a master) are not what it is about.
fn instance_member(spec: &Service, name: &str) -> Option<String> {
    let creates = spec
        .resource
        .as_ref()
        .is_some_and(|r| r.create.contains_key(name));
    if creates {
        return None;
    }
    cloud_emulator::instance_members(spec, name)
        .into_iter()
        .next()
}

/// `member` filters a listing by instance, as the spec states: an unknown instance lists
/// nothing rather than failing. Either the resource's list operation filtered by id through a
/// plain optional member (GeminiDB `ListInstances?id=`: the listed items are the instances), or
/// one of the resource's `filtered_lists` (`ShowDisasterRecoverySettings?instance_id=`: one
/// item per instance).
fn listing_filter(spec: &Service, name: &str, member: &str) -> Option<ListingFilter> {
    let resource = spec.resource.as_ref()?;
    if let Some(list) = resource
        .filtered_lists
        .get(name)
        .filter(|l| l.filter == member)
    {
        return Some(ListingFilter {
            list: list.items.clone(),
            item_member: list.item_id.clone(),
        });
    }
    let op = spec.operations.get(name)?;
    let optional = op.input.get(member).is_some_and(|m| !m.required);
    let filters_by_id = resource.list.operation == name
        && resource.list.filters.id.as_deref() == Some(member)
        && optional;
    let pages = op.pagination.as_ref().filter(|_| filters_by_id)?;
    Some(ListingFilter {
        list: pages.items.clone(),
        item_member: resource.list.id.clone(),
    })
}

/// The code a call about an unknown instance must answer with, and for Huawei its HTTP status:
/// the emulator's (see [`cloud_emulator::not_found_error`]: the documented code the spec states
/// means an instance does not exist, else the vendor's common one).
fn not_found_code(spec: &Service, op_name: &str) -> (String, Option<u16>) {
    let (code, status) = cloud_emulator::not_found_error(spec, op_name).unwrap_or_default();
    match spec.vendor {
        Vendor::Tencent => (code, None),
        Vendor::Huawei => (code, Some(status)),
    }
}

/// Instance ids in the service's examples and member examples (the emulator seeds each),
/// except those a documented example deletes (GeminiDB `DeleteInstance`'s): the calls before
/// the listings take them away, one async delay later, so whether a listing still shows one
/// depends on how fast the calls ran.
fn documented_instances(spec: &Service) -> Vec<String> {
    let mut deleted: Vec<&str> = Vec::new();
    if let Some(resource) = &spec.resource {
        for (name, _) in resource
            .remove
            .iter()
            .filter(|(_, r)| **r == Removal::Deleted)
        {
            let member = resource.id_members.get(name).unwrap_or(&resource.id);
            let Some(op) = spec.operations.get(name) else {
                continue;
            };
            for value in op.examples.iter().filter_map(|e| e.input.get(member)) {
                match value {
                    Value::String(id) => deleted.push(id),
                    Value::Array(ids) => deleted.extend(ids.iter().filter_map(Value::as_str)),
                    _ => {}
                }
            }
        }
    }
    let mut ids: Vec<String> = Vec::new();
    for (name, op) in &spec.operations {
        let Some(member) = instance_member(spec, name) else {
            continue;
        };
        let from_examples = op.examples.iter().filter_map(|e| e.input.get(&member));
        let from_member = op.input.get(&member).and_then(|m| m.example.as_ref());
        for id in from_examples.chain(from_member).filter_map(Value::as_str) {
            if !id.is_empty() && !ids.iter().any(|known| known == id) && !deleted.contains(&id) {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

/// `input` with every string member (Huawei: in the path or query) set to [`TRICKY`].
fn tricky_input(
    spec: &Service,
    op: &Operation,
    input: &Map<String, Value>,
) -> Option<(Map<String, Value>, Vec<String>)> {
    let members: Vec<String> = op
        .input
        .iter()
        .filter(|(_, m)| {
            m.ty == TypeExpr::String
                && (spec.vendor == Vendor::Tencent
                    || matches!(m.location, Some(Location::Path | Location::Query)))
        })
        .map(|(name, _)| name.clone())
        .collect();
    if members.is_empty() {
        return None;
    }
    let mut tricky = input.clone();
    for name in &members {
        tricky.insert(name.clone(), Value::String(TRICKY.to_owned()));
    }
    Some((tricky, members))
}

/// The class of an operation's sample input as the CLI sees it: HTTP method (or a Tencent
/// action), where its members go, and whether they are given as flags or as
/// `--cli-input-json`. The CLI is run once per class (it is a separate process per call, too
/// slow to run for each of ~500 operations); the Rust crates call every operation in-process.
fn cli_class(spec: &Service, op: &Operation, sample: &Map<String, Value>) -> String {
    let method = op.http.as_ref().map_or("action", |h| h.method.as_str());
    let locations: BTreeSet<&str> = sample
        .keys()
        .map(|k| match op.input.get(k).and_then(|m| m.location) {
            Some(Location::Path) => "path",
            Some(Location::Query) => "query",
            Some(Location::Header) => "header",
            Some(Location::Body) | None => "body",
        })
        .collect();
    let style = if sample.is_empty() {
        "no input"
    } else if sample
        .values()
        .all(|v| matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_)))
    {
        "flags"
    } else {
        "--cli-input-json"
    };
    let locations: Vec<&str> = locations.into_iter().collect();
    format!(
        "{} {method}, {} members, {style}",
        vendor_name(spec.vendor),
        if locations.is_empty() {
            "no".to_owned()
        } else {
            locations.join("+")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(spec: Value) -> Service {
        serde_json::from_value(spec).expect("a test spec")
    }

    fn huawei() -> Value {
        json!({
            "vendor": "huawei", "name": "demo", "service": "demo", "version": "v3", "title": "Demo",
            "endpoint": {"regional": "demo.{region}.example.com"},
            "operations": {
                "ListInstances": {
                    "docs": "Lists.", "read_only": true,
                    "http": {"method": "GET", "path": "/v3/{project_id}/instances"},
                    "input": {
                        "id": {"type": "string", "location": "query"},
                        "offset": {"type": "int32", "location": "query"},
                        "limit": {"type": "int32", "location": "query"}
                    },
                    "output": {"instances": {"type": "list<Instance>"}, "total_count": {"type": "int32"}},
                    "pagination": {
                        "offset": "offset", "limit": "limit", "items": "instances",
                        "total": "total_count", "max_page_size": 100
                    }
                },
                "DeleteMapping": {
                    "docs": "Deletes.",
                    "http": {"method": "DELETE", "path": "/v3/{project_id}/dbcache/mapping", "success_status": 204},
                    "input": {"id": {"type": "string", "required": true}}
                },
                "Resize": {
                    "docs": "Resizes.",
                    "http": {"method": "PUT", "path": "/v3/{project_id}/instances/{instance_id}/volume"},
                    "input": {
                        "instance_id": {"type": "string", "required": true, "location": "path"},
                        "size": {"type": "int32", "required": true}
                    },
                    "output": {"job_id": {"type": "string"}}
                },
                "Rename": {
                    "docs": "Renames.",
                    "http": {"method": "PUT", "path": "/v3/{project_id}/instances/{instance_id}/name"},
                    "input": {
                        "instance_id": {"type": "string", "required": true, "location": "path"},
                        "name": {"type": "string", "required": true}
                    },
                    "output": {"job_id": {"type": "string"}},
                    // Its waiter polls the listing filtered by `id`: `id` names an instance there.
                    "waiter": {
                        "operation": "ListInstances", "input": {"id": "instance_id"},
                        "until": [{"path": "instances.0.name", "equals": "x"}]
                    },
                    "examples": [
                        {"title": "a", "input": {"instance_id": "ins-1", "name": "x"}, "output": {"job_id": "j1"}},
                        {"title": "b", "input": {"instance_id": "ins-1", "name": "x"}, "output": {"job_id": "j2"}},
                        {"title": "c", "input": {"instance_id": "ins-2", "name": "y"}, "output": {"job_id": "j3"}}
                    ]
                }
            },
            "shapes": {"Instance": {"members": {"id": {"type": "string"}, "name": {"type": "string"}}}},
            // The members that name an instance are spec facts: the resource's `id`, the members
            // a waiter fills in (`ListInstances`' `id`), the list's id filter.
            "resource": {
                "name": "instance", "id": "instance_id", "id_format": "ins-{alnum:4}",
                "list": {"operation": "ListInstances", "id": "id", "status": "name", "filters": {"id": "id"}},
                "states": {"creating": [], "running": []},
                "create": {}, "remove": {}
            }
        })
    }

    #[test]
    fn examples_with_a_repeated_input_are_skipped_with_the_reason() {
        let plan = ServicePlan::new(service(huawei()));
        let rename = &plan.operations[3];
        let cases: Vec<&str> = rename.calls.iter().map(|c| c.case.as_str()).collect();
        assert_eq!(cases, ["example 1 (a)", "example 3 (c)"]);
        assert_eq!(rename.skips.len(), 1);
        assert!(rename.skips[0]
            .1
            .starts_with("same input as an earlier example: example 1;"));
        assert_eq!(plan.instances, ["ins-1", "ins-2"]);
    }

    #[test]
    fn synthesized_inputs_name_a_documented_instance() {
        let plan = ServicePlan::new(service(huawei()));
        let resize = &plan.operations[2];
        assert_eq!(resize.sample_source, SampleSource::Synthesized);
        assert_eq!(resize.sample["instance_id"], json!("ins-1"));
        assert_eq!(resize.sample["size"], json!(1));
        assert_eq!(resize.calls.len(), 1);
        assert!(resize.calls[0].output.is_none());
        let instance = resize.instance.as_ref().expect("instance member");
        assert!(instance.filter.is_none());
        assert_eq!(instance.not_found, ("DBS.200002".to_owned(), Some(404)));
    }

    #[test]
    fn a_listing_filters_by_instance_as_the_resource_states() {
        let plan = ServicePlan::new(service(huawei()));
        let list = &plan.operations[0];
        let filter = list.instance.as_ref().and_then(|i| i.filter.as_ref());
        let filter = filter.expect("ListInstances filters by id");
        assert_eq!(
            (filter.list.as_str(), filter.item_member.as_str()),
            ("instances", "id")
        );
        let delete = &plan.operations[1];
        assert!(delete.instance.is_none(), "a mapping id is no instance");
        assert!(delete.empty_response);
    }

    #[test]
    fn tricky_inputs_cover_path_and_query_strings_only() {
        let plan = ServicePlan::new(service(huawei()));
        let (input, members) = plan.operations[3].tricky.clone().expect("tricky");
        assert_eq!(members, ["instance_id"]);
        assert_eq!(input["instance_id"], json!(TRICKY));
        assert_eq!(input["name"], json!("x"), "a body member keeps its value");
    }

    #[test]
    fn each_cli_class_is_sampled_once() {
        let plan = ServicePlan::new(service(huawei()));
        let classes: Vec<Option<&str>> = plan
            .operations
            .iter()
            .map(|o| o.cli_class.as_deref())
            .collect();
        assert_eq!(
            classes,
            [
                Some("huawei GET, no members, no input"),
                Some("huawei DELETE, body members, flags"),
                Some("huawei PUT, body+path members, flags"),
                None,
            ]
        );
    }

    #[test]
    fn tencent_not_found_codes_come_from_the_spec() {
        let spec = service(json!({
            "vendor": "tencent", "name": "demo", "service": "demo", "version": "2020-01-01",
            "title": "Demo", "endpoint": {"regional": "demo.{region}.example.com"},
            "operations": {
                "A": {"docs": "A.", "input": {"InstanceId": {"type": "string", "required": true}}},
                "B": {"docs": "B.", "input": {"InstanceId": {"type": "string"}},
                      "errors": [
                          {"code": "ResourceNotFound.Other", "docs": "No such instance.", "meaning": "not_found"},
                          {"code": "ResourceNotFound.InstanceNotFound", "docs": "Gone.", "meaning": "instance_not_found"}
                      ]}
            }
        }));
        assert_eq!(
            not_found_code(&spec, "A").0,
            "ResourceNotFound.InstanceNotFound"
        );
    }
}
