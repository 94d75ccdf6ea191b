//! Blank lines between items.
//!
//! prettyplease writes items back to back; hand-written Rust separates them with a blank line.
//! This adds one between consecutive items at the top level and inside `impl`, `mod` and `trait`
//! blocks (indentation 0 or 4), and between `use` groups (std, other crates, this crate) the way
//! rustfmt sorts them. rustfmt keeps single blank lines, so the result still agrees with it.

/// Adds the blank lines; `text` is prettyplease output.
pub(crate) fn blank_lines_between_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // The group of the `use` statement just written, while a run of them lasts.
    let mut use_run: Option<u8> = None;
    // Inside a `use` statement that spans lines.
    let mut open_use = false;
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let level = indent(line);
        let blank = match previous {
            None => false,
            Some(previous) => {
                if open_use {
                    if level == 0 {
                        open_use = false; // the closing `};`
                    }
                    false
                } else if let (0, Some(group)) = (level, use_group(trimmed)) {
                    open_use = !trimmed.ends_with(';');
                    let blank = use_run.is_none_or(|run| run != group);
                    use_run = Some(group);
                    // Docs and attributes stay attached to their `use`.
                    let attached = previous.starts_with("///") || previous.starts_with("#[");
                    blank && !previous.is_empty() && !attached
                } else {
                    if level == 0 {
                        use_run = None;
                    }
                    separates(previous, line)
                }
            }
        };
        if blank {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Lines that start an item (possibly with its docs or attributes first).
fn starts_item(trimmed: &str) -> bool {
    const STARTS: &[&str] = &[
        "///", "#[", "pub ", "pub(", "fn ", "async fn", "impl", "const ", "static ", "struct ",
        "enum ", "mod ", "use ", "trait ", "type ",
    ];
    STARTS.iter().any(|s| trimmed.starts_with(s))
}

/// std = 0, other crates = 1, this crate = 2: the groups hand-written code separates.
fn use_group(trimmed: &str) -> Option<u8> {
    let path = trimmed
        .strip_prefix("pub use ")
        .or_else(|| trimmed.strip_prefix("use "))?;
    Some(
        if ["std::", "core::", "alloc::"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            0
        } else if ["crate::", "self::", "super::"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            2
        } else {
            1
        },
    )
}

/// Whether a blank line goes between `previous` and `line` (neither a `use`).
fn separates(previous: &str, line: &str) -> bool {
    let trimmed = line.trim_start();
    let previous_trimmed = previous.trim_start();
    if line.is_empty() || previous.is_empty() {
        return false;
    }
    // After the module docs and the crate attributes.
    if previous_trimmed.starts_with("//!") {
        return !trimmed.starts_with("//!");
    }
    if previous_trimmed.starts_with("#![") {
        return !trimmed.starts_with("#![");
    }
    let level = indent(line);
    // After an item whose last line is indented: `pub const X: T = a\n    .b();`.
    if level == 0
        && indent(previous) > 0
        && previous_trimmed.ends_with(';')
        && !previous_trimmed.starts_with("//")
        && starts_item(trimmed)
    {
        return true;
    }
    if (level != 0 && level != 4) || indent(previous) != level || !starts_item(trimmed) {
        return false;
    }
    // Comment lines (`/// # }` in a doc example) do not end items.
    if previous_trimmed.starts_with("//") {
        return false;
    }
    // The previous item ended at this level: `}`, `};`, `fn f() {}`, or a one-line `...;` item.
    if previous_trimmed.ends_with('}') || previous_trimmed == "};" {
        return true;
    }
    if previous_trimmed.ends_with(';') && !previous_trimmed.starts_with("///") {
        // One-line associated items (`type Output = X;`, `const INFO: ... = ...;`) stay together.
        if level == 4 && trimmed.ends_with(';') {
            return false;
        }
        // Runs of `mod x;` stay together.
        return item_kind(previous_trimmed) != item_kind(trimmed);
    }
    false
}

fn item_kind(trimmed: &str) -> &str {
    let without_vis = trimmed
        .strip_prefix("pub(crate) ")
        .or_else(|| trimmed.strip_prefix("pub "))
        .unwrap_or(trimmed);
    without_vis.split_whitespace().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_separated_and_use_groups_too() {
        let text = "//! Docs.\nuse std::fmt;\nuse serde::Serialize;\nuse serde::{\n    A,\n    B,\n};\nuse crate::X;\npub mod a;\npub mod b;\n/// A.\npub struct A;\nimpl A {\n    fn a() {}\n    /// B.\n    fn b() {\n        if x {\n        }\n        let y = 1;\n    }\n}\nconst C: u8 = 1;\n";
        let expected = "//! Docs.\n\nuse std::fmt;\n\nuse serde::Serialize;\nuse serde::{\n    A,\n    B,\n};\n\nuse crate::X;\n\npub mod a;\npub mod b;\n\n/// A.\npub struct A;\n\nimpl A {\n    fn a() {}\n\n    /// B.\n    fn b() {\n        if x {\n        }\n        let y = 1;\n    }\n}\n\nconst C: u8 = 1;\n";
        assert_eq!(blank_lines_between_items(text), expected);
    }
}
