//! The checked-in generated files (service crates, spec bundle, `specs/schema.json`) are exactly
//! what the specs generate. Fails naming each stale file and the command that fixes it.

use crate::common;

#[test]
fn checked_in_generated_files_match_the_specs() {
    let root = common::repo_root();
    let files = match codegen::generate::generate_all(&root) {
        Ok(files) => files,
        Err(error) => panic!("the specs do not generate:\n{error}"),
    };
    let report = codegen::generate::check_all(&root, &files).unwrap();
    assert!(report.is_fresh(), "{report}");
    // It compared real files: the schema and the bundle module are always among them.
    assert!(files.iter().any(|f| f.path.ends_with("specs/schema.json")));
    assert!(files
        .iter()
        .any(|f| f.path.ends_with("crates/cloud-spec/src/bundle.rs")));
}
