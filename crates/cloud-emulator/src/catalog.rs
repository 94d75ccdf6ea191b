//! The specs, indexed for serving: routing tables, the members that name an instance, the
//! error codes to answer with, and the members that carry an async flow id.
//!
//! Everything here is derived from the spec model, so a new operation in a spec is routed,
//! validated and answered without touching this crate.

use cloud_spec::{ErrorCode, Location, Operation, Service, TypeExpr, Vendor};
use indexmap::IndexMap;
use serde_json::Value;

use crate::wire::{loose_name, percent_decode};

/// An error code and the HTTP status it is sent with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorSpec {
    pub code: String,
    pub http_status: u16,
}

impl ErrorSpec {
    fn new(code: &str, http_status: u16) -> Self {
        ErrorSpec {
            code: code.to_owned(),
            http_status,
        }
    }
}

/// One service, indexed.
#[derive(Debug)]
pub(crate) struct ServiceEntry {
    pub spec: Service,
    /// `tencent-mongodb`, `huawei-geminidb`: the key of state and fault rules.
    pub key: String,
    pub ops: IndexMap<String, OpEntry>,
}

impl ServiceEntry {
    pub(crate) fn operation(&self, name: &str) -> Option<(&Operation, &OpEntry)> {
        Some((self.spec.operations.get(name)?, self.ops.get(name)?))
    }
}

/// What the emulator derives about one operation.
#[derive(Debug)]
pub(crate) struct OpEntry {
    /// Input members that name the instance the call is about (`InstanceId`, `instance_id`).
    pub resource_members: Vec<String>,
    /// The operation changes or shows per-instance state (it has a waiter or is one's target),
    /// so one of `resource_members` must be given, unless it is an instance filter.
    pub per_instance: bool,
    /// A read-only listing of the service's instances, filtered by an optional query member
    /// holding the instance's own id (GeminiDB `ListInstances?id=`): given, the call lists that
    /// instance (or nothing); absent, every instance in scope.
    pub listing: Option<Listing>,
    /// The code for an unknown instance.
    pub not_found: ErrorSpec,
    /// Huawei: the code for a request that fails validation.
    pub invalid_parameter: ErrorSpec,
    /// The code for a call outside the operation's regions.
    pub unsupported_region: ErrorSpec,
    /// Output members that carry the id of the async flow the call starts.
    pub flow_members: Vec<String>,
    /// Huawei: the path template, parsed.
    pub route: Option<PathTemplate>,
}

/// How a listing operation lists instances: `GET /v3/{project_id}/instances?id=...` answers
/// `{"instances": [{"id": ...}], "total_count": 1}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listing {
    /// The optional query member filtering by instance id (`id`).
    pub filter: String,
    /// The top-level output list whose items are the instances (`instances`).
    pub items: String,
    /// The member of an item that holds the instance's id (`id`).
    pub item_id: String,
}

/// A path template such as `/v3/{project_id}/instances/{instance_id}/ssl-option`.
#[derive(Debug, Clone)]
pub(crate) struct PathTemplate {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param(String),
}

impl PathTemplate {
    pub(crate) fn parse(template: &str) -> Self {
        let segments = split_path(template)
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.to_owned()),
                    None => Segment::Literal(s.to_owned()),
                },
            )
            .collect();
        PathTemplate { segments }
    }

    /// Matches a raw request path; on success the decoded path parameters and the number of
    /// literal segments (more literals = a more specific route).
    pub(crate) fn matches(&self, raw_path: &str) -> Option<(Vec<(String, String)>, usize)> {
        let parts: Vec<&str> = split_path(raw_path).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        for (seg, part) in self.segments.iter().zip(parts) {
            let decoded = percent_decode(part, false)?;
            match seg {
                Segment::Literal(lit) if *lit == decoded => literals += 1,
                Segment::Literal(_) => return None,
                Segment::Param(_) if decoded.is_empty() => return None,
                Segment::Param(name) => params.push((name.clone(), decoded)),
            }
        }
        Some((params, literals))
    }
}

fn split_path(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Why a Tencent action could not be found.
#[derive(Debug)]
pub(crate) enum TencentMiss {
    UnknownService,
    UnknownAction,
    /// The action exists, but not in the requested version.
    WrongVersion {
        versions: Vec<String>,
    },
}

/// All services, indexed.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub services: Vec<ServiceEntry>,
}

impl Catalog {
    pub(crate) fn new(services: Vec<Service>) -> Self {
        Catalog {
            services: services.into_iter().map(index_service).collect(),
        }
    }

    /// The Tencent service and operation for a TC3 credential-scope service, version and action.
    pub(crate) fn tencent(
        &self,
        service: &str,
        version: &str,
        action: &str,
    ) -> Result<(&ServiceEntry, &Operation, &OpEntry), TencentMiss> {
        let candidates: Vec<&ServiceEntry> = self
            .services
            .iter()
            .filter(|s| s.spec.vendor == Vendor::Tencent && s.spec.service == service)
            .collect();
        if candidates.is_empty() {
            return Err(TencentMiss::UnknownService);
        }
        let with_action: Vec<&ServiceEntry> = candidates
            .into_iter()
            .filter(|s| s.spec.operations.contains_key(action))
            .collect();
        if with_action.is_empty() {
            return Err(TencentMiss::UnknownAction);
        }
        match with_action.iter().find(|s| s.spec.version == version) {
            Some(s) => {
                let (op, entry) = s.operation(action).expect("filtered on the action");
                Ok((s, op, entry))
            }
            None => Err(TencentMiss::WrongVersion {
                versions: with_action.iter().map(|s| s.spec.version.clone()).collect(),
            }),
        }
    }

    /// The Huawei operation serving `method` on `raw_path`, with its decoded path parameters.
    #[allow(clippy::type_complexity)]
    pub(crate) fn huawei(
        &self,
        method: &str,
        raw_path: &str,
    ) -> Option<(
        &ServiceEntry,
        &str,
        &Operation,
        &OpEntry,
        Vec<(String, String)>,
    )> {
        let mut best: Option<(
            usize,
            (
                &ServiceEntry,
                &str,
                &Operation,
                &OpEntry,
                Vec<(String, String)>,
            ),
        )> = None;
        for svc in self
            .services
            .iter()
            .filter(|s| s.spec.vendor == Vendor::Huawei)
        {
            for (name, op) in &svc.spec.operations {
                let (Some(http), Some(entry)) = (&op.http, svc.ops.get(name)) else {
                    continue;
                };
                if !http.method.as_str().eq_ignore_ascii_case(method) {
                    continue;
                }
                let Some(route) = &entry.route else { continue };
                if let Some((params, score)) = route.matches(raw_path) {
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((score, (svc, name.as_str(), op, entry, params)));
                    }
                }
            }
        }
        best.map(|(_, found)| found)
    }

    /// A service by its key (`tencent-mongodb`) or its vendor service name (`mongodb`).
    pub(crate) fn service(&self, name: &str) -> Option<&ServiceEntry> {
        self.services.iter().find(|s| s.key == name).or_else(|| {
            self.services
                .iter()
                .find(|s| s.spec.service == name || s.spec.name == name)
        })
    }
}

fn index_service(spec: Service) -> ServiceEntry {
    let fills = WaiterFills::of(&spec);
    let ops = spec
        .operations
        .iter()
        .map(|(name, op)| (name.clone(), index_operation(&spec, &fills, name, op)))
        .collect();
    ServiceEntry {
        key: spec.crate_name(),
        spec,
        ops,
    }
}

/// The input members of each operation that other operations' waiters fill in when they poll
/// it (`ListInstances`' `id`, filled with `SwitchSsl`'s `instance_id`).
struct WaiterFills<'a> {
    /// `(polled operation, its member)` pairs.
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> WaiterFills<'a> {
    fn of(spec: &'a Service) -> Self {
        let pairs = spec
            .operations
            .values()
            .filter_map(|op| op.waiter.as_ref())
            .flat_map(|w| w.input.keys().map(|m| (w.operation.as_str(), m.as_str())))
            .collect();
        WaiterFills { pairs }
    }

    fn of_operation(&self, name: &str) -> Vec<&'a str> {
        self.pairs
            .iter()
            .filter(|(polled, _)| *polled == name)
            .map(|(_, member)| *member)
            .collect()
    }
}

/// The input members of operation `name` that name the instance a call is about: string
/// members named like an instance id (`InstanceId`, `DBInstanceId`, `source_instance_id`), the
/// members the operation's waiter passes on to the operation it polls, and the members a
/// waiter polling this operation fills in.
pub(crate) fn resource_members(spec: &Service, name: &str, op: &Operation) -> Vec<String> {
    resource_members_with(&WaiterFills::of(spec), name, op)
}

fn resource_members_with(fills: &WaiterFills<'_>, name: &str, op: &Operation) -> Vec<String> {
    let waiter_members: Vec<&str> = op
        .waiter
        .iter()
        .flat_map(|w| w.input.values().map(String::as_str))
        .collect();
    let targeted_by = fills.of_operation(name);
    op.input
        .iter()
        .filter(|(name, m)| {
            let named_like_instance = loose_name(name).ends_with("instanceid")
                && matches!(TypeExpr::parse(&m.ty), Ok(TypeExpr::String));
            named_like_instance
                || waiter_members.contains(&name.as_str())
                || targeted_by.contains(&name.as_str())
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Every instance id the service's docs use, in document order without repeats: the values of
/// the instance-naming members (see [`resource_members`]) in the operations' examples, and
/// those members' own example values.
pub(crate) fn documented_instance_ids(spec: &Service) -> Vec<String> {
    let fills = WaiterFills::of(spec);
    let mut ids: Vec<String> = Vec::new();
    for (name, op) in &spec.operations {
        for member in resource_members_with(&fills, name, op) {
            let from_examples = op.examples.iter().filter_map(|e| e.input.get(&member));
            let from_member = op.input.get(&member).and_then(|m| m.example.as_ref());
            for id in from_examples.chain(from_member).filter_map(Value::as_str) {
                if !id.is_empty() && !ids.iter().any(|known| known == id) {
                    ids.push(id.to_owned());
                }
            }
        }
    }
    ids
}

fn index_operation(spec: &Service, fills: &WaiterFills<'_>, name: &str, op: &Operation) -> OpEntry {
    let resource_members = resource_members_with(fills, name, op);
    let listing = listing(spec, op, &resource_members);
    OpEntry {
        per_instance: op.waiter.is_some() || !fills.of_operation(name).is_empty(),
        listing,
        resource_members,
        not_found: not_found_code(spec, op),
        invalid_parameter: huawei_code(spec, op, is_parameter_error, HUAWEI_PARAMETER_ERROR),
        unsupported_region: match spec.vendor {
            Vendor::Tencent => ErrorSpec::new(TENCENT_UNSUPPORTED_REGION, 200),
            Vendor::Huawei => huawei_code(spec, op, is_region_error, HUAWEI_REGION_ERROR),
        },
        flow_members: flow_members(op),
        route: op.http.as_ref().map(|h| PathTemplate::parse(&h.path)),
    }
}

/// The listing an operation is, if it is one: read-only, with a top-level list of structures
/// whose identifying member (`id`, else one named like `instance_id`) has the same name as an
/// optional query member that names an instance. Only then is that member the listed
/// instance's *own* id: GeminiDB `ListDbCacheMappings?source_instance_id=` filters mappings (whose
/// own id is `id`) by an instance, and lists mappings, not instances.
fn listing(spec: &Service, op: &Operation, resource_members: &[String]) -> Option<Listing> {
    if !op.read_only {
        return None;
    }
    op.output.iter().find_map(|(items, m)| {
        let TypeExpr::List(item) = TypeExpr::parse(&m.ty).ok()? else {
            return None;
        };
        let item_members = spec.shapes.get(item.shape_name()?)?.members.as_ref()?;
        let item_id = item_members
            .keys()
            .find(|n| loose_name(n) == "id")
            .or_else(|| item_members.keys().find(|n| names_an_instance(n)))?;
        let filter = resource_members.iter().find(|name| {
            loose_name(name) == loose_name(item_id)
                && op
                    .input
                    .get(name.as_str())
                    .is_some_and(|m| !m.required && m.location == Some(Location::Query))
        })?;
        Some(Listing {
            filter: filter.clone(),
            items: items.clone(),
            item_id: item_id.clone(),
        })
    })
}

/// Whether a member's name says it holds an instance's own id (`InstanceId`, `instance_id`,
/// postgres `DBInstanceId`), as opposed to a related one (`source_instance_id`).
pub(crate) fn names_an_instance(name: &str) -> bool {
    matches!(loose_name(name).as_str(), "instanceid" | "dbinstanceid")
}

/// Output members named like the id of an async flow: the emulator generates a fresh one for
/// every mutation (a read reports an existing flow's id, so it answers the documented one).
fn flow_members(op: &Operation) -> Vec<String> {
    if op.read_only {
        return Vec::new();
    }
    op.output
        .keys()
        .filter(|name| {
            matches!(
                loose_name(name).as_str(),
                "flowid" | "taskid" | "jobid" | "asyncrequestid"
            )
        })
        .cloned()
        .collect()
}

/// The output members of `operation` whose values the emulator generates for every call
/// instead of answering the documented ones: Tencent's `RequestId`, and on a mutation the id
/// of the async flow it starts (`FlowId`, `TaskId`, `JobId`, `AsyncRequestId`, GeminiDB `job_id`;
/// a fresh integer or string, as the member's type says).
///
/// A harness comparing an answer with the operation's documented example skips these members
/// (and can check that they are present); everything else in an answer built from an example
/// is the example's, with the example's instance id replaced by the requested one.
///
/// ```
/// let spec = cloud_spec::bundle::service("tencent-mongodb").unwrap();
/// let enable = &spec.operations["InstanceEnableSSL"];
/// assert_eq!(
///     cloud_emulator::generated_output_members(&spec, enable),
///     ["FlowId", "RequestId"]
/// );
/// ```
pub fn generated_output_members(service: &Service, operation: &Operation) -> Vec<String> {
    let mut members = flow_members(operation);
    if service.vendor == Vendor::Tencent && operation.output.contains_key(TENCENT_REQUEST_ID) {
        members.push(TENCENT_REQUEST_ID.to_owned());
    }
    members
}

/// The output member carrying Tencent's request id, set by the protocol layer on every answer.
pub(crate) const TENCENT_REQUEST_ID: &str = "RequestId";

/// Tencent's common code for an action not served in the requested region.
pub(crate) const TENCENT_UNSUPPORTED_REGION: &str = "UnsupportedRegion";
/// Tencent's common code for a missing resource, used when the spec lists no better one.
const TENCENT_RESOURCE_NOT_FOUND: &str = "ResourceNotFound";
/// GeminiDB's error-code page: 404 `DBS.200002` "The DB instance does not exist."
const HUAWEI_INSTANCE_NOT_FOUND: (&str, u16) = ("DBS.200002", 404);
/// GeminiDB's error-code page: 400 `DBS.200001` "Parameter error."
const HUAWEI_PARAMETER_ERROR: (&str, u16) = ("DBS.200001", 400);
/// GeminiDB's error-code page: 400 `DBS.200024` "The region is unavailable."
const HUAWEI_REGION_ERROR: (&str, u16) = ("DBS.200024", 400);

/// Every documented code an operation may answer with: its own first, then the other
/// operations' of the service (a page often forgets a code its siblings list), then the
/// service's common ones.
fn documented_codes<'a>(
    spec: &'a Service,
    op: &'a Operation,
) -> impl Iterator<Item = &'a ErrorCode> {
    op.errors
        .iter()
        .chain(spec.operations.values().flat_map(|o| o.errors.iter()))
        .chain(spec.common_errors.iter())
}

fn is_not_found(e: &ErrorCode) -> bool {
    let code = e.code.to_lowercase();
    let docs = e.docs.to_lowercase();
    code.contains("notfound")
        || code.contains("notexist")
        || docs.contains("does not exist")
        || docs.contains("not found")
        || docs.contains("not exist")
}

fn mentions_instance(e: &ErrorCode) -> bool {
    e.code.to_lowercase().contains("instance") || e.docs.to_lowercase().contains("instance")
}

fn is_parameter_error(e: &ErrorCode) -> bool {
    let docs = e.docs.to_lowercase();
    docs.starts_with("parameter error") || docs.starts_with("invalid parameter")
}

fn is_region_error(e: &ErrorCode) -> bool {
    let docs = e.docs.to_lowercase();
    docs.contains("region") && (docs.contains("unavailable") || docs.contains("invalid"))
}

fn not_found_code(spec: &Service, op: &Operation) -> ErrorSpec {
    let found = documented_codes(spec, op)
        .find(|e| is_not_found(e) && mentions_instance(e))
        .or_else(|| documented_codes(spec, op).find(|e| is_not_found(e)));
    match (spec.vendor, found) {
        (Vendor::Tencent, Some(e)) => ErrorSpec::new(&e.code, 200),
        (Vendor::Tencent, None) => ErrorSpec::new(TENCENT_RESOURCE_NOT_FOUND, 200),
        (Vendor::Huawei, Some(e)) => ErrorSpec::new(&e.code, e.http_status.unwrap_or(404)),
        (Vendor::Huawei, None) => {
            ErrorSpec::new(HUAWEI_INSTANCE_NOT_FOUND.0, HUAWEI_INSTANCE_NOT_FOUND.1)
        }
    }
}

fn huawei_code(
    spec: &Service,
    op: &Operation,
    matches: fn(&ErrorCode) -> bool,
    fallback: (&str, u16),
) -> ErrorSpec {
    match documented_codes(spec, op).find(|e| matches(e)) {
        Some(e) => ErrorSpec::new(&e.code, e.http_status.unwrap_or(fallback.1)),
        None => ErrorSpec::new(fallback.0, fallback.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates() {
        let t = PathTemplate::parse("/v3/{project_id}/instances/{instance_id}/ssl-option");
        let (params, literals) = t.matches("/v3/p1/instances/i%2D1/ssl-option").unwrap();
        assert_eq!(literals, 3);
        assert_eq!(params[1], ("instance_id".to_owned(), "i-1".to_owned()));
        assert!(t.matches("/v3/p1/instances/i1").is_none());
        assert!(t.matches("/v3/p1/instances/i1/ssl-options").is_none());
        assert!(t.matches("/v3/p1/instances//ssl-option").is_none());
    }
}
