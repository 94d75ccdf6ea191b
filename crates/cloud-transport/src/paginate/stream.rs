//! [`Paginator`] (pages) and [`Items`] (items): typed async iterators and `Stream`s over a
//! [`Pager`].

use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::pager::Pager;
use super::PageInfo;
use crate::json_path::value_at_mut;
use crate::{Client, Error, ErrorKind, OperationInfo, Result};

/// A page being fetched; it hands the pager back with the page.
type Fetch = Pin<Box<dyn Future<Output = (Box<Pager>, Option<Result<Value>>)> + Send>>;

/// Owns the pager between fetches and the fetch in flight, so pages can be polled (for
/// `Stream`) as well as awaited.
struct Driver {
    pager: Option<Box<Pager>>,
    in_flight: Option<Fetch>,
}

impl Driver {
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Value>>> {
        let fetch = match &mut self.in_flight {
            Some(fetch) => fetch,
            None => {
                let Some(mut pager) = self.pager.take() else {
                    return Poll::Ready(None);
                };
                self.in_flight.insert(Box::pin(async move {
                    let page = pager.fetch().await;
                    (pager, page)
                }))
            }
        };
        match fetch.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((pager, page)) => {
                self.in_flight = None;
                self.pager = Some(pager);
                Poll::Ready(page)
            }
        }
    }

    /// Changes the pager before the first page (while no fetch is in flight).
    fn configure(&mut self, change: impl FnOnce(&mut Pager)) {
        if let Some(pager) = &mut self.pager {
            change(pager);
        }
    }

    fn describe(&self) -> Option<(OperationInfo, PageInfo)> {
        self.pager.as_ref().map(|p| (*p.op(), *p.info()))
    }
}

/// Every page of a list operation: an async iterator ([`next_page`](Self::next_page)) and a
/// [`Stream`] of `Result<P>`, where `P` is the operation's output (`serde_json::Value` when
/// untyped). [`items`](Self::items) turns it into the items, of type `T`.
///
/// See the [module docs](super) for the page size, the end of the list and what it refuses to
/// do. Generated crates make one with `Request::paginate`.
#[must_use = "a paginator does nothing until its pages or items are read"]
pub struct Paginator<P = Value, T = Value> {
    driver: Driver,
    pages: PageInfo,
    operation: &'static str,
    _types: PhantomData<fn() -> (P, T)>,
}

impl<P, T> fmt::Debug for Paginator<P, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.operation)
            .field("items", &self.pages.items)
            .field("in_flight", &self.driver.in_flight.is_some())
            .finish()
    }
}

impl<P: DeserializeOwned, T: DeserializeOwned> Paginator<P, T> {
    /// Pages through `op` called with `input` (the request's members by wire name) on `client`.
    /// If `input` sets the limit member, that is the page size; if it sets the offset member,
    /// the listing starts there.
    pub fn new(client: Client, op: OperationInfo, pages: PageInfo, input: Value) -> Self {
        Self::from_pager(Pager::new(client, op, pages, input))
    }

    /// A paginator whose first page is `error` (a request that could not be built), so that
    /// making a paginator never fails and the error shows where pages are read.
    pub fn failed(client: Client, op: OperationInfo, pages: PageInfo, error: Error) -> Self {
        Self::from_pager(Pager::failed(client, op, pages, error))
    }

    /// [`new`](Self::new) for a request that could be built, [`failed`](Self::failed) for
    /// one that could not: what the generated `Request::paginate` calls.
    pub fn from_input(
        client: Client,
        op: OperationInfo,
        pages: PageInfo,
        input: Result<Value>,
    ) -> Self {
        match input {
            Ok(input) => Self::new(client, op, pages, input),
            Err(error) => Self::failed(client, op, pages, error),
        }
    }

    fn from_pager(pager: Pager) -> Self {
        Paginator {
            pages: *pager.info(),
            operation: pager.op().name,
            driver: Driver {
                pager: Some(Box::new(pager)),
                in_flight: None,
            },
            _types: PhantomData,
        }
    }

    /// Asks for pages of `size` items (at least 1, at most the vendor's largest), instead of
    /// the largest. Set it before reading the first page.
    pub fn page_size(mut self, size: u32) -> Self {
        self.driver.configure(|p| p.set_page_size(size));
        self
    }

    /// Stops after `max` items: the last page is cut to it. Set it before reading.
    pub fn max_items(mut self, max: u64) -> Self {
        self.driver.configure(|p| p.set_max_items(max));
        self
    }

    /// Ends with an [`ErrorKind::Pagination`] error instead of asking for more than `max` pages
    /// (default 10,000). Set it before reading.
    pub fn max_pages(mut self, max: u32) -> Self {
        self.driver.configure(|p| p.set_max_pages(max));
        self
    }

    /// The next page, or `None` once the list has ended. An error ends the list: it comes
    /// once, then `None`.
    pub async fn next_page(&mut self) -> Option<Result<P>> {
        poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<P>>> {
        self.driver.poll_page(cx).map(|page| {
            page.map(|page| {
                page.and_then(|page| {
                    crate::codec::from_value(page).map_err(|e| {
                        Error::new(
                            ErrorKind::Decode,
                            format!(
                                "{}: a page does not have the documented shape: {e}",
                                self.operation
                            ),
                        )
                    })
                })
            })
        })
    }

    /// The items of every page, one by one.
    pub fn items(self) -> Items<T> {
        Items {
            driver: self.driver,
            pages: self.pages,
            operation: self.operation,
            buffer: VecDeque::new(),
            _item: PhantomData,
        }
    }

    /// What is being listed: the operation and how it pages (`None` while a page is being
    /// fetched).
    pub fn describe(&self) -> Option<(OperationInfo, PageInfo)> {
        self.driver.describe()
    }
}

impl<P: DeserializeOwned, T: DeserializeOwned> Stream for Paginator<P, T> {
    type Item = Result<P>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// Every item of a list operation, across its pages: an async iterator
/// ([`next_item`](Self::next_item)) and a [`Stream`] of `Result<T>`. Made by
/// [`Paginator::items`].
#[must_use = "items do nothing until they are read"]
pub struct Items<T = Value> {
    driver: Driver,
    pages: PageInfo,
    operation: &'static str,
    buffer: VecDeque<Value>,
    _item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("operation", &self.operation)
            .field("items", &self.pages.items)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T: DeserializeOwned> Items<T> {
    /// The next item, or `None` once the list has ended. An error ends the list.
    pub async fn next_item(&mut self) -> Option<Result<T>> {
        poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Every item, or the first error.
    ///
    /// # Errors
    ///
    /// The error that ended the listing.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(item) = self.next_item().await {
            all.push(item?);
        }
        Ok(all)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(crate::codec::from_value(item).map_err(|e| {
                    Error::new(
                        ErrorKind::Decode,
                        format!(
                            "{}: an item of `{}` does not have the documented shape: {e}",
                            self.operation, self.pages.items
                        ),
                    )
                })));
            }
            match self.driver.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(mut page))) => {
                    let path = self.pages.items_path(&page);
                    if let Some(Value::Array(items)) = value_at_mut(&mut page, path) {
                        self.buffer.extend(std::mem::take(items));
                    }
                }
            }
        }
    }
}

impl<T: DeserializeOwned> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}
