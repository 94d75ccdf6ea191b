//! The whole generation: load and validate every spec, then produce `specs/schema.json`, the spec
//! bundle and every service crate, all in memory; then write them (only what changed, removing
//! generated files no longer produced) or compare them with what is checked in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use crate::error::{Segment, SpecError, SpecErrors, SpecPath};
use crate::load::{load_file, LoadedSpec};
use crate::validate::{validate, validate_set};
use crate::versions::CrateVersions;
use crate::{bundle, emit, schema, GeneratedFile, GENERATED_NOTICE};

/// The command that regenerates everything; named in every staleness report.
pub const REGENERATE_COMMAND: &str = "cargo xtask codegen";

/// Directories (relative to the repository root) where generated files live; stale generated files
/// are looked for here.
pub const GENERATED_ROOTS: &[&str] = &["crates", "specs"];

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the specs, each located.
    #[error("{0}")]
    Spec(SpecErrors),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The generators produced a path outside the generated directories, or the same path twice.
    #[error("bad generated path {}: {reason}", path.display())]
    BadOutput {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Directories under `specs/` that hold something other than specs: the importers' curated
/// overlays (`specs/overlays/<vendor>/<service>.yaml`), merged into specs on import.
pub const NOT_SPEC_DIRS: &[&str] = &["overlays"];

/// Every spec file, `specs/<vendor>/<name>.yaml`, relative to `repo_root`, sorted.
pub fn find_specs(repo_root: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let mut misnamed = Vec::new();
    let specs = repo_root.join("specs");
    for vendor_dir in std::fs::read_dir(&specs).map_err(io_error(&specs))? {
        let vendor_dir = vendor_dir.map_err(io_error(&specs))?;
        let name = vendor_dir.file_name();
        let is_dir = vendor_dir.file_type().map_err(io_error(&specs))?.is_dir();
        if !is_dir || NOT_SPEC_DIRS.iter().any(|d| name == *d) {
            continue;
        }
        let dir = PathBuf::from("specs").join(&name);
        let absolute = repo_root.join(&dir);
        for entry in std::fs::read_dir(&absolute).map_err(io_error(&absolute))? {
            let entry = entry.map_err(io_error(&absolute))?;
            let relative = dir.join(entry.file_name());
            if relative.extension().is_some_and(|e| e == "yaml") {
                found.push(relative);
            } else if relative.extension().is_some_and(|e| e == "yml") {
                misnamed.push(SpecError {
                    file: relative,
                    line: 1,
                    column: 1,
                    path: SpecPath::root(),
                    message: "spec files end in `.yaml`; rename this file so it is not skipped"
                        .to_owned(),
                });
            }
        }
    }
    if !misnamed.is_empty() {
        return Err(Error::Spec(SpecErrors::sorted(misnamed)));
    }
    found.sort();
    Ok(found)
}

/// Loads and validates every spec; all problems of all files are reported together.
pub fn load_specs(repo_root: &Path) -> Result<Vec<LoadedSpec>, Error> {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for file in find_specs(repo_root)? {
        match load_file(repo_root, &file) {
            Ok(spec) => {
                if let Err(SpecErrors(mut found)) = validate(&spec) {
                    errors.append(&mut found);
                }
                specs.push(spec);
            }
            Err(SpecErrors(mut found)) => errors.append(&mut found),
        }
    }
    if let Err(SpecErrors(mut found)) = validate_set(&specs) {
        errors.append(&mut found);
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(Error::Spec(SpecErrors::sorted(errors)))
    }
}

/// Everything generated from the specs under `repo_root`, in memory, sorted by path. Nothing is
/// written; on error nothing is produced at all.
pub fn generate_all(repo_root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let specs = load_specs(repo_root)?;
    let versions = CrateVersions::read(repo_root).map_err(|reason| Error::BadOutput {
        path: PathBuf::from("Cargo.toml"),
        reason: format!("cannot read the crate versions: {reason}"),
    })?;
    generate_with_versions(&specs, &versions)
}

/// Everything generated from already loaded and validated specs, every generated crate at
/// [`crate::versions::FIRST_VERSION`].
pub fn generate_from(specs: &[LoadedSpec]) -> Result<Vec<GeneratedFile>, Error> {
    generate_with_versions(specs, &CrateVersions::default())
}

/// Everything generated from already loaded and validated specs, each crate at its version in
/// `versions`.
pub fn generate_with_versions(
    specs: &[LoadedSpec],
    versions: &CrateVersions,
) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = vec![schema::schema_file()];
    let services: Vec<(&Path, &cloud_spec::Service)> = specs
        .iter()
        .map(|s| (s.file.as_path(), &s.service))
        .collect();
    files.extend(bundle::bundle_files(&services));

    let mut errors = Vec::new();
    for spec in specs {
        match emit::emit_service_at(&spec.service, versions.of(&spec.service.crate_name())) {
            Ok(mut crate_files) => {
                let crate_dir = PathBuf::from("crates").join(spec.service.crate_name());
                for file in &crate_files {
                    if !file.path.starts_with(&crate_dir) {
                        return Err(Error::BadOutput {
                            path: file.path.clone(),
                            reason: format!("the emitter must write under {}", crate_dir.display()),
                        });
                    }
                }
                files.append(&mut crate_files);
            }
            Err(e) => errors.push(spec.error_at(&parse_dotted_path(&e.path), e.message)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Spec(SpecErrors::sorted(errors)));
    }

    let mut seen = BTreeSet::new();
    for file in &files {
        check_output_path(&file.path)?;
        if !seen.insert(file.path.clone()) {
            return Err(Error::BadOutput {
                path: file.path.clone(),
                reason: "produced twice".to_owned(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// `operations.X.examples[0].input.Y` → path segments (the emitter's error paths are text).
fn parse_dotted_path(text: &str) -> SpecPath {
    let mut segments = Vec::new();
    for part in text.split('.').filter(|p| !p.is_empty()) {
        let (key, indices) = part
            .split_once('[')
            .map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            segments.push(Segment::Key(key.to_owned()));
        }
        for index in indices.split('[') {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                segments.push(Segment::Index(i));
            }
        }
    }
    SpecPath(segments)
}

/// Generated paths are relative, inside a generated root, with no `..`.
fn check_output_path(path: &Path) -> Result<(), Error> {
    let mut components = path.components();
    let inside = matches!(components.next(), Some(Component::Normal(root)) if GENERATED_ROOTS.iter().any(|r| root == *r))
        && components.all(|c| matches!(c, Component::Normal(_)));
    if inside {
        Ok(())
    } else {
        Err(Error::BadOutput {
            path: path.to_owned(),
            reason: format!("generated files go under {}", GENERATED_ROOTS.join(" or ")),
        })
    }
}

/// Whether a file's text marks it as generated: the notice within its first two lines (line 2 for
/// JSON, whose first line is `{`).
pub fn is_generated(contents: &str) -> bool {
    contents
        .lines()
        .take(2)
        .any(|line| line.contains(GENERATED_NOTICE))
}

/// What [`write_all`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<PathBuf>,
    /// Generated files that are no longer produced, deleted.
    pub removed: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl fmt::Display for WriteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for path in &self.written {
            writeln!(f, "wrote   {}", path.display())?;
        }
        for path in &self.removed {
            writeln!(f, "removed {}", path.display())?;
        }
        write!(
            f,
            "{} written, {} removed, {} unchanged",
            self.written.len(),
            self.removed.len(),
            self.unchanged
        )
    }
}

/// Writes the files that differ from `files`, and removes generated files no longer produced.
/// `files` must be the complete output of [`generate_all`]: any other generated file is deleted.
pub fn write_all(repo_root: &Path, files: &[GeneratedFile]) -> Result<WriteReport, Error> {
    let mut report = write_files(repo_root, files)?;
    for stale in stale_files(repo_root, files)? {
        let absolute = repo_root.join(&stale);
        std::fs::remove_file(&absolute).map_err(io_error(&absolute))?;
        remove_empty_parents(repo_root, &stale);
        report.removed.push(stale);
    }
    Ok(report)
}

/// Writes the files that differ from `files`; touches nothing else.
///
/// Each file is written to a temporary name and renamed into place, so an interrupted run leaves
/// whole files.
pub fn write_files(repo_root: &Path, files: &[GeneratedFile]) -> Result<WriteReport, Error> {
    let mut report = WriteReport::default();
    for file in files {
        check_output_path(&file.path)?;
        let target = repo_root.join(&file.path);
        match std::fs::read(&target) {
            Ok(existing) if existing == file.contents.as_bytes() => {
                report.unchanged += 1;
                continue;
            }
            _ => {}
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = target.with_file_name(format!(".{file_name}.codegen-tmp"));
        std::fs::write(&temporary, &file.contents).map_err(io_error(&temporary))?;
        std::fs::rename(&temporary, &target).map_err(io_error(&target))?;
        report.written.push(file.path.clone());
    }
    Ok(report)
}

/// Removes the directories left empty by deleting `file`, up to (not including) its generated root.
fn remove_empty_parents(repo_root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(relative) = dir {
        if relative.components().count() <= 1 {
            break;
        }
        // Fails (and stops) as soon as a directory still holds something.
        if std::fs::remove_dir(repo_root.join(relative)).is_err() {
            break;
        }
        dir = relative.parent();
    }
}

/// How the checked-in files differ from what the specs generate.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Checked in, but with different content.
    pub differing: Vec<PathBuf>,
    /// Generated, but not checked in.
    pub missing: Vec<PathBuf>,
    /// Checked in with the generated notice, but no longer generated.
    pub stale: Vec<PathBuf>,
}

impl CheckReport {
    /// Whether everything checked in matches.
    pub fn is_fresh(&self) -> bool {
        self.differing.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_fresh() {
            return f.write_str("all generated files are up to date");
        }
        writeln!(f, "generated files are out of date:")?;
        for (label, paths) in [
            ("differs", &self.differing),
            ("missing", &self.missing),
            ("stale  ", &self.stale),
        ] {
            for path in paths {
                writeln!(f, "  {label} {}", path.display())?;
            }
        }
        write!(f, "run `{REGENERATE_COMMAND}` to regenerate them")
    }
}

/// Compares `files`, the complete output of [`generate_all`], with what is on disk under
/// `repo_root`, including generated files that are no longer produced.
pub fn check_all(repo_root: &Path, files: &[GeneratedFile]) -> Result<CheckReport, Error> {
    let mut report = check_files(repo_root, files)?;
    report.stale = stale_files(repo_root, files)?;
    Ok(report)
}

/// Compares `files` with what is on disk; looks at nothing else.
pub fn check_files(repo_root: &Path, files: &[GeneratedFile]) -> Result<CheckReport, Error> {
    let mut report = CheckReport::default();
    for file in files {
        let target = repo_root.join(&file.path);
        match std::fs::read_to_string(&target) {
            // A checkout with CRLF line endings is still up to date.
            Ok(existing)
                if existing == file.contents || existing.replace("\r\n", "\n") == file.contents => {
            }
            Ok(_) => report.differing.push(file.path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.missing.push(file.path.clone())
            }
            // Unreadable or not UTF-8: it cannot equal the generated text.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                report.differing.push(file.path.clone())
            }
            Err(source) => {
                return Err(Error::Io {
                    path: target,
                    source,
                })
            }
        }
    }
    Ok(report)
}

/// Files under the generated roots that carry the generated notice but are not in `files`.
fn stale_files(repo_root: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let produced: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let mut stale = BTreeMap::new();
    for root in GENERATED_ROOTS {
        let mut dirs = vec![PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            let absolute = repo_root.join(&dir);
            let entries = match std::fs::read_dir(&absolute) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => {
                    return Err(Error::Io {
                        path: absolute,
                        source,
                    })
                }
            };
            for entry in entries {
                let entry = entry.map_err(io_error(&absolute))?;
                let name = entry.file_name();
                // Build output and hidden files (editor swap files, our temporaries) are never ours.
                if name == "target" || name.to_string_lossy().starts_with('.') {
                    continue;
                }
                let relative = dir.join(&name);
                let file_type = entry.file_type().map_err(io_error(&relative))?;
                if file_type.is_dir() {
                    dirs.push(relative);
                } else if file_type.is_file()
                    && !produced.contains(relative.as_path())
                    && starts_with_notice(&repo_root.join(&relative))?
                {
                    stale.insert(relative, ());
                }
            }
        }
    }
    Ok(stale.into_keys().collect())
}

/// Reads only the head of a file to see whether it is generated.
fn starts_with_notice(path: &Path) -> Result<bool, Error> {
    let mut head = Vec::with_capacity(512);
    let file = std::fs::File::open(path).map_err(io_error(path))?;
    file.take(512)
        .read_to_end(&mut head)
        .map_err(io_error(path))?;
    Ok(is_generated(&String::from_utf8_lossy(&head)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_emitter_paths() {
        let path = parse_dotted_path("operations.X.examples[0].input.Y");
        assert_eq!(path.to_string(), "operations.X.examples[0].input.Y");
    }

    #[test]
    fn output_paths_stay_inside_generated_roots() {
        assert!(check_output_path(Path::new("crates/tencent-cdb/src/lib.rs")).is_ok());
        assert!(check_output_path(Path::new("specs/schema.json")).is_ok());
        for bad in ["/etc/passwd", "crates/../x", "src/main.rs", "./crates/x"] {
            assert!(check_output_path(Path::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn recognizes_generated_files_by_their_head() {
        assert!(is_generated(&format!(
            "// {GENERATED_NOTICE}\nfn main() {{}}\n"
        )));
        assert!(is_generated(&format!(
            "{{\n  \"$comment\": \"{GENERATED_NOTICE}\",\n"
        )));
        assert!(!is_generated(&format!(
            "line one\nline two\n// {GENERATED_NOTICE}\n"
        )));
    }
}
