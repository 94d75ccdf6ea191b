//! Each crate's `CHANGELOG.md`, in the Keep a Changelog style: the entry of a release, made from
//! the plan's notes, and where it goes in the file. The spec-diff's changes become lines here.

use codegen::diff::{Change, ServiceDiff, Severity};

use super::plan::Notes;

/// The changelog lines of a spec-diff: operations, members, shapes and error codes added,
/// removed or changed, one line each; docs and example changes summed up in one line.
pub fn spec_notes(diff: &ServiceDiff) -> Notes {
    let mut notes = Notes::default();
    let mut docs_only = 0usize;
    for change in &diff.changes {
        let Change {
            path,
            what,
            severity,
        } = change;
        let place = place(path);
        if what.starts_with("new crate with") {
            notes.added.push(format!("First release: {what}."));
        } else if *severity == Severity::Patch && is_docs(what) {
            docs_only += 1;
        } else if what == "operation added" {
            notes
                .added
                .push(format!("Operation `{}`.", operation(path)));
        } else if what == "operation removed" {
            notes
                .removed
                .push(format!("**Breaking:** operation `{}`.", operation(path)));
        } else if let Some(code) = error_code(what, " added") {
            notes
                .added
                .push(format!("Error code `{code}`{}.", in_place(path)));
        } else if let Some(code) = error_code(what, " removed") {
            notes.removed.push(format!(
                "**Breaking:** error code `{code}`{}.",
                in_place(path)
            ));
        } else if *severity == Severity::Additive {
            notes.added.push(format!("`{place}`: {what}."));
        } else if what.ends_with("removed") {
            notes
                .removed
                .push(format!("**Breaking:** `{place}`: {what}."));
        } else if *severity == Severity::Breaking {
            notes
                .changed
                .push(format!("**Breaking:** `{place}`: {what}."));
        } else {
            notes.changed.push(format!("`{place}`: {what}."));
        }
    }
    if docs_only > 0 {
        let places = if docs_only == 1 { "place" } else { "places" };
        notes.changed.push(format!(
            "Documentation and examples from the vendor's updated docs ({docs_only} {places})."
        ));
    }
    notes
}

fn is_docs(what: &str) -> bool {
    what.contains("docs") || what.contains("example")
}

fn operation(path: &str) -> &str {
    path.strip_prefix("operations.").unwrap_or(path)
}

fn place(path: &str) -> String {
    if path.is_empty() {
        "service".to_owned()
    } else {
        path.to_owned()
    }
}

/// ` (operation `X`)` for an operation's error list, nothing for the common errors.
fn in_place(path: &str) -> String {
    match path
        .strip_prefix("operations.")
        .and_then(|p| p.strip_suffix(".errors"))
    {
        Some(op) => format!(" (operation `{op}`)"),
        None => String::new(),
    }
}

fn error_code<'a>(what: &'a str, suffix: &str) -> Option<&'a str> {
    what.strip_prefix("error code ")?.strip_suffix(suffix)
}

/// The heading of a new changelog file.
pub fn header(crate_name: &str) -> String {
    format!(
        "# Changelog\n\
         \n\
         All notable changes to `{crate_name}` are documented in this file. The format is based on\n\
         [Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and this crate adheres to\n\
         [Semantic Versioning](https://semver.org/spec/v2.0.0.html). Entries are written by\n\
         `cargo xtask release apply`; notes written by hand under `Unreleased` go into the next one.\n\
         \n\
         ## [Unreleased]\n"
    )
}

/// The entry of `version`, released on `date` (`YYYY-MM-DD`).
pub fn entry(version: &str, date: &str, notes: &Notes, by_hand: &str) -> String {
    let mut text = format!("## [{version}] - {date}\n");
    if !by_hand.trim().is_empty() {
        text.push('\n');
        text.push_str(by_hand.trim());
        text.push('\n');
    }
    for (section, lines) in notes.sections() {
        text.push_str(&format!("\n### {section}\n\n"));
        for line in lines {
            text.push_str(&format!("- {line}\n"));
        }
    }
    if notes.is_empty() && by_hand.trim().is_empty() {
        text.push_str("\n- First release.\n");
    }
    text
}

/// `existing` (or a new file) with the entry of `version` added after `## [Unreleased]`; what was
/// written by hand under `Unreleased` moves into the entry. An entry for `version` already in the
/// file is an error: that version was released before.
pub fn insert(
    existing: Option<&str>,
    crate_name: &str,
    version: &str,
    date: &str,
    notes: &Notes,
) -> Result<String, String> {
    let text = existing.map_or_else(|| header(crate_name), str::to_owned);
    if text.contains(&format!("\n## [{version}]")) {
        return Err(format!(
            "{crate_name}: CHANGELOG.md already has an entry for {version}: that version was released"
        ));
    }
    const UNRELEASED: &str = "## [Unreleased]\n";
    let Some(start) = text.find(UNRELEASED) else {
        return Err(format!(
            "{crate_name}: CHANGELOG.md has no `{}` heading to add the entry under",
            UNRELEASED.trim()
        ));
    };
    let after = start + UNRELEASED.len();
    let end = text[after..]
        .find("\n## [")
        .map_or(text.len(), |i| after + i + 1);
    let by_hand = &text[after..end];
    let mut out = String::with_capacity(text.len() + 512);
    out.push_str(&text[..after]);
    out.push('\n');
    out.push_str(&entry(version, date, notes, by_hand));
    if end < text.len() {
        out.push('\n');
        out.push_str(&text[end..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, what: &str, severity: Severity) -> Change {
        Change {
            path: path.to_owned(),
            what: what.to_owned(),
            severity,
        }
    }

    #[test]
    fn spec_changes_become_sections() {
        let diff = ServiceDiff {
            crate_name: "tencent-cdb".to_owned(),
            changes: vec![
                change("operations.OpenSSL", "operation added", Severity::Additive),
                change(
                    "operations.CloseSSL",
                    "operation removed",
                    Severity::Breaking,
                ),
                change(
                    "operations.OpenSSL.errors",
                    "error code FailedOperation added",
                    Severity::Additive,
                ),
                change(
                    "common_errors",
                    "error code AuthFailure removed",
                    Severity::Breaking,
                ),
                change("operations.X.input.Y", "member removed", Severity::Breaking),
                change("operations.X.docs", "docs changed", Severity::Patch),
                change("operations.Y.docs", "docs changed", Severity::Patch),
            ],
        };
        let notes = spec_notes(&diff);
        assert_eq!(
            notes.added,
            [
                "Operation `OpenSSL`.",
                "Error code `FailedOperation` (operation `OpenSSL`)."
            ]
        );
        assert_eq!(
            notes.removed,
            [
                "**Breaking:** operation `CloseSSL`.",
                "**Breaking:** error code `AuthFailure`.",
                "**Breaking:** `operations.X.input.Y`: member removed."
            ]
        );
        assert_eq!(
            notes.changed,
            ["Documentation and examples from the vendor's updated docs (2 places)."]
        );
    }

    #[test]
    fn entries_go_under_unreleased_and_take_its_notes() {
        let notes = Notes {
            added: vec!["Operation `A`.".to_owned()],
            ..Notes::default()
        };
        let first = insert(None, "x", "0.1.0", "2026-01-02", &Notes::default()).unwrap();
        assert!(first.ends_with("## [Unreleased]\n\n## [0.1.0] - 2026-01-02\n\n- First release.\n"));
        let by_hand = first.replace("## [Unreleased]\n", "## [Unreleased]\n\nFaster retries.\n");
        let second = insert(Some(&by_hand), "x", "0.2.0", "2026-02-03", &notes).unwrap();
        assert!(
            second.contains(
                "## [Unreleased]\n\n## [0.2.0] - 2026-02-03\n\nFaster retries.\n\n### Added\n\n- Operation `A`.\n\n## [0.1.0]"
            ),
            "{second}"
        );
        // The same inputs give the same file.
        assert_eq!(
            second,
            insert(Some(&by_hand), "x", "0.2.0", "2026-02-03", &notes).unwrap()
        );
        let error = insert(Some(&second), "x", "0.2.0", "2026-02-03", &notes).unwrap_err();
        assert!(error.contains("already has an entry for 0.2.0"), "{error}");
    }
}
