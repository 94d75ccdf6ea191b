//! Golden files: the whole output of the generator for the two small example specs
//! (`codegen/tests/specs/`), checked in under `codegen/tests/golden/`. A change to the emitter
//! shows up here as a reviewable diff of generated code, not as a substring that still matches.
//!
//! After an intended change: `UPDATE_GOLDEN=1 cargo test -p codegen --test integration golden`,
//! then review and commit the changed files with the emitter change.
//!
//! Each golden file is stored with a `.golden` suffix (`Cargo.toml.golden`, `lib.rs.golden`): a
//! real `Cargo.toml` under the repository would be a second package of the same name to cargo
//! tools that search the tree (cargo-semver-checks refused the ambiguity).

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::generate::generate_all;

/// The generated files kept as golden files: the crates' Rust, manifests and READMEs. The spec
/// bundle and the JSON schema are data with their own freshness checks.
fn is_golden(path: &str) -> bool {
    path.starts_with("crates/") && !path.starts_with("crates/cloud-spec/bundle/")
}

/// The suffix of every golden file.
const SUFFIX: &str = ".golden";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Every file under `dir`, relative, with `/` separators.
fn files_under(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let relative = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let Some(relative) = relative.strip_suffix(SUFFIX) else {
                    continue;
                };
                out.insert(relative.to_owned(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The first differing line of two texts, with its number, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for number in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => continue,
            (None, None) => break,
            (e, a) => {
                return format!(
                    "line {number}:\n  golden:    {}\n  generated: {}",
                    e.unwrap_or("<end of file>"),
                    a.unwrap_or("<end of file>")
                )
            }
        }
    }
    "only line endings differ".to_string()
}

#[test]
fn generated_code_matches_the_golden_files() {
    let root = std::env::temp_dir().join(format!("codegen-golden-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("specs/tencent")).unwrap();
    std::fs::create_dir_all(root.join("specs/huawei")).unwrap();
    std::fs::write(root.join("specs/tencent/mongodb.yaml"), common::TENCENT).unwrap();
    std::fs::write(root.join("specs/huawei/geminidb.yaml"), common::HUAWEI).unwrap();
    let generated = generate_all(&root);
    let _ = std::fs::remove_dir_all(&root);
    let generated: BTreeMap<String, String> = generated
        .expect("the example specs generate")
        .into_iter()
        .map(|f| (f.path.display().to_string().replace('\\', "/"), f.contents))
        .filter(|(path, _)| is_golden(path))
        .collect();
    assert!(
        generated.len() >= 10,
        "too few generated files: {:?}",
        generated.keys()
    );

    let dir = golden_dir();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (path, contents) in &generated {
            let target = dir.join(format!("{path}{SUFFIX}"));
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, contents).unwrap();
        }
        return;
    }

    let golden = files_under(&dir);
    let mut problems = Vec::new();
    for path in golden.keys().filter(|p| !generated.contains_key(*p)) {
        problems.push(format!("{path}: golden file no longer generated"));
    }
    for (path, contents) in &generated {
        match golden.get(path) {
            None => problems.push(format!("{path}: generated, no golden file")),
            Some(expected) if expected != contents => {
                problems.push(format!("{path}: {}", first_difference(expected, contents)))
            }
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "the generator's output differs from codegen/tests/golden (after an intended change run \
         `UPDATE_GOLDEN=1 cargo test -p codegen --test integration golden` and review the diff):\n{}",
        problems.join("\n")
    );
}
