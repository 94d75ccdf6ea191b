//! Bad input: missing, truncated or unexpected source files, stale overlays, and imports that
//! would produce an invalid spec. Each is an error naming the file and what was expected; nothing
//! is produced half-way.

use crate::import_common;

use std::path::Path;

use import_common::*;
use spec_import::{self as import, FinishOptions, LoadedOverlay};

const MONGODB_API: &str = "tccli-intl-en/tccli/services/mongodb/v20190725/api.json";

fn err_text(e: &spec_import::ImportError) -> String {
    e.to_string()
}

#[test]
fn missing_api_json_names_the_file() {
    let scratch = Scratch::fixtures("missing");
    std::fs::remove_file(scratch.path(MONGODB_API)).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    assert!(e.file.ends_with("api.json"), "{e}");
    assert!(err_text(&e).contains("cannot read the file"), "{e}");
}

#[test]
fn truncated_api_json_says_so() {
    let scratch = Scratch::fixtures("truncated");
    let text = std::fs::read_to_string(scratch.path(MONGODB_API)).unwrap();
    std::fs::write(scratch.path(MONGODB_API), &text[..text.len() / 2]).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    assert!(e.file.ends_with("api.json"), "{e}");
    assert!(err_text(&e).contains("truncated"), "{e}");
    assert!(err_text(&e).contains("expected tccli's api.json"), "{e}");
}

#[test]
fn unknown_shapes_of_api_json_are_named() {
    let scratch = Scratch::fixtures("shape");
    // A top-level key missing.
    let text = std::fs::read_to_string(scratch.path(MONGODB_API)).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value.as_object_mut().unwrap().remove("objects");
    std::fs::write(scratch.path(MONGODB_API), value.to_string()).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    assert!(err_text(&e).contains("missing field `objects`"), "{e}");

    // A member type the importer does not know.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["objects"]["DescribeInstanceSSLRequest"]["members"][0]["type"] = "tuple".into();
    std::fs::write(scratch.path(MONGODB_API), value.to_string()).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    let text = err_text(&e);
    assert!(
        text.contains("objects.DescribeInstanceSSLRequest.members[0] (`InstanceId`)"),
        "{e}"
    );
    assert!(
        text.contains("type `tuple`") && text.contains("expected"),
        "{e}"
    );

    // An action whose request object is not defined.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.path(MONGODB_API)).unwrap()).unwrap();
    value["objects"]["DescribeInstanceSSLRequest"]["members"][0]["type"] = "string".into();
    value["actions"]["DescribeInstanceSSL"]["input"] = "NoSuchRequest".into();
    std::fs::write(scratch.path(MONGODB_API), value.to_string()).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    assert!(err_text(&e).contains("names object `NoSuchRequest`"), "{e}");
}

#[test]
fn bad_errorcodes_py_names_the_line() {
    let scratch = Scratch::fixtures("errorcodes");
    let path = scratch
        .path("tencentcloud-sdk-python-intl-en/tencentcloud/mongodb/v20190725/errorcodes.py");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\nimport os\n");
    std::fs::write(&path, &text).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    assert!(e.file.ends_with("errorcodes.py"), "{e}");
    assert!(
        err_text(&e).contains(&format!("line {}", text.lines().count())),
        "{e}"
    );
}

#[test]
fn missing_package_points_at_the_fetch_script() {
    let scratch = Scratch::fixtures("nopackage");
    std::fs::remove_dir_all(scratch.path("tccli-intl-en")).unwrap();
    let e = raw(&scratch.0, "tencent", "mongodb").unwrap_err();
    assert!(err_text(&e).contains("fetch-vendor-sources.sh"), "{e}");
    let e = raw(&scratch.0, "tencent", "nosuchservice").unwrap_err();
    assert!(err_text(&e).contains("fetch-vendor-sources.sh"), "{e}");
}

#[test]
fn huawei_source_problems_are_named() {
    let scratch = Scratch::fixtures("huawei");
    let model = scratch.path("huaweicloudsdkgaussdbfornosql/huaweicloudsdkgaussdbfornosql/v3/model/switch_ssl_request_body.py");
    std::fs::remove_file(&model).unwrap();
    let e = raw(&scratch.0, "huawei", "geminidb").unwrap_err();
    assert!(err_text(&e).contains("`SwitchSslRequestBody`"), "{e}");

    let client = scratch.path(
        "huaweicloudsdkgaussdbfornosql/huaweicloudsdkgaussdbfornosql/v3/gaussdbfornosql_client.py",
    );
    std::fs::write(&client, "class GaussDBforNoSQLClient(Client):\n    pass\n").unwrap();
    let e = raw(&scratch.0, "huawei", "geminidb").unwrap_err();
    assert!(e.file.ends_with("gaussdbfornosql_client.py"), "{e}");
    assert!(
        err_text(&e).contains("expected the SDK's generated client"),
        "{e}"
    );

    let e = raw(&scratch.0, "huawei", "rds").unwrap_err();
    assert!(err_text(&e).contains("expected `geminidb`"), "{e}");
}

#[test]
fn a_model_with_an_unreadable_dict_names_the_line() {
    let scratch = Scratch::fixtures("model");
    let path = scratch.path("huaweicloudsdkgaussdbfornosql/huaweicloudsdkgaussdbfornosql/v3/model/switch_ssl_response.py");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("'job_id': 'str'", "'job_id': str");
    std::fs::write(&path, text).unwrap();
    let e = raw(&scratch.0, "huawei", "geminidb").unwrap_err();
    assert!(e.file.ends_with("switch_ssl_response.py"), "{e}");
    assert!(err_text(&e).contains("expected `'key': 'value'`"), "{e}");
}

fn overlay(text: &str) -> LoadedOverlay {
    LoadedOverlay::parse("specs/overlays/tencent/mongodb.yaml", text).expect("overlay parses")
}

fn finish_with(
    text: &str,
    only: Option<Vec<String>>,
) -> Result<import::Finished, import::ImportError> {
    let raw = raw(&fixtures(), "tencent", "mongodb").unwrap();
    let o = overlay(text);
    import::finish(
        raw,
        &[&o],
        &FinishOptions {
            only,
            command: String::new(),
            translation: None,
        },
        Path::new("specs/tencent/mongodb.yaml"),
    )
}

#[test]
fn stale_overlay_entries_are_errors_all_listed() {
    let e = finish_with(
        "operations:\n  DescribeInstanceSSL:\n    input:\n      InstanceIdd:\n        docs: x\n  NoSuchAction:\n    rate_limit: 1\nshapes:\n  NoSuchShape:\n    docs: x\nrename_shapes:\n  Gone: Here\n",
        None,
    )
    .unwrap_err();
    let text = err_text(&e);
    assert!(
        e.file.ends_with("specs/overlays/tencent/mongodb.yaml"),
        "{e}"
    );
    assert!(text.contains("4 overlay entries do not match"), "{e}");
    assert!(text.contains("4:7: operations.DescribeInstanceSSL.input.InstanceIdd: the import has no member `InstanceIdd` here (it has: InstanceId)"), "{e}");
    assert!(
        text.contains("operations.NoSuchAction: the import has no operation `NoSuchAction`"),
        "{e}"
    );
    assert!(
        text.contains("shapes.NoSuchShape: the import has no shape `NoSuchShape`"),
        "{e}"
    );
    assert!(text.contains("rename_shapes.Gone"), "{e}");
}

#[test]
fn new_entries_for_what_the_source_now_has_are_errors() {
    let e = finish_with(
        "new_operations:\n  DescribeInstanceSSL:\n    docs: x\n    output:\n      RequestId:\n        type: string\n        required: true\n",
        None,
    )
    .unwrap_err();
    assert!(
        err_text(&e).contains("turn this entry into a patch under `operations`"),
        "{e}"
    );
    let e = finish_with(
        "operations:\n  DescribeInstanceSSL:\n    input:\n      InstanceId:\n        new: true\n        type: string\n",
        None,
    )
    .unwrap_err();
    assert!(err_text(&e).contains("drop `new: true`"), "{e}");
}

#[test]
fn an_overlay_that_breaks_the_spec_fails_validation_and_nothing_is_returned() {
    let e = finish_with(
        "operations:\n  DescribeInstanceSSL:\n    output:\n      Status:\n        type: NoSuchEnum\n",
        None,
    )
    .unwrap_err();
    let text = err_text(&e);
    assert!(e.file.ends_with("specs/tencent/mongodb.yaml"), "{e}");
    assert!(
        text.contains("does not validate (nothing was written)"),
        "{e}"
    );
    assert!(text.contains("NoSuchEnum"), "{e}");
}

#[test]
fn overlay_typos_are_located() {
    let e = LoadedOverlay::parse("o.yaml", "operations:\n  X:\n    rate_limt: 3\n").unwrap_err();
    assert!(err_text(&e).starts_with("o.yaml: 3:5: operations.X"), "{e}");
    assert!(err_text(&e).contains("rate_limt"), "{e}");
    let e = LoadedOverlay::parse("o.yaml", "operations: [\n").unwrap_err();
    assert!(err_text(&e).starts_with("o.yaml: "), "{e}");
}

#[test]
fn only_names_unknown_operations() {
    let e = finish_with("", Some(vec!["DescribeInstanceSSL".into(), "Nope".into()])).unwrap_err();
    assert!(
        err_text(&e).contains("--only names operations the source does not have: Nope"),
        "{e}"
    );
    let ok = finish_with("", Some(vec!["DescribeInstanceSSL".into()])).unwrap();
    assert_eq!(ok.service.operations.len(), 1);
}

#[test]
fn examples_that_contradict_the_members_are_left_out_with_a_note() {
    // Make the documented example of DescribeInstanceSSL send a member the action does not have.
    let scratch = Scratch::fixtures("example");
    let path = scratch.path("tccli-intl-en/tccli/services/mongodb/v20190725/examples.json");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        r"InstanceId=cmgo-eqmoaxxx\n&<Common",
        r"InstanceId=cmgo-eqmoaxxx\n&Unknown=1\n&<Common",
    );
    std::fs::write(&path, text).unwrap();
    let raw = raw(&scratch.0, "tencent", "mongodb").unwrap();
    let o = overlay("");
    let finished = import::finish(
        raw,
        &[&o],
        &FinishOptions::default(),
        Path::new("specs/tencent/mongodb.yaml"),
    )
    .unwrap();
    assert!(finished.service.operations["DescribeInstanceSSL"]
        .examples
        .is_empty());
    assert_eq!(
        finished.service.operations["InstanceEnableSSL"]
            .examples
            .len(),
        1
    );
    assert!(
        finished
            .notes
            .iter()
            .any(|n| n.starts_with("DescribeInstanceSSL: example 1 left out")
                && n.contains("`Unknown` is not a member")),
        "{:?}",
        finished.notes
    );
}

#[test]
fn lifecycle_overlay_entries_that_change_nothing_are_errors() {
    let e = finish_with(
        "task_handles:\n  JobHandle: jobs\noperations:\n  DescribeInstanceSSL:\n    task: null\n    pagination: null\n  InstanceEnableSSL:\n    pagination:\n      max_page_size: 10\n",
        None,
    )
    .unwrap_err();
    let text = err_text(&e);
    assert!(text.contains("4 overlay entries do not match"), "{e}");
    for expected in [
        "2:3: task_handles.JobHandle: no operation that changes something has a string or integer (or list of them) output member `JobHandle` (for task API `jobs`)",
        "5:5: operations.DescribeInstanceSSL.task: the rule gives this operation no task: there is nothing to remove",
        "6:5: operations.DescribeInstanceSSL.pagination: the rule gives this operation no pagination and has nothing to decide: there is nothing to remove",
        "8:5: operations.InstanceEnableSSL.pagination: the rule gave this operation no pagination, so the patch must give all of offset, limit, items and max_page_size (missing: offset, limit, items)",
    ] {
        assert!(text.contains(expected), "missing {expected}\nin {e}");
    }
}

#[test]
fn the_task_handle_rule_follows_the_overlay_table() {
    // `FlowId` (int64) of InstanceEnableSSL is a handle; AssignProject's `FlowIds` is not in
    // this table. The table names a task API the overlay does not define: the produced spec
    // does not validate, and says where.
    let e = finish_with("task_handles:\n  FlowId: flows\n", None).unwrap_err();
    let text = err_text(&e);
    assert!(
        text.contains(
            "operations.InstanceEnableSSL.task.api: there is no task API `flows` under `tasks`"
        ),
        "{e}"
    );
    assert!(!text.contains("AssignProject"), "{e}");
    // With the task API, the rule's handle is in the spec; a patch replaces it.
    let tasks = "tasks:\n  flows:\n    operation: DescribeInstanceSSL\n    handle: InstanceId\n    status: Status\n    running: []\n    succeeded: [1]\n    failed: [0]\n";
    let done = finish_with(&format!("task_handles:\n  FlowId: flows\n{tasks}"), None).unwrap();
    let task = done.service.operations["InstanceEnableSSL"]
        .task
        .clone()
        .unwrap();
    assert_eq!(
        (task.handle.as_str(), task.api.as_str()),
        ("FlowId", "flows")
    );
    assert_eq!(done.service.operations["AssignProject"].task, None);
    assert!(done
        .text
        .contains("    task:\n      handle: FlowId\n      api: flows\n"));
    let done = finish_with(
        &format!("task_handles:\n  FlowId: flows\n{tasks}operations:\n  InstanceEnableSSL:\n    task: null\n"),
        None,
    )
    .unwrap();
    assert_eq!(done.service.operations["InstanceEnableSSL"].task, None);
    // A list of handles in the table: one task per item.
    let done = finish_with(&format!("task_handles:\n  FlowIds: flows\n{tasks}"), None).unwrap();
    let task = done.service.operations["AssignProject"]
        .task
        .clone()
        .unwrap();
    assert_eq!(task.handle, "FlowIds");
    // `no_task` names a member the output has, and takes the rule's task on it away.
    let done = finish_with(
        &format!("task_handles:\n  FlowId: flows\n{tasks}operations:\n  InstanceEnableSSL:\n    no_task:\n      member: FlowId\n      reason: Meaningless.\n"),
        None,
    )
    .unwrap();
    let op = &done.service.operations["InstanceEnableSSL"];
    assert_eq!(op.task, None);
    assert_eq!(
        op.no_task.as_ref().map(|n| n.member.as_str()),
        Some("FlowId")
    );
    let e = finish_with(
        "operations:\n  InstanceEnableSSL:\n    no_task:\n      member: JobId\n      reason: Meaningless.\n",
        None,
    )
    .unwrap_err();
    assert!(
        err_text(&e).contains("operations.InstanceEnableSSL.no_task.member: the operation has no output member `JobId`"),
        "{e}"
    );
}

#[test]
fn undecided_pagination_is_a_note_until_the_overlay_decides() {
    // cdb DescribeTasks pages by Offset/Limit; without a stated maximum the rule cannot say
    // the page size.
    let scratch = Scratch::fixtures("pages");
    let api = scratch.path("tccli-intl-en/tccli/services/cdb/v20170320/api.json");
    let text = std::fs::read_to_string(&api).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for member in value["objects"]["DescribeTasksRequest"]["members"]
        .as_array_mut()
        .unwrap()
    {
        if member["name"] == "Limit" {
            member["document"] = "Page size.".into();
        }
    }
    std::fs::write(&api, value.to_string()).unwrap();
    let finish_cdb = |overlay_text: &str| {
        let o = LoadedOverlay::parse("specs/overlays/tencent/cdb.yaml", overlay_text).unwrap();
        import::finish(
            raw(&scratch.0, "tencent", "cdb").unwrap(),
            &[&o],
            &FinishOptions::default(),
            Path::new("specs/tencent/cdb.yaml"),
        )
        .unwrap()
    };
    let done = finish_cdb("");
    assert!(done.service.operations["DescribeTasks"]
        .pagination
        .is_none());
    assert!(
        done.notes.iter().any(|n| n == "DescribeTasks: no pagination: the docs of `Limit` state no maximum and the overlay sets no `default_max_page_size` (an overlay `pagination:` entry decides it)"),
        "{:#?}",
        done.notes
    );
    let done = finish_cdb("default_max_page_size: 20\n");
    let pagination = done.service.operations["DescribeTasks"]
        .pagination
        .clone()
        .unwrap();
    assert_eq!(
        (
            pagination.items.as_str(),
            pagination.total.as_deref(),
            pagination.max_page_size
        ),
        ("Items", Some("TotalCount"), 20)
    );
    assert!(!done
        .notes
        .iter()
        .any(|n| n.starts_with("DescribeTasks: no pagination")));
    // `null` records the decision to leave it without pagination; the note goes.
    let done = finish_cdb("operations:\n  DescribeTasks:\n    pagination: null\n");
    assert!(done.service.operations["DescribeTasks"]
        .pagination
        .is_none());
    assert!(!done
        .notes
        .iter()
        .any(|n| n.starts_with("DescribeTasks: no pagination")));
    // A whole pagination where the rule gave none; the note goes.
    let done = finish_cdb("operations:\n  DescribeTasks:\n    pagination:\n      offset: Offset\n      limit: Limit\n      items: Items\n      max_page_size: 50\n");
    let pagination = done.service.operations["DescribeTasks"]
        .pagination
        .clone()
        .unwrap();
    assert_eq!((pagination.total, pagination.max_page_size), (None, 50));
    assert!(!done
        .notes
        .iter()
        .any(|n| n.starts_with("DescribeTasks: no pagination")));
}
