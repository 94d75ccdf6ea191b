//! The specs, indexed for serving: routing tables, the members that name an instance, the
//! error codes to answer with, the members that carry a task handle, and each operation's part
//! in the resource's lifecycle.
//!
//! Everything here is derived from the spec model, so a new operation in a spec is routed,
//! validated and answered without touching this crate.

use cloud_spec::{
    ErrorCode, ErrorMeaning, FilteredList, Operation, Removal, Service, TaskApi, TaskHandle,
    TypeExpr, Vendor,
};
use indexmap::IndexMap;
use serde_json::Value;

use crate::answer_cache::AnswerCache;
use crate::resource::ResourceIndex;
use crate::state::InstanceState;
use crate::wire::{percent_decode, TENCENT_REQUEST_ID};

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
    /// The instance resource, when the spec models it.
    pub resource: Option<ResourceIndex>,
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
    /// A read-only listing of items about instances, filtered by an optional member naming one
    /// (the spec's `resource.filtered_lists`: GeminiDB `ShowDisasterRecoverySettings?instance_id=`):
    /// given, the call lists that instance's items (or nothing); absent, every instance's.
    pub listing: Option<FilteredList>,
    /// Output paths that hold the id of the instance the call names (the spec's
    /// `resource.id_outputs`), shown in an answer built without a documented example.
    pub id_outputs: Vec<String>,
    /// The code for an unknown instance.
    pub not_found: ErrorSpec,
    /// Huawei: the code for a request that fails validation.
    pub invalid_parameter: ErrorSpec,
    /// The code for a call outside the operation's regions.
    pub unsupported_region: ErrorSpec,
    /// Output members that carry the handle of the async task the call starts, filled with a
    /// fresh value on every call: the spec's `task` handle (see [`flow_members`]).
    pub flow_members: Vec<String>,
    /// The spec's task handle, under which the call registers its task.
    pub task: Option<TaskHandle>,
    /// When the operation is a task API's: which, and how it answers an unknown handle.
    pub task_api: Option<TaskApiEntry>,
    /// The operation's part in the resource's lifecycle.
    pub role: Role,
    /// Create and modify operations: input member → the listed item's member (dotted) it sets.
    pub sets: Vec<(String, String)>,
    /// Huawei: the path template, parsed.
    pub route: Option<PathTemplate>,
    /// The answers of read-only calls, kept while the state does not change.
    pub answers: AnswerCache,
}

/// What an operation does to the service's instances, as the spec's `resource` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// None of the below.
    Other,
    /// The resource's list operation.
    List,
    /// Creates an instance; its id goes at this output path.
    Create { ids: String },
    /// Changes instances (`sets` says what).
    Modify,
    /// Takes instances out of service.
    Remove(Removal),
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
    #[cfg(test)]
    pub(crate) fn matches(&self, raw_path: &str) -> Option<(Vec<(String, String)>, usize)> {
        let parts = decoded_segments(raw_path)?;
        let literals = self.score(&parts)?;
        Some((self.params(&parts), literals))
    }

    /// Whether the path's decoded segments match, and if so with how many literal segments.
    fn score(&self, parts: &[String]) -> Option<usize> {
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut literals = 0;
        for (seg, part) in self.segments.iter().zip(parts) {
            match seg {
                Segment::Literal(lit) if lit == part => literals += 1,
                Segment::Literal(_) => return None,
                Segment::Param(_) if part.is_empty() => return None,
                Segment::Param(_) => {}
            }
        }
        Some(literals)
    }

    /// The path parameters of matching decoded segments.
    fn params(&self, parts: &[String]) -> Vec<(String, String)> {
        self.segments
            .iter()
            .zip(parts)
            .filter_map(|(seg, part)| match seg {
                Segment::Param(name) => Some((name.clone(), part.clone())),
                Segment::Literal(_) => None,
            })
            .collect()
    }
}

/// A raw path's segments, percent-decoded (once per request, not once per route); `None` if
/// one does not decode, which no route matches.
fn decoded_segments(raw_path: &str) -> Option<Vec<String>> {
    split_path(raw_path)
        .map(|part| percent_decode(part, false))
        .collect()
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
    /// The Huawei routes, grouped by method and number of path segments, so a request is
    /// matched against the few routes it could take rather than every operation.
    huawei_routes: Vec<RouteGroup>,
}

/// Huawei routes with one method and one number of segments: `(service, operation)` indexes,
/// in the services' and their specs' order (the first of equally specific routes wins).
#[derive(Debug)]
struct RouteGroup {
    method: String,
    segments: usize,
    routes: Vec<(usize, usize)>,
}

impl Catalog {
    pub(crate) fn new(services: Vec<Service>) -> Self {
        let services: Vec<ServiceEntry> = services.into_iter().map(index_service).collect();
        let mut huawei_routes: Vec<RouteGroup> = Vec::new();
        for (s, svc) in services.iter().enumerate() {
            if svc.spec.vendor != Vendor::Huawei {
                continue;
            }
            // `ops` holds an entry per operation, in the spec's order.
            for (o, (op, entry)) in svc
                .spec
                .operations
                .values()
                .zip(svc.ops.values())
                .enumerate()
            {
                let (Some(http), Some(route)) = (&op.http, &entry.route) else {
                    continue;
                };
                let method = http.method.as_str();
                let segments = route.segments.len();
                let group = huawei_routes
                    .iter()
                    .position(|g| g.segments == segments && g.method.eq_ignore_ascii_case(method));
                match group {
                    Some(g) => huawei_routes[g].routes.push((s, o)),
                    None => huawei_routes.push(RouteGroup {
                        method: method.to_owned(),
                        segments,
                        routes: vec![(s, o)],
                    }),
                }
            }
        }
        Catalog {
            services,
            huawei_routes,
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
        let parts = decoded_segments(raw_path)?;
        let mut best: Option<(usize, (&ServiceEntry, &str, &Operation, &OpEntry))> = None;
        let candidates = self
            .huawei_routes
            .iter()
            .filter(|g| g.segments == parts.len() && g.method.eq_ignore_ascii_case(method))
            .flat_map(|g| &g.routes);
        for &(s, o) in candidates {
            let svc = &self.services[s];
            let (Some((name, op)), Some((_, entry))) =
                (svc.spec.operations.get_index(o), svc.ops.get_index(o))
            else {
                continue;
            };
            let Some(score) = entry.route.as_ref().and_then(|r| r.score(&parts)) else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, (svc, name.as_str(), op, entry)));
            }
        }
        best.map(|(_, (svc, name, op, entry))| {
            let params = entry
                .route
                .as_ref()
                .map(|route| route.params(&parts))
                .unwrap_or_default();
            (svc, name, op, entry, params)
        })
    }

    /// The status value service `key` reports for an instance in `state`, when its spec models
    /// the resource.
    pub(crate) fn status_of(&self, key: &str, state: InstanceState) -> Option<Value> {
        self.services
            .iter()
            .find(|s| s.key == key)?
            .resource
            .as_ref()?
            .status_of(state)
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
    let resource = ResourceIndex::of(&spec);
    let ops = spec
        .operations
        .iter()
        .map(|(name, op)| {
            let entry = index_operation(&spec, resource.as_ref(), &fills, name, op);
            (name.clone(), entry)
        })
        .collect();
    ServiceEntry {
        key: spec.crate_name(),
        spec,
        ops,
        resource,
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

/// The input members of operation `name` that name the instance a call is about: the
/// resource's `id` (a string), the members the spec states as the operation's `references` to
/// instances (`source_instance_id`, `MasterInstanceId`), the members the operation's waiter
/// passes on to the operation it polls, and the members a waiter polling this operation fills
/// in.
pub(crate) fn resource_members(spec: &Service, name: &str, op: &Operation) -> Vec<String> {
    resource_members_with(spec, &WaiterFills::of(spec), name, op)
}

fn resource_members_with(
    spec: &Service,
    fills: &WaiterFills<'_>,
    name: &str,
    op: &Operation,
) -> Vec<String> {
    let resource_id = spec.resource.as_ref().map(|r| r.id.as_str());
    let references: &[String] = spec
        .resource
        .as_ref()
        .and_then(|r| r.references.get(name))
        .map_or(&[], Vec::as_slice);
    let waiter_members: Vec<&str> = op
        .waiter
        .iter()
        .flat_map(|w| w.input.values().map(String::as_str))
        .collect();
    let targeted_by = fills.of_operation(name);
    op.input
        .iter()
        .filter(|(member, m)| {
            let the_resource_id = resource_id == Some(member.as_str()) && m.ty == TypeExpr::String;
            the_resource_id
                || references.contains(member)
                || waiter_members.contains(&member.as_str())
                || targeted_by.contains(&member.as_str())
        })
        .map(|(member, _)| member.clone())
        .collect()
}

/// Every instance id the service's docs use, in document order without repeats: the values of
/// the instance-naming members (see [`resource_members`]) in the operations' examples, and
/// those members' own example values.
pub(crate) fn documented_instance_ids(spec: &Service) -> Vec<String> {
    let fills = WaiterFills::of(spec);
    let mut ids: Vec<String> = Vec::new();
    for (name, op) in &spec.operations {
        let mut members = resource_members_with(spec, &fills, name, op);
        // A modify or remove operation that names its instances by another member (a list:
        // AssignProject's `InstanceIds`).
        if let Some(member) = spec.resource.as_ref().and_then(|r| r.id_members.get(name)) {
            members.push(member.clone());
        }
        for member in members {
            let from_examples = op.examples.iter().filter_map(|e| e.input.get(&member));
            let from_member = op.input.get(&member).and_then(|m| m.example.as_ref());
            let values = from_examples.chain(from_member).flat_map(|v| match v {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            });
            for id in values.filter_map(Value::as_str) {
                if !id.is_empty() && !ids.iter().any(|known| known == id) {
                    ids.push(id.to_owned());
                }
            }
        }
    }
    ids
}

fn index_operation(
    spec: &Service,
    resource: Option<&ResourceIndex>,
    fills: &WaiterFills<'_>,
    name: &str,
    op: &Operation,
) -> OpEntry {
    let resource_members = resource_members_with(spec, fills, name, op);
    let (role, sets) = match resource {
        Some(res) => role_of(&res.spec, name),
        None => (Role::Other, Vec::new()),
    };
    let listing = spec
        .resource
        .as_ref()
        .and_then(|r| r.filtered_lists.get(name))
        .cloned();
    let id_outputs = spec
        .resource
        .as_ref()
        .and_then(|r| r.id_outputs.get(name))
        .cloned()
        .unwrap_or_default();
    OpEntry {
        task: op.task.clone(),
        task_api: TaskApiEntry::of(spec, name, || unknown_task_code(spec, op)),
        role,
        sets,
        per_instance: op.waiter.is_some() || !fills.of_operation(name).is_empty(),
        listing,
        id_outputs,
        resource_members,
        not_found: not_found_code(spec, op),
        invalid_parameter: huawei_code(
            spec,
            op,
            ErrorMeaning::InvalidParameter,
            HUAWEI_PARAMETER_ERROR,
        ),
        unsupported_region: match spec.vendor {
            Vendor::Tencent => ErrorSpec::new(TENCENT_UNSUPPORTED_REGION, 200),
            Vendor::Huawei => huawei_code(
                spec,
                op,
                ErrorMeaning::RegionUnavailable,
                HUAWEI_REGION_ERROR,
            ),
        },
        flow_members: flow_members(op),
        route: op.http.as_ref().map(|h| PathTemplate::parse(&h.path)),
        answers: AnswerCache::default(),
    }
}

/// What operation `name` does in `resource`'s lifecycle, and the item members its input sets.
fn role_of(resource: &cloud_spec::Resource, name: &str) -> (Role, Vec<(String, String)>) {
    let sets: Vec<(String, String)> = resource
        .modify
        .get(name)
        .into_iter()
        .flatten()
        .map(|(input, item)| (input.clone(), item.clone()))
        .collect();
    let role = if resource.list.operation == name {
        Role::List
    } else if let Some(path) = resource.create.get(name) {
        Role::Create { ids: path.clone() }
    } else if let Some(removal) = resource.remove.get(name) {
        Role::Remove(*removal)
    } else if !sets.is_empty() {
        Role::Modify
    } else {
        Role::Other
    };
    (role, sets)
}

/// The output members that carry the handle of the task a call starts: the spec's `task`
/// handle. A read reports an existing task, so it answers the documented handle.
fn flow_members(op: &Operation) -> Vec<String> {
    op.task.iter().map(|task| task.handle.clone()).collect()
}

/// The output members of `operation` whose values the emulator generates for every call
/// instead of answering the documented ones, top-level members in output order, then Tencent's
/// `RequestId`:
///
/// - on a mutation, the handle of the task it starts (the spec's `task`: `FlowId`,
///   `AsyncRequestId`, GeminiDB `job_id`), a fresh integer or string as the member's type
///   says;
/// - where the spec models the service's instances (`resource`): the new ids of a create
///   operation, the items and total of the list operation (the real instances), the status of
///   a task API's answer (the task's progress), and the certificate link (and expiry) of the
///   operation `resource.ssl` names (the instance's test certificate).
///
/// A harness comparing an answer with the operation's documented example skips these members
/// (and can check that they are present); everything else in an answer built from an example
/// is the example's, with the example's instance id replaced by the requested one and the
/// instance's state (an SSL switch, a name, a status) laid over it.
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
    let name = service
        .operations
        .iter()
        .find(|(_, op)| std::ptr::eq(*op, operation))
        .or_else(|| service.operations.iter().find(|(_, op)| *op == operation))
        .map(|(name, _)| name.as_str());
    let mut paths = flow_members(operation);
    if let (Some(name), Some(resource)) = (name, ResourceIndex::of(service)) {
        match role_of(&resource.spec, name).0 {
            Role::List => {
                paths.extend([Some(resource.items), resource.total].into_iter().flatten())
            }
            Role::Create { ids } => paths.push(ids),
            _ => {}
        }
    }
    if let Some(name) = name {
        let apis = service.tasks.values().filter(|api| api.operation == name);
        paths.extend(apis.map(|api| api.status.clone()));
        // The certificate link leads to the emulator's own test certificate, whose expiry the
        // answer states where the spec says so (`crate::certificates`).
        let ssl = service.resource.as_ref().and_then(|r| r.ssl.as_ref());
        if let Some(ssl) = ssl.filter(|ssl| ssl.certificate == name) {
            paths.push(ssl.link.clone());
            paths.extend(ssl.expires.clone());
        }
    }
    let mut members: Vec<String> = Vec::new();
    for path in paths {
        let top = path.split('.').next().unwrap_or_default().to_owned();
        if operation.output.contains_key(&top) && !members.contains(&top) {
            members.push(top);
        }
    }
    members.sort_by_key(|m| operation.output.get_index_of(m));
    if service.vendor == Vendor::Tencent && operation.output.contains_key(TENCENT_REQUEST_ID) {
        members.push(TENCENT_REQUEST_ID.to_owned());
    }
    members
}

/// The documented code a task API answers a handle it does not know with, when its status is
/// not inside a list of tasks: the first documented code (the operation's own, its siblings',
/// the service's common ones) the spec states means a task does not exist. cdb documents one
/// (`InvalidParameter.InvalidAsyncRequestId`, "The async task does not exist."); mongodb does
/// not, and a generic `ResourceNotFound` is not taken as one: the vendor's answer then is the one
/// the spec model defines for an unknown handle, an answer without a status (see
/// [`UnknownHandle`]).
fn unknown_task_code(spec: &Service, op: &Operation) -> Option<ErrorSpec> {
    documented_codes(spec, op)
        .find(|e| e.meaning == Some(ErrorMeaning::TaskNotFound))
        .map(|e| match spec.vendor {
            Vendor::Tencent => ErrorSpec::new(&e.code, 200),
            Vendor::Huawei => ErrorSpec::new(&e.code, e.http_status.unwrap_or(404)),
        })
}

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

/// Whether the spec states `e` means something does not exist.
fn is_not_found(e: &ErrorCode) -> bool {
    matches!(
        e.meaning,
        Some(ErrorMeaning::InstanceNotFound | ErrorMeaning::TaskNotFound | ErrorMeaning::NotFound)
    )
}

/// The code for an unknown instance: the first documented code the spec states means an
/// instance does not exist, else one that something does not exist, else the vendor's common one.
pub(crate) fn not_found_code(spec: &Service, op: &Operation) -> ErrorSpec {
    let found = documented_codes(spec, op)
        .find(|e| e.meaning == Some(ErrorMeaning::InstanceNotFound))
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
    meaning: ErrorMeaning,
    fallback: (&str, u16),
) -> ErrorSpec {
    match documented_codes(spec, op).find(|e| e.meaning == Some(meaning)) {
        Some(e) => ErrorSpec::new(&e.code, e.http_status.unwrap_or(fallback.1)),
        None => ErrorSpec::new(fallback.0, fallback.1),
    }
}

/// How a task API answers a handle it does not know, as the vendor does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UnknownHandle {
    /// The status sits in a list of tasks (postgres `TaskSet.0.Status`, GeminiDB
    /// `jobs.0.status`): the list is empty, and the total zero.
    EmptyList(String),
    /// A documented error code says the task does not exist (cdb's common
    /// `InvalidParameter.InvalidAsyncRequestId`, "The async task does not exist.").
    Error(ErrorSpec),
    /// Neither (mongodb's `DescribeAsyncRequestInfo` documents no such code): the answer has
    /// no status, which the spec model defines as "the API does not know the handle".
    AbsentStatus,
}

/// A task API operation, indexed.
#[derive(Debug, Clone)]
pub(crate) struct TaskApiEntry {
    pub api: TaskApi,
    pub unknown: UnknownHandle,
}

impl TaskApiEntry {
    /// The task API whose operation is `operation`, if any; `not_found` picks the documented
    /// code for an unknown handle when the status is not in a list.
    pub(crate) fn of(
        spec: &Service,
        operation: &str,
        not_found: impl Fn() -> Option<ErrorSpec>,
    ) -> Option<TaskApiEntry> {
        let api = spec.tasks.values().find(|api| api.operation == operation)?;
        let unknown = match list_prefix(&api.status) {
            Some(list) => UnknownHandle::EmptyList(list.to_owned()),
            None => not_found().map_or(UnknownHandle::AbsentStatus, UnknownHandle::Error),
        };
        Some(TaskApiEntry {
            api: api.clone(),
            unknown,
        })
    }
}

/// The path of the list a status path steps into (`TaskSet` of `TaskSet.0.Status`).
pub(crate) fn list_prefix(path: &str) -> Option<&str> {
    let mut end = 0;
    for segment in path.split('.') {
        if segment.parse::<usize>().is_ok() {
            return (end > 0).then(|| &path[..end - 1]);
        }
        end += segment.len() + 1;
    }
    None
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
