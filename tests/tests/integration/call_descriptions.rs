//! The typed crates call every operation the way the spec says: each crate's
//! `operations::ALL` (its generated `Operation::INFO` constants) equals the call descriptions
//! built from the bundled spec (`cloud_spec::transport`), which is what the CLI uses and what the
//! conformance run checks against the vendors' official verifier for every operation.

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
        let expected = cloud_spec::transport::operation_info(name, op);
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

#[test]
fn tencent_mongodb_calls_match_the_spec() {
    check("tencent-mongodb", tencent_mongodb::operations::ALL);
}

#[test]
fn tencent_cdb_calls_match_the_spec() {
    check("tencent-cdb", tencent_cdb::operations::ALL);
}

#[test]
fn tencent_postgres_calls_match_the_spec() {
    check("tencent-postgres", tencent_postgres::operations::ALL);
}

#[test]
fn huawei_geminidb_calls_match_the_spec() {
    check("huawei-geminidb", huawei_geminidb::operations::ALL);
}
