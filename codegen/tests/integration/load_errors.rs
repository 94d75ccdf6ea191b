//! Broken specs the loader must reject, one per error class, each with file, line, column and path.

use crate::common;

use common::{edit, errors, HUAWEI, TENCENT};

const FILE: &str = "specs/tencent/mongodb.yaml";

/// The `DescribeInstanceSSL` output member `Status`, as in the fixture.
const STATUS_MEMBER: &str =
    "      Status:\n        type: SslStatus\n        nullable: true\n        docs: SSL enabling status.\n      ExpiredTime:\n        type: timestamp\n        format: \"%Y-%m-%d %H:%M:%S\"\n        nullable: true\n        docs: Certificate expiration";

#[test]
fn unknown_key_is_located_at_the_key_with_a_suggestion() {
    let spec = edit(
        TENCENT,
        STATUS_MEMBER,
        &STATUS_MEMBER.replacen("nullable", "nulable", 1),
    );
    assert_eq!(
        errors(FILE, &spec),
        ["specs/tencent/mongodb.yaml:31:9: operations.DescribeInstanceSSL.output.Status.nulable: \
          unknown key `nulable`; did you mean `nullable`? (allowed: type, docs, required, nullable, \
          format, location, example, rust_name, deprecated, sensitive)"]
    );
}

#[test]
fn duplicate_key_names_both_places() {
    let spec = edit(
        TENCENT,
        "    rate_limit: 20\n    read_only: true\n",
        "    rate_limit: 20\n    read_only: true\n    rate_limit: 10\n",
    );
    assert_eq!(
        errors(FILE, &spec),
        [
            "specs/tencent/mongodb.yaml:21:5: operations.DescribeInstanceSSL.rate_limit: \
          duplicate key `rate_limit` (first at line 19, column 5)"
        ]
    );
}

#[test]
fn duplicate_member_names_are_caught_in_any_map() {
    let spec = edit(TENCENT, "      CertUrl:\n        type: string\n        nullable: true\n        docs: Certificate download URL.\n", "      CertUrl:\n        type: string\n        nullable: true\n        docs: Certificate download URL.\n      Status:\n        type: int32\n");
    let found = errors(FILE, &spec);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("specs/tencent/mongodb.yaml:42:7: operations.DescribeInstanceSSL.output.Status: duplicate key `Status` (first at line 29, column 7)"), "{found:?}");
}

#[test]
fn wrong_type_is_located_at_the_value() {
    let spec = edit(
        TENCENT,
        "    rate_limit: 20\n    read_only: true\n",
        "    rate_limit: \"20\"\n    read_only: true\n",
    );
    assert_eq!(
        errors(FILE, &spec),
        [
            "specs/tencent/mongodb.yaml:19:17: operations.DescribeInstanceSSL.rate_limit: \
          invalid type: string \"20\", expected u32"
        ]
    );
}

#[test]
fn unknown_value_of_a_fixed_set() {
    let spec = edit(TENCENT, "vendor: tencent", "vendor: tencnet");
    assert_eq!(
        errors(FILE, &spec),
        ["specs/tencent/mongodb.yaml:2:9: vendor: unknown value `tencnet` (allowed: tencent, huawei)"]
    );
}

#[test]
fn missing_key_is_located_at_the_incomplete_mapping() {
    let spec = edit(
        TENCENT,
        "    docs: Shows whether SSL is enabled for an instance.\n",
        "",
    );
    assert_eq!(
        errors(FILE, &spec),
        ["specs/tencent/mongodb.yaml:17:3: operations.DescribeInstanceSSL: missing required key `docs`"]
    );
}

#[test]
fn every_broken_operation_and_shape_is_reported_not_just_the_first() {
    let spec = edit(
        TENCENT,
        "    rate_limit: 20\n    read_only: true\n",
        "    rate_limit: -1\n    read_only: true\n",
    );
    let spec = edit(
        &spec,
        "    rate_limit: 20\n    idempotent: true\n",
        "    rate_limit: 20\n    idempotnet: true\n",
    );
    let spec = edit(&spec, "    enum: integer\n", "    enum: int\n");
    let spec = edit(
        &spec,
        "title: TencentDB for MongoDB\n",
        "title: TencentDB for MongoDB\ntitel: typo\n",
    );
    let found = errors(FILE, &spec);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].starts_with(
            "specs/tencent/mongodb.yaml:6:1: titel: unknown key `titel`; did you mean `title`?"
        ),
        "{}",
        found[0]
    );
    assert!(found[1].starts_with("specs/tencent/mongodb.yaml:20:17: operations.DescribeInstanceSSL.rate_limit: invalid value: integer `-1`"), "{}", found[1]);
    assert!(found[2].starts_with("specs/tencent/mongodb.yaml:64:5: operations.InstanceEnableSSL.idempotnet: unknown key `idempotnet`; did you mean `idempotent`?"), "{}", found[2]);
    assert_eq!(found[3], "specs/tencent/mongodb.yaml:122:11: shapes.SslStatus.enum: unknown value `int` (allowed: string, integer)");
}

#[test]
fn yaml_syntax_errors_are_located() {
    let spec = edit(
        TENCENT,
        "title: TencentDB for MongoDB",
        "title: [TencentDB for MongoDB",
    );
    let found = errors(FILE, &spec);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("specs/tencent/mongodb.yaml:"),
        "{}",
        found[0]
    );
    assert!(found[0].contains("invalid YAML"), "{}", found[0]);

    let tab = edit(TENCENT, "    read_only: true\n", "\tread_only: true\n");
    let found = errors(FILE, &tab);
    assert!(
        found[0].contains("invalid YAML") && found[0].contains("tab"),
        "{}",
        found[0]
    );
}

#[test]
fn anchors_aliases_and_tags_are_rejected() {
    let spec = edit(
        TENCENT,
        "    rate_limit: 20\n    read_only: true\n",
        "    rate_limit: &limit 20\n    read_only: true\n",
    );
    assert_eq!(
        errors(FILE, &spec),
        [
            "specs/tencent/mongodb.yaml:19:17: operations.DescribeInstanceSSL.rate_limit: \
          anchors (`&name`) are not supported in specs; write the value out"
        ]
    );
    let spec = edit(
        TENCENT,
        "    rate_limit: 20\n    read_only: true\n",
        "    rate_limit: !!int 20\n    read_only: true\n",
    );
    assert!(errors(FILE, &spec)[0].contains("tags (`!name`) are not supported"));
}

#[test]
fn empty_and_non_mapping_documents_are_rejected() {
    assert_eq!(
        errors(FILE, ""),
        ["specs/tencent/mongodb.yaml:1:1: (document): the file holds no YAML document"]
    );
    let found = errors(FILE, "- just\n- a list\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0], "specs/tencent/mongodb.yaml:1:1: (document): invalid type: sequence, expected a mapping of keys");
    // Structures written as lists are not filled by position, at any depth.
    let spec = edit(TENCENT, "  global: mongodb.tencentcloudapi.com\n  regional: mongodb.{region}.tencentcloudapi.com\n  international: mongodb.intl.tencentcloudapi.com\n", "  - mongodb.tencentcloudapi.com\n  - mongodb.{region}.tencentcloudapi.com\n");
    assert_eq!(
        errors(FILE, &spec),
        ["specs/tencent/mongodb.yaml:10:3: endpoint: invalid type: sequence, expected a mapping of keys"]
    );
}

#[test]
fn a_second_document_is_rejected() {
    let spec = format!("{HUAWEI}---\nvendor: huawei\n");
    let found = errors("specs/huawei/geminidb.yaml", &spec);
    assert!(found[0].contains("exactly one YAML document"), "{found:?}");
}

#[test]
fn invalid_utf8_is_located() {
    let dir = std::env::temp_dir().join(format!("codegen-load-utf8-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("specs/tencent")).unwrap();
    let mut bytes = TENCENT.as_bytes().to_vec();
    let at = TENCENT.find("TencentDB for MongoDB").unwrap();
    bytes[at] = 0xff;
    std::fs::write(dir.join("specs/tencent/mongodb.yaml"), bytes).unwrap();
    let result = codegen::load::load_file(&dir, std::path::Path::new("specs/tencent/mongodb.yaml"));
    std::fs::remove_dir_all(&dir).unwrap();
    let errors = result.unwrap_err();
    assert_eq!(
        errors.to_string(),
        "specs/tencent/mongodb.yaml:5:8: (document): the file is not valid UTF-8"
    );
}

#[test]
fn missing_file_is_reported_by_name() {
    let result = codegen::load::load_file(
        std::path::Path::new("/nonexistent-root"),
        std::path::Path::new("specs/x/y.yaml"),
    );
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("specs/x/y.yaml:1:1: (document): cannot read the file:"),
        "{message}"
    );
}
