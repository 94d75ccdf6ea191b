//! The emulator is driven by the spec model: an operation added to a spec is routed, validated
//! and answered without code changes.

use crate::common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cloud_emulator::demo_data::{
    CDB_INSTANCE, MONGODB_INSTANCE, MONGODB_OTHER_INSTANCE, POSTGRES_INSTANCE,
};
use cloud_emulator::{
    generated_output_members, instance_members, sample_input, Emulator, RunningEmulator,
};
use cloud_spec::sample::SampleSource;
use cloud_spec::{Location, Service, Vendor};
use common::*;
use indexmap::IndexMap;
use serde_json::{json, Map, Value};

fn mongodb_with_new_operations() -> Service {
    let mut spec = cloud_spec::bundle::services()
        .into_iter()
        .find(|s| s.crate_name() == "tencent-mongodb")
        .expect("the bundle has tencent-mongodb");
    let added: Service = serde_json::from_value(json!({
        "vendor": "tencent", "name": "mongodb", "service": "mongodb", "title": "t", "version": "2019-07-25",
        "endpoint": {"regional": "mongodb.{region}.tencentcloudapi.com"},
        "operations": {
            "DescribeSlowLogPatterns": {
                "docs": "A new operation with an example.",
                "read_only": true,
                "input": {
                    "InstanceId": {"type": "string", "required": true},
                    "Limit": {"type": "int64"}
                },
                "output": {
                    "Count": {"type": "int64", "required": true},
                    "Patterns": {"type": "list<string>", "required": true},
                    "RequestId": {"type": "string", "required": true}
                },
                "examples": [{"title": "e", "input": {"InstanceId": MONGODB_INSTANCE},
                              "output": {"Count": 2, "Patterns": ["a", "b"], "RequestId": "x"}}]
            },
            "DescribeNewThing": {
                "docs": "A new operation without an example.",
                "input": {"Name": {"type": "string", "required": true}},
                "output": {"Size": {"type": "int64", "example": 7}, "Tags": {"type": "list<string>"},
                           "RequestId": {"type": "string", "required": true}}
            }
        }
    }))
    .unwrap();
    spec.operations.extend(added.operations);
    spec
}

#[tokio::test]
async fn new_operations_are_served_from_their_examples() {
    let emu = Emulator::builder()
        .add_service(mongodb_with_new_operations())
        .start()
        .await
        .unwrap();
    let base = emu.base_url();
    let a = mongodb(
        "DescribeSlowLogPatterns",
        json!({"InstanceId": MONGODB_OTHER_INSTANCE, "Limit": 5}),
    )
    .send(&base)
    .await;
    assert_eq!(a.response()["Count"], 2, "{:?}", a.response());
    assert_eq!(a.response()["Patterns"], json!(["a", "b"]));
    assert_ne!(a.response()["RequestId"], "x");

    let missing = mongodb("DescribeSlowLogPatterns", json!({"Limit": 5}))
        .send(&base)
        .await;
    assert_eq!(missing.tencent_code().as_deref(), Some("MissingParameter"));
    let unknown = mongodb(
        "DescribeSlowLogPatterns",
        json!({"InstanceId": "cmgo-nope"}),
    )
    .send(&base)
    .await;
    assert_eq!(
        unknown.tencent_code().as_deref(),
        Some("InvalidParameterValue.NotFoundInstance")
    );

    let synthesized = mongodb("DescribeNewThing", json!({"Name": "n"}))
        .send(&base)
        .await
        .response();
    assert_eq!(synthesized["Size"], 7);
    // Without an example, a list holds one placeholder element of its item type.
    assert_eq!(synthesized["Tags"], json!(["example"]));
    assert!(synthesized["RequestId"].is_string());
    emu.shutdown().await;
}

/// Every operation of every bundled service, called through `cloud_transport` (the path
/// generated clients take) with `cloud_emulator::sample_input` (the spec's sample input, its
/// instance-naming members holding default instances), on one emulator:
///
/// - each must succeed with an answer that decodes as the spec says (required members present,
///   every value of its type), with its generated members (request and flow ids) set;
/// - an operation called with its documented example answers that example's values (apart
///   from the generated members);
/// - called again with an unknown instance, an operation naming one answers the vendor's
///   not-found error (a listing filtered by it lists nothing);
/// - an empty answer (HTTP 204, or no output members) has the documented status and no body.
///
/// Every failure is collected and reported together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bundled_operation_answers_well_typed() {
    let started = Instant::now();
    let emu = Emulator::builder()
        .rate_limits(false)
        // Nothing a mutation starts may show while the walk runs: every answer is the docs'.
        .async_delay(Duration::from_secs(3600))
        .start()
        .await
        .unwrap();
    let start_up = started.elapsed();
    let base = emu.base_url();
    let services = cloud_spec::bundle::services();

    let raw_client = common::client();
    let walk = Instant::now();
    let mut failures: Vec<String> = Vec::new();
    let (mut called, mut documented, mut synthesized, mut empty, mut unknown) = (0, 0, 0, 0, 0);
    let (mut compared, mut bytes) = (0, 0usize);
    for spec in &services {
        let mut clients: HashMap<Option<String>, cloud_transport::Client> = HashMap::new();
        for (name, op) in &spec.operations {
            let label = format!("{}/{name}", spec.crate_name());
            let (input, source) = sample_input(spec, name).expect("a bundled operation");
            match source {
                SampleSource::Documented => documented += 1,
                SampleSource::Synthesized => synthesized += 1,
            }
            let region = (spec.vendor == Vendor::Tencent)
                .then(|| op.regions.first().cloned())
                .flatten();
            let client = clients
                .entry(region.clone())
                .or_insert_with(|| transport::client(spec, &emu, region.as_deref()));
            let input_json = Value::Object(input.clone().into_iter().collect());
            called += 1;
            let output = match client
                .call_json(&transport::operation_info(spec, name, op), input_json)
                .await
            {
                Ok(output) => output,
                Err(e) => {
                    failures.push(format!("{label} ({source:?} input {input:?}): {e}"));
                    continue;
                }
            };
            bytes += output.to_string().len();
            let Some(object) = output.as_object() else {
                failures.push(format!("{label}: the answer is not an object: {output}"));
                continue;
            };
            for problem in well_typed::problems(spec, &op.output, object) {
                failures.push(format!("{label}: {problem}"));
            }
            let generated = generated_output_members(spec, op);
            for member in &generated {
                if object.get(member).is_none_or(Value::is_null) {
                    failures.push(format!(
                        "{label}: the generated member `{member}` is missing"
                    ));
                }
            }
            if let (SampleSource::Documented, Some(example)) = (source, op.examples.first()) {
                for (member, expected) in &example.output {
                    let Some(m) = op.output.get(member) else {
                        continue;
                    };
                    // A documented value that does not decode is the docs' mistake; the
                    // emulator answers a well-typed value instead (checked above).
                    let documented_ok = well_typed::problems(
                        spec,
                        &IndexMap::from([(member.clone(), m.clone())]),
                        &Map::from_iter([(member.clone(), expected.clone())]),
                    )
                    .is_empty();
                    if !documented_ok || generated.contains(member) {
                        continue;
                    }
                    compared += 1;
                    if object.get(member) != Some(expected) {
                        failures.push(format!(
                            "{label}.{member}: answered {:?}, the example says {expected}",
                            object.get(member)
                        ));
                    }
                }
            }
            let named: Vec<String> = instance_members(spec, name)
                .into_iter()
                .filter(|m| input.get(m).is_some_and(Value::is_string))
                .collect();
            if !named.is_empty() {
                unknown += 1;
                let mut wrong = input.clone();
                for member in &named {
                    wrong.insert(member.clone(), json!(UNKNOWN_INSTANCE));
                }
                let wrong = Value::Object(wrong.into_iter().collect());
                let info = transport::operation_info(spec, name, op);
                match client.call_json(&info, wrong).await {
                    Err(e) if is_not_found(spec, e.code()) => {}
                    Err(e) => failures.push(format!(
                        "{label}: an unknown instance in {named:?} must be a not-found error: {e}"
                    )),
                    Ok(out) if lists_nothing(op, &named, &out) => {
                        for problem in
                            well_typed::problems(spec, &op.output, out.as_object().unwrap())
                        {
                            failures.push(format!("{label} (listing nothing): {problem}"));
                        }
                    }
                    Ok(out) => failures.push(format!(
                        "{label}: an unknown instance in {named:?} was answered: {out}"
                    )),
                }
            }
            if let Some(http) = op.http.as_ref().filter(|h| answers_empty(h, op)) {
                empty += 1;
                let raw = raw_huawei_call(&emu, op, &input)
                    .send_with(&raw_client, &base)
                    .await;
                if raw.status != http.success_status || !raw.body.is_empty() {
                    failures.push(format!(
                        "{label}: an empty answer must be HTTP {} without a body; got {} with {:?}",
                        http.success_status,
                        raw.status,
                        String::from_utf8_lossy(&raw.body)
                    ));
                }
            }
        }
    }
    let walk = walk.elapsed();
    eprintln!(
        "{called} operations ({documented} with a documented example, {synthesized} synthesized, \
         {empty} empty answers; {compared} members equal to their example; {unknown} also called \
         with an unknown instance): emulator start-up {start_up:?}, walk {walk:?}, {bytes} bytes \
         of answers"
    );
    assert!(called >= 400, "only {called} operations are bundled");
    assert!(
        failures.is_empty(),
        "{} problems in {called} operations:\n{}",
        failures.len(),
        failures.join("\n")
    );
    emu.shutdown().await;
}

/// An instance id no emulator has.
const UNKNOWN_INSTANCE: &str = "nosuch-instance-0000";

/// Whether `code` says "no such instance": a code the service documents as not found, or the
/// emulator's fallbacks when it documents none (Tencent's common `ResourceNotFound`, GeminiDB's
/// `DBS.200002` "The DB instance does not exist").
fn is_not_found(spec: &Service, code: Option<&str>) -> bool {
    let Some(code) = code else { return false };
    let documented = spec
        .operations
        .values()
        .flat_map(|op| &op.errors)
        .chain(&spec.common_errors)
        .filter(|e| e.code == code)
        .any(|e| {
            let text = format!("{} {}", e.code, e.docs).to_lowercase();
            ["notfound", "notexist", "not found", "not exist"]
                .iter()
                .any(|w| text.contains(w))
        });
    documented || code == "ResourceNotFound" || code == "DBS.200002"
}

/// Whether `out` is a listing filtered by an unknown instance listing nothing: a read-only
/// operation whose instance members are optional query filters, answering an empty list.
fn lists_nothing(op: &cloud_spec::Operation, named: &[String], out: &Value) -> bool {
    let filters_only = named.iter().all(|m| {
        op.input
            .get(m)
            .is_some_and(|m| !m.required && m.location == Some(Location::Query))
    });
    let empty_list = out
        .as_object()
        .is_some_and(|o| o.values().any(|v| v.as_array().is_some_and(Vec::is_empty)));
    op.read_only && filters_only && empty_list
}

/// Whether a Huawei operation answers without a body: 204, or nothing documented to send.
fn answers_empty(http: &cloud_spec::HttpBinding, op: &cloud_spec::Operation) -> bool {
    http.success_status == 204 || op.output.is_empty()
}

/// A Huawei call of `op` with `input` as raw signed HTTP, to see the status and body as sent.
fn raw_huawei_call(
    emu: &cloud_emulator::RunningEmulator,
    op: &cloud_spec::Operation,
    input: &IndexMap<String, Value>,
) -> Huawei {
    let http = op.http.as_ref().expect("a Huawei operation");
    let mut path = http.path.replace("{project_id}", emu.project_id());
    let mut body = Map::new();
    let mut call = huawei(http.method.as_str(), "");
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (k, v) in input {
        match op.input.get(k).and_then(|m| m.location) {
            Some(Location::Path) => path = path.replace(&format!("{{{k}}}"), &text(v)),
            Some(Location::Query) => match v {
                Value::Array(items) => {
                    for item in items {
                        call = call.query(k, &text(item));
                    }
                }
                other => call = call.query(k, &text(other)),
            },
            Some(Location::Header) => {}
            _ => {
                body.insert(k.clone(), v.clone());
            }
        }
    }
    call.path = path;
    if !body.is_empty() {
        call = call.body(Value::Object(body));
    }
    call
}

/// A made-up Huawei service: a listing of instances (widgets, the resource) filtered by an
/// optional `instance_id` query parameter and answered from a documented example, and a listing
/// of links between widgets, filtered by the widget they start from (a `references` member of
/// the resource), which is not a listing of instances.
fn widgets_service() -> Service {
    serde_json::from_value(json!({
        "vendor": "huawei", "name": "widgets", "service": "widgets", "title": "Widgets", "version": "v3",
        "endpoint": {"regional": "widgets.{region}.example.com"},
        "operations": {
            "ListWidgets": {
                "docs": "Lists widgets.",
                "http": {"method": "GET", "path": "/v3/{project_id}/widgets", "success_status": 200},
                "read_only": true,
                "input": {
                    "instance_id": {"type": "string", "location": "query"},
                    "colour": {"type": "string", "location": "query"},
                    "offset": {"type": "int32", "location": "query"},
                    "limit": {"type": "int32", "location": "query"}
                },
                "pagination": {"offset": "offset", "limit": "limit", "items": "widgets",
                               "total": "TotalCount", "max_page_size": 100},
                "output": {
                    "widgets": {"type": "list<Widget>"},
                    "TotalCount": {"type": "int64"},
                    "marker": {"type": "string"},
                    "zones": {"type": "list<string>"}
                },
                "examples": [{"title": "One widget", "input": {"instance_id": "wdg-example"},
                              "output": {"widgets": [{"instance_id": "wdg-example", "size": 3}],
                                         "TotalCount": 1, "marker": "m-1", "zones": ["z-1"]}}]
            },
            "ListWidgetSettings": {
                "docs": "Lists each widget's settings.",
                "http": {"method": "GET", "path": "/v3/{project_id}/widget-settings", "success_status": 200},
                "read_only": true,
                "input": {
                    "instance_id": {"type": "string", "location": "query"},
                    "offset": {"type": "int32", "location": "query"},
                    "limit": {"type": "int32", "location": "query"}
                },
                "pagination": {"offset": "offset", "limit": "limit", "items": "settings",
                               "total": "total_count", "max_page_size": 100},
                "output": {"settings": {"type": "list<Setting>"}, "total_count": {"type": "int32"}}
            },
            "ShowWidgetUsage": {
                "docs": "Shows a widget's usage (no documented example).",
                "http": {"method": "GET", "path": "/v3/{project_id}/widgets/{instance_id}/usage", "success_status": 200},
                "read_only": true,
                "input": {"instance_id": {"type": "string", "required": true, "location": "path"}},
                "output": {
                    "instance_id": {"type": "string", "required": true},
                    "peer_instance_id": {"type": "string", "required": true},
                    "parts": {"type": "list<Setting>", "required": true}
                }
            },
            "ListWidgetLinks": {
                "docs": "Lists links between widgets.",
                "http": {"method": "GET", "path": "/v3/{project_id}/widget-links", "success_status": 200},
                "read_only": true,
                "input": {"source_instance_id": {"type": "string", "location": "query"}},
                "output": {"links": {"type": "list<Link>"}, "total_count": {"type": "int32"}},
                "examples": [{"title": "A link", "input": {},
                              "output": {"links": [{"id": "lnk-1", "source_instance_id": "wdg-example"}],
                                         "total_count": 1}}]
            }
        },
        "shapes": {
            "Widget": {"members": {"instance_id": {"type": "string"}, "size": {"type": "int32"}}},
            "Link": {"members": {"id": {"type": "string"}, "source_instance_id": {"type": "string"}}},
            "Setting": {"members": {"instance_id": {"type": "string", "required": true},
                                    "level": {"type": "int32", "required": true}}}
        },
        // The members that name a widget: its id, and the links' source (a reference).
        "resource": {
            "name": "widget", "id": "instance_id", "id_format": "wdg-{alnum:4}",
            "list": {"operation": "ListWidgets", "id": "instance_id", "status": "size",
                     "filters": {"id": "instance_id"}},
            "states": {"creating": [], "running": []},
            "create": {}, "remove": {},
            "references": {"ListWidgetLinks": ["source_instance_id"]},
            // One settings item per widget, filtered by one; where a usage answer names it.
            "filtered_lists": {"ListWidgetSettings": {"filter": "instance_id", "items": "settings",
                                                      "item_id": "instance_id"}},
            "id_outputs": {"ShowWidgetUsage": ["instance_id", "parts.0.instance_id"]}
        }
    }))
    .expect("a valid spec")
}

/// An emulator of the widgets service alone, with widgets `wdg-1` and `wdg-2` (and, unless
/// `replace_defaults`, the ones the docs name).
async fn two_widgets(replace_defaults: bool) -> RunningEmulator {
    let seed = cloud_emulator::Seed::from_json(
        &json!({"instances": [{"service": "huawei-widgets", "id": "wdg-1"},
                              {"service": "huawei-widgets", "id": "wdg-2"}],
                "replace_defaults": replace_defaults})
        .to_string(),
    )
    .unwrap();
    Emulator::builder()
        .services(vec![widgets_service()])
        .seed(seed)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unfiltered_listing_lists_every_instance_from_the_spec_alone() {
    let emu = two_widgets(true).await;
    let base = emu.base_url();
    let path = format!("/v3/{}/widgets", emu.project_id());

    let all = huawei("GET", &path).send(&base).await;
    assert_eq!(all.status, 200, "{}", String::from_utf8_lossy(&all.body));
    assert_eq!(
        all.json(),
        json!({
            "widgets": [{"instance_id": "wdg-1", "size": 3}, {"instance_id": "wdg-2", "size": 3}],
            "TotalCount": 2,
            "marker": "m-1",
            // Only the listed instances are concatenated; other lists are the first answer's.
            "zones": ["z-1"]
        })
    );
    // Filters the emulator cannot evaluate are accepted and not applied.
    let coloured = huawei("GET", &path)
        .query("colour", "red")
        .send(&base)
        .await;
    assert_eq!(coloured.json()["TotalCount"], 2);

    let one = huawei("GET", &path)
        .query("instance_id", "wdg-2")
        .send(&base)
        .await;
    assert_eq!(
        one.json(),
        json!({"widgets": [{"instance_id": "wdg-2", "size": 3}], "TotalCount": 1, "marker": "m-1", "zones": ["z-1"]})
    );
    let none = huawei("GET", &path)
        .query("instance_id", "wdg-nope")
        .send(&base)
        .await;
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["widgets"], json!([]));
    emu.shutdown().await;
}

/// A filtered list (the spec's `resource.filtered_lists`) lists one item per instance: every
/// instance's without the filter, the named one's with it, nothing for an unknown one.
#[tokio::test]
async fn a_filtered_list_lists_items_per_instance_as_the_spec_states() {
    let emu = two_widgets(true).await;
    let base = emu.base_url();
    let path = format!("/v3/{}/widget-settings", emu.project_id());
    let ids = |answer: &Value| -> Vec<Value> {
        let items = answer["settings"].as_array().cloned().unwrap_or_default();
        items
            .iter()
            .map(|item| item["instance_id"].clone())
            .collect()
    };

    let all = huawei("GET", &path).send(&base).await;
    assert_eq!(all.status, 200, "{}", String::from_utf8_lossy(&all.body));
    assert_eq!(ids(&all.json()), [json!("wdg-1"), json!("wdg-2")]);
    assert_eq!(all.json()["total_count"], 2);
    let page = huawei("GET", &path)
        .query("limit", "1")
        .query("offset", "1")
        .send(&base)
        .await;
    assert_eq!(ids(&page.json()), [json!("wdg-2")]);
    assert_eq!(
        page.json()["total_count"],
        2,
        "the total counts every instance"
    );

    let one = huawei("GET", &path)
        .query("instance_id", "wdg-2")
        .send(&base)
        .await;
    assert_eq!(ids(&one.json()), [json!("wdg-2")]);
    assert_eq!(one.json()["total_count"], 1);
    let none = huawei("GET", &path)
        .query("instance_id", "wdg-nope")
        .send(&base)
        .await;
    assert_eq!(
        none.status, 200,
        "an unknown filter lists nothing, it does not fail"
    );
    assert_eq!(none.json()["settings"], json!([]));
    assert_eq!(none.json()["total_count"], 0);
    emu.shutdown().await;
}

/// An answer built without a documented example shows the named instance's id where the spec's
/// `resource.id_outputs` says, and nowhere else.
#[tokio::test]
async fn a_synthesized_answer_shows_the_named_id_where_the_spec_says() {
    let emu = two_widgets(true).await;
    let base = emu.base_url();
    let path = format!("/v3/{}/widgets/wdg-2/usage", emu.project_id());
    let usage = huawei("GET", &path).send(&base).await;
    assert_eq!(
        usage.status,
        200,
        "{}",
        String::from_utf8_lossy(&usage.body)
    );
    let usage = usage.json();
    assert_eq!(usage["instance_id"], "wdg-2");
    assert_eq!(usage["parts"][0]["instance_id"], "wdg-2");
    assert_ne!(usage["peer_instance_id"], "wdg-2", "not an id output");
    emu.shutdown().await;
}

/// Outputs the import's name rule would take for the named instance, but which name another
/// (postgres `CloneDBInstance`'s `DBInstanceId` is the clone's; cdb `DescribeRoGroups`' read-only
/// instances), are corrected by the overlays' `resource.id_outputs` entries. An answer built
/// from the documented example keeps the example's values anyway; one synthesized (the examples
/// taken out here) must not show the named instance there either.
#[tokio::test]
async fn synthesized_outputs_naming_another_instance_do_not_show_the_named_one() {
    let without_examples = |service: &str, operation: &str| {
        let mut spec = cloud_spec::bundle::service(service).unwrap();
        let op = spec.operations.get_mut(operation).unwrap();
        let input: Map<String, Value> = op.examples[0].input.clone().into_iter().collect();
        op.examples.clear();
        (spec, input)
    };
    let (postgres_spec, mut clone) = without_examples("tencent-postgres", "CloneDBInstance");
    let (cdb_spec, _) = without_examples("tencent-cdb", "DescribeRoGroups");
    let emu = Emulator::builder()
        .add_service(postgres_spec)
        .add_service(cdb_spec)
        .start()
        .await
        .unwrap();
    let base = emu.base_url();

    clone.insert("DBInstanceId".into(), json!(POSTGRES_INSTANCE));
    let answer = postgres("CloneDBInstance", Value::Object(clone))
        .send(&base)
        .await;
    assert_eq!(answer.tencent_code(), None, "{}", answer.json());
    let new_id = &answer.response()["DBInstanceId"];
    assert!(new_id.is_string(), "{}", answer.json());
    assert_ne!(
        new_id, POSTGRES_INSTANCE,
        "the clone's id is not the source's"
    );

    let answer = cdb("DescribeRoGroups", json!({"InstanceId": CDB_INSTANCE}))
        .send(&base)
        .await;
    assert_eq!(answer.tencent_code(), None, "{}", answer.json());
    let read_only = answer
        .response()
        .pointer("/RoGroups/0/RoInstances/0/InstanceId")
        .cloned();
    assert!(read_only.is_some(), "{}", answer.json());
    assert_ne!(
        read_only.unwrap(),
        CDB_INSTANCE,
        "a read-only instance is not its master"
    );
    emu.shutdown().await;
}

/// A listing filtered by an instance it does not list (links filtered by the widget they start
/// from) is answered from its example: not one entry per instance, and not empty.
#[tokio::test]
async fn a_listing_filtered_by_a_related_instance_is_not_an_instance_listing() {
    let emu = two_widgets(false).await;
    let base = emu.base_url();
    let path = format!("/v3/{}/widget-links", emu.project_id());
    let documented =
        json!({"links": [{"id": "lnk-1", "source_instance_id": "wdg-example"}], "total_count": 1});

    let all = huawei("GET", &path).send(&base).await;
    assert_eq!(all.status, 200, "{}", String::from_utf8_lossy(&all.body));
    assert_eq!(all.json(), documented);
    let from_one = huawei("GET", &path)
        .query("source_instance_id", "wdg-2")
        .send(&base)
        .await;
    assert_eq!(from_one.json(), documented);
    // The member still names an instance: an unknown one is the vendor's not-found error.
    let unknown = huawei("GET", &path)
        .query("source_instance_id", "wdg-nope")
        .send(&base)
        .await;
    assert_eq!(
        unknown.status,
        404,
        "{}",
        String::from_utf8_lossy(&unknown.body)
    );
    assert_eq!(unknown.json()["error_code"], "DBS.200002");

    // The same for the bundled GeminiDB cache mappings, filtered by their source instance.
    let emu = Emulator::builder().start().await.unwrap();
    let base = emu.base_url();
    let spec = cloud_spec::bundle::service("huawei-geminidb").unwrap();
    let example = &spec.operations["ListDbCacheMappings"].examples[0].output;
    let path = format!("/v3/{}/dbcache/mappings", emu.project_id());
    let mappings = huawei("GET", &path)
        .query("source_instance_id", GEMINI_INSTANCE)
        .send(&base)
        .await;
    assert_eq!(
        mappings.status,
        200,
        "{}",
        String::from_utf8_lossy(&mappings.body)
    );
    assert_eq!(
        mappings.json()["dbcache_mappings"],
        example["dbcache_mappings"]
    );
    assert_eq!(mappings.json()["total_count"], example["total_count"]);
    emu.shutdown().await;
}

/// A change addressed by the id of something other than an instance (a cache mapping) is
/// answered, whatever the id: the emulator keeps no state about such things.
#[tokio::test]
async fn a_change_addressed_by_another_id_is_not_about_an_instance() {
    let emu = Emulator::builder().start().await.unwrap();
    let path = format!("/v3/{}/dbcache/mapping", emu.project_id());
    let deleted = huawei("DELETE", &path)
        .body(json!({"id": "not-a-mapping-anyone-documented"}))
        .send(&emu.base_url())
        .await;
    assert_eq!(
        deleted.status,
        202,
        "{}",
        String::from_utf8_lossy(&deleted.body)
    );
    let job = deleted.json()["job_id"].as_str().unwrap().to_owned();
    let documented = "04efe8e2-9255-44ae-a98b-d87cae411890";
    assert!(
        !job.is_empty() && job != documented,
        "a fresh job id: {job}"
    );
    assert_eq!(
        emu.applied_count_in("huawei-geminidb", "DeleteDbCacheMapping"),
        1
    );
    emu.shutdown().await;
}

#[test]
fn generated_output_members_are_the_request_id_a_task_handle_and_the_resource_state() {
    let members = |service: &str, op: &str| {
        let spec = cloud_spec::bundle::service(service).unwrap();
        generated_output_members(&spec, &spec.operations[op])
    };
    assert_eq!(members("huawei-geminidb", "SwitchSsl"), ["job_id"]);
    // The resource's list operation lists the real instances.
    assert_eq!(
        members("huawei-geminidb", "ListInstances"),
        ["instances", "total_count"]
    );
    assert_eq!(
        members("tencent-mongodb", "DescribeDBInstances"),
        ["TotalCount", "InstanceDetails", "RequestId"]
    );
    // A create answers the new ids; a task API the task's progress.
    assert_eq!(
        members("huawei-geminidb", "CreateInstance"),
        ["id", "job_id"]
    );
    assert_eq!(
        members("tencent-mongodb", "CreateDBInstanceHour"),
        ["InstanceIds", "RequestId"]
    );
    assert_eq!(
        members("tencent-mongodb", "DescribeAsyncRequestInfo"),
        ["Status", "RequestId"]
    );
    assert_eq!(members("huawei-geminidb", "ListJobs"), ["jobs"]);
    // The certificate link (and its stated expiry) lead to the instance's test certificate.
    assert_eq!(
        members("tencent-mongodb", "DescribeInstanceSSL"),
        ["ExpiredTime", "CertUrl", "RequestId"]
    );
    assert_eq!(
        members("huawei-geminidb", "ListSslCertDownloadAddresses"),
        ["certs"]
    );
    // A read reports an existing job's id: the documented one, not a generated one.
    assert_eq!(
        members("tencent-cdb", "DescribeInstanceUpgradeCheckJob"),
        ["RequestId"]
    );
    // Only the spec's task handle is fresh: postgres answers `TaskId` and `FlowId`, and the
    // spec follows `TaskId` (the docs call them equivalent).
    assert_eq!(
        members("tencent-postgres", "OpenDBExtranetAccess"),
        ["TaskId", "RequestId"]
    );
}
