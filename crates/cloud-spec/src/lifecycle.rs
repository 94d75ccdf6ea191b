//! The two small text conventions of the lifecycle fields, read in one place: a resource filter
//! (`Filters[db-instance-id]`, see [`ResourceFilters`](crate::ResourceFilters)) and a resource id
//! format (`cmgo-{alnum:8}`, see [`Resource::id_format`](crate::Resource::id_format)); and how a
//! value goes into an input member of a lifecycle field: as text when the member is `string` (a
//! numeric task handle, a page offset), as a one-item list when it is a list (a filter value).
//!
//! The validator, the generator, the CLI and the emulator all parse them with these functions,
//! so they cannot disagree about what a filter or a format means.

use std::fmt;

use crate::{Operation, TypeExpr};

/// One resource filter, parsed: `Member` or `Member[filter-name]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterMember<'a> {
    /// The input member of the list operation.
    pub member: &'a str,
    /// With Tencent's filter convention: the `Name` of the `{"Name", "Values"}` entry of the
    /// member's list. `None`: the member takes the value (or a list of values) itself.
    pub filter_name: Option<&'a str>,
}

impl<'a> FilterMember<'a> {
    /// Parses `Member` or `Member[filter-name]`. The member is not empty and holds no brackets;
    /// a filter name is not empty and holds no brackets.
    pub fn parse(text: &'a str) -> Result<FilterMember<'a>, String> {
        let (member, filter_name) = match text.split_once('[') {
            None => (text, None),
            Some((member, rest)) => match rest.strip_suffix(']') {
                Some(name) if !name.is_empty() && !name.contains(['[', ']']) => {
                    (member, Some(name))
                }
                _ => return Err(format!("`{text}` is not `Member` or `Member[filter-name]`")),
            },
        };
        if member.is_empty() || member.contains([']', '[']) || member.trim() != member {
            return Err(format!("`{text}` is not `Member` or `Member[filter-name]`"));
        }
        Ok(FilterMember {
            member,
            filter_name,
        })
    }
}

impl Operation {
    /// Whether input member `member` is declared `string`: numbers for it (a numeric task
    /// handle, a page offset) are sent as text.
    pub fn input_is_text(&self, member: &str) -> bool {
        self.input
            .get(member)
            .is_some_and(|m| m.ty == TypeExpr::String)
    }

    /// Whether input member `member` is a list (`list<T>`): a filter value for it is sent as a
    /// one-item list.
    pub fn input_is_list(&self, member: &str) -> bool {
        self.input
            .get(member)
            .is_some_and(|m| matches!(m.ty, TypeExpr::List(_)))
    }
}

/// One piece of a resource id format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdFormatPart {
    /// Text copied as is (`cmgo-`, `in06`).
    Literal(String),
    /// `{alnum:N}`: N characters from lower-case ASCII letters and digits.
    Alnum(usize),
    /// `{hex:N}`: N lower-case hexadecimal digits.
    Hex(usize),
}

/// A resource id format that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdFormatError(pub String);

impl fmt::Display for IdFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdFormatError {}

/// Parses an id format: literal text with `{alnum:N}` and `{hex:N}` placeholders (N from 1 to
/// 64). At least one placeholder is required, or every new id would be the same.
pub fn parse_id_format(format: &str) -> Result<Vec<IdFormatPart>, IdFormatError> {
    let mut parts = Vec::new();
    let mut rest = format;
    while !rest.is_empty() {
        let Some(open) = rest.find(['{', '}']) else {
            parts.push(IdFormatPart::Literal(rest.to_owned()));
            break;
        };
        if rest[open..].starts_with('}') {
            return Err(IdFormatError(format!(
                "`{format}`: `}}` without a `{{` before it"
            )));
        }
        if open > 0 {
            parts.push(IdFormatPart::Literal(rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(IdFormatError(format!("`{format}`: `{{` is not closed")));
        };
        let placeholder = &rest[open + 1..open + close];
        let part = match placeholder.split_once(':') {
            Some(("alnum", n)) => count(n).map(IdFormatPart::Alnum),
            Some(("hex", n)) => count(n).map(IdFormatPart::Hex),
            _ => None,
        };
        match part {
            Some(part) => parts.push(part),
            None => {
                return Err(IdFormatError(format!(
                    "`{format}`: `{{{placeholder}}}` is not `{{alnum:N}}` or `{{hex:N}}` with N from 1 to 64"
                )))
            }
        }
        rest = &rest[open + close + 1..];
    }
    if !parts.iter().any(|p| !matches!(p, IdFormatPart::Literal(_))) {
        return Err(IdFormatError(format!(
            "`{format}` has no `{{alnum:N}}` or `{{hex:N}}` placeholder: every new id would be the same"
        )));
    }
    Ok(parts)
}

fn count(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| (1..=64).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_a_member_or_a_named_filter_entry() {
        assert_eq!(
            FilterMember::parse("InstanceIds").unwrap(),
            FilterMember {
                member: "InstanceIds",
                filter_name: None
            }
        );
        assert_eq!(
            FilterMember::parse("Filters[db-instance-id]").unwrap(),
            FilterMember {
                member: "Filters",
                filter_name: Some("db-instance-id")
            }
        );
        for bad in [
            "",
            "[x]",
            "Filters[]",
            "Filters[a",
            "Filters[a]b",
            "F]",
            " A",
            "F[a[b]]",
        ] {
            assert!(FilterMember::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn input_types_decide_text_and_lists() {
        let op: Operation = serde_json::from_value(serde_json::json!({
            "docs": "",
            "input": {
                "TaskId": {"type": "uint64"},
                "AsyncRequestId": {"type": "string"},
                "InstanceIds": {"type": "list<string>"}
            },
            "output": {}
        }))
        .expect("an operation");
        assert!(op.input_is_text("AsyncRequestId"));
        assert!(!op.input_is_text("TaskId"));
        assert!(!op.input_is_text("Absent"));
        assert!(op.input_is_list("InstanceIds"));
        assert!(!op.input_is_list("AsyncRequestId"));
    }

    #[test]
    fn id_formats_have_literals_and_placeholders() {
        assert_eq!(
            parse_id_format("cmgo-{alnum:8}").unwrap(),
            [
                IdFormatPart::Literal("cmgo-".into()),
                IdFormatPart::Alnum(8)
            ]
        );
        assert_eq!(
            parse_id_format("{hex:32}in06").unwrap(),
            [IdFormatPart::Hex(32), IdFormatPart::Literal("in06".into())]
        );
        for bad in [
            "cmgo-",
            "cmgo-{alnum}",
            "{alnum:0}",
            "{alnum:65}",
            "{base64:8}",
            "{hex:8",
            "a}{hex:8}",
            "{hex:x}",
        ] {
            assert!(parse_id_format(bad).is_err(), "{bad}");
        }
    }
}
