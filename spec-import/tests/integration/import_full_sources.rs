//! Imports of the full pinned packages (not only the trimmed fixtures): every action of each
//! service, valid, the same bytes twice, and the same bytes as the committed spec. The packages
//! are not in the repository; fetch them first, then run the ignored tests:
//!
//! ```text
//! scripts/fetch-vendor-sources.sh            # into target/vendor-sources
//! cargo test -p spec-import --test integration import_full_sources -- --ignored
//! ```
//!
//! `CLOUDCALL_VENDOR_SOURCES` points at another directory.

use crate::import_common;

use std::path::PathBuf;

use import_common::*;

fn sources() -> PathBuf {
    std::env::var_os("CLOUDCALL_VENDOR_SOURCES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/vendor-sources"))
}

fn full(vendor: &str, service: &str, operations: usize) {
    let first = finish(
        raw(&sources(), vendor, service).unwrap_or_else(|e| panic!("{e}")),
        vendor,
        service,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        first.service.operations.len(),
        operations,
        "{vendor}/{service}"
    );
    // Every Chinese text of the full import has English, and every memory entry is used.
    if let Some(report) = &first.translation {
        assert!(
            report.missing.is_empty() && report.stale.as_ref().is_some_and(Vec::is_empty),
            "{vendor}/{service}: the translation memory does not fit the sources:\n{report}"
        );
    }
    let second = finish(
        raw(&sources(), vendor, service).unwrap(),
        vendor,
        service,
        None,
    )
    .unwrap();
    assert!(
        first.text == second.text,
        "{vendor}/{service}: two imports differ"
    );
    // The committed spec is exactly what the import writes: re-importing unchanged sources gives
    // no diff, and nobody edited the file by hand.
    let file = format!("specs/{vendor}/{service}.yaml");
    let committed = std::fs::read_to_string(repo_root().join(&file)).unwrap();
    assert!(
        first.text == committed,
        "{file} is not what `cargo xtask import {vendor} --service {service}` writes from the \
         pinned sources: run it and commit the result"
    );
}

#[test]
#[ignore = "needs scripts/fetch-vendor-sources.sh"]
fn mongodb_has_69_actions() {
    full("tencent", "mongodb", 69);
}

#[test]
#[ignore = "needs scripts/fetch-vendor-sources.sh"]
fn cdb_has_165_actions() {
    full("tencent", "cdb", 165);
}

#[test]
#[ignore = "needs scripts/fetch-vendor-sources.sh"]
fn postgres_has_112_actions() {
    full("tencent", "postgres", 112);
}

#[test]
#[ignore = "needs scripts/fetch-vendor-sources.sh"]
fn geminidb_has_153_operations() {
    full("huawei", "geminidb", 153);
}

/// The full imports go through the emitter: prints the generated Rust lines per operation of
/// each crate (what issue 6's footprint budget measures).
#[test]
#[ignore = "needs scripts/fetch-vendor-sources.sh"]
fn full_imports_generate() {
    let mut specs = Vec::new();
    for (vendor, service) in [
        ("tencent", "mongodb"),
        ("tencent", "cdb"),
        ("tencent", "postgres"),
        ("huawei", "geminidb"),
    ] {
        let finished = finish(
            raw(&sources(), vendor, service).unwrap(),
            vendor,
            service,
            None,
        )
        .unwrap();
        specs.push(
            codegen::load::load_str(format!("specs/{vendor}/{service}.yaml"), &finished.text)
                .unwrap(),
        );
    }
    let files = codegen::generate::generate_from(&specs).unwrap_or_else(|e| panic!("{e}"));
    for spec in &specs {
        let dir = format!("crates/{}/", spec.service.crate_name());
        let lines: usize = files
            .iter()
            .filter(|f| {
                f.path.to_string_lossy().starts_with(&dir)
                    && f.path.extension().is_some_and(|e| e == "rs")
            })
            .map(|f| f.contents.lines().count())
            .sum();
        let ops = spec.service.operations.len();
        println!(
            "{}: {ops} operations, {lines} generated Rust lines, {} per operation",
            spec.service.crate_name(),
            lines / ops
        );
    }
}
