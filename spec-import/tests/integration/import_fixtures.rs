//! The importers, with the committed overlays, reproduce the committed specs from the trimmed
//! vendor packages in `tests/fixtures/import.bundle` (the SSL operations and a few others): every
//! operation and shape the fixtures have is byte-for-byte what `specs/` holds, so the overlays
//! hold exactly what the sources do not say. `import_full_sources.rs` checks the whole services
//! against the full packages.

use crate::import_common;

use cloud_spec::Service;
use codegen::diff;
use import_common::*;

/// The committed specs, by vendor and service.
const COMMITTED_SPECS: [(&str, &str); 4] = [
    ("tencent", "mongodb"),
    ("tencent", "cdb"),
    ("tencent", "postgres"),
    ("huawei", "geminidb"),
];

/// Imports everything the fixtures have and compares it with the same parts of the committed spec.
fn reproduce(vendor: &str, service: &str) -> Service {
    let committed = committed(vendor, service).service;
    let raw = raw(&fixtures(), vendor, service).expect("the fixtures import");
    let imported = finish(raw, vendor, service, None)
        .expect("import + overlay validates")
        .service;

    // The committed spec, cut down to what the fixtures have.
    let mut expected = committed.clone();
    expected
        .operations
        .retain(|name, _| imported.operations.contains_key(name));
    expected
        .shapes
        .retain(|name, _| imported.shapes.contains_key(name));
    // References, filtered lists and id outputs are stated per operation, by rule: only the
    // fixtures' operations have them.
    if let Some(resource) = &mut expected.resource {
        let kept = |name: &String| imported.operations.contains_key(name);
        resource.references.retain(|name, _| kept(name));
        resource.filtered_lists.retain(|name, _| kept(name));
        resource.id_outputs.retain(|name, _| kept(name));
    }
    // The fixtures' errorcodes.py is trimmed too: every code it has is the committed one.
    expected
        .common_errors
        .retain(|e| imported.common_errors.iter().any(|i| i.code == e.code));

    // Every difference is listed on failure, not just the first.
    let changes: Vec<String> = diff::diff(&expected, &imported)
        .changes
        .into_iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        changes.is_empty(),
        "{vendor}/{service} differs from the committed spec:\n{}",
        changes.join("\n")
    );
    assert_eq!(imported.operations.len(), expected.operations.len());
    assert_eq!(imported.operations, expected.operations);
    assert_eq!(imported.shapes, expected.shapes);
    assert_eq!(imported.common_errors, expected.common_errors);
    assert_eq!(imported.endpoint, committed.endpoint);
    // The fixtures hold every operation the lifecycle entries name, so those come out whole.
    assert_eq!(imported.tasks, committed.tasks);
    assert_eq!(imported.resource, expected.resource);
    assert!(imported.resource.is_some() && !imported.tasks.is_empty());
    assert_eq!(
        (&imported.title, &imported.docs, &imported.version),
        (&committed.title, &committed.docs, &committed.version)
    );
    imported
}

#[test]
fn mongodb_import_and_overlay_reproduce_the_committed_spec() {
    let imported = reproduce("tencent", "mongodb");
    // errorcodes.py's codes follow the common ones.
    assert!(imported
        .common_errors
        .iter()
        .any(|c| c.code == "InvalidParameterValue.NotFoundInstance"));
}

#[test]
fn cdb_import_and_overlay_reproduce_the_committed_spec() {
    reproduce("tencent", "cdb");
}

#[test]
fn postgres_import_and_overlay_reproduce_the_committed_spec() {
    reproduce("tencent", "postgres");
}

#[test]
fn geminidb_import_and_overlay_reproduce_the_committed_spec() {
    reproduce("huawei", "geminidb");
}

#[test]
fn reimporting_unchanged_sources_gives_the_same_bytes() {
    for (vendor, service) in [
        ("tencent", "mongodb"),
        ("tencent", "cdb"),
        ("huawei", "geminidb"),
    ] {
        let first = finish(
            raw(&fixtures(), vendor, service).unwrap(),
            vendor,
            service,
            None,
        )
        .unwrap();
        let second = finish(
            raw(&fixtures(), vendor, service).unwrap(),
            vendor,
            service,
            None,
        )
        .unwrap();
        assert_eq!(first.text, second.text, "{vendor}/{service}");
        assert!(first
            .text
            .starts_with("# yaml-language-server: $schema=../schema.json\n"));
    }
}

#[test]
fn without_the_overlay_the_curated_knowledge_is_missing() {
    // The overlay is what makes the difference: the raw import has no enum, no rate limit, no
    // waiter, no per-operation error codes.
    let raw = raw(&fixtures(), "tencent", "mongodb").unwrap();
    let op = &raw.service.operations["InstanceEnableSSL"];
    assert_eq!(op.output["Status"].ty.to_string(), "int64");
    assert_eq!(op.rate_limit, None);
    assert!(op.waiter.is_none() && op.errors.is_empty());
    // What the importer derives on its own: nullability, required flags, the GET example as JSON.
    assert!(op.output["Status"].nullable && !op.output["Status"].required);
    assert!(op.output["RequestId"].required);
    assert_eq!(op.examples[0].input["Enable"], serde_json::json!(true));
    let describe = &raw.service.operations["DescribeInstanceSSL"];
    assert!(describe.read_only && describe.idempotent && !op.read_only && !op.idempotent);
}

#[test]
fn get_examples_with_lists_become_json_bodies() {
    // AssignProject's example is `&InstanceIds.0=cmgo-eqmo****&ProjectId=12`.
    let raw = raw(&fixtures(), "tencent", "mongodb").unwrap();
    let example = &raw.service.operations["AssignProject"].examples[0];
    assert_eq!(
        example.input["InstanceIds"],
        serde_json::json!(["cmgo-eqmo****"])
    );
    assert!(example.input["ProjectId"].is_number());
}

#[test]
fn huawei_bodies_are_flattened_and_statuses_come_from_swagger() {
    let raw = raw(&fixtures(), "huawei", "geminidb").unwrap();
    let switch = &raw.service.operations["SwitchSsl"];
    let http = switch.http.as_ref().unwrap();
    assert_eq!((http.method.as_str(), http.success_status), ("POST", 202));
    let ssl_option = &switch.input["ssl_option"];
    assert_eq!(ssl_option.location, Some(cloud_spec::Location::Body));
    assert!(
        ssl_option.required,
        "SwitchSslRequestBody assigns ssl_option unconditionally"
    );
    assert_eq!(
        switch.input["instance_id"].location,
        Some(cloud_spec::Location::Path)
    );
    // X-Auth-Token is the transport's, never a member.
    assert!(raw.service.operations.values().all(|op| op
        .input
        .keys()
        .all(|k| !k.eq_ignore_ascii_case("x-auth-token"))));
    // Response structures never have required members.
    let result = raw.service.shapes["ListInstancesResult"]
        .members
        .as_ref()
        .unwrap();
    assert!(result.values().all(|m| !m.required));
    assert!(raw.service.operations["ListInstances"].read_only);
}

#[test]
fn a_selection_keeps_only_the_lifecycle_entries_it_can_follow() {
    let raw_import = || raw(&fixtures(), "tencent", "mongodb").unwrap();
    // Without the task API's operation, the task API and the handles that follow it go; without
    // the list operation, the resource goes. What remains validates.
    let only = vec![
        "DescribeInstanceSSL".to_owned(),
        "InstanceEnableSSL".to_owned(),
    ];
    let service = finish(raw_import(), "tencent", "mongodb", Some(only))
        .unwrap()
        .service;
    assert!(service.tasks.is_empty());
    assert!(service.resource.is_none());
    assert_eq!(service.operations["InstanceEnableSSL"].task, None);
    // With them, the entries stay, cut down to the selected operations.
    let only = [
        "DescribeInstanceSSL",
        "InstanceEnableSSL",
        "DescribeAsyncRequestInfo",
        "DescribeDBInstances",
        "RenameInstance",
    ]
    .map(str::to_owned)
    .to_vec();
    let service = finish(raw_import(), "tencent", "mongodb", Some(only))
        .unwrap()
        .service;
    assert_eq!(
        service.operations["InstanceEnableSSL"]
            .task
            .as_ref()
            .map(|t| t.api.as_str()),
        Some("async-request")
    );
    let resource = service.resource.unwrap();
    assert!(resource.create.is_empty() && resource.remove.is_empty());
    assert_eq!(
        resource.modify.keys().collect::<Vec<_>>(),
        ["RenameInstance"]
    );
}

/// The resource-reference rule (`lifecycle::resource_references`) restates every committed
/// spec's `references` from the members alone, and never lists the resource's own `id`.
#[test]
fn the_reference_rule_restates_the_committed_references() {
    for (vendor, service) in COMMITTED_SPECS {
        let mut spec = committed(vendor, service).service;
        let resource = spec
            .resource
            .as_mut()
            .expect("every committed spec has a resource");
        let stated = std::mem::take(&mut resource.references);
        let id = resource.id.clone();
        spec_import::lifecycle::resource_references(&mut spec);
        let derived = spec.resource.expect("kept").references;
        assert_eq!(derived, stated, "{vendor}/{service}");
        assert!(
            derived.values().flatten().all(|member| *member != id),
            "{vendor}/{service}: `{id}` is the resource's id, not a reference"
        );
    }
    let postgres = committed("tencent", "postgres").service;
    assert_eq!(
        postgres.resource.unwrap().references["CreateReadOnlyGroup"],
        ["MasterDBInstanceId"]
    );
}

/// The create-name, filtered-list and id-output rules (`lifecycle::create_names`,
/// `lifecycle::filtered_lists`, `lifecycle::id_outputs`) restate every committed spec's entries
/// from the members alone.
#[test]
fn the_create_name_filtered_list_and_id_output_rules_restate_the_committed_entries() {
    for (vendor, service) in COMMITTED_SPECS {
        let mut spec = committed(vendor, service).service;
        let resource = spec.resource.as_mut().expect("a resource");
        let lists = std::mem::take(&mut resource.filtered_lists);
        let outputs = resource.id_outputs.clone();
        // The rule never states an empty entry ("no output names the instance"): those are the
        // overlays' corrections, which the rule keeps.
        resource.id_outputs.retain(|_, paths| paths.is_empty());
        let modify = resource.modify.clone();
        let creates: Vec<String> = resource.create.keys().cloned().collect();
        resource.modify.retain(|op, _| !creates.contains(op));
        spec_import::lifecycle::create_names(&mut spec);
        spec_import::lifecycle::filtered_lists(&mut spec);
        spec_import::lifecycle::id_outputs(&mut spec);
        let derived = spec.resource.expect("kept");
        assert_eq!(derived.filtered_lists, lists, "{vendor}/{service}");
        assert_eq!(derived.id_outputs, outputs, "{vendor}/{service}");
        assert_eq!(derived.modify, modify, "{vendor}/{service}");
    }
    let geminidb = committed("huawei", "geminidb").service.resource.unwrap();
    let settings = &geminidb.filtered_lists["ShowDisasterRecoverySettings"];
    assert_eq!(
        (
            settings.filter.as_str(),
            settings.items.as_str(),
            settings.item_id.as_str()
        ),
        ("instance_id", "disaster_recovery_settings", "instance_id")
    );
    // Cache mappings have ids of their own: filtering them by a source instance only selects.
    assert!(!geminidb.filtered_lists.contains_key("ListDbCacheMappings"));
    // A source instance's id is not the named instance's.
    assert!(!geminidb.id_outputs.contains_key("ListDbCacheMappings"));
    assert_eq!(geminidb.modify["CreateInstance"]["name"], "name");
    let cdb = committed("tencent", "cdb").service.resource.unwrap();
    assert_eq!(
        cdb.id_outputs["DescribeInstanceParamRecords"],
        ["Items.0.InstanceId"]
    );
}
