//! The doc-page importer reads each seed page (tests/fixtures/seeds/) into the operation the
//! committed spec has, up to the documented differences: what a page does not say.
//!
//! Documented differences (the curated specs take them from api.json, the SDK or the overlay):
//! - enums: the page types `Status` as Integer/String and says the values in prose; the spec's
//!   enum shapes come from overlays. Compared here by wire type and, for Huawei, by values;
//! - output `required` (api.json's `output_required`) and member `example`s are not on the pages;
//! - operation docs: the spec adds a title line (and notes on asynchronous completion) around the
//!   page's description, which must appear in it;
//! - example titles: the Markdown capture (003) and the POST example of 002 have no titles.

use crate::import_common;

use std::path::{Path, PathBuf};

use cloud_spec::{EnumKind, Member, Service, TypeExpr};
use import_common::*;
use spec_import::doc_page::{self, DocOperation};

fn seed(file: &str) -> PathBuf {
    repo_root().join("tests/fixtures/seeds").join(file)
}

fn page(file: &str) -> DocOperation {
    let path = seed(file);
    let text = std::fs::read_to_string(&path).expect("seed page");
    doc_page::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// A member type with enum shapes replaced by their wire type (`string`, `int64`).
fn wire_type(service: &Service, ty: &TypeExpr) -> String {
    let shape = match ty {
        TypeExpr::Shape(name) => service.shapes.get(name),
        _ => None,
    };
    match shape {
        Some(shape) if shape.enum_kind == Some(EnumKind::String) => "string".to_owned(),
        Some(shape) if shape.enum_kind == Some(EnumKind::Integer) => "int64".to_owned(),
        _ => ty.to_string(),
    }
}

/// Whitespace-normalized text, with Markdown links `[text](url)` read as their text (the pages
/// are captured as plain text; the specs keep api.json's links).
fn squash(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|c| c + open) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|e| e + close) else {
            break;
        };
        plain.push_str(&rest[..open]);
        plain.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    plain.push_str(rest);
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn compare_members(
    what: &str,
    page: &indexmap::IndexMap<String, Member>,
    page_service: &Service,
    spec: &indexmap::IndexMap<String, Member>,
    spec_service: &Service,
    output: bool,
) {
    let names = |m: &indexmap::IndexMap<String, Member>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(page), names(spec), "{what}: member names and order");
    for (name, expected) in spec {
        let got = &page[name];
        assert_eq!(
            wire_type(page_service, &got.ty),
            wire_type(spec_service, &expected.ty),
            "{what}.{name}: type"
        );
        assert_eq!(got.format, expected.format, "{what}.{name}: format");
        assert_eq!(got.nullable, expected.nullable, "{what}.{name}: nullable");
        assert_eq!(got.location, expected.location, "{what}.{name}: location");
        if !output {
            assert_eq!(got.required, expected.required, "{what}.{name}: required");
        }
        // The spec may add a sentence (time zone notes); the page's text is in it.
        assert!(
            squash(&expected.docs).contains(&squash(&got.docs))
                || squash(&got.docs).contains(&squash(&expected.docs)),
            "{what}.{name}: docs\n page: {}\n spec: {}",
            got.docs,
            expected.docs
        );
    }
}

fn check(file: &str, vendor: &str, service: &str, operation: &str) -> DocOperation {
    let parsed = page(file);
    let spec = committed(vendor, service).service;
    assert_eq!(parsed.name, operation);
    assert_eq!(
        parsed.version,
        if vendor == "huawei" {
            "v3"
        } else {
            spec.version.as_str()
        }
    );
    if vendor == "tencent" {
        assert_eq!(parsed.service, spec.service);
    }
    let expected = &spec.operations[operation];
    let got = &parsed.operation;
    let page_service = Service {
        shapes: parsed.shapes.clone(),
        ..spec.clone()
    };
    compare_members(
        &format!("{operation}.input"),
        &got.input,
        &page_service,
        &expected.input,
        &spec,
        false,
    );
    compare_members(
        &format!("{operation}.output"),
        &got.output,
        &page_service,
        &expected.output,
        &spec,
        true,
    );
    // The page gives codes and docs; their meanings are stated by the importer's rule.
    let got_errors: Vec<cloud_spec::ErrorCode> = got
        .errors
        .iter()
        .map(|e| cloud_spec::ErrorCode {
            meaning: spec_import::error_meaning::meaning_of(e),
            ..e.clone()
        })
        .collect();
    assert_eq!(got_errors, expected.errors, "{operation}: error codes");
    assert_eq!(
        got.rate_limit, expected.rate_limit,
        "{operation}: rate limit"
    );
    assert_eq!(got.regions, expected.regions, "{operation}: regions");
    assert_eq!(got.read_only, expected.read_only, "{operation}: read_only");
    assert_eq!(got.http, expected.http, "{operation}: HTTP binding");
    assert!(
        squash(&expected.docs).contains(&squash(&got.docs)),
        "{operation}: the page's description is in the spec's docs\n page: {}\n spec: {}",
        got.docs,
        expected.docs
    );
    assert_eq!(
        got.examples.len(),
        expected.examples.len(),
        "{operation}: examples"
    );
    for (g, e) in got.examples.iter().zip(&expected.examples) {
        assert_eq!(g.input, e.input, "{operation}: example input");
        assert_eq!(g.output, e.output, "{operation}: example output");
    }
    parsed
}

#[test]
fn tencent_plain_text_page_with_a_get_example() {
    let parsed = check(
        "000_19c078d7a64a3bd1.txt",
        "tencent",
        "mongodb",
        "DescribeInstanceSSL",
    );
    assert_eq!(
        parsed.operation.examples[0].title,
        "Viewing the Enabling Status of SSL for an Instance"
    );
    // "in the format of 2023-05-01 12:00:00" makes ExpiredTime a timestamp, as in the spec.
    assert_eq!(
        parsed.operation.output["ExpiredTime"].ty,
        TypeExpr::Timestamp
    );
}

#[test]
fn tencent_plain_text_page_with_indonesian_chrome() {
    let parsed = check(
        "001_6c082fecd76ea4e6.txt",
        "tencent",
        "mongodb",
        "InstanceEnableSSL",
    );
    // The GET example's `Enable=true` becomes the JSON boolean the call sends.
    assert_eq!(
        parsed.operation.examples[0].input["Enable"],
        serde_json::json!(true)
    );
    // Chrome ("Bantuan dan Dukungan", "masukan") is not read as error codes.
    assert_eq!(parsed.operation.errors.len(), 6);
}

#[test]
fn tencent_plain_text_page_with_japanese_chrome_and_a_post_example() {
    let parsed = check(
        "002_a467fd4b38d52aea.txt",
        "tencent",
        "cdb",
        "DescribeSSLStatus",
    );
    assert!(!parsed.operation.input["InstanceId"].required);
}

#[test]
fn tencent_markdown_page_with_regions_and_two_examples() {
    let parsed = check(
        "003_15fb9799fd652ed2.txt",
        "tencent",
        "postgres",
        "ModifyDBInstanceSSLConfig",
    );
    assert_eq!(parsed.operation.regions.len(), 18);
    assert_eq!(parsed.operation.examples[0].title, "shut down instance SSL");
}

#[test]
fn huawei_one_cell_per_line_page() {
    let parsed = check(
        "004_e1c9fe8135eea8ba.txt",
        "huawei",
        "geminidb",
        "ListSslCertDownloadAddresses",
    );
    assert_eq!(parsed.service, "gaussdbfornosql");
    // The `Range` list of `category` is an enum; the spec names it CertCategory (overlay), the
    // page gives no name, so the importer names it after its structure and member.
    let spec = committed("huawei", "geminidb").service;
    let values = |s: &cloud_spec::Shape| {
        s.values
            .iter()
            .map(|v| (v.value.clone(), v.name.clone(), v.docs.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        values(&parsed.shapes["CertInfoCategory"]),
        values(&spec.shapes["CertCategory"])
    );
    let page_members = parsed.shapes["CertInfo"].members.as_ref().unwrap();
    let spec_members = spec.shapes["CertInfo"].members.as_ref().unwrap();
    assert_eq!(
        page_members.keys().collect::<Vec<_>>(),
        spec_members.keys().collect::<Vec<_>>()
    );
}

#[test]
fn yaml_of_a_page_loads_as_part_of_a_spec() {
    let parsed = page("000_19c078d7a64a3bd1.txt");
    let yaml = doc_page::to_yaml(&parsed);
    assert!(
        yaml.contains("operations:\n  DescribeInstanceSSL:\n"),
        "{yaml}"
    );
    // Merged into the committed spec, the result validates.
    let spec = committed("tencent", "mongodb");
    let merged = doc_page::merge_into(&spec, &parsed).unwrap_or_else(|e| panic!("{e}"));
    let loaded = codegen::load::load_str("specs/tencent/mongodb.yaml", &merged).unwrap();
    codegen::validate::validate(&loaded).unwrap();
    assert_eq!(
        loaded.service.operations["DescribeInstanceSSL"].docs,
        parsed.operation.docs
    );
}

fn parse_error(text: &str) -> String {
    doc_page::parse(Path::new("page.txt"), text)
        .unwrap_err()
        .to_string()
}

#[test]
fn unparseable_pages_name_the_missing_section() {
    let full = std::fs::read_to_string(seed("000_19c078d7a64a3bd1.txt")).unwrap();
    let cut = &full[..full.find("3. Output Parameters").unwrap()];
    let e = parse_error(cut);
    assert!(
        e.starts_with("page.txt: section not found: `3. Output Parameters`"),
        "{e}"
    );

    let no_action = full.replace("Action Yes String", "Act Yes String");
    assert!(
        parse_error(&no_action).contains("the `Action` row"),
        "{}",
        parse_error(&no_action)
    );

    let markdown = std::fs::read_to_string(seed("003_15fb9799fd652ed2.txt")).unwrap();
    let cut = markdown.replace("| Parameter Name | Type | Description |", "| Name | Type |");
    assert!(
        parse_error(&cut).contains("output parameters"),
        "{}",
        parse_error(&cut)
    );

    let huawei = std::fs::read_to_string(seed("004_e1c9fe8135eea8ba.txt")).unwrap();
    let cut = huawei.replace("\nFunction\n", "\nFunktion\n");
    assert!(
        parse_error(&cut).contains("section not found: `Function`"),
        "{}",
        parse_error(&cut)
    );

    assert!(parse_error("hello\nworld\n").contains("neither a Tencent API page"));
}
