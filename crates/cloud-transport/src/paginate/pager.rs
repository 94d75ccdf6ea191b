//! The paging state machine: asks for one page after another and decides when the list ends,
//! untyped. [`Paginator`](super::Paginator) and the resource waiters drive it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use serde_json::{Map, Value};

use super::{PageInfo, PageStyle};
use crate::json_path::{value_at, value_at_mut};
use crate::{Client, Error, ErrorKind, OperationInfo, Result};

/// The most pages a paginator asks for unless told otherwise: far beyond any real listing
/// (a million items at 100 a page), and still an end.
pub(crate) const DEFAULT_MAX_PAGES: u32 = 10_000;

/// One listing in progress.
pub(crate) struct Pager {
    client: Client,
    op: OperationInfo,
    info: PageInfo,
    base: Map<String, Value>,
    /// Items per page asked for.
    page_size: u32,
    /// The offset (or page number) of the next page.
    next: u64,
    /// Marker style: the marker of the next page (`None`: the first page, asked without one).
    marker: Option<Value>,
    /// Marker style: every marker sent, to catch a server that hands one out twice.
    markers_sent: Vec<Value>,
    /// How many items of the whole list come before the next page.
    position: u64,
    /// Items handed out so far.
    received: u64,
    max_items: Option<u64>,
    max_pages: u32,
    /// Pages asked for so far.
    pages: u32,
    /// A fingerprint of every non-empty page's items, to catch a page served twice.
    seen: Vec<u64>,
    finished: bool,
    /// An error to hand out instead of the first page (a request that could not be built).
    pending: Option<Error>,
    deadline: Option<Instant>,
}

impl Pager {
    /// A listing of `op` with `input` (the request's members by wire name; its limit member,
    /// if set, is the page size and its offset member the start).
    pub(crate) fn new(client: Client, op: OperationInfo, info: PageInfo, input: Value) -> Pager {
        let max = info.max_page_size.max(1);
        let (mut base, pending) = match input {
            Value::Object(map) => (map, None),
            Value::Null => (Map::new(), None),
            other => (
                Map::new(),
                Some(Error::invalid_input(format!(
                    "{}: the input to page through must be a JSON object, not {other}",
                    op.name
                ))),
            ),
        };
        let page_size = base
            .get(info.limit)
            .and_then(as_count)
            .map_or(max, |asked| asked.clamp(1, u64::from(max)) as u32);
        let next = base
            .get(info.offset)
            .and_then(as_count)
            .unwrap_or_else(|| info.first_offset());
        let marker = match info.style {
            PageStyle::Marker => base.remove(info.offset).filter(|m| !m.is_null()),
            _ => None,
        };
        Pager {
            client,
            op,
            info,
            base,
            page_size,
            next,
            marker,
            markers_sent: Vec::new(),
            position: 0,
            received: 0,
            max_items: None,
            max_pages: DEFAULT_MAX_PAGES,
            pages: 0,
            seen: Vec::new(),
            finished: false,
            pending,
            deadline: None,
        }
    }

    /// A listing that yields `error`, then ends.
    pub(crate) fn failed(client: Client, op: OperationInfo, info: PageInfo, error: Error) -> Pager {
        let mut pager = Pager::new(client, op, info, Value::Null);
        pager.pending = Some(error);
        pager
    }

    pub(crate) fn set_page_size(&mut self, size: u32) {
        self.page_size = size.clamp(1, self.info.max_page_size.max(1));
    }

    pub(crate) fn set_max_items(&mut self, max: u64) {
        self.max_items = Some(max);
    }

    pub(crate) fn set_max_pages(&mut self, max: u32) {
        self.max_pages = max.max(1);
    }

    pub(crate) fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = Some(deadline);
    }

    pub(crate) fn info(&self) -> &PageInfo {
        &self.info
    }

    pub(crate) fn op(&self) -> &OperationInfo {
        &self.op
    }

    /// The next page, `None` once the list has ended. After an error, nothing more.
    pub(crate) async fn fetch(&mut self) -> Option<Result<Value>> {
        if self.finished {
            return None;
        }
        let outcome = self.fetch_page().await;
        if !matches!(outcome, Some(Ok(_))) {
            self.finished = true;
        }
        outcome
    }

    async fn fetch_page(&mut self) -> Option<Result<Value>> {
        if let Some(error) = self.pending.take() {
            return Some(Err(error));
        }
        if self.pages == 0 {
            self.position = match self.info.style {
                PageStyle::Offset => self.next,
                PageStyle::Marker => 0,
                PageStyle::Page0 | PageStyle::Page1 => self
                    .next
                    .saturating_sub(self.info.first_offset())
                    .saturating_mul(u64::from(self.page_size)),
            };
        }
        let left = self.max_items.map(|max| max.saturating_sub(self.received));
        if left == Some(0) {
            return None;
        }
        if self.pages >= self.max_pages {
            return Some(Err(self.error(format!(
                "stopped after {} pages, the paginator's cap; the list may go on (raise the cap with max_pages)",
                self.max_pages
            ))));
        }
        // Offset style: ask for no more than is left, so the last page is not cut.
        let limit = match (self.info.style, left) {
            (PageStyle::Offset | PageStyle::Marker, Some(left)) => {
                left.min(u64::from(self.page_size))
            }
            _ => u64::from(self.page_size),
        };
        let mut input = self.base.clone();
        if self.info.style == PageStyle::Marker {
            if let Some(marker) = &self.marker {
                let marker = match marker {
                    Value::Number(n) if self.info.offset_as_text => Value::String(n.to_string()),
                    other => other.clone(),
                };
                input.insert(self.info.offset.to_owned(), marker.clone());
                self.markers_sent.push(marker);
            }
        } else {
            input.insert(
                self.info.offset.to_owned(),
                number(self.next, self.info.offset_as_text),
            );
        }
        input.insert(
            self.info.limit.to_owned(),
            number(limit, self.info.limit_as_text),
        );
        self.pages += 1;
        let page_number = self.pages;
        let mut page = match self
            .client
            .call_json_until(&self.op, Value::Object(input), self.deadline)
            .await
        {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        let items_path = self.info.items_path(&page);
        let items = match value_at(&page, items_path) {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(items)) => items.as_slice(),
            Some(other) => {
                return Some(Err(Error::new(
                    ErrorKind::Decode,
                    format!(
                        "{}: page {page_number}: `{}` is not a list but {}",
                        self.op.name,
                        items_path,
                        kind_of(other)
                    ),
                )))
            }
        };
        let count = items.len() as u64;
        if count == 0 {
            self.finished = true;
            // The first page is an answer even when empty (it states the total); a later empty
            // page only marks the end.
            return (page_number == 1).then_some(Ok(page));
        }
        let fingerprint = fingerprint(items);
        if let Some(earlier) = self.seen.iter().position(|f| *f == fingerprint) {
            return Some(Err(self.error(format!(
                "page {page_number} (`{}` {}) has the same items as page {}: the service ignores `{}`; stopped rather than repeat them",
                self.info.offset,
                self.next,
                earlier + 1,
                self.info.offset
            ))));
        }
        self.seen.push(fingerprint);
        let next_marker = self.next_marker(items, page_number);
        let total = self
            .info
            .total
            .and_then(|path| value_at(&page, path))
            .and_then(as_count);
        self.position = self.position.saturating_add(count);
        self.next = self.next.saturating_add(match self.info.style {
            PageStyle::Offset | PageStyle::Marker => count,
            PageStyle::Page0 | PageStyle::Page1 => 1,
        });
        let short = count < u64::from(self.page_size);
        if let (PageStyle::Page0 | PageStyle::Page1, true, Some(total)) =
            (self.info.style, short, total)
        {
            if self.position < total {
                return Some(Err(self.error(format!(
                    "page {page_number} holds {count} items, fewer than the {} asked for, before the end ({total} in all): the next page number would skip items",
                    self.page_size
                ))));
            }
        }
        let keep = left.map_or(count, |left| left.min(count));
        if keep < count {
            if let Some(Value::Array(items)) = value_at_mut(&mut page, items_path) {
                items.truncate(keep as usize);
            }
        }
        self.received = self.received.saturating_add(keep);
        let reached_max = self.max_items.is_some_and(|max| self.received >= max);
        let reached_total = total.is_some_and(|total| self.position >= total);
        if reached_max || reached_total {
            self.finished = true;
        } else if let Some(next_marker) = next_marker {
            // This page is good; a marker that cannot go on ends the list at the next call.
            match next_marker {
                Ok(marker) => self.marker = Some(marker),
                Err(error) => self.pending = Some(error),
            }
        }
        Some(Ok(page))
    }

    /// Marker style: the marker of the page after `items` (the last item's), or why there is
    /// none to ask with. `None` for the other styles.
    fn next_marker(&self, items: &[Value], page_number: u32) -> Option<Result<Value>> {
        let path = match (self.info.style, self.info.next_marker) {
            (PageStyle::Marker, Some(path)) => path,
            _ => return None,
        };
        let marker = items
            .last()
            .and_then(|item| value_at(item, path))
            .filter(|m| !m.is_null());
        Some(match marker {
            None => Err(self.error(format!(
                "page {page_number}: its last item has no `{path}` to ask for the next page with"
            ))),
            Some(marker) if self.markers_sent.iter().any(|m| same_marker(m, marker)) => {
                Err(self.error(format!(
                    "page {page_number} ends at `{path}` {marker}, a marker already sent: the service would list the same items again; stopped rather than loop"
                )))
            }
            Some(marker) => Ok(marker.clone()),
        })
    }

    fn error(&self, message: String) -> Error {
        Error::new(
            ErrorKind::Pagination,
            format!("{}: {message}", self.op.name),
        )
    }
}

/// Two markers are the same whether sent as a number or as its text.
fn same_marker(a: &Value, b: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    text(a) == text(b)
}

/// A count sent as a number or as the text of one.
fn as_count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn number(n: u64, as_text: bool) -> Value {
    if as_text {
        Value::String(n.to_string())
    } else {
        Value::from(n)
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A fingerprint of a page's items: equal items, equal fingerprints.
fn fingerprint(items: &[Value]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for item in items {
        item.to_string().hash(&mut hasher);
    }
    hasher.finish()
}
