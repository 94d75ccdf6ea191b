//! English for vendor text written in Chinese: the translation memory
//! (`specs/overlays/<vendor>/<service>.en.yaml`) and how an import applies it.
//!
//! Huawei publishes its SDK and Swagger descriptions in Chinese only. The memory maps each
//! Chinese text (whitespace-normalised) to the project's English, and [`Memory::apply`] replaces
//! every text of an imported service it knows: docs, example titles, and the strings inside
//! examples. It runs after the curated overlay, so English from the overlay (copied from the
//! vendor's English doc pages) wins, and the memory only holds what is still Chinese then.
//!
//! Most Huawei member docs follow one pattern, "**参数解释：** … **约束限制：** … **取值范围：** …
//! **默认取值：** …". The memory's `skeleton` names those labels once; such a text is split at
//! them, each part is translated on its own (so "不涉及。" is one entry, not one per member), and
//! the English is rendered the same way everywhere: the definition as the opening paragraph, then
//! `**Constraints:**`, `**Range:**` and `**Default:**` paragraphs, leaving out the parts that say
//! "not applicable".
//!
//! A text the memory cannot translate keeps its Chinese, gets [`MARKER`] (docs only: example
//! titles and values are left as they are), and is reported with its path and the missing
//! Chinese, so a vendor release is reviewed for translation too. An entry that no text of a
//! complete import uses is reported as stale.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use cloud_spec::{Member, Service};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use codegen::error::{Segment, SpecPath};
use codegen::yaml::{self, Node, NodeValue};

use super::ImportError;

/// Appended (as its own paragraph) to a doc the memory could not translate.
pub const MARKER: &str =
    "*(Untranslated: the vendor's Chinese text. The translation memory has no English for it yet.)*";

/// Where the memory of a service lives, relative to the repository root.
pub fn memory_path(vendor: &str, service: &str) -> PathBuf {
    PathBuf::from(format!("specs/overlays/{vendor}/{service}.en.yaml"))
}

/// Whether a code point is a Chinese character: a CJK ideograph (with extension A and the
/// compatibility block).
pub fn is_chinese(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Whether a code point belongs to Chinese writing: a Chinese character ([`is_chinese`]), CJK
/// punctuation (`。`, `、`) or a full-width form (`，`, `：`, `（`).
pub fn is_cjk(c: char) -> bool {
    is_chinese(c) || matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// Whether `text` has Chinese characters: text that is not English yet. (Full-width punctuation
/// alone is not: Tencent's English docs list `（）：` among the characters a name may have.)
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(is_chinese)
}

/// Whether the memory is asked for `text`: it has Chinese characters or punctuation (`1~50。`
/// is a part to translate, so no `。` is left in the English).
fn needs_english(text: &str) -> bool {
    text.chars().any(is_cjk)
}

/// Runs of whitespace as one space, none at either end: the form memory keys are compared in.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ----- the file -----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoryFile {
    skeleton: SkeletonFile,
    #[serde(default)]
    entries: Vec<EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkeletonFile {
    /// The label of the part that says what the member is (`参数解释`).
    definition: String,
    /// The other labels and their English.
    labels: Vec<EntryFile>,
    /// Parts that mean "not applicable" (`不涉及。`): left out of the English.
    #[serde(default)]
    not_applicable: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    zh: String,
    en: String,
}

/// One translation.
#[derive(Debug, Clone)]
struct Entry {
    /// The Chinese as written in the file.
    zh: String,
    en: String,
    /// Line in the memory file, for reports.
    line: usize,
}

/// A service's translation memory, read from its file.
#[derive(Debug, Clone)]
pub struct Memory {
    /// The file, as named in reports and errors.
    pub file: PathBuf,
    definition: String,
    /// Chinese label → English label.
    labels: Vec<(String, String)>,
    not_applicable: BTreeSet<String>,
    /// Normalised Chinese → translation, in file order.
    entries: IndexMap<String, Entry>,
}

impl Memory {
    /// Parses memory text; `file` names it in errors.
    pub fn parse(file: impl Into<PathBuf>, source: &str) -> Result<Memory, ImportError> {
        let file = file.into();
        let at =
            |line: usize, message: String| ImportError::at(&file, format!("{line}: {message}"));
        let tree = yaml::parse(source).map_err(|e| {
            ImportError::at(
                &file,
                format!("{}:{}: {}: {}", e.pos.line, e.pos.column, e.path, e.message),
            )
        })?;
        let parsed: MemoryFile = serde_path_to_error::deserialize(&tree).map_err(|e| {
            let mut path = SpecPath::root();
            for segment in e.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Map { key } => {
                        path.0.push(Segment::Key(key.clone()))
                    }
                    serde_path_to_error::Segment::Seq { index } => {
                        path.0.push(Segment::Index(*index))
                    }
                    _ => {}
                }
            }
            let found = tree.find(&path);
            ImportError::at(
                &file,
                format!(
                    "{}:{}: {path}: {}",
                    found.node.pos.line,
                    found.node.pos.column,
                    e.inner()
                ),
            )
        })?;
        let lines = entry_lines(&tree);
        let mut entries: IndexMap<String, Entry> = IndexMap::new();
        let mut problems = Vec::new();
        for (index, entry) in parsed.entries.into_iter().enumerate() {
            let line = lines.get(index).copied().unwrap_or(0);
            let key = normalize(&entry.zh);
            if entry.en.trim().is_empty() {
                problems.push(at(
                    line,
                    format!("`{}`: `en` is empty; write the English", short(&key)),
                ));
            } else if !needs_english(&key) {
                problems.push(at(
                    line,
                    format!(
                        "`{}`: `zh` has no Chinese; nothing would use it",
                        short(&key)
                    ),
                ));
            } else if let Some(first) = entries.get(&key) {
                problems.push(at(
                    line,
                    format!(
                        "`{}` is also the entry on line {}; keep one",
                        short(&key),
                        first.line
                    ),
                ));
            } else {
                entries.insert(
                    key,
                    Entry {
                        zh: entry.zh,
                        en: entry.en.trim_end().to_owned(),
                        line,
                    },
                );
            }
        }
        if !problems.is_empty() {
            let text: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
            return Err(ImportError::at(
                &file,
                format!(
                    "{} entries are not usable:\n  {}",
                    text.len(),
                    text.join("\n  ")
                ),
            ));
        }
        let skeleton = parsed.skeleton;
        Ok(Memory {
            file,
            definition: skeleton.definition.trim().to_owned(),
            labels: skeleton
                .labels
                .into_iter()
                .map(|l| (l.zh.trim().to_owned(), l.en.trim().to_owned()))
                .collect(),
            not_applicable: skeleton
                .not_applicable
                .iter()
                .map(|t| normalize(t))
                .collect(),
            entries,
        })
    }

    /// Reads the memory at `relative` (under `repo_root`); `None` when there is no such file.
    pub fn read(repo_root: &Path, relative: &Path) -> Result<Option<Memory>, ImportError> {
        match std::fs::read_to_string(repo_root.join(relative)) {
            Ok(source) => Memory::parse(relative, &source).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ImportError::at(
                relative,
                format!("cannot read the translation memory: {e}"),
            )),
        }
    }

    /// Number of entries (not counting the skeleton's labels).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the memory has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces every Chinese text of `service` the memory knows. `complete`: the service holds
    /// every operation of the source (no `--only`), so unused entries are stale.
    pub fn apply(&self, service: &mut Service, complete: bool) -> Report {
        let mut run = Run {
            memory: self,
            used_whole: BTreeSet::new(),
            used_as_part: BTreeSet::new(),
            translated: 0,
            from_parts: 0,
            missing: Vec::new(),
        };
        visit_texts(service, &mut |path, text, kind| run.text(path, text, kind));
        let stale = complete.then(|| {
            self.entries
                .iter()
                .filter(|(key, _)| {
                    !run.used_whole.contains(*key) && !run.used_as_part.contains(*key)
                })
                .map(|(_, e)| Stale {
                    line: e.line,
                    zh: e.zh.clone(),
                })
                .collect()
        });
        Report {
            file: self.file.clone(),
            entries: self.entries.len(),
            part_entries: run.used_as_part.len(),
            labels: self.labels.len() + 1,
            translated: run.translated,
            from_parts: run.from_parts,
            missing: run.missing,
            stale,
        }
    }

    /// The skeleton parts of `text` (normalised), if it follows the pattern: the text before
    /// the first label (`None` label), then each label's text.
    fn split(&self, text: &str) -> Option<Vec<(Option<usize>, String)>> {
        // Label index: 0 is the definition, i + 1 is `labels[i]`.
        let names: Vec<&str> = std::iter::once(self.definition.as_str())
            .chain(self.labels.iter().map(|(zh, _)| zh.as_str()))
            .collect();
        let mut parts: Vec<(Option<usize>, String)> = Vec::new();
        let mut label: Option<usize> = None;
        let mut current = String::new();
        let mut rest = text;
        let mut found = false;
        while let Some(at) = rest.find("**") {
            let after = &rest[at + 2..];
            let hit = names.iter().enumerate().find_map(|(i, name)| {
                let tail = after.strip_prefix(name)?;
                let tail = tail.strip_prefix(['：', ':']).unwrap_or(tail);
                let tail = tail.strip_prefix("**")?;
                let tail = tail.strip_prefix(['：', ':']).unwrap_or(tail);
                Some((i, tail))
            });
            match hit {
                Some((i, tail)) => {
                    current.push_str(&rest[..at]);
                    parts.push((label, normalize(&current)));
                    current.clear();
                    label = Some(i);
                    rest = tail;
                    found = true;
                }
                None => {
                    current.push_str(&rest[..at + 2]);
                    rest = after;
                }
            }
        }
        if !found {
            return None;
        }
        current.push_str(rest);
        parts.push((label, normalize(&current)));
        Some(parts)
    }
}

/// What kind of text a visited string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    /// Documentation: marked when untranslated.
    Docs,
    /// An example's title: left as it is when untranslated.
    Title,
    /// A string inside an example (a value a user might send or get back): left as it is when
    /// untranslated, and not counted by [`untranslated`] (Tencent's English sources have
    /// Chinese example values, such as a backup named "手动备份1").
    Value,
}

/// One application of the memory.
struct Run<'a> {
    memory: &'a Memory,
    used_whole: BTreeSet<String>,
    used_as_part: BTreeSet<String>,
    translated: usize,
    from_parts: usize,
    missing: Vec<Missing>,
}

impl Run<'_> {
    fn text(&mut self, path: String, text: &mut String, kind: TextKind) {
        if !needs_english(text) {
            return;
        }
        let key = normalize(text);
        if let Some(entry) = self.memory.entries.get(&key) {
            self.used_whole.insert(key);
            *text = entry.en.clone();
            self.translated += 1;
            return;
        }
        let parts = match kind {
            TextKind::Docs => self.memory.split(text),
            TextKind::Title | TextKind::Value => None,
        };
        let Some(parts) = parts else {
            self.missing.push(Missing {
                path,
                chinese: vec![key],
            });
            if kind == TextKind::Docs {
                mark(text);
            }
            return;
        };
        let mut missing = Vec::new();
        let mut paragraphs: Vec<String> = Vec::new();
        for (label, part) in parts {
            // Table residue before the first label (`-|`) is no text.
            if label.is_none() && !part.chars().any(char::is_alphanumeric) {
                continue;
            }
            if part.is_empty() {
                continue;
            }
            let is_definition = matches!(label, None | Some(0));
            if self.memory.not_applicable.contains(&part) && !is_definition {
                continue;
            }
            let english = if !needs_english(&part) {
                inline_list(&part).unwrap_or_else(|| part.clone())
            } else if let Some(entry) = self.memory.entries.get(&part) {
                self.used_as_part.insert(part.clone());
                entry.en.clone()
            } else {
                missing.push(part);
                continue;
            };
            paragraphs.push(match label {
                None | Some(0) => english,
                Some(i) => {
                    let name = &self.memory.labels[i - 1].1;
                    if starts_list(&english) {
                        format!("**{name}:**\n{english}")
                    } else {
                        format!("**{name}:** {english}")
                    }
                }
            });
        }
        if missing.is_empty() {
            *text = paragraphs.join("\n\n");
            self.translated += 1;
            self.from_parts += 1;
        } else {
            self.missing.push(Missing {
                path,
                chinese: missing,
            });
            mark(text);
        }
    }
}

fn mark(text: &mut String) {
    text.truncate(text.trim_end().len());
    text.push_str("\n\n");
    text.push_str(MARKER);
}

/// A part with no Chinese that lists values inline (`- cassandra - redis`, `- 50 - 60`) as a
/// Markdown list of literal values, one per line.
fn inline_list(part: &str) -> Option<String> {
    let items: Vec<&str> = part
        .strip_prefix("- ")?
        .split(" - ")
        .map(str::trim)
        .collect();
    let literal = |item: &&str| !item.is_empty() && !item.contains(char::is_whitespace);
    (items.len() > 1 && items.iter().all(literal)).then(|| {
        items
            .iter()
            .map(|item| format!("- `{item}`"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Whether `text` starts a Markdown list that may follow a paragraph line directly: a bullet, or
/// an ordered list from 1 (`50. When ...` is a sentence, kept on the label's line).
fn starts_list(text: &str) -> bool {
    text.starts_with("- ") || text.starts_with("1. ")
}

fn short(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Line of each `entries` item in the file.
fn entry_lines(tree: &Node) -> Vec<usize> {
    let NodeValue::Map(entries) = &tree.value else {
        return Vec::new();
    };
    entries
        .iter()
        .find(|e| e.key == "entries")
        .and_then(|e| match &e.value.value {
            NodeValue::Seq(items) => Some(items.iter().map(|n| n.pos.line).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

// ----- reports -----

/// A text left (partly) in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// Where: `operations.ListBackups.input.limit.docs`.
    pub path: String,
    /// The Chinese the memory has no entry for (normalised): the whole text, or the parts of a
    /// skeleton text that are missing.
    pub chinese: Vec<String>,
}

/// A memory entry no text used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Its line in the memory file.
    pub line: usize,
    /// Its Chinese.
    pub zh: String,
}

/// What [`Memory::apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The memory file.
    pub file: PathBuf,
    /// Entries in the memory.
    pub entries: usize,
    /// Entries used as parts of skeleton texts.
    pub part_entries: usize,
    /// Skeleton labels (the definition's included).
    pub labels: usize,
    /// Texts replaced by English.
    pub translated: usize,
    /// Of those, texts put together from skeleton parts.
    pub from_parts: usize,
    /// Texts left in Chinese.
    pub missing: Vec<Missing>,
    /// Entries nothing used; `None` when the import was not complete (`--only`).
    pub stale: Option<Vec<Stale>>,
}

impl Report {
    /// YAML entries for the missing Chinese, to fill in and add to the memory (first use first).
    pub fn todo_yaml(&self) -> String {
        let mut seen = BTreeSet::new();
        let mut out = String::new();
        for missing in &self.missing {
            for zh in &missing.chinese {
                if !seen.insert(zh.clone()) {
                    continue;
                }
                out.push_str(&format!("  # {}\n", missing.path));
                out.push_str(&format!(
                    "  - zh: {}\n    en: \"\"\n",
                    serde_json::Value::from(zh.as_str())
                ));
            }
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "English from {}: {} texts ({} put together from skeleton parts); {} entries, {} of them skeleton parts, and {} skeleton labels",
            self.file.display(),
            self.translated,
            self.from_parts,
            self.entries,
            self.part_entries,
            self.labels
        )?;
        if !self.missing.is_empty() {
            writeln!(
                f,
                "{} doc strings without English (kept in Chinese and marked; `--memory-todo` prints entries to fill in):",
                self.missing.len()
            )?;
            for missing in &self.missing {
                let what: Vec<String> = missing.chinese.iter().map(|c| short(c)).collect();
                writeln!(f, "  {}: {}", missing.path, what.join(" | "))?;
            }
        }
        match &self.stale {
            Some(stale) if !stale.is_empty() => {
                writeln!(
                    f,
                    "{} memory entries are stale (no source text uses them; remove them from {}):",
                    stale.len(),
                    self.file.display()
                )?;
                for entry in stale {
                    writeln!(f, "  line {}: {}", entry.line, short(&entry.zh))?;
                }
            }
            Some(_) => {}
            None => writeln!(
                f,
                "(stale entries are only reported when every operation is imported)"
            )?,
        }
        Ok(())
    }
}

/// Every doc and example title of `service` that has Chinese in it, with its path: what a
/// committed spec must not have (beyond an explicit allowance), and what `cargo xtask spec-diff`
/// lists. Example values are data, not text to translate, and are not counted.
pub fn untranslated(service: &Service) -> Vec<(String, String)> {
    let mut copy = service.clone();
    let mut found = Vec::new();
    visit_texts(&mut copy, &mut |path, text, kind| {
        if kind != TextKind::Value && has_chinese(text) {
            found.push((path, text.clone()));
        }
    });
    found
}

// ----- traversal -----

type Visitor<'v> = dyn FnMut(String, &mut String, TextKind) + 'v;

/// Calls `visit` with every human-language text of `service`: docs, example titles, and the
/// strings in member and operation examples.
fn visit_texts(service: &mut Service, visit: &mut Visitor<'_>) {
    visit("docs".to_owned(), &mut service.docs, TextKind::Docs);
    for (i, error) in service.common_errors.iter_mut().enumerate() {
        visit(
            format!("common_errors[{i}].docs"),
            &mut error.docs,
            TextKind::Docs,
        );
    }
    for (name, op) in service.operations.iter_mut() {
        let at = format!("operations.{name}");
        visit(format!("{at}.docs"), &mut op.docs, TextKind::Docs);
        members(&format!("{at}.input"), &mut op.input, visit);
        members(&format!("{at}.output"), &mut op.output, visit);
        for (i, error) in op.errors.iter_mut().enumerate() {
            visit(
                format!("{at}.errors[{i}].docs"),
                &mut error.docs,
                TextKind::Docs,
            );
        }
        for (i, example) in op.examples.iter_mut().enumerate() {
            let at = format!("{at}.examples[{i}]");
            visit(format!("{at}.title"), &mut example.title, TextKind::Title);
            for (key, value) in example.input.iter_mut() {
                values(&format!("{at}.input.{key}"), value, visit);
            }
            for (key, value) in example.output.iter_mut() {
                values(&format!("{at}.output.{key}"), value, visit);
            }
        }
    }
    for (name, shape) in service.shapes.iter_mut() {
        let at = format!("shapes.{name}");
        visit(format!("{at}.docs"), &mut shape.docs, TextKind::Docs);
        if let Some(m) = &mut shape.members {
            members(&format!("{at}.members"), m, visit);
        }
        for (i, value) in shape.values.iter_mut().enumerate() {
            visit(
                format!("{at}.values[{i}].docs"),
                &mut value.docs,
                TextKind::Docs,
            );
        }
    }
}

fn members(at: &str, members: &mut IndexMap<String, Member>, visit: &mut Visitor<'_>) {
    for (name, member) in members.iter_mut() {
        visit(
            format!("{at}.{name}.docs"),
            &mut member.docs,
            TextKind::Docs,
        );
        if let Some(example) = &mut member.example {
            values(&format!("{at}.{name}.example"), example, visit);
        }
    }
}

fn values(at: &str, value: &mut Value, visit: &mut Visitor<'_>) {
    match value {
        Value::String(text) => visit(at.to_owned(), text, TextKind::Value),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                values(&format!("{at}[{i}]"), item, visit);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                values(&format!("{at}.{key}"), item, visit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMORY: &str = r#"
skeleton:
  definition: 参数解释
  labels:
    - zh: 约束限制
      en: Constraints
    - zh: 取值范围
      en: Range
    - zh: 默认取值
      en: Default
  not_applicable: [不涉及。, 不涉及]
entries:
  - zh: 实例ID。
    en: Instance ID.
  - zh: "查询个数上限值。"
    en: Maximum number of records to return.
  - zh: 1~50。
    en: 1 to 50.
  - zh: |
      应用参数模板
    en: Applies a parameter template.
  - zh: 计费模式。
    en: Billing mode.
  - zh: "- prePaid：包年/包月。 - postPaid：按需付费。"
    en: |-
      - `prePaid`: yearly/monthly.
      - `postPaid`: pay-per-use.
  - zh: 未使用的条目
    en: An entry nothing uses.
"#;

    fn memory() -> Memory {
        Memory::parse("geminidb.en.yaml", MEMORY).unwrap_or_else(|e| panic!("{e}"))
    }

    fn service(op: serde_json::Value) -> Service {
        serde_json::from_value(serde_json::json!({
            "vendor": "huawei", "name": "geminidb", "service": "gaussdbfornosql",
            "title": "GeminiDB", "version": "v3",
            "endpoint": {"regional": "gaussdb-nosql.{region}.myhuaweicloud.com"},
            "operations": {"Op": op},
        }))
        .unwrap()
    }

    fn translate(text: &str) -> (String, Report) {
        let mut service =
            service(serde_json::json!({"docs": text, "http": {"method": "GET", "path": "/v3/x"}}));
        let report = memory().apply(&mut service, true);
        (service.operations["Op"].docs.clone(), report)
    }

    #[test]
    fn whole_texts_are_found_whitespace_normalised() {
        let (text, report) = translate("  应用参数模板\n");
        assert_eq!(text, "Applies a parameter template.");
        assert_eq!((report.translated, report.from_parts), (1, 0));
        assert!(report.missing.is_empty());
    }

    #[test]
    fn skeleton_texts_are_translated_part_by_part() {
        let (text, report) = translate(
            "**参数解释：** 查询个数上限值。 **约束限制：** 不涉及。 **取值范围：** 1~50。 **默认取值：** 50。",
        );
        // `50。` has no entry: the text keeps its Chinese, marked, and the report names the part.
        assert!(
            text.starts_with("**参数解释：** 查询个数上限值。"),
            "{text}"
        );
        assert!(text.ends_with(MARKER), "{text}");
        assert_eq!(report.missing.len(), 1);
        assert_eq!(report.missing[0].chinese, vec!["50。".to_owned()]);

        let (text, report) = translate(
            "**参数解释：** 实例ID。 **约束限制：** 不涉及。 **取值范围：** 1~50。 **默认取值** 不涉及",
        );
        assert_eq!(text, "Instance ID.\n\n**Range:** 1 to 50.");
        assert_eq!((report.translated, report.from_parts), (1, 1));
        assert_eq!(report.part_entries, 2);
    }

    #[test]
    fn text_before_the_first_label_is_the_definition_and_lists_start_on_their_own_line() {
        let (text, _) = translate(
            "计费模式。 **取值范围：**   - prePaid：包年/包月。   - postPaid：按需付费。",
        );
        assert_eq!(
            text,
            "Billing mode.\n\n**Range:**\n- `prePaid`: yearly/monthly.\n- `postPaid`: pay-per-use."
        );
        // A number ending a sentence does not start a list.
        let (text, _) = translate("**参数解释：** 实例ID。 **默认取值：** 1~50。");
        assert_eq!(text, "Instance ID.\n\n**Default:** 1 to 50.");
        // Values the vendor lists inline, with no Chinese, become a list.
        let (text, _) = translate("**参数解释：** 实例ID。 **取值范围：** - 50 - 60 - 70");
        assert_eq!(text, "Instance ID.\n\n**Range:**\n- `50`\n- `60`\n- `70`");
        // Table residue before the first label is dropped.
        let (text, _) = translate("-| **参数解释：** 实例ID。 **约束限制：** 不涉及。");
        assert_eq!(text, "Instance ID.");
    }

    #[test]
    fn untranslated_docs_keep_their_chinese_are_marked_and_reported() {
        let (text, report) = translate("新的说明。");
        assert_eq!(text, format!("新的说明。\n\n{MARKER}"));
        assert_eq!(report.missing[0].path, "operations.Op.docs");
        assert_eq!(report.missing[0].chinese, vec!["新的说明。".to_owned()]);
        let shown = report.to_string();
        assert!(shown.contains("1 doc strings without English"), "{shown}");
        assert!(shown.contains("operations.Op.docs: 新的说明。"), "{shown}");
        assert!(report
            .todo_yaml()
            .contains("- zh: \"新的说明。\"\n    en: \"\""));
        // English text is left alone.
        let (text, report) = translate("Already English.");
        assert_eq!(text, "Already English.");
        assert_eq!(report.translated, 0);
    }

    #[test]
    fn unused_entries_are_stale_in_a_complete_import_only() {
        let (_, report) = translate("应用参数模板");
        let stale = report.stale.clone().unwrap();
        assert!(stale.iter().any(|s| s.zh == "未使用的条目"));
        assert!(!stale.iter().any(|s| s.zh.contains("应用参数模板")));
        let line = stale.iter().find(|s| s.zh == "未使用的条目").unwrap().line;
        assert_eq!(
            MEMORY.lines().nth(line - 1).map(str::trim),
            Some("- zh: 未使用的条目")
        );
        assert!(report.to_string().contains("memory entries are stale"));

        let mut service =
            service(serde_json::json!({"docs": "x", "http": {"method": "GET", "path": "/v3/x"}}));
        assert_eq!(memory().apply(&mut service, false).stale, None);
    }

    #[test]
    fn example_titles_and_values_are_translated_but_never_marked() {
        let mut service = service(
            serde_json::json!({"docs": "x", "http": {"method": "GET", "path": "/v3/x"},
            "examples": [{"title": "应用参数模板", "input": {"a": ["实例ID。", "新的"]}}]}),
        );
        let report = memory().apply(&mut service, false);
        let example = &service.operations["Op"].examples[0];
        assert_eq!(example.title, "Applies a parameter template.");
        assert_eq!(
            example.input["a"],
            serde_json::json!(["Instance ID.", "新的"])
        );
        assert_eq!(
            report.missing[0].path,
            "operations.Op.examples[0].input.a[1]"
        );
        // An example value is data: not counted as untranslated text.
        assert!(untranslated(&service).is_empty());
    }

    #[test]
    fn unusable_entries_are_errors_naming_their_lines() {
        let bad = "skeleton: {definition: 参数解释, labels: []}\nentries:\n  - zh: 实例ID\n    en: ''\n  - zh: abc\n    en: x\n  - zh: 实例 ID\n    en: a\n  - zh: 实例  ID\n    en: b\n";
        let e = Memory::parse("m.yaml", bad).unwrap_err().to_string();
        assert!(e.contains("3: `实例ID`: `en` is empty"), "{e}");
        assert!(e.contains("5: `abc`: `zh` has no Chinese"), "{e}");
        assert!(
            e.contains("9: `实例 ID` is also the entry on line 7"),
            "{e}"
        );
        let e = Memory::parse(
            "m.yaml",
            "skeleton: {definition: x, labels: []}\nentry: []\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown field `entry`"), "{e}");
    }

    #[test]
    fn chinese_is_told_by_code_point_class() {
        assert!(has_chinese("实例") && needs_english("实例"));
        assert!(!has_chinese("a，b") && needs_english("a，b"));
        assert!(!has_chinese("1~50。") && needs_english("1~50。"));
        let english = "Instance ID (\"on\"), 1~50 — “quoted”";
        assert!(!has_chinese(english) && !needs_english(english));
    }
}
