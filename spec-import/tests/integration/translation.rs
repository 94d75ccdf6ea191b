//! English docs: the committed specs have no Chinese left beyond an explicit allowance, no
//! generated crate carries HTML entities or tags into its docs, a changed vendor string is
//! reported (and kept in Chinese, marked), and English from the vendor's doc pages (in the
//! overlay) wins over the translation memory.

use crate::import_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use import_common::*;
use spec_import::translate::{self, Memory};

/// Texts allowed to stay Chinese in committed specs: `<spec file> <path>` per line.
const ALLOWANCE: &str = "specs/overlays/untranslated-allowed.txt";

fn allowance() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join(ALLOWANCE))
        .unwrap_or_else(|e| panic!("{ALLOWANCE}: {e}"));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The check CI runs: a committed spec with Chinese text fails unless the allowance lists it,
/// and an allowance line that no longer matches fails too (the allowance only shrinks).
#[test]
fn committed_specs_have_no_chinese_text_beyond_the_allowance() {
    let root = repo_root();
    let allowed = allowance();
    let mut found = BTreeSet::new();
    let mut unexpected = Vec::new();
    for file in codegen::generate::find_specs(&root).unwrap() {
        let spec = codegen::load::load_file(&root, &file).unwrap();
        let name = file.to_string_lossy().replace('\\', "/");
        for (path, text) in translate::untranslated(&spec.service) {
            let line = format!("{name} {path}");
            if !allowed.contains(&line) {
                let one_line = translate::normalize(&text);
                unexpected.push(format!(
                    "{line}\n    {}",
                    one_line.chars().take(100).collect::<String>()
                ));
            }
            found.insert(line);
        }
    }
    let stale: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        unexpected.is_empty(),
        "{} texts of committed specs are still Chinese: add English to the service's translation \
         memory (`cargo xtask import <vendor> --service <svc> --memory-todo` lists them) and \
         re-import, or, for a reason written next to it, list them in {ALLOWANCE}:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "{ALLOWANCE} lists texts that are English now (remove the lines):\n{}",
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Vendor HTML becomes Markdown (importers) and `<`/`>` in prose become backslash escapes
/// (emitter): no generated crate's sources or README hold `&gt;`, `&lt;`, `&amp;` or `<br>`.
#[test]
fn generated_docs_have_no_html_entities_or_line_break_tags() {
    let root = repo_root();
    let mut crates = Vec::new();
    for file in codegen::generate::find_specs(&root).unwrap() {
        let spec = codegen::load::load_file(&root, &file).unwrap();
        crates.push(root.join("crates").join(spec.service.crate_name()));
    }
    assert!(crates.len() >= 4, "{crates:?}");
    let mut bad = Vec::new();
    for dir in &crates {
        let mut files = vec![dir.join("README.md")];
        files_under(&dir.join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let lower = line.to_ascii_lowercase();
                if ["&gt;", "&lt;", "&amp;", "<br>", "<br/>", "<br />"]
                    .iter()
                    .any(|t| lower.contains(t))
                {
                    bad.push(format!("{}:{}: {line}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "HTML in generated docs:\n{}",
        bad.join("\n")
    );
}

const CHANGED_PATH: &str = "operations.ResetPassword.input.password.docs";

fn missing_paths(finished: &spec_import::Finished) -> BTreeSet<String> {
    finished
        .translation
        .as_ref()
        .expect("GeminiDB has a translation memory")
        .missing
        .iter()
        .map(|m| m.path.clone())
        .collect()
}

/// A vendor release that rewords one string: the import keeps the new Chinese, marks it, and
/// reports its path and text; everything else is as before.
#[test]
fn a_changed_source_string_is_reported_and_kept_in_chinese() {
    let unchanged = finish(
        raw(&fixtures(), "huawei", "geminidb").unwrap(),
        "huawei",
        "geminidb",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!missing_paths(&unchanged).contains(CHANGED_PATH));
    let before = &unchanged.service.operations["ResetPassword"].input["password"].docs;
    assert!(!translate::has_chinese(before), "{before}");

    let scratch = Scratch::fixtures("i18n-changed");
    let model = scratch.path(
        "huaweicloudsdkgaussdbfornosql/huaweicloudsdkgaussdbfornosql/v3/model/reset_password_request_body.py",
    );
    let source = std::fs::read_to_string(&model).unwrap();
    let reworded = source.replacen(
        ":param password: 数据库密码。",
        ":param password: 数据库管理员密码。",
        1,
    );
    assert_ne!(
        source, reworded,
        "the fixture's docstring changed; update this test"
    );
    std::fs::write(&model, reworded).unwrap();
    let changed = finish(
        raw(&scratch.0, "huawei", "geminidb").unwrap(),
        "huawei",
        "geminidb",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let new: Vec<String> = missing_paths(&changed)
        .difference(&missing_paths(&unchanged))
        .cloned()
        .collect();
    assert_eq!(new, vec![CHANGED_PATH.to_owned()]);
    let docs = &changed.service.operations["ResetPassword"].input["password"].docs;
    assert!(docs.starts_with("数据库管理员密码。"), "{docs}");
    assert!(docs.ends_with(translate::MARKER), "{docs}");
    let report = changed.translation.as_ref().unwrap().to_string();
    assert!(
        report.contains("doc strings without English")
            && report.contains(&format!("{CHANGED_PATH}: 数据库管理员密码。")),
        "{report}"
    );
    assert!(
        changed
            .translation
            .as_ref()
            .unwrap()
            .todo_yaml()
            .contains("- zh: \"数据库管理员密码。"),
        "the todo lists the new text"
    );
    // Nothing else moved.
    let mut a = unchanged.service.clone();
    let b = changed.service.clone();
    a.operations["ResetPassword"].input["password"].docs = docs.clone();
    assert!(a == b, "only the changed string differs");
}

/// The overlay's English for ListSslCertDownloadAddresses comes from the vendor's English page
/// (seed 004): a memory entry for the same member's Chinese does not replace it, and is stale.
#[test]
fn english_from_the_doc_page_wins_over_the_memory() {
    let raw_import = raw(&fixtures(), "huawei", "geminidb").unwrap();
    let chinese = raw_import.service.operations["ListSslCertDownloadAddresses"].input
        ["instance_id"]
        .docs
        .clone();
    assert!(translate::has_chinese(&chinese), "{chinese}");

    let file = translate::memory_path("huawei", "geminidb");
    let mut text = std::fs::read_to_string(repo_root().join(&file)).unwrap();
    text.push_str(&format!(
        "  - zh: {}\n    en: The memory's English, which must not be used.\n",
        serde_json::Value::from(chinese.as_str())
    ));
    let memory = Memory::parse(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let overlays = overlays("huawei", "geminidb");
    let refs: Vec<&spec_import::LoadedOverlay> = overlays.iter().collect();
    let finished = spec_import::finish(
        raw_import,
        &refs,
        &spec_import::FinishOptions {
            only: None,
            command: String::new(),
            translation: Some(memory),
        },
        Path::new("specs/huawei/geminidb.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let docs =
        &finished.service.operations["ListSslCertDownloadAddresses"].input["instance_id"].docs;
    let page =
        std::fs::read_to_string(repo_root().join("tests/fixtures/seeds/004_e1c9fe8135eea8ba.txt"))
            .unwrap();
    assert!(
        page.contains(docs.as_str()),
        "not the page's English: {docs}"
    );
    let stale = finished.translation.unwrap().stale.unwrap();
    assert!(
        stale.iter().any(|s| s.zh == chinese),
        "the shadowed entry is reported stale"
    );
}
