//! Help text from the specs' documentation: plain text, one-line summaries, wrapped paragraphs.
//!
//! Vendor docs are Markdown with bits of HTML (`<p>`, `<br>`, `<li>`, `&lt;`); a terminal shows
//! neither, so help text gets plain lines. Lists of ~165 operations stay readable only with one
//! short line each, hence [`one_line`].

/// Longest one-line summary, in characters; longer ones end in `…`. With the operation name
/// column (up to ~45 characters) a listing line stays within ~130 columns.
pub const ONE_LINE_MAX: usize = 80;

/// Width long help paragraphs are wrapped to (clap indents them by 10 columns).
pub const WRAP_WIDTH: usize = 90;

/// The docs as plain text: HTML line breaks and list items become new lines, other tags go,
/// entities are decoded, and runs of blank lines shrink to one.
pub fn plain(docs: &str) -> String {
    let mut out = String::with_capacity(docs.len());
    let mut rest = docs;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        // A `<` that does not open a tag (`a < b`, `<5 GB`) is text.
        let Some(end) = after.find('>').filter(|&end| is_tag(&after[1..end])) else {
            out.push('<');
            rest = &after[1..];
            continue;
        };
        let tag = after[1..end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let closing = after[1..].starts_with('/');
        match tag.as_str() {
            "br" | "p" | "div" | "tr" => out.push('\n'),
            "ul" | "ol" if closing => out.push('\n'),
            "li" if !closing => out.push_str("\n- "),
            _ => {}
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let mut lines: Vec<&str> = Vec::new();
    for line in decoded.lines().map(str::trim_end) {
        if line.trim().is_empty() && lines.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// Whether `inner` (between `<` and `>`) looks like an HTML tag: a name, maybe closing or with
/// attributes.
fn is_tag(inner: &str) -> bool {
    let name = inner.trim_start_matches('/');
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .all(|c| c.is_ascii_alphanumeric())
        && !inner.contains('\n')
}

/// The first sentence of the docs' first line, at most [`ONE_LINE_MAX`] characters: the line an
/// operation or member gets in a list.
pub fn one_line(docs: &str) -> String {
    let plain = plain(docs);
    let first = plain
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let first = first.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(first_sentence(&first), ONE_LINE_MAX)
}

fn first_sentence(text: &str) -> &str {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        match c {
            // CJK full stops end a sentence wherever they are.
            '。' | '！' | '？' => return &text[..end],
            '.' | '!' | '?' | ';' => {
                // `e.g. x`, `v1.2`, `(0.5)`: a sentence ends at a stop followed by a space and an
                // upper-case letter or nothing; "i.e." and "e.g." never end one.
                let before = &text[..i];
                let abbreviation = ["e.g", "i.e", "etc", "vs"]
                    .iter()
                    .any(|a| before.to_ascii_lowercase().ends_with(a));
                let next = text[end..].chars().nth(1);
                let at_end = chars.peek().is_none();
                let followed_by_sentence = chars.peek().is_some_and(|(_, n)| *n == ' ')
                    && next.is_some_and(char::is_uppercase);
                if !abbreviation && (at_end || followed_by_sentence) {
                    return &text[..end];
                }
            }
            _ => {}
        }
    }
    text
}

/// `text` cut to at most `max` characters at a word boundary, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

/// Wraps each line of `text` to `width` characters at spaces (words longer than the width,
/// such as URLs, stay whole), keeping a list item's indentation on its continuation lines.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.chars().count() <= width {
            out.push(line.to_owned());
            continue;
        }
        let indent = if line.trim_start().starts_with("- ") {
            line.len() - line.trim_start().len() + 2
        } else {
            line.len() - line.trim_start().len()
        };
        let mut current = String::new();
        for word in line.split_whitespace() {
            let len = current.chars().count();
            if len > 0 && len + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut current));
                current.push_str(&" ".repeat(indent));
            } else if len > 0 {
                current.push(' ');
            } else {
                current.push_str(&line[..line.len() - line.trim_start().len()]);
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_lines() {
        assert_eq!(
            plain("<p>Instance status. Valid values:<br>0 - Creating<br>1 - Running</p>"),
            "Instance status. Valid values:\n0 - Creating\n1 - Running"
        );
        assert_eq!(
            plain("Modes:<ul><li>a &amp; b</li><li>x &lt; 5</li></ul>Then."),
            "Modes:\n- a & b\n- x < 5\nThen."
        );
        assert_eq!(plain("a < b and c<5 GB"), "a < b and c<5 GB");
        assert_eq!(plain("One.\n\n\n\nTwo.\n\n"), "One.\n\nTwo.");
    }

    #[test]
    fn one_line_is_the_first_sentence() {
        assert_eq!(
            one_line("Queries backups. This API is used to query.\n\nMore."),
            "Queries backups."
        );
        assert_eq!(
            one_line("Sets the version, e.g. 5.7. It applies at once."),
            "Sets the version, e.g. 5.7."
        );
        assert_eq!(
            one_line("查询实例可维护时间段。更多。"),
            "查询实例可维护时间段。"
        );
        assert_eq!(one_line("<p>Offset. Default value is 0.</p>"), "Offset.");
        assert_eq!(
            one_line("<p>Task status, possible values:<br>0 - None<br>1 - Upgrading</p>"),
            "Task status, possible values:"
        );
        assert_eq!(one_line(""), "");
        let long = "word ".repeat(40);
        let line = one_line(&long);
        assert!(
            line.chars().count() <= ONE_LINE_MAX && line.ends_with('…'),
            "{line}"
        );
    }

    #[test]
    fn wrapping_keeps_words_and_list_indentation() {
        let text = "- one two three four five six";
        assert_eq!(wrap(text, 14), "- one two\n  three four\n  five six");
        assert_eq!(
            wrap("https://example.com/a/very/long/url", 10),
            "https://example.com/a/very/long/url"
        );
        assert_eq!(wrap("short\n\nlines", 10), "short\n\nlines");
    }
}
