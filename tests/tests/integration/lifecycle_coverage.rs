//! How much of each service's lifecycle the typed crates cover, counted from the spec's facts
//! (never from member names): operations with a task handle (`task`) that have a waiter, and
//! paged list operations (`pagination`) that have a paginator, with the stated exceptions
//! (`no_task`, `no_pagination`) and their reasons. Prints the numbers
//! (`cargo test -p cloudcall-tests lifecycle_coverage -- --nocapture`) and fails below "all".
//!
//! Nothing escapes the count unstated: an operation that changes something and outputs a member
//! the spec itself uses as a task handle elsewhere (`FlowId`), or whose input has the paging
//! members the spec pages other operations by (`Offset` and `Limit`), must have the fact or a
//! stated exception.

use std::collections::BTreeSet;

use cloud_spec::Service;
use cloud_transport::paginate::PageInfo;
use cloud_transport::wait::OperationWaiter;

/// Covered and total counts of one service, and every problem found.
struct Coverage {
    waiters: (usize, usize),
    paginators: (usize, usize),
    no_task: Vec<String>,
    no_pagination: Vec<String>,
    problems: Vec<String>,
}

fn coverage(
    spec: &Service,
    waiters: &[(&str, OperationWaiter)],
    pages: &[(&str, PageInfo)],
) -> Coverage {
    let handle_members: BTreeSet<&str> = spec
        .operations
        .values()
        .filter_map(|op| op.task.as_ref().map(|t| t.handle.as_str()))
        .collect();
    let paging_pairs: BTreeSet<(&str, &str)> = spec
        .operations
        .values()
        .filter_map(|op| op.pagination.as_ref())
        .map(|p| (p.offset.as_str(), p.limit.as_str()))
        .collect();
    let mut c = Coverage {
        waiters: (0, 0),
        paginators: (0, 0),
        no_task: Vec::new(),
        no_pagination: Vec::new(),
        problems: Vec::new(),
    };
    for (name, op) in &spec.operations {
        let waited = waiters.iter().any(|(n, w)| n == name && w.task.is_some());
        if op.task.is_some() {
            c.waiters.1 += 1;
            c.waiters.0 += usize::from(waited);
        }
        if let Some(no_task) = &op.no_task {
            c.no_task
                .push(format!("{name}.{}: {}", no_task.member, no_task.reason));
        }
        let unstated_handle = op.task.is_none()
            && op.no_task.is_none()
            && !op.read_only
            && op
                .output
                .keys()
                .any(|m| handle_members.contains(m.as_str()));
        if unstated_handle {
            c.problems.push(format!(
                "{name}: outputs a task handle member, but has neither `task` nor `no_task`"
            ));
        }
        if op.pagination.is_some() {
            c.paginators.1 += 1;
            c.paginators.0 += usize::from(pages.iter().any(|(n, _)| n == name));
        }
        if let Some(reason) = &op.no_pagination {
            c.no_pagination.push(format!("{name}: {reason}"));
        }
        let unstated_paging = op.pagination.is_none()
            && op.no_pagination.is_none()
            && paging_pairs.iter().any(|(offset, limit)| {
                op.input.contains_key(*offset) && op.input.contains_key(*limit)
            });
        if unstated_paging {
            c.problems.push(format!(
                "{name}: has the paging members of other operations, but neither `pagination` nor `no_pagination`"
            ));
        }
    }
    c
}

fn report(crate_name: &str, waiters: &[(&str, OperationWaiter)], pages: &[(&str, PageInfo)]) {
    let spec = cloud_spec::bundle::service(crate_name).expect("bundled spec");
    let c = coverage(&spec, waiters, pages);
    println!(
        "{crate_name}: waiters {}/{} operations with a task handle; paginators {}/{} paged list operations",
        c.waiters.0, c.waiters.1, c.paginators.0, c.paginators.1
    );
    for exception in &c.no_task {
        println!("  not a task handle: {exception}");
    }
    for exception in &c.no_pagination {
        println!("  not paged: {exception}");
    }
    let mut problems = c.problems;
    if c.waiters.0 != c.waiters.1 {
        problems.push(format!("waiters {}/{}", c.waiters.0, c.waiters.1));
    }
    if c.paginators.0 != c.paginators.1 {
        problems.push(format!("paginators {}/{}", c.paginators.0, c.paginators.1));
    }
    assert!(
        problems.is_empty(),
        "{crate_name}:\n{}",
        problems.join("\n")
    );
}

/// One test per generated crate: every task and page of its spec is covered.
macro_rules! covers_every_task_and_page {
    ($($test:ident: $krate:ident, $key:literal;)*) => {$(
        #[test]
        fn $test() {
            use $krate::operations::{PAGINATED, WAITERS};
            report($key, WAITERS, PAGINATED);
        }
    )*};
}

covers_every_task_and_page! {
    tencent_mongodb_covers_every_task_and_page: tencent_mongodb, "tencent-mongodb";
    tencent_cdb_covers_every_task_and_page: tencent_cdb, "tencent-cdb";
    tencent_postgres_covers_every_task_and_page: tencent_postgres, "tencent-postgres";
    huawei_geminidb_covers_every_task_and_page: huawei_geminidb, "huawei-geminidb";
}
