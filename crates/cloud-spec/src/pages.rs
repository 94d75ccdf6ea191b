//! How a paged operation pages, decided once from its `pagination` key: the facts behind the
//! transport's `PageInfo`. The generator spells them as the operation's `Paged::PAGES` and
//! `cloud_spec::transport::page_info` builds the same value for the CLI's `--page-all`, so the
//! rules below (what the offset counts; offsets and limits declared `string` take their numbers
//! as text) are written here and nowhere else.

use crate::facts::{error, FactsError, FactsProblem};
use crate::{Operation, PageStyle};

/// How an operation pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFacts<'s> {
    /// What the offset member counts.
    pub counting: PageCounting<'s>,
    /// The input member that says where a page starts (with a marker: the marker).
    pub offset: &'s str,
    /// The input member that says how many items a page holds.
    pub limit: &'s str,
    /// The offset member is declared `string`: numbers for it are sent as text.
    pub offset_as_text: bool,
    /// The limit member is declared `string`.
    pub limit_as_text: bool,
    /// The path of the items in an answer.
    pub items: &'s str,
    /// Other paths of the items, when an input decides which list an answer fills.
    pub other_items: &'s [String],
    /// The path of the total number of items, when the answer states it.
    pub total: Option<&'s str>,
    /// The largest page the vendor allows.
    pub max_page_size: u32,
}

/// What a paged operation's offset member counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageCounting<'s> {
    /// Items to skip.
    Items,
    /// Pages, the first being 0.
    Page0,
    /// Pages, the first being 1.
    Page1,
    /// A marker: the next page starts after the item whose `next_marker` path it names (the
    /// last item's).
    Marker {
        /// The path, within an item, of the next page's marker.
        next_marker: &'s str,
    },
}

/// How operation `name` pages, when it does.
///
/// # Errors
///
/// Style `marker` without `next_marker`, or `next_marker` with another style.
pub fn page_facts<'s>(
    name: &str,
    operation: &'s Operation,
) -> Result<Option<PageFacts<'s>>, FactsError> {
    let Some(pagination) = &operation.pagination else {
        return Ok(None);
    };
    let counting = match (pagination.style, pagination.next_marker.as_deref()) {
        (PageStyle::Marker, Some(next_marker)) => PageCounting::Marker { next_marker },
        (PageStyle::Offset, None) => PageCounting::Items,
        (PageStyle::Page0, None) => PageCounting::Page0,
        (PageStyle::Page1, None) => PageCounting::Page1,
        _ => {
            return Err(error(
                format!("operations.{name}.pagination.next_marker"),
                FactsProblem::MarkerMismatch,
            ))
        }
    };
    Ok(Some(PageFacts {
        counting,
        offset: &pagination.offset,
        limit: &pagination.limit,
        offset_as_text: operation.input_is_text(&pagination.offset),
        limit_as_text: operation.input_is_text(&pagination.limit),
        items: &pagination.items,
        other_items: &pagination.other_items,
        total: pagination.total.as_deref(),
        max_page_size: pagination.max_page_size,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(pagination: serde_json::Value) -> Operation {
        serde_json::from_value(serde_json::json!({
            "docs": "Lists things.",
            "read_only": true,
            "input": {"Offset": {"type": "string"}, "Limit": {"type": "int64"}},
            "pagination": pagination,
        }))
        .expect("an operation")
    }

    #[test]
    fn members_declared_string_take_text_and_the_style_decides_the_counting() {
        let op = operation(serde_json::json!({
            "offset": "Offset", "limit": "Limit", "items": "Items", "total": "TotalCount",
            "max_page_size": 100, "style": "page1"
        }));
        let facts = page_facts("DescribeThings", &op).unwrap().expect("paged");
        assert_eq!(facts.counting, PageCounting::Page1);
        assert!(facts.offset_as_text && !facts.limit_as_text);
        assert_eq!((facts.items, facts.total), ("Items", Some("TotalCount")));
        assert_eq!(facts.max_page_size, 100);

        let op = operation(serde_json::json!({
            "offset": "Offset", "limit": "Limit", "items": "Items", "max_page_size": 50,
            "style": "marker", "next_marker": "Id"
        }));
        let facts = page_facts("DescribeThings", &op).unwrap().expect("paged");
        assert_eq!(facts.counting, PageCounting::Marker { next_marker: "Id" });
    }

    #[test]
    fn a_marker_needs_its_next_marker_and_nothing_else_takes_one() {
        for pagination in [
            serde_json::json!({"offset": "Offset", "limit": "Limit", "items": "Items",
                "max_page_size": 50, "style": "marker"}),
            serde_json::json!({"offset": "Offset", "limit": "Limit", "items": "Items",
                "max_page_size": 50, "next_marker": "Id"}),
        ] {
            let e = page_facts("DescribeThings", &operation(pagination)).unwrap_err();
            assert_eq!(e.path, "operations.DescribeThings.pagination.next_marker");
            assert_eq!(e.problem, FactsProblem::MarkerMismatch);
        }
        let mut op = operation(serde_json::json!({"offset": "Offset", "limit": "Limit",
            "items": "Items", "max_page_size": 50}));
        op.pagination = None;
        assert_eq!(page_facts("DescribeThings", &op), Ok(None));
    }
}
