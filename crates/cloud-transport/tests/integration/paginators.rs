//! Paginators over real loopback HTTP against a scripted list server: every item once over
//! many pages, the page size, `max_items`, the end of the list (total, empty page, a total that
//! shrinks), servers that repeat pages, page-number listings, text members, typed pages and
//! items, and the `Stream` impls.

#![cfg(feature = "tencent")]

use crate::common;

use std::future::poll_fn;
use std::pin::Pin;

use cloud_transport::paginate::{PageInfo, PageStyle, Paginator};
use cloud_transport::{Client, ErrorKind, OperationInfo};
use common::*;
use futures_core::Stream;
use serde::Deserialize;
use serde_json::{json, Value};

const LIST: OperationInfo = OperationInfo::action("DescribeDBInstances").read_only();

/// Offset/Limit, items at `Items`, total at `TotalCount`, pages of at most 3.
const PAGES: PageInfo = PageInfo::new("Offset", "Limit", "Items", 3).with_total("TotalCount");

fn client(server: &TestServer) -> Client {
    mongodb_client(server)
}

fn number(v: &Value) -> usize {
    match v {
        Value::String(s) => s.parse().unwrap(),
        other => other.as_u64().unwrap() as usize,
    }
}

/// A list of `n` items answered honestly: `Offset`/`Limit` (numbers or text), with the total
/// unless `with_total` is false.
fn honest(n: usize, with_total: bool) -> impl Fn(&Received, usize) -> Reply + Send + Sync {
    move |req, _| {
        let input = req.json();
        let offset = number(&input["Offset"]);
        let limit = number(&input["Limit"]);
        let items: Vec<Value> = (offset..n.min(offset + limit))
            .map(|i| json!({"Id": format!("i-{i}")}))
            .collect();
        let mut out = json!({ "Items": items });
        if with_total {
            out["TotalCount"] = json!(n);
        }
        Reply::tencent_ok(out, "r")
    }
}

fn sent(server: &TestServer, member: &str) -> Vec<Value> {
    server
        .received()
        .iter()
        .map(|r| r.json()[member].clone())
        .collect()
}

async fn all_ids(paginator: Paginator) -> Result<Vec<String>, cloud_transport::Error> {
    let items = paginator.items().collect_all().await?;
    Ok(items
        .iter()
        .map(|i| i["Id"].as_str().unwrap().to_owned())
        .collect())
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("i-{i}")).collect()
}

#[tokio::test]
async fn more_than_three_pages_yield_every_item_once_at_the_largest_page_size() {
    let server = TestServer::start(honest(10, true)).await;
    let paginator = Paginator::new(client(&server), LIST, PAGES, json!({"ProjectId": 5}));
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..10));
    // 3 + 3 + 3 + 1, and the total says the fourth page is the last.
    assert_eq!(sent(&server, "Offset"), [0, 3, 6, 9]);
    assert_eq!(sent(&server, "Limit"), [3, 3, 3, 3]);
    assert!(sent(&server, "ProjectId").iter().all(|p| *p == 5));
}

#[tokio::test]
async fn pages_come_typed_and_as_a_stream() {
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Page {
        total_count: u64,
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Item {
        id: String,
    }
    let server = TestServer::start(honest(7, true)).await;
    let mut pages = Paginator::<Page, Item>::new(client(&server), LIST, PAGES, Value::Null);
    let mut sizes = Vec::new();
    // Through `Stream::poll_next`, as any stream combinator would.
    while let Some(page) = poll_fn(|cx| Pin::new(&mut pages).poll_next(cx)).await {
        let page = page.unwrap();
        assert_eq!(page.total_count, 7);
        sizes.push(page.items.len());
    }
    assert_eq!(sizes, [3, 3, 1]);

    let mut items = Paginator::<Page, Item>::new(client(&server), LIST, PAGES, Value::Null).items();
    let mut seen = Vec::new();
    while let Some(item) = poll_fn(|cx| Pin::new(&mut items).poll_next(cx)).await {
        seen.push(item.unwrap().id);
    }
    assert_eq!(seen, ids(0..7));
}

#[tokio::test]
async fn page_size_and_the_request_s_own_limit_set_the_page_size_within_the_vendor_s_largest() {
    let server = TestServer::start(honest(5, true)).await;
    let paginator = Paginator::new(client(&server), LIST, PAGES, Value::Null).page_size(2);
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..5));
    assert_eq!(sent(&server, "Limit"), [2, 2, 2]);

    let server = TestServer::start(honest(5, true)).await;
    let paginator = Paginator::new(client(&server), LIST, PAGES, json!({"Limit": 100}));
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..5));
    assert_eq!(sent(&server, "Limit"), [3, 3], "capped at the vendor's 3");

    // The request's offset is where the listing starts.
    let server = TestServer::start(honest(5, true)).await;
    let paginator = Paginator::new(client(&server), LIST, PAGES, json!({"Offset": 3}));
    assert_eq!(all_ids(paginator).await.unwrap(), ids(3..5));
}

#[tokio::test]
async fn max_items_stops_exactly_and_asks_for_no_more_than_is_left() {
    let server = TestServer::start(honest(10, true)).await;
    let mut pages = Paginator::<Value>::new(client(&server), LIST, PAGES, Value::Null).max_items(5);
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await {
        sizes.push(page.unwrap()["Items"].as_array().unwrap().len());
    }
    assert_eq!(sizes, [3, 2]);
    assert_eq!(sent(&server, "Limit"), [3, 2]);
    assert!(pages.next_page().await.is_none(), "ended stays ended");

    let server = TestServer::start(honest(10, true)).await;
    let paginator = Paginator::new(client(&server), LIST, PAGES, Value::Null).max_items(4);
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..4));
}

#[tokio::test]
async fn without_a_total_an_empty_page_ends_the_list() {
    let server = TestServer::start(honest(6, false)).await;
    let paginator = Paginator::new(
        client(&server),
        LIST,
        PAGES.with_total("Nowhere"),
        Value::Null,
    );
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..6));
    assert_eq!(sent(&server, "Offset"), [0, 3, 6]);

    // An empty list is one empty page (it still says the total).
    let server = TestServer::start(honest(0, true)).await;
    let mut pages = Paginator::<Value>::new(client(&server), LIST, PAGES, Value::Null);
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first["TotalCount"], 0);
    assert!(pages.next_page().await.is_none());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_is_an_error_before_any_item_repeats() {
    let server = TestServer::start(|_, _| {
        Reply::tencent_ok(
            json!({"TotalCount": 100, "Items": [{"Id": "i-0"}, {"Id": "i-1"}, {"Id": "i-2"}]}),
            "r",
        )
    })
    .await;
    let mut items = Paginator::<Value>::new(client(&server), LIST, PAGES, Value::Null).items();
    let mut seen = Vec::new();
    let error = loop {
        match items.next_item().await {
            Some(Ok(item)) => seen.push(item["Id"].as_str().unwrap().to_owned()),
            Some(Err(error)) => break error,
            None => panic!("the listing should fail"),
        }
    };
    assert_eq!(seen, ids(0..3), "each item once");
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.message().contains("ignores `Offset`"), "{error}");
    assert!(items.next_item().await.is_none(), "an error ends the list");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_total_that_shrinks_ends_the_list_at_the_new_total() {
    // 9 items, then 4 (deleted while listing): the second page is the last.
    let server = TestServer::start(|req, i| {
        let offset = number(&req.json()["Offset"]);
        let total = if i == 0 { 9 } else { 4 };
        let items: Vec<Value> = (offset..total.min(offset + 3))
            .map(|i| json!({"Id": format!("i-{i}")}))
            .collect();
        Reply::tencent_ok(json!({"TotalCount": total, "Items": items}), "r")
    })
    .await;
    let paginator = Paginator::new(client(&server), LIST, PAGES, Value::Null);
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..4));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn page_number_listings_count_pages_and_refuse_short_pages_before_the_end() {
    let server = TestServer::start(|req, _| {
        let input = req.json();
        let page = number(&input["PageNumber"]);
        let size = number(&input["PageSize"]);
        let start = (page - 1) * size;
        let items: Vec<Value> = (start..8.min(start + size))
            .map(|i| json!({"Id": format!("i-{i}")}))
            .collect();
        Reply::tencent_ok(json!({"Total": 8, "List": items}), "r")
    })
    .await;
    let pages = PageInfo::new("PageNumber", "PageSize", "List", 3)
        .with_style(PageStyle::Page1)
        .with_total("Total");
    let paginator = Paginator::new(client(&server), LIST, pages, Value::Null);
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..8));
    assert_eq!(sent(&server, "PageNumber"), [1, 2, 3]);

    // A server that caps pages at 2 while 3 were asked for would make page 2 skip an item.
    let server = TestServer::start(|req, _| {
        let page = number(&req.json()["PageNumber"]);
        let items: Vec<Value> = (page * 2..page * 2 + 2)
            .map(|i| json!({"Id": format!("i-{i}")}))
            .collect();
        Reply::tencent_ok(json!({"Total": 8, "List": items}), "r")
    })
    .await;
    let zero_based = pages.with_style(PageStyle::Page0);
    let error = all_ids(Paginator::new(
        client(&server),
        LIST,
        zero_based,
        Value::Null,
    ))
    .await
    .expect_err("short pages");
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.message().contains("skip"), "{error}");
}

#[tokio::test]
async fn text_members_get_numbers_as_text() {
    let server = TestServer::start(honest(4, true)).await;
    let pages = PAGES.with_text_offset().with_text_limit();
    let paginator = Paginator::new(client(&server), LIST, pages, Value::Null);
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..4));
    assert_eq!(sent(&server, "Offset"), [json!("0"), json!("3")]);
    assert_eq!(sent(&server, "Limit"), [json!("3"), json!("3")]);
}

#[tokio::test]
async fn the_page_cap_ends_an_endless_list_with_an_error() {
    // Every page new, the total never reached.
    let server = TestServer::start(honest(1_000_000, true)).await;
    let error = all_ids(Paginator::new(client(&server), LIST, PAGES, Value::Null).max_pages(4))
        .await
        .expect_err("capped");
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.message().contains("4 pages"), "{error}");
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn errors_end_the_list_once() {
    let server = TestServer::start(|_, i| {
        if i == 0 {
            Reply::tencent_ok(
                json!({"TotalCount": 10, "Items": [{"Id": "i-0"}, {"Id": "i-1"}, {"Id": "i-2"}]}),
                "r",
            )
        } else {
            Reply::tencent_error("InternalError", "boom", "r-2")
        }
    })
    .await;
    let mut pages = Paginator::<Value>::new(client(&server), LIST, PAGES, Value::Null);
    assert!(pages.next_page().await.unwrap().is_ok());
    let error = pages.next_page().await.unwrap().expect_err("page 2 fails");
    assert!(error.is_code("InternalError"));
    assert!(pages.next_page().await.is_none());

    // A request that cannot be built fails where pages are read.
    let mut failed = Paginator::<Value>::failed(
        client(&server),
        LIST,
        PAGES,
        cloud_transport::Error::invalid_input("`InstanceId` is not set"),
    );
    let error = failed.next_page().await.unwrap().expect_err("no request");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(failed.next_page().await.is_none());
    let not_an_object = Paginator::<Value>::new(client(&server), LIST, PAGES, json!([1]));
    let error = all_ids(not_an_object).await.expect_err("bad input");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

/// Marker listings: `line_num` names the last item received, items at `Logs`, at most 3 a page.
const LOGS: PageInfo = PageInfo::new("line_num", "limit", "Logs", 3).with_marker("line_num");

/// `n` log lines, `line_num` "1".."n", each page starting after the line the request names.
fn log_lines(n: usize) -> impl Fn(&Received, usize) -> Reply + Send + Sync {
    move |req, _| {
        let input = req.json();
        let after = input.get("line_num").map_or(0, number);
        let limit = number(&input["limit"]);
        let items: Vec<Value> = (after + 1..=n.min(after + limit))
            .map(|i| json!({"Id": format!("i-{i}"), "line_num": i.to_string()}))
            .collect();
        Reply::tencent_ok(json!({ "Logs": items }), "r")
    }
}

#[tokio::test]
async fn marker_listings_continue_after_the_last_item_and_end_on_an_empty_page() {
    let server = TestServer::start(log_lines(10)).await;
    let paginator = Paginator::new(client(&server), LIST, LOGS, json!({"node_id": "n-1"}));
    assert_eq!(all_ids(paginator).await.unwrap(), ids(1..11));
    // No marker on the first page; then the last item's, as it came (text).
    assert_eq!(
        sent(&server, "line_num"),
        [Value::Null, json!("3"), json!("6"), json!("9"), json!("10")]
    );
    assert!(sent(&server, "node_id").iter().all(|n| *n == "n-1"));

    // The request's own marker is where the listing starts; max_items cuts it.
    let server = TestServer::start(log_lines(10)).await;
    let paginator = Paginator::new(client(&server), LIST, LOGS, json!({"line_num": "4"}));
    assert_eq!(all_ids(paginator.max_items(4)).await.unwrap(), ids(5..9));
    assert_eq!(sent(&server, "line_num"), [json!("4"), json!("7")]);
}

#[tokio::test]
async fn a_repeated_marker_is_an_error_not_a_loop() {
    // New items every page, but the last one always says line 3.
    let server = TestServer::start(|_, i| {
        let items: Vec<Value> = (0..3)
            .map(|k| json!({"Id": format!("i-{}", i * 3 + k), "line_num": "3"}))
            .collect();
        Reply::tencent_ok(json!({ "Logs": items }), "r")
    })
    .await;
    let mut items = Paginator::<Value>::new(client(&server), LIST, LOGS, Value::Null).items();
    let mut seen = Vec::new();
    let error = loop {
        match items.next_item().await {
            Some(Ok(item)) => seen.push(item["Id"].as_str().unwrap().to_owned()),
            Some(Err(error)) => break error,
            None => panic!("the listing should fail"),
        }
    };
    // Page 1 (asked without a marker) and page 2 (after "3") are good; page 2 ends at "3" again.
    assert_eq!(seen, ids(0..6));
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.message().contains("already sent"), "{error}");
    assert!(items.next_item().await.is_none());
    assert_eq!(server.count(), 2);

    // A server that ignores the marker repeats the page: the same guard as for offsets.
    let server = TestServer::start(|_, _| {
        Reply::tencent_ok(json!({"Logs": [{"Id": "i-1", "line_num": "1"}]}), "r")
    })
    .await;
    let error = all_ids(Paginator::new(client(&server), LIST, LOGS, Value::Null))
        .await
        .expect_err("repeats");
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_last_item_without_a_marker_ends_the_list_with_an_error_after_its_page() {
    let server =
        TestServer::start(|_, _| Reply::tencent_ok(json!({"Logs": [{"Id": "i-1"}]}), "r")).await;
    let mut pages = Paginator::<Value>::new(client(&server), LIST, LOGS, Value::Null);
    assert!(
        pages.next_page().await.unwrap().is_ok(),
        "the page itself is good"
    );
    let error = pages.next_page().await.unwrap().expect_err("no marker");
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.message().contains("no `line_num`"), "{error}");
    assert!(pages.next_page().await.is_none());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn items_in_the_list_the_request_chose_page_like_any_others() {
    // `Type: key` fills `Keys`; `Commands` stays empty.
    let server = TestServer::start(|req, _| {
        let input = req.json();
        let offset = number(&input["Offset"]);
        let keys: Vec<Value> = (offset..7.min(offset + number(&input["Limit"])))
            .map(|i| json!({"Id": format!("i-{i}")}))
            .collect();
        Reply::tencent_ok(json!({"TotalCount": 7, "Commands": [], "Keys": keys}), "r")
    })
    .await;
    let pages = PageInfo::new("Offset", "Limit", "Commands", 2)
        .with_other_items(&["Keys"])
        .with_total("TotalCount");
    let paginator = Paginator::new(client(&server), LIST, pages, json!({"Type": "key"}));
    assert_eq!(all_ids(paginator).await.unwrap(), ids(0..7));
    assert_eq!(sent(&server, "Offset"), [0, 2, 4, 6]);
}
