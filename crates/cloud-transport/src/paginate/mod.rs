//! Paginators: every page, or every item, of a list operation, as async iterators and
//! [`Stream`](futures_core::Stream)s.
//!
//! A paged operation is described by a `const` [`PageInfo`]: the input members that say where a
//! page starts (`Offset`, `PageNumber`, or a marker such as `line_num` that names the last item
//! received) and how long it is (`Limit`), the path of the list and
//! of the total in the answer, and the largest page the vendor allows. A [`Paginator`] sends the
//! operation again and again, moving the offset on, and yields each answer as a page;
//! [`Paginator::items`] yields the listed items one by one.
//!
//! What it guarantees:
//!
//! - **Page size**: the largest the vendor allows, unless the request sets the limit member or
//!   [`Paginator::page_size`] sets one (both capped at the vendor's largest).
//! - **End**: it stops when the items received reach the total the answer states (the latest
//!   one: a total that shrinks while listing ends the list sooner), on an empty page, or at
//!   [`Paginator::max_items`] (the last page is cut to it).
//! - **No loops, no repeats**: a page whose items are those of an earlier page (a server that
//!   ignores the offset) ends the listing with an [`ErrorKind::Pagination`](crate::ErrorKind)
//!   error, before any item is yielded twice; so does a page-number listing whose pages come
//!   back shorter than asked before the end (items would be skipped), a marker listing whose
//!   next marker is one it already sent or is missing from the last item, and reaching the cap
//!   of [`Paginator::max_pages`] (10,000 pages unless set).
//! - **Errors** end the listing: the failed call's error is yielded once, then nothing.
//!
//! # Example
//!
//! ```no_run
//! # async fn example(client: cloud_transport::Client) -> cloud_transport::Result<()> {
//! use cloud_transport::paginate::{PageInfo, Paginator};
//! use cloud_transport::OperationInfo;
//!
//! const DESCRIBE_INSTANCES: OperationInfo = OperationInfo::action("DescribeDBInstances").read_only();
//! const PAGES: PageInfo =
//!     PageInfo::new("Offset", "Limit", "DBInstanceSet", 100).with_total("TotalCount");
//!
//! // Untyped: pages and items as `serde_json::Value`.
//! let mut items = Paginator::<serde_json::Value>::new(
//!     client,
//!     DESCRIBE_INSTANCES,
//!     PAGES,
//!     serde_json::json!({ "ProjectId": 0 }),
//! )
//! .max_items(250)
//! .items();
//! while let Some(item) = items.next_item().await {
//!     println!("{}", item?["InstanceId"]);
//! }
//! # Ok(()) }
//! ```

pub(crate) mod pager;
mod stream;

pub use stream::{Items, Paginator};

/// How a list operation pages: what a paginator needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// What the offset member counts.
    pub style: PageStyle,
    /// The input member that says where a page starts (`Offset`, `offset`, `PageNumber`).
    pub offset: &'static str,
    /// The input member that says how many items a page holds (`Limit`, `limit`, `PageSize`).
    pub limit: &'static str,
    /// The offset member is text: numbers are sent as `"100"`.
    pub offset_as_text: bool,
    /// The limit member is text.
    pub limit_as_text: bool,
    /// Dot-separated path of the list of items in the answer.
    pub items: &'static str,
    /// Other paths of the items, when the request decides which list the answer fills: a
    /// page's items are the first of `items` and these that holds a non-empty list.
    pub other_items: &'static [&'static str],
    /// Dot-separated path of the total number of items in the answer, when it states one.
    pub total: Option<&'static str>,
    /// The largest page the vendor allows.
    pub max_page_size: u32,
    /// Style [`PageStyle::Marker`]: dot-separated path, within an item, of the next page's
    /// marker (the last item's).
    pub next_marker: Option<&'static str>,
}

/// What a paged operation's offset member counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PageStyle {
    /// Items to skip: the next page starts at the offset plus the items received.
    #[default]
    Offset,
    /// Page number, the first page being 0.
    Page0,
    /// Page number, the first page being 1.
    Page1,
    /// A marker (the offset member): the next page starts after the item the marker names,
    /// and the first page is asked for without one unless the request sets it. The marker is
    /// the last item's [`PageInfo::next_marker`].
    Marker,
}

impl PageInfo {
    /// An offset-style listing: `offset` counts items to skip, `limit` is the page size, the
    /// items are at `items`, and a page holds at most `max_page_size`.
    pub const fn new(
        offset: &'static str,
        limit: &'static str,
        items: &'static str,
        max_page_size: u32,
    ) -> Self {
        PageInfo {
            style: PageStyle::Offset,
            offset,
            limit,
            offset_as_text: false,
            limit_as_text: false,
            items,
            other_items: &[],
            total: None,
            max_page_size,
            next_marker: None,
        }
    }

    /// Other paths the items may be at, when the request decides which list the answer fills.
    pub const fn with_other_items(mut self, other_items: &'static [&'static str]) -> Self {
        self.other_items = other_items;
        self
    }

    /// Where a page's items are: the first of [`items`](Self::items) and
    /// [`other_items`](Self::other_items) that holds a non-empty list, else `items`.
    pub fn items_path(&self, page: &serde_json::Value) -> &'static str {
        std::iter::once(self.items)
            .chain(self.other_items.iter().copied())
            .find(|path| {
                crate::json_path::value_at(page, path)
                    .and_then(serde_json::Value::as_array)
                    .is_some_and(|items| !items.is_empty())
            })
            .unwrap_or(self.items)
    }

    /// A marker listing: `marker` is the input member that says after which item a page
    /// starts, and each item's `next_marker` (the last one's) is the next page's marker.
    pub const fn with_marker(mut self, next_marker: &'static str) -> Self {
        self.style = PageStyle::Marker;
        self.next_marker = Some(next_marker);
        self
    }

    /// What the offset member counts, when it is not items.
    pub const fn with_style(mut self, style: PageStyle) -> Self {
        self.style = style;
        self
    }

    /// Where the answer states the total number of items.
    pub const fn with_total(mut self, total: &'static str) -> Self {
        self.total = Some(total);
        self
    }

    /// The offset member is text.
    pub const fn with_text_offset(mut self) -> Self {
        self.offset_as_text = true;
        self
    }

    /// The limit member is text.
    pub const fn with_text_limit(mut self) -> Self {
        self.limit_as_text = true;
        self
    }

    /// The offset of the first page when the request does not set one.
    pub(crate) fn first_offset(&self) -> u64 {
        match self.style {
            PageStyle::Offset | PageStyle::Page0 | PageStyle::Marker => 0,
            PageStyle::Page1 => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn const_constructors_set_what_they_say() {
        const PAGES: PageInfo = PageInfo::new("PageNumber", "PageSize", "Items", 50)
            .with_style(PageStyle::Page1)
            .with_total("TotalCount")
            .with_text_offset();
        let pages = PAGES;
        assert_eq!(pages.style, PageStyle::Page1);
        assert_eq!(pages.total, Some("TotalCount"));
        assert!(pages.offset_as_text && !pages.limit_as_text);
        assert_eq!(pages.first_offset(), 1);
        assert_eq!(PageInfo::new("o", "l", "i", 1).first_offset(), 0);
        const COMMANDS: PageInfo =
            PageInfo::new("offset", "limit", "commands", 50).with_other_items(&["keys"]);
        let keys = serde_json::json!({"commands": [], "keys": [{"name": "k"}]});
        assert_eq!(COMMANDS.items_path(&keys), "keys");
        assert_eq!(COMMANDS.items_path(&serde_json::json!({})), "commands");
        const LOGS: PageInfo =
            PageInfo::new("line_num", "limit", "slow_logs", 100).with_marker("line_num");
        assert_eq!(
            (LOGS.style, LOGS.next_marker),
            (PageStyle::Marker, Some("line_num"))
        );
    }
}
