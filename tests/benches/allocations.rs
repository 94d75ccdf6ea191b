//! Heap allocations per call of a `tencent-mongodb` and a `huawei-geminidb` client, against the
//! same baseline as the runtime bench's client rows: raw reqwest replaying the same signed
//! request, `serde_json` decoding the same body into the same output struct (issue 14).
//!
//! A count, not a time: it does not move with the machine's load, so it guards the per-call
//! work the client adds on top of the HTTP exchange and the decoding both sides do. Only the
//! calling thread's allocations count (the emulator serves from a runtime of its own); the
//! client's runtime is a current-thread one, so reqwest's connection tasks count too, on both
//! sides. `cargo bench -p cloudcall-tests --bench allocations`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;

/// The system allocator, counting this thread's allocations (and the bytes asked for).
struct Counting;

thread_local! {
    static COUNTS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

fn count(bytes: usize) {
    // `try_with`: a thread being torn down has no counter any more; it is not measured then.
    let _ = COUNTS.try_with(|counts| {
        let (allocations, total) = counts.get();
        counts.set((allocations + 1, total + bytes as u64));
    });
}

// SAFETY: every call is passed on to `System` unchanged; counting touches no allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Calls measured per row, after warm-up calls that fill the connection pool and caches.
const CALLS: u64 = 200;

/// Allocations and bytes per call of `call`, on this thread.
async fn per_call<F, Fut>(call: F) -> (f64, f64)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..5 {
        assert!(call().await, "a warm-up call succeeds");
    }
    let (allocations, bytes) = COUNTS.with(Cell::get);
    for _ in 0..CALLS {
        assert!(call().await, "a measured call succeeds");
    }
    let (allocations_after, bytes_after) = COUNTS.with(Cell::get);
    (
        (allocations_after - allocations) as f64 / CALLS as f64,
        (bytes_after - bytes) as f64 / CALLS as f64,
    )
}

#[path = "support/replay.rs"]
mod replay;

use replay::{baseline_call, huawei_config, tencent_config, Capture, Envelope};

fn main() {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let emulator = server_rt
        .block_on(
            cloud_emulator::Emulator::builder()
                .rate_limits(false)
                .start(),
        )
        .expect("the emulator starts");
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let capture = Capture::new();
    let endpoint = emulator.base_url();
    let tencent = || tencent_config(&endpoint);
    let huawei = || huawei_config(&endpoint, emulator.huawei_region(), emulator.project_id());
    let with_capture = |config: cloud_transport::ConfigBuilder| {
        config.http_client(capture.clone()).build().expect("config")
    };
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest");

    let rows = client_rt.block_on(async {
        let mongodb = tencent_mongodb::Client::new(tencent().build().expect("config"));
        let ours_mongodb =
            per_call(|| async { mongodb.describe_db_instances().send().await.is_ok() }).await;
        tencent_mongodb::Client::new(with_capture(tencent()))
            .describe_db_instances()
            .send()
            .await
            .expect("mongodb DescribeDBInstances");
        let base_mongodb = per_call(baseline_call::<
            Envelope<tencent_mongodb::operations::DescribeDbInstancesOutput>,
        >(raw.clone(), &capture.take().0))
        .await;

        let geminidb = huawei_geminidb::Client::new(huawei().build().expect("config"));
        let ours_geminidb =
            per_call(|| async { geminidb.list_instances().send().await.is_ok() }).await;
        huawei_geminidb::Client::new(with_capture(huawei()))
            .list_instances()
            .send()
            .await
            .expect("geminidb ListInstances");
        let base_geminidb = per_call(baseline_call::<
            huawei_geminidb::operations::ListInstancesOutput,
        >(raw.clone(), &capture.take().0))
        .await;
        [
            (
                "tencent-mongodb DescribeDBInstances",
                ours_mongodb,
                base_mongodb,
            ),
            (
                "huawei-geminidb ListInstances",
                ours_geminidb,
                base_geminidb,
            ),
        ]
    });
    println!("\nheap allocations per call, this thread, {CALLS} calls a side");
    println!("| what | ours | baseline | ratio | goal |");
    println!("|---|---|---|---|---|");
    for (what, ours, base) in rows {
        println!(
            "| allocations per call, {what} (emulator) | {:.0} ({:.0} KiB) | {:.0} ({:.0} KiB) | {:.2}x | none: a guard |",
            ours.0,
            ours.1 / 1024.0,
            base.0,
            base.1 / 1024.0,
            ours.0 / base.0
        );
    }
    server_rt.block_on(emulator.shutdown());
}
