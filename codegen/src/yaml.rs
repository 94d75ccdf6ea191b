//! A YAML document as a tree whose every node and key knows its line and column.
//!
//! Built on `saphyr-parser`'s event stream rather than a ready-made loader because the spec loader
//! needs three things loaders tend not to give together: duplicate keys rejected (not silently
//! overwritten), a position for every key and value, and no recursion (a deeply nested input must
//! give an error, not overflow the stack). Scalars are resolved with the YAML 1.2 core schema, so
//! `on`, `off`, `yes` and `2019-07-25` stay strings.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::error::{Segment, SpecPath};

/// Deeper documents are rejected. Specs nest about eight levels; examples a few more.
pub const MAX_DEPTH: usize = 64;

/// A position in the source: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// Its content.
    pub value: NodeValue,
}

/// The content of a node, after core-schema resolution of plain scalars.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `~`, `null`, or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// A positive integer above `i64::MAX` that fits in `u64`.
    UInt(u64),
    /// A finite floating-point number.
    Float(f64),
    /// Any other scalar, and every quoted or block scalar.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, keys unique.
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key's text.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// A document that is not acceptable YAML for a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Where the problem is.
    pub pos: Pos,
    /// Path of the node being read when it was found.
    pub path: SpecPath,
    /// What is wrong.
    pub message: String,
}

/// A container being filled while events arrive.
enum Frame {
    Seq {
        pos: Pos,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        entries: Vec<Entry>,
        /// The key read, waiting for its value.
        pending_key: Option<(String, Pos)>,
        /// Key → where it was first seen, to reject repeats.
        seen: HashMap<String, Pos>,
    },
}

/// Parses one YAML document into a located tree.
pub fn parse(source: &str) -> Result<Node, YamlError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    // The parser always advances, but an upper bound on events turns any parser bug into an error
    // instead of a hang. Every event but empty scalars consumes input; those come at most a few per
    // token.
    let max_events = source.len().saturating_mul(8).saturating_add(1024);

    for (count, item) in Parser::new_from_str(source).enumerate() {
        if count > max_events {
            return Err(error_at(
                Pos::default(),
                &stack,
                "the YAML parser did not finish; please report this input",
            ));
        }
        let (event, span) = match item {
            Ok(item) => item,
            Err(scan) => {
                let marker = scan.marker();
                let pos = Pos {
                    line: marker.line(),
                    column: marker.col() + 1,
                };
                return Err(error_at(
                    pos,
                    &stack,
                    &format!("invalid YAML: {}", scan.info()),
                ));
            }
        };
        let pos = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error_at(
                        pos,
                        &stack,
                        "a spec file holds exactly one YAML document; remove the extra `---`",
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(error_at(
                    pos,
                    &stack,
                    "aliases (`*name`) are not supported in specs; write the value out",
                ))
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                check_plain(pos, &stack, anchor, tag.is_some())?;
                if stack.len() >= MAX_DEPTH {
                    return Err(error_at(
                        pos,
                        &stack,
                        &format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        pos,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        pos,
                        entries: Vec::new(),
                        pending_key: None,
                        seen: HashMap::new(),
                    }
                };
                stack.push(frame);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { pos, items }) => Node {
                    pos,
                    value: NodeValue::Seq(items),
                },
                Some(Frame::Map { pos, entries, .. }) => Node {
                    pos,
                    value: NodeValue::Map(entries),
                },
                None => {
                    return Err(error_at(pos, &stack, "unbalanced end of a collection"));
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                check_plain(pos, &stack, anchor, tag.is_some())?;
                let value = if style == ScalarStyle::Plain {
                    resolve_plain(&text).map_err(|message| error_at(pos, &stack, &message))?
                } else {
                    NodeValue::String(text.into_owned())
                };
                Node { pos, value }
            }
        };
        attach(node, &mut stack, &mut root)?;
    }

    if !stack.is_empty() {
        return Err(error_at(Pos::default(), &stack, "unexpected end of input"));
    }
    root.ok_or_else(|| YamlError {
        pos: Pos { line: 1, column: 1 },
        path: SpecPath::root(),
        message: "the file holds no YAML document".to_owned(),
    })
}

/// Adds a finished node to the container on top of the stack (or makes it the root).
fn attach(node: Node, stack: &mut [Frame], root: &mut Option<Node>) -> Result<(), YamlError> {
    let awaiting_key = matches!(
        stack.last(),
        Some(Frame::Map {
            pending_key: None,
            ..
        })
    );
    if awaiting_key {
        let key = match node.value {
            NodeValue::String(s) => s,
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Int(i) => i.to_string(),
            NodeValue::UInt(u) => u.to_string(),
            NodeValue::Float(f) => f.to_string(),
            NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => {
                return Err(error_at(
                    node.pos,
                    stack,
                    "mapping keys must be non-empty scalars",
                ));
            }
        };
        let first = match stack.last() {
            Some(Frame::Map { seen, .. }) => seen.get(&key).copied(),
            _ => None,
        };
        if let Some(first) = first {
            // Point the path at the repeated key itself.
            let mut path = path_of(stack);
            path.0.push(Segment::Key(key.clone()));
            return Err(YamlError {
                pos: node.pos,
                path,
                message: format!(
                    "duplicate key `{key}` (first at line {}, column {})",
                    first.line, first.column
                ),
            });
        }
        if let Some(Frame::Map {
            seen, pending_key, ..
        }) = stack.last_mut()
        {
            seen.insert(key.clone(), node.pos);
            *pending_key = Some((key, node.pos));
        }
        return Ok(());
    }
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq { items, .. }) => items.push(node),
        Some(Frame::Map {
            entries,
            pending_key,
            ..
        }) => {
            if let Some((key, key_pos)) = pending_key.take() {
                entries.push(Entry {
                    key,
                    key_pos,
                    value: node,
                });
            }
        }
    }
    Ok(())
}

/// Specs are plain data: anchors and tags would only hide what a value is.
fn check_plain(pos: Pos, stack: &[Frame], anchor: usize, tagged: bool) -> Result<(), YamlError> {
    if anchor != 0 {
        return Err(error_at(
            pos,
            stack,
            "anchors (`&name`) are not supported in specs; write the value out",
        ));
    }
    if tagged {
        return Err(error_at(
            pos,
            stack,
            "tags (`!name`) are not supported in specs; quote the value to make it a string",
        ));
    }
    Ok(())
}

/// The path of the node about to be attached: each map's pending key, each sequence's next index.
fn path_of(stack: &[Frame]) -> SpecPath {
    let mut segments = Vec::with_capacity(stack.len());
    for frame in stack {
        match frame {
            Frame::Seq { items, .. } => segments.push(Segment::Index(items.len())),
            Frame::Map { pending_key, .. } => {
                if let Some((key, _)) = pending_key {
                    segments.push(Segment::Key(key.clone()));
                }
            }
        }
    }
    SpecPath(segments)
}

fn error_at(pos: Pos, stack: &[Frame], message: &str) -> YamlError {
    let pos = if pos == Pos::default() {
        // No position known (end of input): use the start of the innermost open container.
        stack
            .iter()
            .rev()
            .map(|frame| match frame {
                Frame::Seq { pos, .. } | Frame::Map { pos, .. } => *pos,
            })
            .next()
            .unwrap_or(Pos { line: 1, column: 1 })
    } else {
        pos
    };
    YamlError {
        pos,
        path: path_of(stack),
        message: message.to_owned(),
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Result<NodeValue, String> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(NodeValue::Null),
        "true" | "True" | "TRUE" => return Ok(NodeValue::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(NodeValue::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!(
                "`{text}` is not representable in JSON; quote it if a string is meant"
            ))
        }
        _ => {}
    }
    if let Some(digits) = text.strip_prefix("0x") {
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return int_from_radix(text, digits, 16);
        }
    }
    if let Some(digits) = text.strip_prefix("0o") {
        if !digits.is_empty() && digits.chars().all(|c| matches!(c, '0'..='7')) {
            return int_from_radix(text, digits, 8);
        }
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(NodeValue::Int(i));
        }
        if let Ok(u) = text.strip_prefix('+').unwrap_or(text).parse::<u64>() {
            return Ok(NodeValue::UInt(u));
        }
        return Err(format!(
            "integer `{text}` is out of range; quote it if a string is meant"
        ));
    }
    if is_core_float(unsigned) {
        return match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(NodeValue::Float(f)),
            _ => Err(format!(
                "number `{text}` is out of range; quote it if a string is meant"
            )),
        };
    }
    Ok(NodeValue::String(text.to_owned()))
}

fn int_from_radix(text: &str, digits: &str, radix: u32) -> Result<NodeValue, String> {
    match u64::from_str_radix(digits, radix) {
        Ok(u) => Ok(i64::try_from(u).map_or(NodeValue::UInt(u), NodeValue::Int)),
        Err(_) => Err(format!(
            "integer `{text}` is out of range; quote it if a string is meant"
        )),
    }
}

/// `( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, sign already removed.
fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

impl Node {
    /// The node at `path`, or the deepest existing ancestor; with the position of the key that
    /// leads to it when the last step is a mapping key.
    pub fn find(&self, path: &SpecPath) -> Found<'_> {
        let mut node = self;
        let mut key_pos = None;
        let mut exact = true;
        for segment in path.segments() {
            let next = match (&node.value, segment) {
                (NodeValue::Map(entries), Segment::Key(key)) => entries
                    .iter()
                    .find(|e| &e.key == key)
                    .map(|e| (&e.value, Some(e.key_pos))),
                (NodeValue::Seq(items), Segment::Index(i)) => items.get(*i).map(|n| (n, None)),
                _ => None,
            };
            match next {
                Some((child, child_key_pos)) => {
                    node = child;
                    key_pos = child_key_pos;
                }
                None => {
                    exact = false;
                    break;
                }
            }
        }
        Found {
            node,
            key_pos,
            exact,
        }
    }
}

/// The result of [`Node::find`].
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// The node at the path, or the deepest ancestor that exists.
    pub node: &'a Node,
    /// Position of the key of `node`, when it is a mapping value.
    pub key_pos: Option<Pos>,
    /// Whether the whole path exists.
    pub exact: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> NodeValue {
        match parse(&format!("v: {text}\n")).map(|n| n.value) {
            Ok(NodeValue::Map(mut entries)) => entries.remove(0).value.value,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn resolves_core_schema_scalars() {
        assert_eq!(scalar("on"), NodeValue::String("on".into()));
        assert_eq!(scalar("yes"), NodeValue::String("yes".into()));
        assert_eq!(scalar("2019-07-25"), NodeValue::String("2019-07-25".into()));
        assert_eq!(scalar("true"), NodeValue::Bool(true));
        assert_eq!(scalar("~"), NodeValue::Null);
        assert_eq!(scalar(""), NodeValue::Null);
        assert_eq!(scalar("-12"), NodeValue::Int(-12));
        assert_eq!(scalar("0x1F"), NodeValue::Int(31));
        assert_eq!(scalar("0o17"), NodeValue::Int(15));
        assert_eq!(scalar("18446744073709551615"), NodeValue::UInt(u64::MAX));
        assert_eq!(scalar("1.5e3"), NodeValue::Float(1500.0));
        assert_eq!(scalar(".5"), NodeValue::Float(0.5));
        assert_eq!(scalar("\"1\""), NodeValue::String("1".into()));
        assert_eq!(scalar("1.2.3"), NodeValue::String("1.2.3".into()));
        assert_eq!(scalar("+-5"), NodeValue::String("+-5".into()));
    }

    #[test]
    fn rejects_values_json_cannot_hold() {
        for text in [".nan", "-.inf", "99999999999999999999", "1e999"] {
            let err = parse(&format!("v: {text}\n")).unwrap_err();
            assert_eq!(err.pos, Pos { line: 1, column: 4 }, "{text}");
        }
    }

    #[test]
    fn locates_nodes_and_keys() {
        let tree = parse("a:\n  b:\n    - x\n    - y: 1\n").unwrap();
        let path = SpecPath::root().key("a").key("b").index(1).key("y");
        let found = tree.find(&path);
        assert!(found.exact);
        assert_eq!(
            found.node.pos,
            Pos {
                line: 4,
                column: 10
            }
        );
        assert_eq!(found.key_pos, Some(Pos { line: 4, column: 7 }));
        let missing = tree.find(&SpecPath::root().key("a").key("zz"));
        assert!(!missing.exact);
        assert_eq!(missing.node.pos, Pos { line: 2, column: 3 });
    }

    #[test]
    fn rejects_duplicate_keys_with_both_positions() {
        let err = parse("a:\n  b: 1\n  c: 2\n  b: 3\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 4, column: 3 });
        assert_eq!(err.path.to_string(), "a.b");
        assert_eq!(err.message, "duplicate key `b` (first at line 2, column 3)");
    }

    #[test]
    fn rejects_anchors_tags_and_multiple_documents() {
        assert!(parse("a: &x 1\nb: *x\n")
            .unwrap_err()
            .message
            .contains("anchors"));
        assert!(parse("a: !!str 1\n").unwrap_err().message.contains("tags"));
        assert!(parse("a: 1\n---\nb: 2\n")
            .unwrap_err()
            .message
            .contains("one YAML document"));
        assert!(parse("").unwrap_err().message.contains("no YAML document"));
        assert!(parse("? [a]\n: 1\n").unwrap_err().message.contains("keys"));
    }

    #[test]
    fn rejects_deep_nesting_without_overflowing() {
        assert!(parse(&"[".repeat(100))
            .unwrap_err()
            .message
            .contains("nesting deeper"));
        // The parser's own limit stops flow collections before the tree sees them.
        assert!(parse(&"[".repeat(100_000)).is_err());
        let block: String = (0..200)
            .map(|depth| format!("{}a:\n", "  ".repeat(depth)))
            .collect();
        assert!(parse(&block)
            .unwrap_err()
            .message
            .contains("nesting deeper"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
