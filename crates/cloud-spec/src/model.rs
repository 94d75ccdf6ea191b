//! The spec model: what one `specs/<vendor>/<service>.yaml` file says.
//!
//! Every struct denies unknown keys, so a typo in a spec is an error, not a silently ignored line.
//! Maps keep the order of the file (`IndexMap`), so generated code follows the order of the docs.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::TypeExpr;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// One cloud service at one API version: the whole content of a spec file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The cloud vendor; decides the wire protocol and the signing scheme.
    pub vendor: Vendor,
    /// Short name of the service in the crate name: `mongodb` makes `tencent-mongodb`.
    pub name: String,
    /// The vendor's service identifier. Tencent: the name in the host and the TC3 credential
    /// scope (`mongodb`, `cdb`, `postgres`). Huawei: the catalog name (`gaussdbfornosql`).
    pub service: String,
    /// Human title, e.g. `TencentDB for MongoDB`.
    pub title: String,
    /// Service-level documentation (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// API version: `2019-07-25` (Tencent, sent as X-TC-Version) or `v3` (Huawei, part of the path).
    pub version: String,
    /// How the endpoint host is found from the region.
    pub endpoint: Endpoint,
    /// Huawei only: the authentication modes the service accepts. Empty means the vendor default
    /// (Tencent: TC3; Huawei: AK/SK signing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth: Vec<AuthMode>,
    /// Error codes every operation of the service can return, in addition to each operation's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_errors: Vec<ErrorCode>,
    /// Operations by their vendor name (`DescribeInstanceSSL`, `ListSslCertDownloadAddresses`).
    pub operations: IndexMap<String, Operation>,
    /// Named structures and enums that members refer to by name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub shapes: IndexMap<String, Shape>,
    /// The service's task APIs, by a name that operations' [`TaskHandle::api`] refers to: how
    /// to follow an asynchronous task whose handle an operation returns.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tasks: IndexMap<String, TaskApi>,
    /// The service's main resource (the database instance): its id, its states and the
    /// operations of its lifecycle. Clients build their state waiters from it; the emulator
    /// keeps real state for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
}

/// A cloud vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Tencent Cloud API 3.0: RPC-style JSON POST to `/`, TC3-HMAC-SHA256 signing.
    Tencent,
    /// Huawei Cloud: REST (method + path template), SDK-HMAC-SHA256 signing or IAM token.
    Huawei,
}

/// Authentication modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    /// Tencent TC3-HMAC-SHA256.
    Tc3,
    /// Huawei SDK-HMAC-SHA256 with an access key and secret key.
    Aksk,
    /// Huawei IAM token sent as `X-Auth-Token`.
    Token,
}

/// Endpoint rules. Host templates may contain `{region}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Host used when no region is configured (Tencent: `mongodb.tencentcloudapi.com`, which routes
    /// to the nearest region). Absent when a region is required (Huawei).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<String>,
    /// Host template for a region: `mongodb.{region}.tencentcloudapi.com`,
    /// `gaussdb-nosql.{region}.myhuaweicloud.com`.
    pub regional: String,
    /// Host for the international site, when the vendor has one (`mongodb.intl.tencentcloudapi.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international: Option<String>,
    /// Regions whose host does not follow the template (Huawei `eu-west-101` is on `.myhuaweicloud.eu`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub region_overrides: IndexMap<String, String>,
    /// Calls need a region: the API takes it as a required parameter (Tencent's `Region` common
    /// parameter, Huawei's regional hosts). Clients refuse to send without one; the emulator
    /// refuses a request without one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub region_required: bool,
}

/// One API operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// What the operation does (Markdown), from the vendor's page.
    pub docs: String,
    /// Huawei only: the HTTP binding. Tencent operations are always `POST /` with the action in a header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpBinding>,
    /// Vendor's documented limit in requests per second (Tencent: 20 for the SSL actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Regions the operation is served in, when the docs restrict it. Empty: every region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// The operation only reads; safe to retry on connection errors and timeouts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    /// Repeating the operation has no further effect; safe to retry on connection errors and timeouts.
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotent: bool,
    /// Marked deprecated by the vendor.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Request members, keyed by their wire name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub input: IndexMap<String, Member>,
    /// Response members, keyed by their wire name. Tencent's `RequestId` is included.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub output: IndexMap<String, Member>,
    /// Error codes the docs list for this operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
    /// Examples from the docs: request members and the response they produce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// For operations that start an asynchronous change: how to see that the change has finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiter: Option<Waiter>,
    /// The output member that is the handle of an asynchronous task the operation starts, and
    /// the task API that reports the task's progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskHandle>,
    /// How the operation pages through a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// An output member that looks like a task handle (a `TaskId`, a `JobId`) but is none a
    /// waiter can follow, and why, in the vendor's words: the member is documented as
    /// meaningless, or no operation reports the task's progress. Stated so that "operations
    /// with a task handle" is counted from the spec, not from member names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_task: Option<NoTask>,
    /// Why an operation whose members look like paging has no `pagination`, in the vendor's
    /// words. Stated so that "paged list operations" is counted from the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_pagination: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The HTTP binding of a REST (Huawei) operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HttpBinding {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template, e.g. `/v3/{project_id}/instances/{instance_id}/ssl-option`. Every `{name}` is
    /// an input member with `location: path`, except `{project_id}`, which the client fills in
    /// from its configuration.
    pub path: String,
    /// The status code of a successful response (Huawei SwitchSsl answers 202).
    #[serde(default = "default_success_status")]
    pub success_status: u16,
}

fn default_success_status() -> u16 {
    200
}

/// HTTP methods used by REST operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
#[allow(missing_docs)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
    Patch,
}

impl HttpMethod {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
        }
    }
}

/// A member of a request, a response or a structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Type expression: `string`, `boolean`, `int32`, `int64`, `uint64`, `float`, `timestamp`,
    /// `json` (any JSON value), `list<T>`, `map<T>` (string keys), or the name of a shape.
    /// Written as that text, held parsed: a type that does not parse is an error when the spec
    /// is loaded.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub ty: TypeExpr,
    /// Documentation (Markdown), from the vendor's page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// Input: the caller must set it. Output: the service always sends it (not null, not absent).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Output: "This field may return null". Makes the Rust field an `Option` even when required.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Timestamps: the text format, e.g. `%Y-%m-%d %H:%M:%S`, and the zone the docs imply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Huawei request members: where the member goes. Default: `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// An example value from the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// Rust field name, when the derived snake_case name would collide or is unusable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// Marked deprecated by the vendor.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// The value is a secret (a password, a private or decryption key, an access token): clients
    /// keep it out of `Debug` output, logs and error messages, and send it on the wire unchanged.
    ///
    /// Why a flag and not a type: a secret is an ordinary string on the wire, and the docs do
    /// not say which members hold one. The importers set it from the member's wire name
    /// (`spec_import::sensitive` documents the rule); an overlay corrects it where the name
    /// misleads. Only members whose values can hold text take it: `string`, `json`, and lists
    /// and maps of those.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
}

/// Where a REST request member is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// Substituted into the path template.
    Path,
    /// Sent in the query string.
    Query,
    /// Sent as an HTTP header; the member's key is the header name.
    Header,
    /// A member of the JSON body.
    Body,
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The code as the service sends it: `InvalidParameterValue.NotFoundInstance`, `DBS.200823`.
    pub code: String,
    /// What it means, from the docs.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// Huawei: the HTTP status sent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// What the code stands for, where a tool must pick a code by meaning (the emulator answering
    /// a call about an instance that does not exist). Stated on import by one rule over the code
    /// and its docs (`spec-import/src/error_meaning.rs`), so nothing downstream reads prose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<ErrorMeaning>,
}

/// What an error code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorMeaning {
    /// The instance the call names does not exist.
    InstanceNotFound,
    /// The task, async request, flow or job the call names does not exist.
    TaskNotFound,
    /// Something else the call names does not exist.
    NotFound,
    /// A parameter is missing or wrong (Huawei's generic parameter error).
    InvalidParameter,
    /// The region is unavailable or invalid.
    RegionUnavailable,
}

/// A documented example call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The example's title in the docs.
    pub title: String,
    /// Request members, by wire name (Tencent: the JSON body; Huawei: every located member).
    #[serde(default)]
    pub input: IndexMap<String, Value>,
    /// The response: Tencent, the object inside `Response`; Huawei, the body.
    #[serde(default)]
    pub output: IndexMap<String, Value>,
}

/// How a client waits for the asynchronous change an operation starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// The operation to poll, in the same service.
    pub operation: String,
    /// Its input: member of the polled operation → member of this operation's input whose value is passed on.
    pub input: IndexMap<String, String>,
    /// The change shows when the first condition whose `when` matches holds.
    pub until: Vec<WaitCondition>,
}

/// One success condition of a waiter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitCondition {
    /// Applies when this operation's input members have these values. Absent: always.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub when: IndexMap<String, Value>,
    /// Output member of the polled operation (dot-separated for nested members).
    pub path: String,
    /// The value it shows once the change is done.
    pub equals: Value,
}

/// A named structure or enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// Documentation (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// Structure members by wire name. Exactly one of `members` and `enum` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<IndexMap<String, Member>>,
    /// Enum: the wire type of its values.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_kind: Option<EnumKind>,
    /// Enum: the documented values. Clients keep values not listed here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
}

/// Wire type of an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum EnumKind {
    /// Values are JSON strings (`"ON"`, `"on"`).
    String,
    /// Values are JSON integers (`0`, `1`).
    Integer,
}

/// One documented enum value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire: a string or an integer, matching the enum kind.
    pub value: Value,
    /// The Rust variant name (PascalCase), e.g. `Enabled`.
    pub name: String,
    /// What the value means.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
}

/// An operation's task handle: `FlowId`, `AsyncRequestId`, `TaskId`, `job_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskHandle {
    /// The output member holding the handle: a string or an integer (not null once the call
    /// succeeded), or a list of them (`FlowIds`: one task per item, and waiting waits for
    /// every one).
    pub handle: String,
    /// The key of the service's [`TaskApi`] (in [`Service::tasks`]) that follows the task.
    pub api: String,
}

/// An output member that is not a task handle, and why ([`Operation::no_task`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NoTask {
    /// The output member (`TaskId`, `JobId`).
    pub member: String,
    /// Why it is no handle a waiter can follow, from the vendor's docs.
    pub reason: String,
}

/// A task API: the operation that reports the progress of an asynchronous task, and what its
/// status values mean.
///
/// Why values listed in three sets and not an enum: vendors add states (`PAUSED`, `WaitSwitch`)
/// without notice, and a waiter must tell "still going" from "finished" for each. A value in
/// none of the sets counts as still running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskApi {
    /// The operation that reports a task's progress (`DescribeAsyncRequestInfo`, `ListJobs`).
    pub operation: String,
    /// Its input member that takes the handle (`AsyncRequestId`, `TaskId`, `id`). The handle is
    /// converted to the member's type (a numeric `FlowId` is sent as text to a `string` member).
    pub handle: String,
    /// Dot-separated path of the task's status in the output; numeric segments index lists
    /// (`Status`, `TaskSet.0.Status`, `jobs.0.status`). An absent status means the API does not
    /// know the handle.
    pub status: String,
    /// Dot-separated path of a text that explains a failure, when the API has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Status values of a task that is still going.
    pub running: Vec<Value>,
    /// Status values of a task that finished well.
    pub succeeded: Vec<Value>,
    /// Status values of a task that failed or was cancelled.
    pub failed: Vec<Value>,
}

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// What the `offset` member counts.
    #[serde(default, skip_serializing_if = "PageStyle::is_offset")]
    pub style: PageStyle,
    /// The input member that says where the page starts (`Offset`, `offset`, `PageNumber`;
    /// with style `marker`, the marker: `line_num`). An integer, or a string that holds one
    /// (numbers are then sent as text); a marker is a string or an integer.
    pub offset: String,
    /// The input member that says how many items a page holds (`Limit`, `limit`, `PageSize`):
    /// an integer, or a string that holds one.
    pub limit: String,
    /// Dot-separated path of the list of items in the output (`Items`, `instances`).
    pub items: String,
    /// Other paths of the items, when an input decides which list an answer fills (GeminiDB
    /// `ShowRedisDisabledCommands`: `commands` or `keys`, by `type`): a page's items are the
    /// first of `items` and these that holds a non-empty list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_items: Vec<String>,
    /// Dot-separated path of the total number of items in the output, when the operation gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    /// The largest page size the vendor allows (a paginator asks for this by default).
    pub max_page_size: u32,
    /// Style `marker` only (and required there): dot-separated path, within an item, of the
    /// value the next page's marker is (the last item's: `line_num`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

/// What a paged operation's `offset` member counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PageStyle {
    /// Items to skip: the next page starts at offset + items received.
    #[default]
    Offset,
    /// Page number, the first page being 0.
    Page0,
    /// Page number, the first page being 1.
    Page1,
    /// A marker: the next page starts after the item the marker names; the first page is asked
    /// for without one. The marker comes from the last item of a page (`next_marker`).
    Marker,
}

impl PageStyle {
    fn is_offset(&self) -> bool {
        *self == PageStyle::Offset
    }
}

/// The service's main resource (its database instance) and its lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// What one is called, lower case, singular: `instance`. Waiters are named after it
    /// (`wait_until_instance_running`).
    pub name: String,
    /// The input member that names one in the operations that act on a single resource
    /// (`InstanceId`, `instance_id`).
    pub id: String,
    /// The format of new ids, for the emulator: literal text with `{alnum:N}` (lower-case
    /// letters and digits) and `{hex:N}` placeholders (`cmgo-{alnum:8}`, `{hex:32}in06`).
    pub id_format: String,
    /// How resources are listed and described.
    pub list: ResourceList,
    /// The status values, by what they mean.
    pub states: ResourceStates,
    /// Operations that create resources → dot-separated output path of the new id (a string)
    /// or ids (a list of strings).
    pub create: IndexMap<String, String>,
    /// Operations that change a resource → their input member → the member of a listed item
    /// (dot-separated) that shows the new value. A [`create`](Resource::create) operation's
    /// entry says what its input sets on the new resource (GeminiDB `CreateInstance`'s `name`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub modify: IndexMap<String, IndexMap<String, String>>,
    /// For `modify` entries whose input values are not what the listed item shows: operation →
    /// input member → the value each input value shows as (GeminiDB `SwitchSsl` takes
    /// `ssl_option: on`, and `ListInstances` shows `ssl: "1"`). Without an entry the item shows
    /// the input value itself.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub modify_values: IndexMap<String, IndexMap<String, Vec<ValueMapping>>>,
    /// Operations that take a resource out of service → where the resource ends.
    pub remove: IndexMap<String, Removal>,
    /// Operations of `modify` and `remove` that name the resource by another input member than
    /// [`id`](Resource::id) → that member, a string or a list of strings (postgres
    /// `IsolateDBInstances` takes `DBInstanceIdSet`, cdb `OfflineIsolatedInstances` takes
    /// `InstanceIds`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub id_members: IndexMap<String, String>,
    /// Operations → their string input members, besides [`id`](Resource::id), that each name
    /// one resource by its id: a source, a master, a peer (postgres `CreateReadOnlyGroup`'s
    /// `MasterDBInstanceId`, cdb `MasterInstanceId`, GeminiDB `source_instance_id`). A call that
    /// names one the service does not have fails like one whose `id` is unknown (the emulator
    /// answers with the not-found code). Stated on import by one rule over the member names
    /// (`spec_import::lifecycle::resource_references`), so nothing downstream reads names.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub references: IndexMap<String, Vec<String>>,
    /// Read-only operations, besides [`list`](Resource::list), that list items about resources
    /// filtered by an optional input member naming one (GeminiDB
    /// `ShowDisasterRecoverySettings?instance_id=` lists each instance's settings): operation →
    /// the filter, the list and the item member holding the resource's id. Given a known
    /// resource, the call lists its items; given an unknown one, it lists nothing (it does not
    /// fail as a call naming an unknown resource does); without the filter, it lists the items of
    /// every resource in scope. Stated on import by one rule
    /// (`spec_import::lifecycle::filtered_lists`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub filtered_lists: IndexMap<String, FilteredList>,
    /// Operations → dot-separated output paths of string members that hold the id of the
    /// resource the call names (cdb `DescribeInstanceParamRecords`' `Items.0.InstanceId`; a
    /// list is stepped through by its first item, `0`). An answer the emulator builds without
    /// a documented example shows the named id there. Stated on import by one rule over the
    /// member names (`spec_import::lifecycle::id_outputs`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub id_outputs: IndexMap<String, Vec<String>>,
    /// How the resource's SSL shows and where its CA certificate is found: what `cloudcall
    /// audit` reads, and what the emulator serves test certificates for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl: Option<ResourceSsl>,
}

/// A resource's SSL: the switch that turns it on (whose waiter says how "on" shows) and the
/// operation that links to its CA certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceSsl {
    /// The operation that switches SSL on; its `waiter`'s condition for this input is what
    /// "SSL is on" looks like, and its waiter's operation is how to ask.
    pub enable: String,
    /// Input members besides the resource id that make `enable` switch SSL on
    /// (`ssl_option: on`, `Enable: true`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub enable_input: IndexMap<String, Value>,
    /// The operation that answers, for the resource id, with the CA certificate's download link.
    pub certificate: String,
    /// Dot-separated output path of the download link (`CertUrl`, `certs.0.download_link`).
    pub link: String,
    /// Dot-separated output path of the certificate's expiry, where the answer states it
    /// (mongodb `ExpiredTime`); else the expiry is read from the downloaded certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A read-only operation's list of items about resources, filtered by one resource (see
/// [`Resource::filtered_lists`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FilteredList {
    /// The optional input member naming the resource whose items are listed (`instance_id`).
    pub filter: String,
    /// The top-level output list of the items (`disaster_recovery_settings`).
    pub items: String,
    /// The member of an item that holds the id of the resource it is about (`instance_id`).
    pub item_id: String,
}

/// One input value of a modify operation and the value a listed item shows for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ValueMapping {
    /// The value in the request.
    pub input: Value,
    /// The value the listed item's member shows once the change is done.
    pub shows: Value,
}

/// How a service lists its resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceList {
    /// The list operation (`DescribeDBInstances`, `ListInstances`); it has a `pagination`.
    pub operation: String,
    /// Member of a listed item that holds the id.
    pub id: String,
    /// Member of a listed item that holds the name, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Member of a listed item that holds the status.
    pub status: String,
    /// Input members of the list operation that filter: by id, by name, by status (see
    /// [`ResourceFilters`] for the two forms a filter takes).
    #[serde(default)]
    pub filters: ResourceFilters,
}

/// A list operation's filter members.
///
/// Each filter is written in one of two forms
/// ([`FilterMember::parse`](crate::lifecycle::FilterMember::parse) reads them):
///
/// - `Member`: the input member takes the value itself, or a list of values when its type is a
///   list (`InstanceIds: ["cmgo-1"]`, `name: "db1"`);
/// - `Member[filter-name]`: Tencent's filter convention. The input member is a list of
///   structures `{"Name": "filter-name", "Values": [value, ...]}`, and this filter is the entry
///   whose `Name` is `filter-name` (postgres `DescribeDBInstances` filters by
///   `Filters[db-instance-id]`, `Filters[db-instance-name]`, `Filters[db-instance-status]`).
///
/// A listed item matches a filter when its member equals one of the filter's values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceFilters {
    /// Filters by id: `Member` or `Member[filter-name]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Filters by name: `Member` or `Member[filter-name]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Filters by status: `Member` or `Member[filter-name]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A resource's status values, by what they mean. The first value of each set is the one the
/// emulator reports. A value in none of the sets is a state the spec does not classify; a
/// waiter keeps waiting through it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceStates {
    /// Being created.
    pub creating: Vec<Value>,
    /// Running and usable.
    pub running: Vec<Value>,
    /// A change in progress (a resize, a restart, an isolation under way): not running as
    /// asked, not finished either.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changing: Vec<Value>,
    /// Isolated (in the recycle bin): not usable, not gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isolated: Vec<Value>,
    /// Being deleted or deleted; a deleted resource may also simply stop being listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<Value>,
    /// A state the resource does not leave by itself (GeminiDB `createfail`): a waiter for
    /// another state stops there with an error instead of waiting until its deadline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<Value>,
}

/// Where an operation that takes a resource out of service leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Removal {
    /// Isolated: listed with an isolated status until destroyed.
    Isolated,
    /// Deleted: gone once the change finishes; calls naming it get the not-found code.
    Deleted,
}
