//! Imports mark secret members (`sensitive`) by the name rule of `spec_import::sensitive`,
//! and overlays correct the rule both ways. Runs on the trimmed vendor packages in
//! `tests/fixtures/import.bundle`.

use crate::import_common;

use std::path::Path;

use import_common::{fixtures, raw};
use spec_import::{self as import, FinishOptions, LoadedOverlay};

fn finish_with(overlay: &str) -> cloud_spec::Service {
    let raw = raw(&fixtures(), "huawei", "geminidb").expect("the fixtures import");
    let overlay = LoadedOverlay::parse("overlay.yaml", overlay).expect("the overlay parses");
    import::finish(
        raw,
        &[&overlay],
        &FinishOptions::default(),
        Path::new("specs/huawei/geminidb.yaml"),
    )
    .expect("the import finishes")
    .service
}

#[test]
fn passwords_are_marked_and_written_into_the_spec() {
    let raw = raw(&fixtures(), "huawei", "geminidb").expect("the fixtures import");
    let finished = import::finish(
        raw,
        &[],
        &FinishOptions::default(),
        Path::new("specs/huawei/geminidb.yaml"),
    )
    .expect("the import finishes");
    let reset = &finished.service.operations["ResetPassword"];
    assert!(reset.input["password"].sensitive);
    assert!(!reset.input["instance_id"].sensitive);
    // In the spec text, next to the member, so that a reviewer sees it.
    let at = finished
        .text
        .find("  ResetPassword:")
        .expect("the operation is in the spec");
    let section = &finished.text[at..];
    let password = &section[section.find("      password:").expect("the member")..];
    let member: Vec<&str> = password.lines().take_while(|l| !l.is_empty()).collect();
    assert!(
        member
            .iter()
            .take(8)
            .any(|l| *l == "        sensitive: true"),
        "{member:#?}"
    );
    // Nothing else of the fixtures is a secret: only the passwords of ResetPassword and of
    // CreateInstance's body.
    let mut marked: Vec<String> = Vec::new();
    for (name, op) in &finished.service.operations {
        for (member_name, member) in op.input.iter().chain(op.output.iter()) {
            if member.sensitive {
                marked.push(format!("{name}.{member_name}"));
            }
        }
    }
    for (name, shape) in &finished.service.shapes {
        for (member_name, member) in shape.members.iter().flatten() {
            if member.sensitive {
                marked.push(format!("{name}.{member_name}"));
            }
        }
    }
    assert_eq!(
        marked,
        ["CreateInstance.password", "ResetPassword.password"]
    );
}

#[test]
fn overlays_correct_the_rule_both_ways() {
    let service = finish_with(
        "operations:\n  ResetPassword:\n    input:\n      password:\n        sensitive: false\n      instance_id:\n        sensitive: true\n",
    );
    let input = &service.operations["ResetPassword"].input;
    assert!(!input["password"].sensitive, "the overlay unmarks it");
    assert!(input["instance_id"].sensitive, "the overlay marks it");
}

#[test]
fn an_overlay_cannot_make_a_number_secret() {
    let raw = raw(&fixtures(), "huawei", "geminidb").expect("the fixtures import");
    let overlay = LoadedOverlay::parse(
        "overlay.yaml",
        "operations:\n  ListInstances:\n    input:\n      limit:\n        sensitive: true\n",
    )
    .expect("the overlay parses");
    let err = import::finish(
        raw,
        &[&overlay],
        &FinishOptions::default(),
        Path::new("specs/huawei/geminidb.yaml"),
    )
    .expect_err("a secret number does not validate");
    assert!(
        err.message
            .contains("operations.ListInstances.input.limit.sensitive: `sensitive` marks text"),
        "{err}"
    );
}
