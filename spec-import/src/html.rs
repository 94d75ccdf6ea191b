//! Vendor docs written in HTML → the Markdown a spec's `docs` fields hold.
//!
//! tccli's api.json wraps most member docs in `<p>`, lists values in `<ul><li>`, breaks lines
//! with `<br>`, links other actions with `<a href="/document/api/...">` and escapes quotes as
//! `&quot;`. Kept as is, rustdoc shows the tags as text (the emitter has to escape them) and the
//! CLI's help shows them raw. Only the tags the sources use are converted; anything else that
//! looks like a tag (`list<string>` in prose) is left for the emitter to escape.

/// Converts `text` if it has HTML tags or entities; returns it unchanged otherwise. Relative
/// links (`/document/...`) are made absolute against `site` (`https://www.tencentcloud.com`).
pub fn to_markdown(text: &str, site: &str) -> String {
    if !looks_like_html(text) {
        return text.to_owned();
    }
    let mut out = Converter {
        out: String::new(),
        site,
        lists: 0,
        links: Vec::new(),
        stray_item_ended: false,
    };
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.text(&rest[..start]);
        let candidate = &rest[start..];
        match Tag::parse(candidate) {
            Some((tag, len)) => {
                out.tag(tag);
                rest = &candidate[len..];
            }
            None => {
                out.out.push('<');
                rest = &candidate[1..];
            }
        }
    }
    out.text(rest);
    tidy(&out.out)
}

fn looks_like_html(text: &str) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        if Tag::parse(&rest[start..]).is_some() {
            return true;
        }
        rest = &rest[start + 1..];
    }
    ENTITIES.iter().any(|(entity, _)| text.contains(entity))
        || text
            .match_indices("&#")
            .any(|(at, _)| numeric_entity(&text[at..]).is_some())
}

const ENTITIES: &[(&str, &str)] = &[
    ("&quot;", "\""),
    ("&#39;", "'"),
    ("&apos;", "'"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&nbsp;", " "),
    ("&amp;", "&"),
];

/// The named entities of [`ENTITIES`] and numeric ones (`&#61;`, `&#x3D;`).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let named = ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity));
        if let Some((entity, ch)) = named {
            out.push_str(ch);
            rest = &rest[entity.len()..];
        } else if let Some((ch, len)) = numeric_entity(rest) {
            out.push(ch);
            rest = &rest[len..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// `&#61;` or `&#x3D;` at the start of `text`: the character and the entity's length.
fn numeric_entity(text: &str) -> Option<(char, usize)> {
    let body = text.strip_prefix("&#")?;
    let end = body.find(';')?;
    let digits = &body[..end];
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    Some((char::from_u32(code)?, end + 3))
}

#[derive(Debug, PartialEq)]
enum Tag {
    Paragraph,
    Break,
    List { close: bool },
    Item,
    ItemEnd,
    Link { href: Option<String> },
    LinkEnd,
    Strong,
    Emphasis,
    Code,
}

impl Tag {
    /// The tag at the start of `text` and its length in bytes, if it is one this converter knows.
    fn parse(text: &str) -> Option<(Tag, usize)> {
        let end = text.find('>')?;
        let inner = &text[1..end];
        if inner.contains('<') {
            return None;
        }
        let (close, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let inner = inner.trim_end_matches('/').trim();
        let name_len = inner
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(inner.len());
        let (name, attributes) = inner.split_at(name_len);
        let tag = match (name.to_ascii_lowercase().as_str(), close) {
            ("p", _) => Tag::Paragraph,
            ("br", _) => Tag::Break,
            ("ul" | "ol", close) => Tag::List { close },
            ("li", false) => Tag::Item,
            ("li", true) => Tag::ItemEnd,
            ("a", false) => Tag::Link {
                href: attribute(attributes, "href"),
            },
            ("a", true) => Tag::LinkEnd,
            ("strong" | "b", _) => Tag::Strong,
            ("em" | "i", _) => Tag::Emphasis,
            ("code", _) => Tag::Code,
            _ => return None,
        };
        Some((tag, end + 1))
    }
}

/// The value of `name="..."` (or `'...'`) in a tag's attributes.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let lower = attributes.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let value = &attributes[at..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    Some(value[..value.find(quote)?].to_owned())
}

struct Converter<'a> {
    out: String,
    site: &'a str,
    /// How deep in `<ul>`/`<ol>` the text is.
    lists: usize,
    /// Open `<a>`s: their href, if any.
    links: Vec<Option<String>>,
    /// A `</li>` outside any list was the last thing seen.
    stray_item_ended: bool,
}

impl Converter<'_> {
    fn text(&mut self, text: &str) {
        let text = decode_entities(text);
        // After an item outside any list, new words start a paragraph; trailing punctuation
        // (`</li>.`) stays on the item.
        if self.stray_item_ended && !text.trim().is_empty() {
            if text.trim_start().starts_with(char::is_alphanumeric) {
                self.paragraph_break();
            }
            self.stray_item_ended = false;
        }
        self.out.push_str(&text);
    }

    fn paragraph_break(&mut self) {
        self.out.push_str("\n\n");
    }

    fn tag(&mut self, tag: Tag) {
        if tag != Tag::ItemEnd {
            self.stray_item_ended = false;
        }
        match tag {
            Tag::Paragraph if self.lists > 0 => {}
            Tag::Paragraph => self.paragraph_break(),
            // Inside a list item a new line continues the item; elsewhere it starts a paragraph
            // (a soft line break would join the lines in rustdoc).
            Tag::Break if self.lists > 0 => self.out.push_str("\n  "),
            Tag::Break => self.paragraph_break(),
            Tag::List { close: false } => {
                self.lists += 1;
                if self.lists == 1 {
                    self.paragraph_break();
                }
            }
            Tag::List { close: true } => {
                self.lists = self.lists.saturating_sub(1);
                if self.lists == 0 {
                    self.paragraph_break();
                }
            }
            Tag::Item => {
                self.out.push('\n');
                self.out
                    .push_str(&"  ".repeat(self.lists.saturating_sub(1)));
                self.out.push_str("- ");
            }
            // Tencent also writes items without a list around them (`Status:<br><li>ON</li>`):
            // the text after the last one is not part of it.
            Tag::ItemEnd if self.lists == 0 => self.stray_item_ended = true,
            Tag::ItemEnd => {}
            Tag::Link { href } => {
                if href.is_some() {
                    self.out.push('[');
                }
                self.links.push(href);
            }
            Tag::LinkEnd => {
                if let Some(Some(href)) = self.links.pop() {
                    let href = if href.starts_with('/') {
                        format!("{}{href}", self.site)
                    } else {
                        href
                    };
                    self.out.push_str(&format!("]({href})"));
                }
            }
            Tag::Strong => self.out.push_str("**"),
            Tag::Emphasis => self.out.push('*'),
            Tag::Code => self.out.push('`'),
        }
    }
}

/// Trailing spaces off every line, at most one blank line in a row, no blank line inside a
/// list, nothing blank at either end.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            let list_continues = line.trim_start().starts_with("- ")
                && out.trim_end().lines().last().is_some_and(|prev| {
                    prev.trim_start().starts_with("- ") || prev.starts_with("  ")
                });
            if blank_run > 0 && !list_continues {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    const SITE: &str = "https://www.tencentcloud.com";

    #[test]
    fn plain_text_is_left_alone() {
        let text = "Instance ID.\n\n  indented line, `list<string>` and a < b";
        assert_eq!(to_markdown(text, SITE), text);
    }

    #[test]
    fn paragraphs_breaks_and_entities() {
        assert_eq!(
            to_markdown(
                "<p>Weight mode,<br>system: &quot;system&quot;, custom: &#39;custom&#39;</p>",
                SITE
            ),
            "Weight mode,\n\nsystem: \"system\", custom: 'custom'"
        );
        // Decoded once: `&amp;lt;` is the text `&lt;`.
        assert_eq!(to_markdown("a &amp;lt; b", SITE), "a &lt; b");
        assert_eq!(
            to_markdown("no &#x3D; or &#61; &#xZZ; &", SITE),
            "no = or = &#xZZ; &"
        );
    }

    #[test]
    fn links_become_markdown_and_relative_ones_absolute() {
        assert_eq!(
            to_markdown(
                r#"<p>Obtained through the <a href="https://www.tencentcloud.com/document/api/236/90585">DescribeCdbProxyInfo</a> API. See <a href="/document/api/236/15842">the list</a>.</p>"#,
                SITE
            ),
            "Obtained through the [DescribeCdbProxyInfo](https://www.tencentcloud.com/document/api/236/90585) API. \
             See [the list](https://www.tencentcloud.com/document/api/236/15842)."
        );
        // An anchor without href keeps its text only.
        assert_eq!(to_markdown("<a name=x>here</a>", SITE), "here");
    }

    #[test]
    fn lists_and_emphasis() {
        assert_eq!(
            to_markdown(
                "<p>Values:</p><ul><li><strong>0</strong>: off</li><Li>1: on<br>(default)</li></ul><p>After.</p>",
                SITE
            ),
            "Values:\n\n- **0**: off\n- 1: on\n  (default)\n\nAfter."
        );
    }

    #[test]
    fn items_without_a_list_end_before_the_next_text() {
        assert_eq!(
            to_markdown(
                "Status:<br><li>ON: enabled</li><li>OFF: disabled</li>Note: <b>may</b> be null.",
                SITE
            ),
            "Status:\n\n- ON: enabled\n- OFF: disabled\n\nNote: **may** be null."
        );
        // Punctuation after an item stays on it.
        assert_eq!(
            to_markdown("<li>Eight characters.</li>.<li>No slash.</li>.", SITE),
            "- Eight characters..\n- No slash.."
        );
    }

    #[test]
    fn type_expressions_in_prose_are_not_tags() {
        assert_eq!(
            to_markdown("<p>A list<string> of ids</p>", SITE),
            "A list<string> of ids"
        );
    }
}
