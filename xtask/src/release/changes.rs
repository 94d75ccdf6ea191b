//! What changed in each publishable crate since its last release: the part of the release plan
//! that looks at git, the specs and semver-checks. A generated crate's verdict comes from the
//! spec-diff of its spec (or, when only the generator's output changed, from semver-checks); a
//! hand-written crate's from semver-checks.
//!
//! A release is recorded by a git tag `<crate>-v<version>` on the commit that was published. A
//! crate is compared with its newest release tag; before its first release, with the `--since`
//! revision (default `HEAD`, so a plan shows what the working tree changes).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cloud_spec::Service;
use codegen::diff::{ServiceDiff, Severity};

use super::changelog;
use super::plan::{version_less, Notes, Observed};
use super::semver_checks;
use super::workspace::Crate;
use crate::git;

/// How to observe.
#[derive(Debug, Clone)]
pub struct Options {
    /// The revision crates without a release tag are compared with.
    pub since: String,
    /// Run semver-checks where a verdict needs it (otherwise such changes count as patch).
    pub semver_checks: bool,
}

/// Everything observed: per crate (in the order given), and the spec-diffs.
#[derive(Debug, Clone)]
pub struct Observation {
    /// One per crate.
    pub crates: Vec<Observed>,
    /// The spec-diff of every service whose spec changed.
    pub spec_diffs: Vec<ServiceDiff>,
}

/// The tag of a release.
pub fn tag(crate_name: &str, version: &str) -> String {
    format!("{crate_name}-v{version}")
}

/// Observes `crates` (in publish order).
pub fn observe(root: &Path, crates: &[Crate], options: &Options) -> Result<Observation, String> {
    let specs = spec_files(root)?;
    let mut observed = Vec::new();
    let mut spec_diffs = Vec::new();
    for krate in crates {
        let released = released_versions(root, &krate.name)?;
        let newest = released
            .iter()
            .fold(None::<&String>, |max, v| match max {
                Some(m) if !version_less(m, v) => Some(m),
                _ => Some(v),
            })
            .cloned();
        let base = match &newest {
            Some(version) => tag(&krate.name, version),
            None => options.since.clone(),
        };
        let previous = match &newest {
            Some(version) => version.clone(),
            None => version_at(root, &base, krate).unwrap_or_else(|| krate.version.clone()),
        };
        let mut o = Observed {
            name: krate.name.clone(),
            current: krate.version.clone(),
            previous,
            base: base.clone(),
            released,
            dependencies: krate.dependencies.clone(),
            severity: None,
            why: Vec::new(),
            notes: Notes::default(),
        };
        let changed = changed_files(root, &base, krate, &o)?;
        let spec_diff = match specs.get(&krate.name) {
            Some(spec) if krate.generated => spec_diff(root, &base, spec)?,
            _ => None,
        };
        if let Some(diff) = spec_diff.filter(|d| d.severity().is_some()) {
            o.severity = diff.severity();
            o.why.push(format!(
                "spec-diff: {} changes to {}, {}",
                diff.changes.len(),
                specs[&krate.name].display(),
                diff.severity().map_or("none".to_owned(), |s| s.to_string())
            ));
            o.notes = changelog::spec_notes(&diff);
            spec_diffs.push(diff);
        } else if !changed.is_empty() {
            let source = if krate.generated {
                "the generator's output changed (no spec change)"
            } else {
                "its sources changed"
            };
            let (severity, verdict) = if !api_inputs_changed(root, &base, krate, &changed)? {
                (
                    Severity::Patch,
                    "no Rust source, feature or dependency changed: a patch".to_owned(),
                )
            } else if options.semver_checks {
                let v = semver_checks::check(root, krate, &base)?;
                let said = match v.severity {
                    Some(s) => format!("semver-checks: {s} ({})", v.lints.join("; ")),
                    None => "semver-checks: no semver update required".to_owned(),
                };
                (v.severity.unwrap_or(Severity::Patch), said)
            } else {
                (
                    Severity::Patch,
                    "semver-checks skipped (--no-semver-checks): counted as a patch".to_owned(),
                )
            };
            o.severity = Some(severity);
            o.why.push(format!("{source} since {base}; {verdict}"));
            if krate.generated {
                o.notes
                    .changed
                    .push("Regenerated: the code generator's output changed.".to_owned());
            } else {
                let subjects = git::subjects_since(root, &base, &krate.dir_str())?;
                // Bundled specs are listed on their own below.
                let bundle = format!("{}/bundle/", krate.dir_str());
                let sources = changed.iter().filter(|f| !f.starts_with(&bundle)).count();
                if subjects.is_empty() && sources > 0 {
                    let files = if sources == 1 { "file" } else { "files" };
                    o.notes
                        .changed
                        .push(format!("Source changes since {base} ({sources} {files})."));
                }
                for subject in subjects {
                    o.notes.changed.push(subject);
                }
            }
            if severity == Severity::Breaking {
                o.notes
                    .changed
                    .insert(0, format!("**Breaking:** {verdict}."));
            }
        }
        observed.push(o);
    }
    // The bundle of specs in a crate (cloud-spec) changes with them: say which.
    for (krate, o) in crates.iter().zip(observed.iter_mut()) {
        let bundle = format!("{}/bundle", krate.dir_str());
        if o.severity.is_some() && git::changed_since(root, &o.base, &bundle)? {
            for diff in &spec_diffs {
                o.notes.changed.push(format!(
                    "Bundled spec of `{}`: {} changes ({}).",
                    diff.crate_name,
                    diff.changes.len(),
                    diff.severity().map_or("none".to_owned(), |s| s.to_string())
                ));
            }
        }
    }
    Ok(Observation {
        crates: observed,
        spec_diffs,
    })
}

/// The versions of `crate_name` with a release tag.
fn released_versions(root: &Path, crate_name: &str) -> Result<BTreeSet<String>, String> {
    let prefix = format!("{crate_name}-v");
    Ok(git::tags(root, &prefix)?
        .iter()
        .filter_map(|t| t.strip_prefix(&prefix))
        .filter(|v| v.split('.').count() == 3 && v.split('.').all(|p| p.parse::<u64>().is_ok()))
        .map(str::to_owned)
        .collect())
}

/// The crate's version at `rev`: its own `version`, or the workspace's when it inherited it.
fn version_at(root: &Path, rev: &str, krate: &Crate) -> Option<String> {
    let manifest = git::show(root, rev, &format!("{}/Cargo.toml", krate.dir_str()))?;
    let doc: toml_edit::DocumentMut = manifest.parse().ok()?;
    let version = doc.get("package")?.get("version")?;
    if let Some(v) = version.as_str() {
        return Some(v.to_owned());
    }
    let workspace: toml_edit::DocumentMut = git::show(root, rev, "Cargo.toml")?.parse().ok()?;
    Some(
        workspace
            .get("workspace")?
            .get("package")?
            .get("version")?
            .as_str()?
            .to_owned(),
    )
}

/// The crate's files that differ from `base`, except its changelog, and its Cargo.toml when the
/// only reason is a version already set since.
fn changed_files(
    root: &Path,
    base: &str,
    krate: &Crate,
    o: &Observed,
) -> Result<Vec<String>, String> {
    let dir = krate.dir_str();
    let names = git::run(root, &["diff", "--name-only", base, "--", &dir])?;
    let untracked = git::run(
        root,
        &["ls-files", "--others", "--exclude-standard", "--", &dir],
    )?;
    let version_only = o.current != o.previous;
    Ok(names
        .lines()
        .chain(untracked.lines())
        .filter(|f| !f.ends_with("/CHANGELOG.md"))
        .filter(|f| !(version_only && *f == format!("{dir}/Cargo.toml")))
        .map(str::to_owned)
        .collect())
}

/// Whether anything that can change the crate's API changed: a Rust file, or the Cargo.toml's
/// features or dependencies (everything but its `[package]` table: descriptions, includes,
/// docs.rs settings and the version do not). `changed` are the crate's changed files.
pub fn api_inputs_changed(
    root: &Path,
    base: &str,
    krate: &Crate,
    changed: &[String],
) -> Result<bool, String> {
    let manifest = format!("{}/Cargo.toml", krate.dir_str());
    if changed.iter().any(|f| f.ends_with(".rs")) {
        return Ok(true);
    }
    if !changed.contains(&manifest) {
        return Ok(false);
    }
    let without_package = |text: &str| -> Option<String> {
        let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
        doc.remove("package");
        Some(doc.to_string())
    };
    let now = std::fs::read_to_string(root.join(&manifest))
        .map_err(|e| format!("error: {manifest}: {e}"))?;
    let then = git::show(root, base, &manifest);
    Ok(then.as_deref().and_then(without_package) != without_package(&now))
}

/// The crate's changed files since `base` (see [`observe`]), for `release semver-checks`.
pub fn changed_since_base(root: &Path, krate: &Crate, o: &Observed) -> Result<Vec<String>, String> {
    changed_files(root, &o.base, krate, o)
}

/// Crate name → its spec file (`specs/tencent/cdb.yaml`), for the specs in the working tree.
fn spec_files(root: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut map = BTreeMap::new();
    for file in codegen::generate::find_specs(root).map_err(|e| format!("error: {e}"))? {
        let loaded = codegen::load::load_file(root, &file).map_err(|e| format!("error: {e}"))?;
        map.insert(loaded.service.crate_name(), file);
    }
    Ok(map)
}

/// The spec-diff of `spec` between `base` and the working tree (`None`: unreadable at `base`
/// because the crate is new there, which is reported as an added service).
fn spec_diff(root: &Path, base: &str, spec: &Path) -> Result<Option<ServiceDiff>, String> {
    let key = spec.to_string_lossy().replace('\\', "/");
    let new = load(
        &key,
        &std::fs::read_to_string(root.join(spec)).map_err(|e| format!("error: {key}: {e}"))?,
    )?;
    Ok(Some(match git::show(root, base, &key) {
        Some(text) => codegen::diff::diff(&load(&format!("{base}:{key}"), &text)?, &new),
        None => codegen::diff::added_service(&new),
    }))
}

fn load(name: &str, text: &str) -> Result<Service, String> {
    codegen::load::load_str(name, text)
        .map(|s| s.service)
        .map_err(|e| format!("error: {e}"))
}
