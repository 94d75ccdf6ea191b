//! The typed crates call every operation the way the spec says: each crate's
//! `operations::ALL` (its generated `Operation::INFO` constants) equals the call descriptions
//! built from the bundled spec (`cloud_spec::transport`), which is what the CLI uses and what the
//! conformance run checks against the vendors' official verifier for every operation.
//!
//! The same holds for waiting and paging: each crate's `operations::WAITERS` and
//! `operations::PAGINATED` (its `Waits::WAITER` and `Paged::PAGES` constants, task APIs
//! included) and `operations::RESOURCE` equal what `cloud_spec::transport` builds for the CLI's
//! `--wait` and `--page-all`, operation by operation, and no operation of the spec that waits
//! or pages lacks them.

use cloud_transport::paginate::PageInfo;
use cloud_transport::wait::{OperationWaiter, ResourceInfo};
use cloud_transport::OperationInfo;

fn check(crate_name: &str, typed: &[OperationInfo]) {
    let spec = cloud_spec::bundle::service(crate_name).expect("bundled spec");
    let mut problems = Vec::new();
    if typed.len() != spec.operations.len() {
        problems.push(format!(
            "{} typed operations, {} in the spec",
            typed.len(),
            spec.operations.len()
        ));
    }
    for (name, op) in &spec.operations {
        let expected = cloud_spec::transport::operation_info(spec.vendor, name, op);
        match typed.iter().find(|info| info.name == name) {
            None => problems.push(format!("{name}: no typed operation")),
            Some(info) if *info != expected => {
                problems.push(format!("{name}:\n  typed {info:?}\n  spec  {expected:?}"))
            }
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{crate_name}: {} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The generated waiters, pages and resource of a crate against the spec-built ones.
fn check_lifecycle(
    crate_name: &str,
    waiters: &[(&str, OperationWaiter)],
    pages: &[(&str, PageInfo)],
    resource: ResourceInfo,
) {
    let spec = cloud_spec::bundle::service(crate_name).expect("bundled spec");
    let mut problems = Vec::new();
    let expected =
        cloud_spec::transport::resource_info(&spec).unwrap_or_else(|e| panic!("{crate_name}: {e}"));
    if expected != Some(resource) {
        problems.push(format!(
            "resource:\n  typed {resource:?}\n  spec  {expected:?}"
        ));
    }
    for name in spec.operations.keys() {
        let expected = cloud_spec::transport::operation_waiter(&spec, name)
            .unwrap_or_else(|e| panic!("{crate_name}: {e}"));
        let typed = waiters.iter().find(|(n, _)| n == name).map(|(_, w)| *w);
        if typed != expected {
            problems.push(format!(
                "{name} waiter:\n  typed {typed:?}\n  spec  {expected:?}"
            ));
        }
        let expected = cloud_spec::transport::page_info(&spec.operations[name]);
        let typed = pages.iter().find(|(n, _)| n == name).map(|(_, p)| *p);
        if typed != expected {
            problems.push(format!(
                "{name} pages:\n  typed {typed:?}\n  spec  {expected:?}"
            ));
        }
    }
    let generated = waiters
        .iter()
        .map(|(n, _)| *n)
        .chain(pages.iter().map(|(n, _)| *n));
    for name in generated {
        if !spec.operations.contains_key(name) {
            problems.push(format!("{name}: generated, not in the spec"));
        }
    }
    assert!(
        problems.is_empty(),
        "{crate_name}: {} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// One test per generated crate: its call descriptions and lifecycle tables against its spec.
macro_rules! calls_match_the_spec {
    ($($test:ident: $krate:ident, $key:literal;)*) => {$(
        #[test]
        fn $test() {
            use $krate::operations::{ALL, PAGINATED, RESOURCE, WAITERS};
            check($key, ALL);
            check_lifecycle($key, WAITERS, PAGINATED, RESOURCE);
        }
    )*};
}

calls_match_the_spec! {
    tencent_mongodb_calls_match_the_spec: tencent_mongodb, "tencent-mongodb";
    tencent_cdb_calls_match_the_spec: tencent_cdb, "tencent-cdb";
    tencent_postgres_calls_match_the_spec: tencent_postgres, "tencent-postgres";
    huawei_geminidb_calls_match_the_spec: huawei_geminidb, "huawei-geminidb";
}
