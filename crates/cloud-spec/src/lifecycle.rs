//! Rules about the lifecycle facts of a spec (task APIs, pagination, the resource) that every
//! reader needs the same way: the generator writes them into `const`s, `cloud_spec::transport`
//! builds the same descriptions at run time, the emulator and the validator read them.

use crate::{Operation, TypeExpr};

/// A filter member of a list operation, as a spec writes it: `InstanceIds` (the member itself
/// takes the value) or `Filters[db-instance-id]` (a Tencent filter list; the value goes in
/// `[{"Name": "db-instance-id", "Values": [value]}]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterMember<'a> {
    /// The input member.
    pub member: &'a str,
    /// The filter's name, for a filter list.
    pub name: Option<&'a str>,
}

impl<'a> FilterMember<'a> {
    /// Parses `Member` or `Member[filter-name]`.
    ///
    /// # Errors
    ///
    /// A text that is neither (empty parts, unbalanced brackets), saying what is wrong.
    pub fn parse(text: &'a str) -> Result<FilterMember<'a>, String> {
        let bad = |why: &str| {
            format!("`{text}` is not a filter member (`Member` or `Member[filter-name]`): {why}")
        };
        let (member, name) = match text.split_once('[') {
            None => (text, None),
            Some((member, rest)) => {
                let name = rest
                    .strip_suffix(']')
                    .ok_or_else(|| bad("no closing `]`"))?;
                if name.is_empty() || name.contains(['[', ']']) {
                    return Err(bad("the filter name is empty or has brackets"));
                }
                (member, Some(name))
            }
        };
        if member.is_empty() || member.contains([']', '.']) || member.trim() != member {
            return Err(bad("the member name is empty or malformed"));
        }
        Ok(FilterMember { member, name })
    }
}

impl Operation {
    /// Whether input member `member` is declared `string`: numbers for it (a numeric task
    /// handle, a page offset) are sent as text.
    pub fn input_is_text(&self, member: &str) -> bool {
        self.input_type(member) == Some(TypeExpr::String)
    }

    /// Whether input member `member` is a list (`list<T>`): a filter value for it is sent as a
    /// one-item list.
    pub fn input_is_list(&self, member: &str) -> bool {
        matches!(self.input_type(member), Some(TypeExpr::List(_)))
    }

    fn input_type(&self, member: &str) -> Option<TypeExpr> {
        TypeExpr::parse(&self.input.get(member)?.ty).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_members_parse_both_forms_and_reject_the_rest() {
        assert_eq!(
            FilterMember::parse("InstanceIds"),
            Ok(FilterMember {
                member: "InstanceIds",
                name: None
            })
        );
        assert_eq!(
            FilterMember::parse("Filters[db-instance-id]"),
            Ok(FilterMember {
                member: "Filters",
                name: Some("db-instance-id")
            })
        );
        for bad in [
            "",
            "Filters[",
            "Filters[]",
            "[x]",
            "Filters[a]b",
            "Filters[a[b]]",
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
}
