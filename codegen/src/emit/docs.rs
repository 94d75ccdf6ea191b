//! Vendor documentation → rustdoc.
//!
//! Spec docs are Markdown copied from vendor pages, which contain things rustdoc reads differently
//! or rejects under `-D warnings`: `[brackets]` (taken for intra-doc links), `<tags>` (HTML; a
//! `<` or `>` in prose becomes `\<`/`\>`, never an entity such as `&lt;`),
//! bare URLs, indented lines (taken for Rust code and run as doctests) and bare ``` fences (also
//! doctests). (The HTML of Tencent's API descriptions is Markdown by then: the importers convert
//! it, `spec_import::html`.) [`Docs`]
//! sanitizes vendor text, keeps Markdown structure (paragraphs, lists, tables, fences) and wraps
//! paragraphs so the generated source reads like hand-written docs.

use proc_macro2::TokenStream;
use quote::quote;

/// Width of wrapped doc text, not counting indentation and `/// `.
const WRAP: usize = 92;

/// Documentation being assembled for one item.
#[derive(Default)]
pub(crate) struct Docs {
    lines: Vec<String>,
}

impl Docs {
    pub fn new() -> Docs {
        Docs::default()
    }

    /// Appends vendor text, sanitized, as its own paragraph(s).
    pub fn vendor(mut self, text: &str) -> Docs {
        let lines = sanitize(text);
        if !lines.is_empty() {
            self.blank_if_needed();
            self.lines.extend(lines);
        }
        self
    }

    /// Appends a paragraph written by the generator: already valid rustdoc Markdown (it may contain
    /// intra-doc links), wrapped here.
    pub fn para(mut self, text: impl AsRef<str>) -> Docs {
        self.blank_if_needed();
        self.lines.extend(wrap(text.as_ref(), "", ""));
        self
    }

    /// Appends lines exactly as given (code blocks, list items, headings).
    pub fn lines<I, S>(mut self, lines: I) -> Docs
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.blank_if_needed();
        self.lines.extend(lines.into_iter().map(Into::into));
        self
    }

    /// Appends a `# Heading`.
    pub fn heading(self, title: &str) -> Docs {
        self.lines([format!("# {title}")])
    }

    fn blank_if_needed(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// `#[doc = "..."]` attributes, one per line (printed as `///` comments).
    pub fn outer(&self) -> TokenStream {
        let lines = self.lines.iter().map(|l| doc_text(l));
        quote! { #(#[doc = #lines])* }
    }

    /// `#![doc = "..."]` attributes (printed as `//!` comments).
    pub fn inner(&self) -> TokenStream {
        let lines = self.lines.iter().map(|l| doc_text(l));
        quote! { #(#![doc = #lines])* }
    }

    /// The lines, for Markdown files.
    pub fn into_lines(self) -> Vec<String> {
        self.lines
    }
}

/// The doc attribute's string: `///` + a space + the line, without trailing whitespace.
fn doc_text(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {}", line.trim_end())
    }
}

/// The first sentence of vendor text, sanitized, on one line: for tables and summaries.
pub(crate) fn summary(text: &str) -> String {
    let lines = sanitize(text);
    let first_paragraph: Vec<&str> = lines
        .iter()
        .take_while(|l| !l.is_empty())
        .map(|l| l.trim())
        .collect();
    let paragraph = first_paragraph.join(" ");
    // A sentence ends at `. ` (not inside `e.g. `, good enough for vendor prose).
    let end = paragraph
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .find(|&i| !paragraph[..i].ends_with("e.g.") && !paragraph[..i].ends_with("i.e."));
    let sentence = match end {
        Some(i) => &paragraph[..i],
        None => &paragraph,
    };
    // Table cells cannot hold `|`.
    sentence.replace('|', "\\|")
}

/// Vendor text → safe rustdoc Markdown lines, paragraphs wrapped, no trailing blank lines.
pub(crate) fn sanitize(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut item: Option<(String, Vec<String>)> = None; // (marker, words) of an open list item
    let mut fence: Option<String> = None;
    let mut last_was_item = false;

    fn flush(
        out: &mut Vec<String>,
        paragraph: &mut Vec<String>,
        item: &mut Option<(String, Vec<String>)>,
    ) {
        if !paragraph.is_empty() {
            out.extend(wrap(&paragraph.join(" "), "", ""));
            paragraph.clear();
        }
        if let Some((marker, parts)) = item.take() {
            let indent = " ".repeat(marker.len());
            out.extend(wrap(&parts.join(" "), &marker, &indent));
        }
    }

    for raw in text.lines() {
        let line = raw.trim_end();
        if let Some(marker) = &fence {
            if line.trim_start().starts_with(marker.as_str()) {
                out.push(marker.clone());
                fence = None;
            } else {
                out.push(line.to_owned());
            }
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(info) = trimmed
            .strip_prefix("```")
            .or_else(|| trimmed.strip_prefix("~~~"))
        {
            flush(&mut out, &mut paragraph, &mut item);
            last_was_item = false;
            blank_before_block(&mut out);
            let marker = trimmed[..3].to_owned();
            // A fence without a language would be compiled and run as a Rust doctest.
            let info = info.trim();
            let info = if info.is_empty() || info == "rust" {
                "text"
            } else {
                info
            };
            out.push(format!("{marker}{info}"));
            fence = Some(marker);
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut out, &mut paragraph, &mut item);
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let escaped = escape_inline(trimmed);
        if item.is_none() && list_marker(trimmed).is_none() {
            last_was_item = false;
        }
        if trimmed.starts_with('|') {
            flush(&mut out, &mut paragraph, &mut item);
            out.push(escaped);
        } else if trimmed.starts_with('#') {
            flush(&mut out, &mut paragraph, &mut item);
            blank_before_block(&mut out);
            out.push(escaped);
            out.push(String::new());
        } else if let Some(marker) = list_marker(trimmed) {
            flush(&mut out, &mut paragraph, &mut item);
            if last_was_item {
                // Items separated only by blank lines (HTML `</li><li>`) stay one tight list.
                if out.last().is_some_and(String::is_empty) {
                    out.pop();
                }
            } else if interrupts_paragraph(&marker) && ends_with_paragraph(&out) {
                // A bullet list (or one starting at 1) may follow its paragraph directly, as in
                // "Valid values:" followed by the values.
                if out.last().is_some_and(String::is_empty) {
                    out.pop();
                }
            } else {
                blank_before_block(&mut out);
            }
            let rest = escaped[marker.len()..].trim_start().to_owned();
            item = Some((marker, vec![rest]));
            last_was_item = true;
        } else if trimmed
            .chars()
            .all(|c| c == '-' || c == '=' || c == '*' || c == '_')
        {
            // A rule or a setext underline in vendor text: keep the characters, lose the meaning.
            let escaped: String = trimmed.chars().flat_map(|c| ['\\', c]).collect();
            match &mut item {
                Some((_, parts)) => parts.push(escaped),
                None => paragraph.push(escaped),
            }
        } else {
            match &mut item {
                Some((_, parts)) => parts.push(escaped),
                None => paragraph.push(escaped),
            }
        }
    }
    flush(&mut out, &mut paragraph, &mut item);
    if let Some(marker) = fence {
        out.push(marker);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    // Collapse runs of blank lines.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    out
}

/// Whether a list with this marker may start right after a paragraph line (CommonMark: bullet
/// lists, and ordered lists that start at 1).
fn interrupts_paragraph(marker: &str) -> bool {
    matches!(marker, "- " | "* " | "+ " | "1. " | "1) ")
}

/// Whether the text so far ends with a paragraph line (possibly followed by one blank line).
fn ends_with_paragraph(out: &[String]) -> bool {
    let last = match out {
        [.., line, blank] if blank.is_empty() => line,
        [.., line] => line,
        [] => return false,
    };
    !last.is_empty()
        && list_marker(last).is_none()
        && !last.starts_with([' ', '|', '#', '`', '>', '~'])
}

fn blank_before_block(out: &mut Vec<String>) {
    if out.last().is_some_and(|l| !l.is_empty()) {
        out.push(String::new());
    }
}

/// `- `, `* `, `+ `, `1. `, `2) ` at the start of a line: the marker including its space.
fn list_marker(line: &str) -> Option<String> {
    for bullet in ["- ", "* ", "+ "] {
        if line.starts_with(bullet) {
            return Some(bullet.to_owned());
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if rest.starts_with(". ") || rest.starts_with(") ") {
            return Some(line[..digits + 2].to_owned());
        }
    }
    None
}

/// Escapes what rustdoc would misread in one line of vendor prose, keeping inline code, Markdown
/// links and autolinks, and turning bare URLs into autolinks.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        // Inline code: copied verbatim up to the closing run of backticks.
        if c == '`' {
            let run = rest.chars().take_while(|&c| c == '`').count();
            let ticks = &rest[..run];
            if let Some(end) = rest[run..].find(ticks) {
                let span = run + end + run;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
            } else {
                out.push_str(ticks);
                rest = &rest[run..];
            }
            continue;
        }
        // A Markdown link `[text](http...)`: kept.
        if c == '[' {
            if let Some(len) = markdown_link_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        // An autolink `<https://...>`: kept.
        if c == '<' {
            if let Some(len) = autolink_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if starts_bare_url(rest) && !out.ends_with(|c: char| c.is_alphanumeric()) {
            let len = bare_url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            rest = &rest[len..];
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            // Backslash escapes, not HTML entities: the text reads the same in the source, in
            // rustdoc and in a README.
            '<' => out.push_str("\\<"),
            '>' => out.push_str("\\>"),
            other => out.push(other),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn starts_bare_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// The URL at the start of `s`, without trailing sentence punctuation.
fn bare_url_len(s: &str) -> usize {
    let mut len = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '，' | '。'))
        .unwrap_or(s.len());
    while len > 0 {
        let last = s[..len].chars().next_back().unwrap_or(' ');
        let unbalanced_paren =
            last == ')' && s[..len].matches('(').count() < s[..len].matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ']') || unbalanced_paren {
            len -= last.len_utf8();
        } else {
            break;
        }
    }
    len
}

fn autolink_len(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('<')?;
    if !starts_bare_url(inner) {
        return None;
    }
    let end = inner.find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
    inner[end..].starts_with('>').then_some(end + 2)
}

/// `[text](http://...)` or `[text](https://...)` with no nested brackets: its length.
fn markdown_link_len(s: &str) -> Option<usize> {
    let close = s.find(']')?;
    if s[1..close].contains('[') {
        return None;
    }
    let target = s[close + 1..].strip_prefix('(')?;
    if !starts_bare_url(target) {
        return None;
    }
    let end = target.find(|c: char| c == ')' || c.is_whitespace())?;
    target[end..]
        .starts_with(')')
        .then_some(close + 1 + 1 + end + 1)
}

/// Greedy word wrap. A line never starts with a word Markdown would read as a list marker,
/// heading, quote or table (`-`, `1.`, `#`, `>`, `|`): such a word stays on the previous line.
pub(crate) fn wrap(text: &str, first_prefix: &str, next_prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first_prefix.to_owned();
    let mut line_has_words = false;
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= WRAP;
        if line_has_words && !fits && !starts_block(word) {
            lines.push(line);
            line = next_prefix.to_owned();
            line_has_words = false;
        }
        if line_has_words {
            line.push(' ');
        }
        line.push_str(word);
        line_has_words = true;
    }
    if line_has_words || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn starts_block(word: &str) -> bool {
    matches!(word, "-" | "*" | "+" | "=" | "==" | "---")
        || word.starts_with(['#', '>', '|'])
        || list_marker(&format!("{word} x")).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_html_and_urls_are_made_safe() {
        let lines = sanitize("Returns [a, b] or <none>; see https://example.com/x. Keep `a[0] <b>` and [link](https://e.com) and <https://x.y>.");
        assert_eq!(
            lines,
            vec![
                "Returns \\[a, b\\] or \\<none\\>; see <https://example.com/x>. Keep `a[0] <b>` and",
                "[link](https://e.com) and <https://x.y>."
            ]
        );
    }

    #[test]
    fn importer_markdown_is_laid_out() {
        // The importers turn the sources' HTML into Markdown (`spec-import`'s `html` module: its
        // test `items_without_a_list_end_before_the_next_text` gives this text); the emitter
        // lays it out.
        let lines = sanitize("Status:\n\n- ON: enabled\n- OFF: disabled\n\nNote: **may** be null.");
        assert_eq!(
            lines,
            vec![
                "Status:",
                "- ON: enabled",
                "- OFF: disabled",
                "",
                "Note: **may** be null."
            ]
        );
    }

    #[test]
    fn fences_get_a_language_and_indentation_is_not_code() {
        let lines =
            sanitize("Example:\n```\n{\"a\": [1]}\n```\n    indented text\n```json\n{}\n```");
        assert_eq!(
            lines,
            vec![
                "Example:",
                "",
                "```text",
                "{\"a\": [1]}",
                "```",
                "indented text",
                "",
                "```json",
                "{}",
                "```"
            ]
        );
        // An unterminated fence is closed.
        assert_eq!(sanitize("```\nx"), vec!["```text", "x", "```"]);
    }

    #[test]
    fn wrapping_never_starts_a_line_with_a_block_marker() {
        let text = format!("{} 2. then - and # and > end", "word ".repeat(17));
        for line in sanitize(&text) {
            assert!(line.chars().count() <= WRAP + 3, "{line}");
            assert!(
                list_marker(&line).is_none() && !line.starts_with(['#', '>', '-']),
                "{line}"
            );
        }
    }

    #[test]
    fn lists_wrap_with_hanging_indent() {
        let long = "word ".repeat(30);
        let lines = sanitize(&format!("- {long}\n- short"));
        assert!(lines[0].starts_with("- word"));
        assert!(lines[1].starts_with("  word"));
        assert_eq!(lines.last().map(String::as_str), Some("- short"));
    }

    #[test]
    fn summary_is_the_first_sentence() {
        assert_eq!(
            summary("This API is used to view the SSL status, e.g. on. More text.\n\nSecond."),
            "This API is used to view the SSL status, e.g. on."
        );
        assert_eq!(summary("a | b"), "a \\| b");
    }
}
