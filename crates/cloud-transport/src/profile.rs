//! The INI dialect of the official SDKs' credentials files (`~/.tencentcloud/credentials`,
//! `~/.huaweicloud/credentials`), read the way Python's `configparser` reads them: `[section]`
//! headers, `key = value` or `key: value` lines, `#`/`;` comment lines, keys case-insensitive,
//! values taken literally (no inline comments, no quotes removed). A duplicate section or key
//! is an error, as in `configparser`'s strict mode.
//!
//! Errors name the file and the line, never the line's content: it may hold a secret.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The largest credentials file read: real ones are a few hundred bytes.
pub(crate) const MAX_PROFILE_BYTES: u64 = 1 << 20;

/// A parsed credentials file.
#[derive(Debug)]
pub(crate) struct Profile {
    path: PathBuf,
    sections: Vec<Section>,
}

#[derive(Debug)]
pub(crate) struct Section {
    name: String,
    /// Line of the `[name]` header.
    line: usize,
    /// (lowercased key, value, line).
    entries: Vec<(String, String, usize)>,
}

impl Profile {
    /// Reads and parses `path`; `Ok(None)` when the file does not exist.
    pub(crate) fn read(path: &Path) -> Result<Option<Profile>> {
        match crate::env::read_file_limited(path, MAX_PROFILE_BYTES) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::credentials(format!(
                        "credentials file {}: not valid UTF-8",
                        path.display()
                    ))
                })?;
                Profile::parse(path, &text).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::credentials(format!(
                "cannot read the credentials file {}: {e}",
                path.display()
            ))),
        }
    }

    /// Parses `text`, the contents of the file at `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Profile> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut sections: Vec<Section> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let fail = |what: &str| {
                Err(Error::credentials(format!(
                    "credentials file {} line {line}: {what}",
                    path.display()
                )))
            };
            if let Some(rest) = trimmed.strip_prefix('[') {
                let Some(name) = rest.strip_suffix(']') else {
                    return fail("a section header must end with `]`");
                };
                let name = name.trim();
                if name.is_empty() {
                    return fail("the section name is empty");
                }
                if let Some(first) = sections.iter().find(|s| s.name == name) {
                    return fail(&format!(
                        "section [{name}] already started on line {}",
                        first.line
                    ));
                }
                sections.push(Section {
                    name: name.to_owned(),
                    line,
                    entries: Vec::new(),
                });
                continue;
            }
            let Some(split) = trimmed.find(['=', ':']) else {
                return fail("expected `key = value`, a `[section]` header or a comment");
            };
            let key = trimmed[..split].trim().to_ascii_lowercase();
            let value = trimmed[split + 1..].trim();
            if key.is_empty() {
                return fail("the key before `=` is empty");
            }
            let Some(section) = sections.last_mut() else {
                return fail("a `key = value` line comes before any `[section]` header");
            };
            if let Some((_, _, first)) = section.entries.iter().find(|(k, _, _)| *k == key) {
                return fail(&format!(
                    "`{key}` is set twice in [{}] (first on line {first})",
                    section.name
                ));
            }
            section.entries.push((key, value.to_owned(), line));
        }
        Ok(Profile {
            path: path.to_owned(),
            sections,
        })
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The section named `name` (case-sensitive, as in `configparser`).
    pub(crate) fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

impl Section {
    /// The non-empty value of `key` (case-insensitive).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v, _)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The line of the section header, for error messages.
    pub(crate) fn line(&self) -> usize {
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Profile> {
        Profile::parse(Path::new("/tmp/creds"), text)
    }

    #[test]
    fn reads_sections_keys_and_comments() {
        let p = parse(
            "\u{feff}# comment\n; other comment\n\n[default]\nSecret_Id = AKID\nsecret_key: a=b:c\n\n[other]\nx =\n",
        )
        .unwrap();
        let d = p.section("default").unwrap();
        assert_eq!(d.get("secret_id"), Some("AKID"));
        assert_eq!(d.get("secret_key"), Some("a=b:c"));
        assert_eq!(d.line(), 4);
        assert_eq!(p.section("other").unwrap().get("x"), None);
        assert!(p.section("Default").is_none());
    }

    #[test]
    fn malformed_lines_name_file_and_line_but_not_content() {
        for (text, line, what) in [
            (
                "[default]\nsecret_id = a\nhunter2-no-equals\n",
                3,
                "expected `key = value`",
            ),
            ("[default\nsecret_id = a\n", 1, "must end with `]`"),
            ("secret_id = a\n[default]\n", 1, "before any `[section]`"),
            ("[default]\n = hunter2\n", 2, "key before `=` is empty"),
            (
                "[default]\na = 1\n[x]\n[default]\n",
                4,
                "already started on line 1",
            ),
            ("[default]\na = 1\nA = 2\n", 3, "set twice"),
            ("[]\n", 1, "section name is empty"),
        ] {
            let e = parse(text).unwrap_err();
            let shown = e.to_string();
            assert_eq!(e.kind(), crate::ErrorKind::Credentials);
            assert!(
                shown.contains(&format!("/tmp/creds line {line}:")),
                "{text:?}: {shown}"
            );
            assert!(shown.contains(what), "{text:?}: {shown}");
            assert!(!shown.contains("hunter2"), "{shown}");
        }
    }
}
