//! `codegen::diff`: each kind of change is classified (breaking, additive, patch), and the
//! semver bump follows from the most severe one.

use cloud_spec::{EnumValue, ErrorCode, IntWidth, Member, Service, TypeExpr};
use codegen::diff::{diff, Severity};
use serde_json::json;

use crate::common::committed;

fn base() -> Service {
    committed("tencent", "mongodb").service
}

fn member(ty: &str, required: bool) -> Member {
    Member {
        required,
        ..Member::new(TypeExpr::parse(ty).unwrap())
    }
}

/// The single change `edit` makes, as (severity, path, what).
fn one_change(edit: impl FnOnce(&mut Service)) -> (Severity, String, String) {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    let d = diff(&old, &new);
    assert_eq!(
        d.changes.len(),
        1,
        "expected one change, got {:#?}",
        d.changes
    );
    let c = &d.changes[0];
    (c.severity, c.path.clone(), c.what.clone())
}

#[test]
fn no_change_no_bump() {
    let d = diff(&base(), &base());
    assert!(d.changes.is_empty());
    assert_eq!(d.next_version("0.1.0"), None);
    assert_eq!(d.crate_name, "tencent-mongodb");
}

#[test]
fn operations_added_are_additive_removed_are_breaking() {
    let (s, path, _) = one_change(|s| {
        let op = s.operations["DescribeInstanceSSL"].clone();
        s.operations.insert("DescribeInstanceSSL2".into(), op);
    });
    assert_eq!(
        (s, path.as_str()),
        (Severity::Additive, "operations.DescribeInstanceSSL2")
    );
    let (s, _, what) = one_change(|s| {
        s.operations.shift_remove("InstanceEnableSSL");
    });
    assert_eq!(
        (s, what.as_str()),
        (Severity::Breaking, "operation removed")
    );
}

#[test]
fn input_members() {
    let (s, _, _) = one_change(|s| {
        s.operations["InstanceEnableSSL"]
            .input
            .insert("DryRun".into(), member("boolean", false));
    });
    assert_eq!(s, Severity::Additive, "optional input added");
    let (s, _, what) = one_change(|s| {
        s.operations["InstanceEnableSSL"]
            .input
            .insert("Zone".into(), member("string", true));
    });
    assert_eq!(s, Severity::Breaking, "required input added: {what}");
    let (s, _, _) = one_change(|s| {
        s.operations["InstanceEnableSSL"]
            .input
            .shift_remove("Enable");
    });
    assert_eq!(s, Severity::Breaking, "input removed");
    let (s, path, what) = one_change(|s| {
        s.operations["InstanceEnableSSL"].input["Enable"].required = false;
    });
    assert_eq!(
        (s, path.as_str()),
        (
            Severity::Breaking,
            "operations.InstanceEnableSSL.input.Enable"
        )
    );
    assert!(what.contains("no longer required"), "{what}");
}

#[test]
fn output_members() {
    let (s, _, _) = one_change(|s| {
        s.operations["DescribeInstanceSSL"]
            .output
            .insert("CertSize".into(), member("int64", false));
    });
    assert_eq!(s, Severity::Additive, "output added");
    let (s, _, _) = one_change(|s| {
        s.operations["DescribeInstanceSSL"]
            .output
            .shift_remove("CertUrl");
    });
    assert_eq!(s, Severity::Breaking, "output removed");
    // Required and not nullable → nullable: the field becomes an Option.
    let (s, _, what) = one_change(|s| {
        s.operations["DescribeInstanceSSL"].output["RequestId"].nullable = true;
    });
    assert_eq!((s, what.as_str()), (Severity::Breaking, "now nullable"));
    // Already an Option (not required): nullability is a docs matter.
    let (s, _, _) = one_change(|s| {
        s.operations["InstanceEnableSSL"].output["FlowId"].nullable = true;
    });
    assert_eq!(s, Severity::Patch);
    // Not required → required: the Option goes away.
    let (s, _, what) = one_change(|s| {
        s.operations["InstanceEnableSSL"].output["FlowId"].required = true;
    });
    assert_eq!(s, Severity::Breaking, "{what}");
}

#[test]
fn types_and_formats() {
    let (s, _, what) = one_change(|s| {
        s.operations["InstanceEnableSSL"].output["FlowId"].ty = TypeExpr::Integer(IntWidth::U64);
    });
    assert_eq!(
        (s, what.as_str()),
        (Severity::Breaking, "type int64 → uint64")
    );
    let (s, _, _) = one_change(|s| {
        s.operations["DescribeInstanceSSL"].output["ExpiredTime"].format =
            Some("%Y-%m-%dT%H:%M:%SZ".into());
    });
    assert_eq!(s, Severity::Breaking);
}

#[test]
fn enum_values() {
    let (s, path, what) = one_change(|s| {
        s.shapes["MongoSslStatus"].values.push(EnumValue {
            value: json!(2),
            name: "Pending".into(),
            docs: String::new(),
        });
    });
    assert_eq!(
        (s, path.as_str(), what.as_str()),
        (
            Severity::Additive,
            "shapes.MongoSslStatus.values",
            "value 2 added"
        )
    );
    let (s, _, what) = one_change(|s| {
        s.shapes["MongoSslStatus"].values.remove(0);
    });
    assert_eq!((s, what.as_str()), (Severity::Breaking, "value 0 removed"));
    let (s, _, _) = one_change(|s| {
        s.shapes["MongoSslStatus"].values[0].name = "Off".into();
    });
    assert_eq!(s, Severity::Breaking, "variant renamed");
}

#[test]
fn error_codes_docs_and_hints() {
    let (s, _, _) = one_change(|s| {
        s.operations["DescribeInstanceSSL"].errors.push(ErrorCode {
            code: "ResourceNotFound.X".into(),
            docs: String::new(),
            http_status: None,
            meaning: None,
        });
    });
    assert_eq!(s, Severity::Additive);
    let (s, _, _) = one_change(|s| {
        s.operations["DescribeInstanceSSL"].errors.pop();
    });
    assert_eq!(s, Severity::Breaking, "an error-code constant disappears");
    let (s, _, _) = one_change(|s| {
        s.operations["DescribeInstanceSSL"].docs.push_str("More.\n");
    });
    assert_eq!(s, Severity::Patch);
    let (s, _, _) = one_change(|s| {
        s.operations["InstanceEnableSSL"].idempotent = true;
    });
    assert_eq!(s, Severity::Patch);
    let (s, _, _) = one_change(|s| {
        s.operations["InstanceEnableSSL"].waiter = None;
    });
    assert_eq!(s, Severity::Breaking);
}

#[test]
fn marking_a_secret_is_a_patch() {
    // Only `Debug` output changes: the field, its type and the wire stay the same.
    let (s, path, what) = one_change(|s| {
        s.operations["InstanceEnableSSL"].input["InstanceId"].sensitive = true;
    });
    assert_eq!(
        (s, path.as_str()),
        (
            Severity::Patch,
            "operations.InstanceEnableSSL.input.InstanceId"
        )
    );
    assert!(what.contains("now secret"), "{what}");
}

#[test]
fn structures_users_send_get_input_rules() {
    // A structure reached from an input: adding a required member breaks callers.
    let mut old = base();
    old.shapes.insert(
        "Filter".into(),
        cloud_spec::Shape {
            docs: String::new(),
            members: Some(
                [("Name".to_owned(), member("string", true))]
                    .into_iter()
                    .collect(),
            ),
            enum_kind: None,
            values: Vec::new(),
        },
    );
    old.operations["DescribeInstanceSSL"]
        .input
        .insert("Filters".into(), member("list<Filter>", false));
    let mut new = old.clone();
    new.shapes["Filter"]
        .members
        .as_mut()
        .unwrap()
        .insert("Values".into(), member("list<string>", true));
    let d = diff(&old, &new);
    assert_eq!(d.severity(), Some(Severity::Breaking), "{d}");
}

#[test]
fn semver_bumps() {
    let old = base();
    let mut additive = old.clone();
    additive.operations["InstanceEnableSSL"]
        .output
        .insert("X".into(), member("string", false));
    let mut breaking = old.clone();
    breaking.operations.shift_remove("InstanceEnableSSL");
    let mut patch = old.clone();
    patch.docs.push_str(" More.");
    assert_eq!(
        diff(&old, &breaking).next_version("0.1.0").as_deref(),
        Some("0.2.0")
    );
    assert_eq!(
        diff(&old, &additive).next_version("0.1.0").as_deref(),
        Some("0.1.1")
    );
    assert_eq!(
        diff(&old, &patch).next_version("0.1.3").as_deref(),
        Some("0.1.4")
    );
    assert_eq!(
        diff(&old, &breaking).next_version("1.4.2").as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        diff(&old, &additive).next_version("1.4.2").as_deref(),
        Some("1.5.0")
    );
    assert_eq!(
        diff(&old, &patch).next_version("1.4.2").as_deref(),
        Some("1.4.3")
    );
    assert_eq!(diff(&old, &breaking).next_version("x"), None);
    // The most severe change decides.
    let mut both = additive.clone();
    both.operations.shift_remove("DescribeInstanceSSL");
    assert_eq!(diff(&old, &both).severity(), Some(Severity::Breaking));
}
