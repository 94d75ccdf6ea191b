//! The lifecycle keys (`tasks`, `task`, `pagination`, `resource`): a valid base (the README's
//! Tencent example plus a task API, a paged list and a resource), then one test per kind of
//! mistake, each checking the message and the path.

use crate::common;

use common::{check, edit, errors, TENCENT};

const T: &str = "specs/tencent/mongodb.yaml";

/// Operations added to the README example, before its `shapes:`.
const OPERATIONS: &str = r#"  DescribeAsyncRequestInfo:
    docs: Reports the progress of an asynchronous task.
    read_only: true
    input:
      AsyncRequestId:
        type: string
        required: true
    output:
      Status:
        type: string
        required: true
      Info:
        type: string
      RequestId:
        type: string
        required: true
  DescribeDBInstances:
    docs: Lists instances.
    read_only: true
    input:
      InstanceIds:
        type: list<string>
      Filters:
        type: list<Filter>
      Offset:
        type: uint64
      Limit:
        type: uint64
    output:
      TotalCount:
        type: uint64
        required: true
      InstanceDetails:
        type: list<InstanceDetail>
        required: true
      RequestId:
        type: string
        required: true
    pagination:
      offset: Offset
      limit: Limit
      items: InstanceDetails
      total: TotalCount
      max_page_size: 100
  CreateDBInstanceHour:
    docs: Creates instances.
    input:
      GoodsNum:
        type: int64
        required: true
    output:
      InstanceIds:
        type: list<string>
        required: true
      RequestId:
        type: string
        required: true
  RenameInstance:
    docs: Renames an instance.
    input:
      InstanceId:
        type: string
        required: true
      NewName:
        type: string
        required: true
    output:
      RequestId:
        type: string
        required: true
  IsolateDBInstance:
    docs: Isolates an instance.
    input:
      InstanceId:
        type: string
        required: true
    output:
      AsyncRequestId:
        type: string
        required: true
      RequestId:
        type: string
        required: true
    task:
      handle: AsyncRequestId
      api: async-request
  OfflineIsolatedInstances:
    docs: Deletes isolated instances.
    input:
      InstanceIds:
        type: list<string>
        required: true
    output:
      RequestId:
        type: string
        required: true
"#;

/// Shapes and top-level keys added at the end.
const TAIL: &str = r#"  InstanceDetail:
    members:
      InstanceId:
        type: string
        required: true
      InstanceName:
        type: string
      Status:
        type: int64
        required: true
  Filter:
    members:
      Name:
        type: string
      Values:
        type: list<string>
tasks:
  async-request:
    operation: DescribeAsyncRequestInfo
    handle: AsyncRequestId
    status: Status
    message: Info
    running: [INITIAL, RUNNING]
    succeeded: [SUCCESS]
    failed: [FAILED, KILLED]
resource:
  name: instance
  id: InstanceId
  id_format: "cmgo-{alnum:8}"
  list:
    operation: DescribeDBInstances
    id: InstanceId
    name: InstanceName
    status: Status
    filters:
      id: InstanceIds
      name: Filters[db-instance-name]
  states:
    creating: [0]
    running: [2]
    changing: [1]
    isolated: [-2]
  create:
    CreateDBInstanceHour: InstanceIds
  modify:
    RenameInstance:
      NewName: InstanceName
  remove:
    IsolateDBInstance: isolated
    OfflineIsolatedInstances: deleted
  id_members:
    OfflineIsolatedInstances: InstanceIds
"#;

fn base() -> String {
    let spec = edit(TENCENT, "shapes:\n", &format!("{OPERATIONS}shapes:\n"));
    format!("{spec}{TAIL}")
}

/// The error lines of `spec`, each of which must end one of `expected` (path and message), and
/// every expected ending must be found.
fn expect(spec: &str, expected: &[&str]) {
    let found = errors(T, spec);
    for ending in expected {
        assert!(
            found.iter().any(|f| f.ends_with(ending)),
            "missing `{ending}` in {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}

#[test]
fn the_base_is_valid_and_errors_are_located() {
    if let Err(errors) = check(T, &base()) {
        panic!("the lifecycle base is invalid:\n{errors}");
    }
    // Located like every other error: file, line and column of the value.
    let spec = edit(&base(), "      api: async-request\n", "      api: async\n");
    let found = errors(T, &spec);
    let line = spec.lines().position(|l| l == "      api: async").unwrap() + 1;
    assert_eq!(
        found,
        [format!("specs/tencent/mongodb.yaml:{line}:12: operations.IsolateDBInstance.task.api: there is no task API `async` under `tasks`")]
    );
}

#[test]
fn task_apis_follow_real_operations_members_and_paths() {
    let spec = edit(
        &base(),
        "    operation: DescribeAsyncRequestInfo\n    handle: AsyncRequestId\n    status: Status\n    message: Info\n",
        "    operation: DescribeAsyncRequestInfo\n    handle: RequestHandle\n    status: State\n    message: RequestId.x\n",
    );
    expect(
        &spec,
        &[
            "tasks.async-request.handle: `DescribeAsyncRequestInfo` has no input member `RequestHandle`",
            "tasks.async-request.operation: `DescribeAsyncRequestInfo` requires `AsyncRequestId`, which following a task by its handle cannot give",
            "tasks.async-request.status: `State`: the output has no member `State`",
            "tasks.async-request.message: `RequestId.x`: only structures have members to step into",
        ],
    );
    let spec = edit(
        &base(),
        "    operation: DescribeAsyncRequestInfo\n",
        "    operation: DescribeAsyncRequest\n",
    );
    expect(
        &spec,
        &["tasks.async-request.operation: operation `DescribeAsyncRequest` does not exist in this spec; did you mean `DescribeAsyncRequestInfo`?"],
    );
}

#[test]
fn task_status_values_fit_the_status_and_are_in_one_set() {
    let spec = edit(
        &base(),
        "    running: [INITIAL, RUNNING]\n    succeeded: [SUCCESS]\n    failed: [FAILED, KILLED]\n",
        "    running: [INITIAL, 1]\n    succeeded: []\n    failed: [FAILED, INITIAL]\n",
    );
    expect(
        &spec,
        &[
            "tasks.async-request.running[1]: expected a string, found number 1",
            "tasks.async-request.succeeded: `succeeded` needs at least one status value",
            "tasks.async-request.failed[1]: \"INITIAL\" is listed in both `running` and `failed`",
        ],
    );
    let spec = edit(
        &base(),
        "    status: Status\n    message: Info\n",
        "    status: Status\n    message: Info\n    bogus: 1\n",
    );
    assert!(check(T, &spec).is_err(), "unknown keys are errors");
}

#[test]
fn task_handles_name_a_scalar_output_member_and_a_known_api() {
    let spec = edit(
        &base(),
        "      handle: AsyncRequestId\n      api: async-request\n",
        "      handle: FlowId\n      api: async-request\n",
    );
    expect(
        &spec,
        &["operations.IsolateDBInstance.task.handle: this operation has no output member `FlowId`"],
    );
    // A list of handles is one task per item; a list of lists, or a boolean, is no handle.
    let with_handle = |ty: &str| {
        edit(&base(), "      AsyncRequestId:\n        type: string\n        required: true\n      RequestId:\n        type: string\n        required: true\n    task:", &format!("      AsyncRequestId:\n        type: {ty}\n        required: true\n      RequestId:\n        type: string\n        required: true\n    task:"))
    };
    if let Err(errors) = check(T, &with_handle("list<string>")) {
        panic!("a list of handles is valid:\n{errors}");
    }
    expect(
        &with_handle("list<list<string>>"),
        &["operations.IsolateDBInstance.task.handle: `AsyncRequestId` is `list<list<string>>`; a task handle is a string or an integer, or a list of them"],
    );
    expect(
        &with_handle("boolean"),
        &["operations.IsolateDBInstance.task.handle: `AsyncRequestId` is `boolean`; a task handle is a string or an integer, or a list of them"],
    );
    // Text cannot be sent where the task API takes a number.
    let spec = edit(
        &base(),
        "      AsyncRequestId:\n        type: string\n        required: true\n    output:",
        "      AsyncRequestId:\n        type: int64\n        required: true\n    output:",
    );
    expect(
        &spec,
        &["operations.IsolateDBInstance.task.handle: `AsyncRequestId` is a string, but task API `async-request` takes an integer `AsyncRequestId`"],
    );
}

#[test]
fn pagination_members_exist_and_have_the_right_types() {
    let spec = edit(
        &base(),
        "      offset: Offset\n      limit: Limit\n      items: InstanceDetails\n      total: TotalCount\n      max_page_size: 100\n",
        "      offset: Skip\n      limit: InstanceIds\n      items: TotalCount\n      total: InstanceDetails\n      max_page_size: 0\n",
    );
    expect(
        &spec,
        &[
            "operations.DescribeDBInstances.pagination.offset: this operation has no input member `Skip`",
            "operations.DescribeDBInstances.pagination.limit: `InstanceIds` is `list<string>`; paging members are integers or strings that hold one",
            "operations.DescribeDBInstances.pagination.items: `TotalCount` is `uint64`, not a list",
            "operations.DescribeDBInstances.pagination.total: `InstanceDetails` is `list<InstanceDetail>`, not an integer or a string that holds one",
            "operations.DescribeDBInstances.pagination.max_page_size: a page of at most 0 items holds nothing",
        ],
    );
    let spec = edit(
        &base(),
        "      max_page_size: 100\n",
        "      max_page_size: 100\n      style: page2\n",
    );
    let message = check(T, &spec).unwrap_err().to_string();
    assert!(
        message.contains("pagination.style") && message.contains("page2"),
        "{message}"
    );
}

#[test]
fn text_offsets_page_and_markers_name_a_member_of_the_items() {
    // Offsets and limits declared `string` hold numbers the runtime sends as text.
    let spec = edit(
        &base(),
        "      Offset:\n        type: uint64\n      Limit:\n        type: uint64\n",
        "      Offset:\n        type: string\n      Limit:\n        type: string\n",
    );
    if let Err(errors) = check(T, &spec) {
        panic!("text paging members are valid:\n{errors}");
    }
    let paged = "      offset: Offset\n      limit: Limit\n      items: InstanceDetails\n      total: TotalCount\n      max_page_size: 100\n";
    // A marker: the next page starts after the last item's `InstanceId`.
    let marker = edit(
        &base(),
        paged,
        "      style: marker\n      offset: Offset\n      limit: Limit\n      items: InstanceDetails\n      max_page_size: 100\n      next_marker: InstanceId\n",
    );
    if let Err(errors) = check(T, &marker) {
        panic!("a marker listing is valid:\n{errors}");
    }
    expect(
        &edit(&marker, "      next_marker: InstanceId\n", "      next_marker: LineNum\n"),
        &["operations.DescribeDBInstances.pagination.next_marker: `LineNum`: the listed item has no member `LineNum`"],
    );
    expect(
        &edit(&marker, "      next_marker: InstanceId\n", ""),
        &["operations.DescribeDBInstances.pagination.next_marker: style `marker` needs `next_marker`: the item member the next page starts after"],
    );
    // Other lists of items are lists, each named once.
    expect(
        &edit(&base(), paged, &format!("{paged}      other_items: [InstanceDetails, TotalCount]\n")),
        &[
            "operations.DescribeDBInstances.pagination.other_items[0]: `InstanceDetails` is named twice",
            "operations.DescribeDBInstances.pagination.other_items[1]: `TotalCount` is `uint64`, not a list",
        ],
    );
    expect(
        &edit(&base(), paged, &format!("{paged}      next_marker: InstanceId\n")),
        &["operations.DescribeDBInstances.pagination.next_marker: `next_marker` belongs to style `marker`; this pagination counts by offset or page"],
    );
}

#[test]
fn statements_of_no_task_and_no_pagination_name_real_members_and_stand_alone() {
    let spec = edit(
        &base(),
        "    task:\n      handle: AsyncRequestId\n",
        "    no_task:\n      member: TaskId\n      reason: \" \"\n    task:\n      handle: AsyncRequestId\n",
    );
    expect(
        &spec,
        &[
            "operations.IsolateDBInstance.no_task.member: this operation has no output member `TaskId`",
            "operations.IsolateDBInstance.no_task.reason: give the vendor's reason",
        ],
    );
    let spec = edit(
        &base(),
        "    task:\n      handle: AsyncRequestId\n",
        "    no_task:\n      member: AsyncRequestId\n      reason: Meaningless.\n    task:\n      handle: AsyncRequestId\n",
    );
    expect(
        &spec,
        &["operations.IsolateDBInstance.no_task.member: `task` takes `AsyncRequestId` as its handle: state one or the other"],
    );
    let spec = edit(
        &base(),
        "    pagination:\n      offset: Offset\n",
        "    no_pagination: Pages two lists.\n    pagination:\n      offset: Offset\n",
    );
    expect(
        &spec,
        &["operations.DescribeDBInstances.no_pagination: the operation has `pagination`: state one or the other"],
    );
}

#[test]
fn the_resource_is_listed_by_a_paged_operation_with_its_members() {
    let spec = edit(
        &base(),
        "    id: InstanceId\n    name: InstanceName\n    status: Status\n",
        "    id: InstanceID\n    name: Status\n    status: Status.Code\n",
    );
    expect(
        &spec,
        &[
            "resource.list.id: `InstanceID`: the listed item has no member `InstanceID`",
            "resource.list.name: `Status` is `int64`; the name is a string",
            "resource.list.status: `Status.Code`: only structures have members to step into",
        ],
    );
    let spec = edit(
        &base(),
        "    pagination:\n      offset: Offset\n      limit: Limit\n      items: InstanceDetails\n      total: TotalCount\n      max_page_size: 100\n",
        "",
    );
    expect(
        &spec,
        &["resource.list.operation: `DescribeDBInstances` has no `pagination`; the resource's list operation must page"],
    );
}

#[test]
fn resource_filters_name_real_members_in_one_of_two_forms() {
    let spec = edit(
        &base(),
        "      id: InstanceIds\n      name: Filters[db-instance-name]\n",
        "      id: InstanceIds[db-instance-id]\n      name: Filters[]\n      status: States\n",
    );
    expect(
        &spec,
        &[
            "resource.list.filters.id: `InstanceIds` is `list<string>`; `Member[filter-name]` needs a list of structures with `Name` (a string) and `Values` (a list)",
            "resource.list.filters.name: `Filters[]` is not `Member` or `Member[filter-name]`",
            "resource.list.filters.status: the list operation has no input member `States`",
        ],
    );
    let spec = edit(&base(), "      id: InstanceIds\n", "      id: Filters\n");
    expect(
        &spec,
        &["resource.list.filters.id: `Filters` is `list<Filter>`; a filter member takes a string or an integer, or a list of them"],
    );
}

#[test]
fn resource_states_fit_the_status_and_the_id_format_parses() {
    let spec = edit(
        &base(),
        "    creating: [0]\n    running: [2]\n    changing: [1]\n",
        "    creating: []\n    running: [\"2\"]\n    changing: [1, -2]\n",
    );
    let spec = edit(
        &spec,
        "  id_format: \"cmgo-{alnum:8}\"\n",
        "  id_format: \"cmgo-{alpha:8}\"\n",
    );
    let spec = edit(&spec, "  name: instance\n", "  name: DB Instance\n");
    expect(
        &spec,
        &[
            "resource.name: `DB Instance` is not a lower-case word (`instance`); waiters are named after it",
            "resource.id_format: `cmgo-{alpha:8}`: `{alpha:8}` is not `{alnum:N}` or `{hex:N}` with N from 1 to 64",
            "resource.states.creating: `creating` needs at least one status value",
            "resource.states.running[0]: expected an integer that fits int64, found string \"2\"",
            "resource.states.isolated[0]: -2 is listed in both `changing` and `isolated`",
        ],
    );
}

#[test]
fn create_modify_and_remove_name_real_operations_and_members() {
    let spec = edit(
        &base(),
        "    CreateDBInstanceHour: InstanceIds\n",
        "    CreateDBInstanceHour: RequestId.0\n    CreateDBInstance: InstanceIds\n",
    );
    let spec = edit(
        &spec,
        "    RenameInstance:\n      NewName: InstanceName\n",
        "    RenameInstance:\n      Name: InstanceName\n      NewName: Status\n",
    );
    let spec = edit(
        &spec,
        "    IsolateDBInstance: isolated\n",
        "    IsolateDBInstance: isolated\n    DestroyDBInstance: deleted\n",
    );
    expect(
        &spec,
        &[
            "resource.create.CreateDBInstanceHour: `RequestId.0`: `0` indexes a list, but the member before it is not a list",
            "resource.create.CreateDBInstance: operation `CreateDBInstance` does not exist in this spec; did you mean `CreateDBInstanceHour`?",
            "resource.modify.RenameInstance.Name: `RenameInstance` has no input member `Name`",
            "resource.modify.RenameInstance.NewName: `NewName` is `string` but `Status` is `int64`; say what each value shows as under `modify_values`",
            "resource.remove.DestroyDBInstance: operation `DestroyDBInstance` does not exist in this spec",
        ],
    );
    // A value mapping makes different types fit; its values are checked against both.
    let spec = edit(
        &base(),
        "      NewName: InstanceName\n",
        "      NewName: Status\n",
    );
    let spec = format!("{spec}  modify_values:\n    RenameInstance:\n      NewName:\n        - {{input: on, shows: 1}}\n        - {{input: off, shows: \"0\"}}\n    IsolateDBInstance:\n      InstanceId: []\n");
    expect(
        &spec,
        &[
            "resource.modify_values.RenameInstance.NewName[1].shows: expected an integer that fits int64, found string \"0\"",
            "resource.modify_values.IsolateDBInstance.InstanceId: `modify` has no entry `IsolateDBInstance.InstanceId` whose values this maps",
        ],
    );
}

#[test]
fn references_name_string_members_of_existing_operations() {
    let spec = edit(
        &base(),
        "  id_members:\n    OfflineIsolatedInstances: InstanceIds\n",
        "  id_members:\n    OfflineIsolatedInstances: InstanceIds\n  references:\n    NoSuchOperation: [InstanceId]\n    RenameInstance: [NewName, Source]\n    OfflineIsolatedInstances: [InstanceIds]\n",
    );
    expect(
        &spec,
        &[
            "resource.references.NoSuchOperation: operation `NoSuchOperation` does not exist in this spec",
            "resource.references.RenameInstance[1]: `RenameInstance` has no input member `Source`",
            "resource.references.OfflineIsolatedInstances[0]: `InstanceIds` is `list<string>`; a reference is one id, a string",
        ],
    );
}

#[test]
fn modify_and_remove_operations_name_the_resource() {
    let spec = edit(&base(), "  id_members:\n    OfflineIsolatedInstances: InstanceIds\n", "  id_members:\n    CreateDBInstanceHour: InstanceIds\n    IsolateDBInstance: AsyncRequestId\n");
    expect(
        &spec,
        &[
            "resource.id_members.CreateDBInstanceHour: `CreateDBInstanceHour` is not under `modify` or `remove`",
            "resource.id_members.IsolateDBInstance: `IsolateDBInstance` has no input member `AsyncRequestId`",
            "resource.remove.OfflineIsolatedInstances: `OfflineIsolatedInstances` has no input member `InstanceId` naming the instance; give the member it has under `id_members`",
        ],
    );
    let spec = edit(
        &base(),
        "    OfflineIsolatedInstances: InstanceIds\n",
        "    OfflineIsolatedInstances: RequestId\n",
    );
    expect(
        &spec,
        &["resource.id_members.OfflineIsolatedInstances: `OfflineIsolatedInstances` has no input member `RequestId`"],
    );
}

#[test]
fn resource_ssl_names_a_switch_with_a_waiter_and_a_link_that_is_there() {
    let good = "  ssl:\n    enable: InstanceEnableSSL\n    enable_input: {Enable: true}\n    certificate: DescribeInstanceSSL\n    link: CertUrl\n    expires: ExpiredTime\n";
    let valid = edit(
        &base(),
        "  id_members:\n",
        &format!("{good}  id_members:\n"),
    );
    if let Err(errors) = check(T, &valid) {
        panic!("a valid resource.ssl is refused:\n{errors}");
    }
    let bad = "  ssl:\n    enable: DescribeInstanceSSL\n    enable_input: {Enabled: true}\n    certificate: DescribeInstanceSSL\n    link: Status\n    expires: CertLink\n";
    let spec = edit(&base(), "  id_members:\n", &format!("{bad}  id_members:\n"));
    expect(
        &spec,
        &[
            "resource.ssl.enable: `DescribeInstanceSSL` has no waiter to say how SSL being on shows",
            "resource.ssl.enable_input: `DescribeInstanceSSL` has no input member `Enabled`",
            "resource.ssl.link: `Status` is `SslStatus`; the link is a string or a timestamp",
            "resource.ssl.expires: `CertLink`: the answer has no member `CertLink`",
        ],
    );
    let spec = edit(
        &base(),
        "  id_members:\n",
        "  ssl:\n    enable: EnableSsl\n    certificate: DescribeInstanceSSL\n    link: CertUrl\n  id_members:\n",
    );
    let found = errors(T, &spec);
    assert!(
        found
            .iter()
            .any(|f| f.contains("resource.ssl.enable") && f.contains("EnableSsl")),
        "{found:#?}"
    );
}

#[test]
fn filtered_lists_and_id_outputs_name_real_operations_and_members() {
    let spec = edit(
        &base(),
        "  id_members:\n    OfflineIsolatedInstances: InstanceIds\n",
        "  id_members:\n    OfflineIsolatedInstances: InstanceIds\n  filtered_lists:\n    RenameInstance: {filter: NewName, items: InstanceDetails, item_id: InstanceId}\n    NoSuchOperation: {filter: a, items: b, item_id: c}\n  id_outputs:\n    NoSuchOperation: [InstanceId]\n    DescribeDBInstances: [TotalCount, Nope]\n",
    );
    expect(
        &spec,
        &[
            "resource.filtered_lists.RenameInstance: `RenameInstance` is not read-only; a listing only reads",
            "resource.filtered_lists.RenameInstance.filter: `NewName` is not an optional string",
            "resource.filtered_lists.RenameInstance.items: `InstanceDetails` is not a top-level output list of structures of `RenameInstance`",
            "resource.filtered_lists.NoSuchOperation: operation `NoSuchOperation` does not exist in this spec",
            "resource.id_outputs.NoSuchOperation: operation `NoSuchOperation` does not exist in this spec",
            "resource.id_outputs.DescribeDBInstances[0]: `TotalCount` is `uint64`; an id is a string",
            "resource.id_outputs.DescribeDBInstances[1]: `Nope`: the output has no member `Nope`",
        ],
    );
}
