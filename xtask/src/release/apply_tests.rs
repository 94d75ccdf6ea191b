//! `release apply` on a temporary clone: what it refuses (a dirty tree, a version already
//! released, a dependency not released first) writes nothing; what it writes is the same on
//! every run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::test_repo::{clone, commit_all, reset};
use super::{apply, changes, workspace, Options};
use crate::git;

fn options() -> Options {
    Options {
        since: "HEAD".to_owned(),
        semver_checks: false,
    }
}

fn contents(repo: &Path, paths: &[PathBuf]) -> BTreeMap<PathBuf, String> {
    paths
        .iter()
        .map(|p| (p.clone(), std::fs::read_to_string(repo.join(p)).unwrap()))
        .collect()
}

#[test]
fn apply_refuses_with_nothing_written_and_writes_the_same_twice() {
    let root = crate::repo_root();
    let repo = clone(&root, "release-apply-test");
    let date = Some("2026-01-02");

    // A dependency not released, and not in this run: tencent-cdb needs cloud-transport.
    let error = apply(&repo, &options(), &["tencent-cdb".to_owned()], date).unwrap_err();
    assert!(
        error.contains(
            "tencent-cdb needs cloud-transport 0.1.0, which is not released and not in this run"
        ),
        "{error}"
    );
    assert!(
        git::dirty_paths(&repo).unwrap().is_empty(),
        "nothing written"
    );

    // A dirty tree.
    std::fs::write(repo.join("notes.txt"), "work in progress").unwrap();
    let error = apply(&repo, &options(), &[], date).unwrap_err();
    assert!(
        error.contains("working tree is not clean (1 paths: notes.txt)"),
        "{error}"
    );
    assert_eq!(
        git::dirty_paths(&repo).unwrap(),
        ["notes.txt"],
        "nothing written"
    );
    std::fs::remove_file(repo.join("notes.txt")).unwrap();

    // Every crate released at its version: asking for one again is refused.
    for c in workspace::read(&repo).unwrap() {
        git::run(&repo, &["tag", &changes::tag(&c.name, &c.version)]).unwrap();
    }
    let error = apply(&repo, &options(), &["tencent-cdb".to_owned()], date).unwrap_err();
    assert!(
        error.contains("tencent-cdb 0.1.0 is already released (tag tencent-cdb-v0.1.0)"),
        "{error}"
    );
    assert!(
        git::dirty_paths(&repo).unwrap().is_empty(),
        "nothing written"
    );

    // A docs change in a spec (committed, as update-sources' result would be): a patch release
    // of tencent-mongodb, written the same way twice.
    let spec = repo.join("specs/tencent/mongodb.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let changed = text.replacen(
        "Query the current SRV access domain of an instance.",
        "Query the current SRV access domain of an instance (one per instance).",
        1,
    );
    assert_ne!(text, changed);
    std::fs::write(&spec, changed).unwrap();
    let files = codegen::generate::generate_all(&repo).unwrap();
    codegen::generate::write_all(&repo, &files).unwrap();
    commit_all(&repo, "docs change");

    let written = apply(&repo, &options(), &["tencent-mongodb".to_owned()], date).unwrap();
    let first = contents(&repo, &written);
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "Cargo.toml",
            "crates/tencent-mongodb/Cargo.toml",
            "Cargo.lock",
            "crates/tencent-mongodb/CHANGELOG.md"
        ]
    );
    assert!(first[Path::new("Cargo.toml")]
        .contains(r#"tencent-mongodb = { path = "crates/tencent-mongodb", version = "0.1.1" }"#));
    assert!(
        first[Path::new("crates/tencent-mongodb/Cargo.toml")].contains("\nversion = \"0.1.1\"\n")
    );
    let changelog = &first[Path::new("crates/tencent-mongodb/CHANGELOG.md")];
    assert!(
        changelog.contains(
            "## [Unreleased]\n\n## [0.1.1] - 2026-01-02\n\n### Changed\n\n- Documentation and examples from the vendor's updated docs (1 place).\n"
        ),
        "{changelog}"
    );
    // The generated code stays fresh with the new version.
    let files = codegen::generate::generate_all(&repo).unwrap();
    assert!(codegen::generate::check_all(&repo, &files)
        .unwrap()
        .is_fresh());

    reset(&repo);
    let again = apply(&repo, &options(), &["tencent-mongodb".to_owned()], date).unwrap();
    assert_eq!(
        contents(&repo, &again),
        first,
        "the same plan writes the same files"
    );
    let _ = std::fs::remove_dir_all(&repo);
}
