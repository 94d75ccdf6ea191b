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
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use cloud_emulator::demo_data::TENCENT_REGION;
use cloud_transport::http::{HttpClient, HttpFuture, HttpRequest, ReqwestHttpClient};
use cloud_transport::{Config, Credentials, Environment};
use serde::de::DeserializeOwned;
use serde::Deserialize;

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

/// Passes requests on to reqwest, keeping the last one (the baseline replays it).
#[derive(Debug)]
struct Capture {
    inner: ReqwestHttpClient,
    last: Mutex<Option<HttpRequest>>,
}

impl HttpClient for Capture {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        *self.last.lock().expect("not poisoned") = Some(request.clone());
        self.inner.send(request)
    }
}

/// Tencent's envelope, for the baseline's plain serde.
#[derive(Deserialize)]
#[allow(dead_code)] // read only to be decoded
struct Envelope<O> {
    #[serde(rename = "Response")]
    response: O,
}

/// The baseline: `request` as it is (signed once) through raw reqwest, the body decoded by
/// `serde_json` into `O`.
fn baseline<O: DeserializeOwned>(
    client: reqwest::Client,
    request: HttpRequest,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = bool>>> {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
    let url = reqwest::Url::parse(&request.url).expect("a URL");
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &request.headers {
        headers.append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            reqwest::header::HeaderValue::from_str(value).expect("a header value"),
        );
    }
    let body = Bytes::from(request.body);
    move || {
        let request = client
            .request(method.clone(), url.clone())
            .headers(headers.clone())
            .body(body.clone());
        Box::pin(async move {
            let Ok(response) = request.send().await else {
                return false;
            };
            let Ok(body) = response.bytes().await else {
                return false;
            };
            serde_json::from_slice::<O>(&body).is_ok()
        })
    }
}

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
    let capture = Arc::new(Capture {
        inner: ReqwestHttpClient::new(Duration::from_secs(2), Duration::from_secs(50))
            .expect("reqwest"),
        last: Mutex::new(None),
    });
    let tencent = |capture: Option<Arc<Capture>>| {
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .environment(Environment::empty())
            .region(TENCENT_REGION)
            .credentials(Credentials::new(
                cloud_emulator::DEMO_TENCENT_SECRET_ID,
                cloud_emulator::DEMO_TENCENT_SECRET_KEY,
            ));
        match capture {
            Some(capture) => config.http_client(capture),
            None => config,
        }
        .build()
        .expect("config")
    };
    let huawei = |capture: Option<Arc<Capture>>| {
        let config = Config::builder()
            .endpoint(emulator.base_url())
            .environment(Environment::empty())
            .region(emulator.huawei_region())
            .project_id(emulator.project_id())
            .credentials(Credentials::new(
                cloud_emulator::DEMO_HUAWEI_AK,
                cloud_emulator::DEMO_HUAWEI_SK,
            ));
        match capture {
            Some(capture) => config.http_client(capture),
            None => config,
        }
        .build()
        .expect("config")
    };
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest");
    let take = |capture: &Capture| {
        capture
            .last
            .lock()
            .expect("not poisoned")
            .take()
            .expect("a call went through the capture")
    };

    let rows =
        client_rt.block_on(async {
            let mongodb = tencent_mongodb::Client::new(tencent(None));
            let ours_mongodb =
                per_call(|| async { mongodb.describe_db_instances().send().await.is_ok() }).await;
            tencent_mongodb::Client::new(tencent(Some(capture.clone())))
                .describe_db_instances()
                .send()
                .await
                .expect("mongodb DescribeDBInstances");
            let base_mongodb = per_call(baseline::<
                Envelope<tencent_mongodb::operations::DescribeDbInstancesOutput>,
            >(raw.clone(), take(&capture)))
            .await;

            let geminidb = huawei_geminidb::Client::new(huawei(None));
            let ours_geminidb =
                per_call(|| async { geminidb.list_instances().send().await.is_ok() }).await;
            huawei_geminidb::Client::new(huawei(Some(capture.clone())))
                .list_instances()
                .send()
                .await
                .expect("geminidb ListInstances");
            let base_geminidb = per_call(baseline::<
                huawei_geminidb::operations::ListInstancesOutput,
            >(raw.clone(), take(&capture)))
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
