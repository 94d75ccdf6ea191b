//! Helpers shared by the importer tests (`import_*`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use spec_import::translate::{self, Memory};
use spec_import::{self as import, FinishOptions, Finished, ImportError, LoadedOverlay, RawImport};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("spec-import lives in the repository root")
        .to_path_buf()
}

/// The trimmed vendor packages, unpacked once per test run from `tests/fixtures/import.bundle`
/// (written by `tests/fixtures/make-import-fixtures.py`) into cargo's temporary directory for
/// integration tests, with the packages' own layout.
pub fn fixtures() -> PathBuf {
    static UNPACKED: OnceLock<PathBuf> = OnceLock::new();
    UNPACKED
        .get_or_init(|| {
            let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import.bundle");
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-fixtures");
            unpack(&bundle, &dir).unwrap_or_else(|e| panic!("{}: {e}", bundle.display()));
            dir
        })
        .clone()
}

/// Writes every file of `bundle` below `dir` (emptied first). The bundle is a comment header,
/// then per file a `--- <bytes> <path>` line, the file's bytes and a newline.
fn unpack(bundle: &Path, dir: &Path) -> Result<(), String> {
    let data = std::fs::read(bundle).map_err(|e| e.to_string())?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut rest = data.as_slice();
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("a header line without its end")?;
        let line = std::str::from_utf8(&rest[..end]).map_err(|e| e.to_string())?;
        rest = &rest[end + 1..];
        if line.starts_with('#') {
            continue;
        }
        let (len, path) = line
            .strip_prefix("--- ")
            .and_then(|h| h.split_once(' '))
            .ok_or_else(|| format!("expected `--- <bytes> <path>`, found `{line}`"))?;
        let len: usize = len.parse().map_err(|_| format!("bad length in `{line}`"))?;
        if rest.len() < len + 1 || rest[len] != b'\n' {
            return Err(format!("`{path}` is cut short"));
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, &rest[..len]).map_err(|e| format!("{}: {e}", target.display()))?;
        rest = &rest[len + 1..];
    }
    Ok(())
}

/// The committed overlays for a service (vendor-wide first).
pub fn overlays(vendor: &str, service: &str) -> Vec<LoadedOverlay> {
    let root = repo_root();
    [
        format!("specs/overlays/{vendor}/_common.yaml"),
        format!("specs/overlays/{vendor}/{service}.yaml"),
    ]
    .iter()
    .map(|p| LoadedOverlay::read(&root, Path::new(p)).expect("the committed overlay loads"))
    .collect()
}

/// The committed translation memory of a service, if it has one.
pub fn memory(vendor: &str, service: &str) -> Option<Memory> {
    Memory::read(&repo_root(), &translate::memory_path(vendor, service))
        .expect("the committed translation memory loads")
}

/// The committed spec of a service.
pub fn committed(vendor: &str, service: &str) -> codegen::load::LoadedSpec {
    codegen::load::load_file(
        &repo_root(),
        Path::new(&format!("specs/{vendor}/{service}.yaml")),
    )
    .expect("the committed spec loads")
}

/// Raw import from `sources`.
pub fn raw(sources: &Path, vendor: &str, service: &str) -> Result<RawImport, ImportError> {
    match vendor {
        "tencent" => import::tencent::import(sources, service, None),
        "huawei" => import::huawei::import(sources, service),
        other => panic!("unknown vendor {other}"),
    }
}

/// Import + committed overlays and translation memory, restricted to `only`.
pub fn finish(
    raw: RawImport,
    vendor: &str,
    service: &str,
    only: Option<Vec<String>>,
) -> Result<Finished, ImportError> {
    let overlays = overlays(vendor, service);
    let refs: Vec<&LoadedOverlay> = overlays.iter().collect();
    // The command `cargo xtask import` names in the spec's header, so that a full import gives
    // the committed file's bytes.
    let options = FinishOptions {
        only,
        command: format!("cargo xtask import {vendor} --service {service}"),
        translation: memory(vendor, service),
    };
    import::finish(
        raw,
        &refs,
        &options,
        Path::new(&format!("specs/{vendor}/{service}.yaml")),
    )
}

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh copy of the fixtures.
    pub fn fixtures(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("cloudcall-import-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&fixtures(), &dir);
        Scratch(dir)
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create scratch dir");
    for entry in std::fs::read_dir(from).expect("read fixtures") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}
