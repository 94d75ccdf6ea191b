//! The release path end to end on a temporary clone of the repository: a spec changed three
//! ways (an operation added, an output member removed, an operation's docs changed) must come
//! out as a minor, a major and a patch release in spec-diff, `release plan` and
//! `cargo semver-checks` alike.
//!
//! Slow (semver-checks builds the generated crate's rustdoc JSON twice per case) and it needs
//! cargo-semver-checks, so it is ignored by default; `scripts/release-checks.sh` runs it:
//! `cargo test -p xtask -- --ignored spec_changes_agree`.
//!
//! semver-checks only lints what breaks (and a few minor-level cases): an added operation and a
//! docs change both give "no semver update required". Agreement is therefore: breaking exactly
//! when semver-checks asks for a major release, and never a major one otherwise.

use std::path::Path;

use cloud_spec::Service;
use codegen::diff::Severity;

use super::test_repo::{clone, commit_all, reset};
use super::{changes, plan, semver_checks, workspace};
use crate::git;

/// The crate changed in the clone; set to 1.0.0 first so the bumps read as minor/major/patch.
const CRATE: &str = "tencent-mongodb";
const SPEC: &str = "specs/tencent/mongodb.yaml";

fn regenerate(repo: &Path) {
    let files = codegen::generate::generate_all(repo).unwrap_or_else(|e| panic!("{e}"));
    codegen::generate::write_all(repo, &files).unwrap();
}

fn load(repo: &Path) -> Service {
    codegen::load::load_file(repo, Path::new(SPEC))
        .unwrap_or_else(|e| panic!("{e}"))
        .service
}

fn write_spec(repo: &Path, service: &Service) {
    let value = serde_json::to_value(service).unwrap();
    // The schema line every spec starts with, then the model as YAML.
    let text = format!(
        "# yaml-language-server: $schema=../schema.json\n{}",
        codegen::yaml_out::to_yaml(&value)
    );
    std::fs::write(repo.join(SPEC), text).unwrap();
}

/// What each of the three tools says about the working tree of `repo`.
struct Verdicts {
    spec_diff: Option<Severity>,
    next_version: String,
    plan_severity: Option<Severity>,
    changelog: plan::Notes,
    semver_checks: Option<Severity>,
}

fn verdicts(repo: &Path, original: &Service, target_dir: &Path) -> Verdicts {
    let spec_diff = codegen::diff::diff(original, &load(repo)).severity();
    let crates = super::ordered_crates(repo).unwrap();
    let options = changes::Options {
        since: "HEAD".to_owned(),
        semver_checks: false,
    };
    let observed = changes::observe(repo, &crates, &options).unwrap();
    let planned = plan::decide(&observed.crates).unwrap();
    let mongodb = planned.get(CRATE).unwrap().clone();
    let krate: workspace::Crate = crates.into_iter().find(|c| c.name == CRATE).unwrap();
    let verdict = semver_checks::check_in(
        repo,
        &krate,
        &changes::tag(CRATE, "1.0.0"),
        Some(target_dir),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    Verdicts {
        spec_diff,
        next_version: mongodb.next,
        plan_severity: mongodb.severity,
        changelog: mongodb.notes,
        semver_checks: verdict.severity,
    }
}

#[test]
#[ignore = "slow: semver-checks builds rustdoc JSON; run by scripts/release-checks.sh"]
fn spec_changes_agree_in_spec_diff_plan_and_semver_checks() {
    let root = crate::repo_root();
    let repo = clone(&root, "release-three-ways");
    let target_dir = root.join("target/release-three-ways/target");

    // Released: tencent-mongodb at 1.0.0, the other crates at their versions.
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    let mut doc: toml_edit::DocumentMut = manifest.parse().unwrap();
    let version = doc["workspace"]["dependencies"][CRATE]
        .as_inline_table_mut()
        .and_then(|t| t.get_mut("version"))
        .expect("the workspace requirement on the crate");
    super::set_keeping_decor(version, "1.0.0");
    std::fs::write(repo.join("Cargo.toml"), doc.to_string()).unwrap();
    regenerate(&repo);
    let crates = workspace::read(&repo).unwrap();
    commit_all(&repo, "release test: tencent-mongodb 1.0.0");
    for c in &crates {
        git::run(&repo, &["tag", &changes::tag(&c.name, &c.version)]).unwrap();
    }
    let original = load(&repo);

    // 1. An operation added: minor.
    let mut added = original.clone();
    let copy = added.operations["DescribeSRVConnectionDomain"].clone();
    added
        .operations
        .insert("DescribeSRVConnectionDomainCopy".to_owned(), copy);
    write_spec(&repo, &added);
    regenerate(&repo);
    let v = verdicts(&repo, &original, &target_dir);
    assert_eq!(v.spec_diff, Some(Severity::Additive));
    assert_eq!(v.plan_severity, Some(Severity::Additive));
    assert_eq!(v.next_version, "1.1.0");
    assert_ne!(v.semver_checks, Some(Severity::Breaking));
    assert_eq!(
        v.changelog.added,
        ["Operation `DescribeSRVConnectionDomainCopy`."]
    );
    reset(&repo);

    // 2. An output member removed: major.
    let mut removed = original.clone();
    let op = removed
        .operations
        .get_mut("DescribeDBInstanceNamespace")
        .unwrap();
    op.output.shift_remove("Collections");
    for example in &mut op.examples {
        example.output.shift_remove("Collections");
    }
    write_spec(&repo, &removed);
    regenerate(&repo);
    let v = verdicts(&repo, &original, &target_dir);
    assert_eq!(v.spec_diff, Some(Severity::Breaking));
    assert_eq!(v.plan_severity, Some(Severity::Breaking));
    assert_eq!(v.next_version, "2.0.0");
    assert_eq!(v.semver_checks, Some(Severity::Breaking));
    assert!(
        v.changelog.removed.iter().any(|l| l.contains(
            "operations.DescribeDBInstanceNamespace.output.Collections`: member removed"
        )),
        "{:?}",
        v.changelog
    );
    reset(&repo);

    // 3. An operation's docs changed: patch.
    let mut docs = original.clone();
    docs.operations
        .get_mut("DescribeSRVConnectionDomain")
        .unwrap()
        .docs
        .push_str("\nThe domain is the same for every node.\n");
    write_spec(&repo, &docs);
    regenerate(&repo);
    let v = verdicts(&repo, &original, &target_dir);
    assert_eq!(v.spec_diff, Some(Severity::Patch));
    assert_eq!(v.plan_severity, Some(Severity::Patch));
    assert_eq!(v.next_version, "1.0.1");
    assert_eq!(v.semver_checks, None);
    assert_eq!(
        v.changelog.changed,
        ["Documentation and examples from the vendor's updated docs (1 place)."]
    );
    reset(&repo);
    let _ = std::fs::remove_dir_all(&repo);
}
