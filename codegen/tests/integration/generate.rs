//! The generation pipeline on a throw-away repository: write, check, staleness, removal of
//! generated files no longer produced, nothing written on error, and the bundle round trip.

use crate::common;

use std::path::{Path, PathBuf};

use codegen::generate::{check_all, generate_all, write_all};
use codegen::GENERATED_NOTICE;

/// A temporary repository with the two example specs; removed on drop.
struct TempRepo(PathBuf);

impl TempRepo {
    fn new(name: &str) -> TempRepo {
        let root = std::env::temp_dir().join(format!("codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("specs/tencent")).unwrap();
        std::fs::create_dir_all(root.join("specs/huawei")).unwrap();
        std::fs::write(root.join("specs/tencent/mongodb.yaml"), common::TENCENT).unwrap();
        std::fs::write(root.join("specs/huawei/geminidb.yaml"), common::HUAWEI).unwrap();
        TempRepo(root)
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    fn root(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn write_then_check_then_detect_every_kind_of_staleness() {
    let repo = TempRepo::new("cycle");
    // A hand-written file in a generated root: never touched.
    std::fs::create_dir_all(repo.path("crates/hand-written/src")).unwrap();
    std::fs::write(repo.path("crates/hand-written/src/lib.rs"), "//! Mine.\n").unwrap();

    let files = generate_all(repo.root()).unwrap();
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    for expected in [
        "crates/cloud-spec/bundle/huawei-geminidb.json",
        "crates/cloud-spec/bundle/tencent-mongodb.json",
        "crates/cloud-spec/src/bundle.rs",
        "specs/schema.json",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} not generated: {paths:?}"
        );
    }
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files come sorted by path");

    let before = check_all(repo.root(), &files).unwrap();
    assert_eq!(before.missing.len(), files.len());
    assert!(!before.is_fresh());

    let written = write_all(repo.root(), &files).unwrap();
    assert_eq!(written.written.len(), files.len());
    assert!(check_all(repo.root(), &files).unwrap().is_fresh());

    // Same output again: nothing written.
    let again = write_all(repo.root(), &generate_all(repo.root()).unwrap()).unwrap();
    assert!(again.written.is_empty() && again.removed.is_empty());
    assert_eq!(again.unchanged, files.len());

    // A hand edit, a deletion and a leftover generated file are each named.
    std::fs::write(
        repo.path("crates/cloud-spec/bundle/tencent-mongodb.json"),
        "{}\n",
    )
    .unwrap();
    std::fs::remove_file(repo.path("specs/schema.json")).unwrap();
    std::fs::create_dir_all(repo.path("crates/tencent-gone/src")).unwrap();
    std::fs::write(
        repo.path("crates/tencent-gone/src/lib.rs"),
        format!("// {GENERATED_NOTICE}\npub fn f() {{}}\n"),
    )
    .unwrap();
    let report = check_all(repo.root(), &files).unwrap();
    assert_eq!(
        report.differing,
        [PathBuf::from(
            "crates/cloud-spec/bundle/tencent-mongodb.json"
        )]
    );
    assert_eq!(report.missing, [PathBuf::from("specs/schema.json")]);
    assert_eq!(
        report.stale,
        [PathBuf::from("crates/tencent-gone/src/lib.rs")]
    );
    let text = report.to_string();
    assert_eq!(
        text,
        "generated files are out of date:\n  \
         differs crates/cloud-spec/bundle/tencent-mongodb.json\n  \
         missing specs/schema.json\n  \
         stale   crates/tencent-gone/src/lib.rs\n\
         run `cargo xtask codegen` to regenerate them"
    );

    // Regenerating repairs all three and removes the emptied directories.
    let repaired = write_all(repo.root(), &files).unwrap();
    assert_eq!(repaired.written.len(), 2);
    assert_eq!(
        repaired.removed,
        [PathBuf::from("crates/tencent-gone/src/lib.rs")]
    );
    assert!(!repo.path("crates/tencent-gone").exists());
    assert!(check_all(repo.root(), &files).unwrap().is_fresh());
    assert_eq!(
        std::fs::read_to_string(repo.path("crates/hand-written/src/lib.rs")).unwrap(),
        "//! Mine.\n"
    );
}

#[test]
fn a_broken_spec_writes_nothing() {
    let repo = TempRepo::new("broken");
    let broken = common::TENCENT.replacen("type: SslStatus", "type: SslStaus", 1);
    std::fs::write(repo.path("specs/tencent/mongodb.yaml"), broken).unwrap();
    std::fs::write(
        repo.path("specs/huawei/geminidb.yaml"),
        common::HUAWEI.replacen("vendor: huawei", "vendor: huawe", 1),
    )
    .unwrap();
    let error = generate_all(repo.root()).unwrap_err().to_string();
    // Both files' problems, in one report.
    assert!(
        error.contains("specs/huawei/geminidb.yaml:2:9: vendor: unknown value `huawe`"),
        "{error}"
    );
    assert!(error.contains("specs/tencent/mongodb.yaml:30:15: operations.DescribeInstanceSSL.output.Status.type: shape `SslStaus` is not defined"), "{error}");
    assert!(!repo.path("specs/schema.json").exists());
    assert!(!repo.path("crates").exists());
}

#[test]
fn two_specs_for_one_crate_and_misnamed_files_are_errors() {
    let repo = TempRepo::new("duplicate");
    std::fs::write(repo.path("specs/tencent/mongo.yml"), common::TENCENT).unwrap();
    let error = generate_all(repo.root()).unwrap_err().to_string();
    assert_eq!(error, "specs/tencent/mongo.yml:1:1: (document): spec files end in `.yaml`; rename this file so it is not skipped");
}

#[test]
fn overlays_are_not_specs() {
    let repo = TempRepo::new("overlays");
    std::fs::create_dir_all(repo.path("specs/overlays/tencent")).unwrap();
    std::fs::write(
        repo.path("specs/overlays/tencent/mongodb.yaml"),
        "operations: {}\n",
    )
    .unwrap();
    let specs = codegen::generate::find_specs(repo.root()).unwrap();
    assert_eq!(
        specs,
        [
            PathBuf::from("specs/huawei/geminidb.yaml"),
            PathBuf::from("specs/tencent/mongodb.yaml")
        ]
    );
}

#[test]
fn the_bundle_holds_the_specs_as_loaded() {
    let repo = TempRepo::new("bundle");
    let specs = codegen::generate::load_specs(repo.root()).unwrap();
    let files = codegen::generate::generate_from(&specs).unwrap();
    for spec in &specs {
        let path = format!(
            "crates/cloud-spec/bundle/{}.json",
            spec.service.crate_name()
        );
        let file = files.iter().find(|f| f.path == Path::new(&path)).unwrap();
        assert!(file
            .contents
            .lines()
            .nth(1)
            .unwrap()
            .contains(GENERATED_NOTICE));
        let json: serde_json::Value = serde_json::from_str(&file.contents).unwrap();
        let bundled: cloud_spec::Service = serde_json::from_value(json["service"].clone()).unwrap();
        assert_eq!(bundled, spec.service);
    }
    let module = files
        .iter()
        .find(|f| f.path == Path::new("crates/cloud-spec/src/bundle.rs"))
        .unwrap();
    assert!(module
        .contents
        .contains("include_str!(\"../bundle/huawei-geminidb.json\")"));
    assert!(module
        .contents
        .contains("include_str!(\"../bundle/tencent-mongodb.json\")"));
}

#[test]
fn the_schema_is_deterministic_and_describes_the_model() {
    let first = codegen::schema::schema_file();
    assert_eq!(first, codegen::schema::schema_file());
    let schema: serde_json::Value = serde_json::from_str(&first.contents).unwrap();
    assert!(schema["$comment"]
        .as_str()
        .unwrap()
        .contains(GENERATED_NOTICE));
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let properties: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        properties,
        [
            "vendor",
            "name",
            "service",
            "title",
            "docs",
            "version",
            "endpoint",
            "auth",
            "common_errors",
            "operations",
            "shapes",
            "tasks",
            "resource"
        ]
    );
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown keys are flagged by editors too"
    );
    // The lifecycle keys are in the schema, with their conventions documented for editors.
    for (definition, key) in [
        ("Operation", "task"),
        ("Operation", "pagination"),
        ("Pagination", "max_page_size"),
        ("Resource", "id_members"),
        ("ResourceFilters", "id"),
    ] {
        assert!(
            schema["definitions"][definition]["properties"]
                .get(key)
                .is_some(),
            "{definition}.{key} missing from the schema"
        );
    }
    assert!(schema["definitions"]["ResourceFilters"]["description"]
        .as_str()
        .unwrap()
        .contains("Member[filter-name]"));
    let member = &schema["definitions"]["Member"]["properties"];
    for key in ["type", "required", "nullable", "location", "rust_name"] {
        assert!(
            member.get(key).is_some(),
            "Member.{key} missing from the schema"
        );
    }
}
