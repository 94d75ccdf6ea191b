//! The typed crates spell every description the way `cloud-spec` decides it. What an operation
//! is called with, how it pages, what it waits for (task APIs included) and the resource are
//! decided once, by the facts functions of `cloud-spec` (`call`, `pages`, `waits`,
//! `resource`); the generator spells those facts as `const`s and `cloud_spec::transport` builds
//! runtime values from the same facts for the CLI (and the conformance run, which checks every
//! operation against the vendors' official verifier). So this test checks spelling only: each
//! crate's `operations::ALL` (its `Operation::INFO` constants), `operations::WAITERS` and
//! `operations::PAGINATED` (its `Waits::WAITER` and `Paged::PAGES`) and `operations::RESOURCE`
//! equal the values built from the bundled spec, operation by operation, and no operation of
//! the spec that waits or pages lacks them.

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
        let expected = cloud_spec::transport::page_info(name, &spec.operations[name])
            .unwrap_or_else(|e| panic!("{crate_name}: {e}"));
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
