//! `cargo xtask update-sources`: the "vendor's docs changed" job in one command.
//!
//! 1. Ask the registries for the newest version of every pinned vendor package (or take
//!    `--to NAME==VERSION`), with the wheels' hashes.
//! 2. Fetch them (`scripts/fetch-vendor-sources.sh`, hashes required) into a staging directory.
//! 3. Re-import every spec in `specs/` from them with its overlays, and regenerate, in memory.
//! 4. Only when all of that worked: write `scripts/vendor-sources.txt`, the specs and the
//!    generated files, and swap the staged sources into `target/vendor-sources`.
//! 5. Print the spec-diff and the release plan.
//!
//! A failure at any step before 4 (no network, a hash mismatch, an overlay entry the new release
//! no longer matches) changes nothing in the tree. `--dry-run` stops before step 4.

mod pins;
mod registry;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::import_args::UpdateSourcesArgs;
use crate::{git, import, release};
use pins::{Pin, Registry, Release};
use registry::Failure;

const LIST: &str = "scripts/vendor-sources.txt";

/// Runs `cargo xtask update-sources`.
pub fn run(root: &Path, args: UpdateSourcesArgs) -> Result<(), String> {
    let list_text =
        std::fs::read_to_string(root.join(LIST)).map_err(|e| format!("error: {LIST}: {e}"))?;
    let pinned = pins::parse(&list_text).map_err(|e| format!("error: {e}"))?;
    let wanted = requested_versions(&args.to, &pinned)?;
    let services = services(root)?;
    if !args.dry_run {
        let dirty = git::dirty_paths(root)?;
        if !dirty.is_empty() {
            return Err(format!(
                "error: the working tree is not clean ({}); commit or stash first, so the update is one reviewable change",
                dirty.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }

    let stage = root
        .join("target")
        .join(format!("update-sources.{}", std::process::id()));
    std::fs::create_dir_all(&stage).map_err(|e| format!("error: {}: {e}", stage.display()))?;
    let _cleanup = RemoveOnDrop(stage.clone());

    // 1. The versions.
    let mut updates: BTreeMap<String, Release> = BTreeMap::new();
    println!("vendor packages ({LIST}):");
    for pin in &pinned {
        let asked = wanted.get(&pin.name).map(String::as_str);
        let answer = match pin.registry {
            Registry::PyPi => registry::pypi(&pin.name, asked),
            Registry::CratesIo => registry::crates_io(&stage, &pin.name, asked),
        };
        let release = match answer {
            Ok(release) => release,
            Err(Failure::Unreachable(why)) => {
                return offline(&pinned, &services, &why, args.dry_run);
            }
            Err(Failure::Refused(why)) => {
                return Err(format!("error: {why}; nothing was changed"));
            }
        };
        let what = if release.version == pin.version {
            "pinned, newest".to_owned()
        } else if asked.is_some() {
            format!("→ {} (--to)", release.version)
        } else {
            format!("→ {} (newest)", release.version)
        };
        println!("  {} {} {what}", pin.name, pin.version);
        if release.version != pin.version {
            updates.insert(pin.name.clone(), release);
        }
    }
    if updates.is_empty() {
        println!("every vendor package is at the version asked for; nothing to do");
        return Ok(());
    }
    let new_list = pins::rewrite(&list_text, &updates);

    // 2. Fetch into the stage (hashes required).
    let list_file = stage.join("vendor-sources.txt");
    std::fs::write(&list_file, &new_list)
        .map_err(|e| format!("error: {}: {e}", list_file.display()))?;
    let sources = stage.join("vendor-sources");
    fetch(root, &list_file, &sources)?;

    // 3. Re-import and regenerate, in memory.
    let mut problems = Vec::new();
    let mut imported = Vec::new();
    for (vendor, service, file) in &services {
        match import::import_service(root, &sources, vendor, service) {
            Ok(finished) => imported.push((file.clone(), finished)),
            Err(e) => problems.push(format!("{}:\n{e}", file.display())),
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "error: the new vendor release does not import; nothing in the tree was changed.\n\n{}\n\n\
             A vendor release that drops or renames an operation leaves the overlay entries that \
             refer to it matching nothing: edit the overlay file and entry named above (delete \
             the entry, or move it to the new name), then run `cargo xtask update-sources{}` again.",
            problems.join("\n\n"),
            updates
                .iter()
                .map(|(n, r)| format!(" --to {n}=={}", r.version))
                .collect::<String>()
        ));
    }
    let tree = stage.join("tree");
    for (file, finished) in &imported {
        let path = tree.join(file);
        std::fs::create_dir_all(path.parent().unwrap_or(&tree))
            .and_then(|()| std::fs::write(&path, &finished.text))
            .map_err(|e| format!("error: {}: {e}", path.display()))?;
    }
    std::fs::copy(root.join("Cargo.toml"), tree.join("Cargo.toml"))
        .map_err(|e| format!("error: Cargo.toml: {e}"))?;
    let generated = codegen::generate::generate_all(&tree).map_err(|e| {
        format!("error: the new specs do not generate: {e}\nnothing in the tree was changed")
    })?;

    // The spec-diff, from the specs in the tree to the new ones.
    println!();
    let versions =
        codegen::versions::CrateVersions::read(root).map_err(|e| format!("error: {e}"))?;
    for (file, finished) in &imported {
        let old = codegen::load::load_file(root, file).map_err(|e| format!("error: {e}"))?;
        let diff = codegen::diff::diff(&old.service, &finished.service);
        print!("{diff}");
        let current = versions.of(&diff.crate_name);
        if let (Some(severity), Some(next)) = (diff.severity(), diff.next_version(current)) {
            println!(
                "  semver: {} {current} → {next} ({severity})",
                diff.crate_name
            );
        }
    }
    if args.dry_run {
        println!("\n--dry-run: nothing written; {LIST} would become:\n{new_list}");
        return Ok(());
    }

    // 4. Write, then swap the sources in.
    std::fs::write(root.join(LIST), &new_list).map_err(|e| format!("error: {LIST}: {e}"))?;
    for (file, finished) in &imported {
        std::fs::write(root.join(file), &finished.text)
            .map_err(|e| format!("error: {}: {e}", file.display()))?;
    }
    let report =
        codegen::generate::write_all(root, &generated).map_err(|e| format!("error: {e}"))?;
    println!(
        "\nregenerated: {} written, {} removed",
        report.written.len(),
        report.removed.len()
    );
    swap_sources(root, &sources)?;

    // 5. The release plan.
    let options = release::Options {
        since: "HEAD".to_owned(),
        semver_checks: !args.no_semver_checks,
    };
    println!("\n{}", release::make_plan(root, &options)?);
    println!(
        "\nnext: review `git diff`, run the tests, then `cargo xtask release apply` (README.md, \"Releasing\")"
    );
    Ok(())
}

/// `--to NAME==VERSION` by package name; every name must be pinned.
fn requested_versions(to: &[String], pinned: &[Pin]) -> Result<BTreeMap<String, String>, String> {
    let names: Vec<&str> = pinned.iter().map(|p| p.name.as_str()).collect();
    let mut wanted = BTreeMap::new();
    for item in to {
        let Some((name, version)) = item.split_once("==") else {
            return Err(format!(
                "error: --to {item}: say which package, `--to NAME==VERSION` (pinned: {})",
                names.join(", ")
            ));
        };
        if !names.contains(&name) {
            return Err(format!(
                "error: --to {item}: `{name}` is not in {LIST} (pinned: {})",
                names.join(", ")
            ));
        }
        wanted.insert(name.to_owned(), version.to_owned());
    }
    Ok(wanted)
}

/// Every spec and how it is imported: (vendor, service, `specs/<vendor>/<service>.yaml`).
fn services(root: &Path) -> Result<Vec<(String, String, PathBuf)>, String> {
    let mut found = Vec::new();
    for file in codegen::generate::find_specs(root).map_err(|e| format!("error: {e}"))? {
        let vendor = file
            .parent()
            .and_then(|p| p.file_name())
            .map(|v| v.to_string_lossy().into_owned())
            .unwrap_or_default();
        let service = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        found.push((vendor, service, file));
    }
    Ok(found)
}

/// No registry answered: say so; in a dry run, also what would be done from the pinned state.
fn offline(
    pinned: &[Pin],
    services: &[(String, String, PathBuf)],
    why: &str,
    dry_run: bool,
) -> Result<(), String> {
    let mut text =
        format!("no network: the registries cannot be reached ({why}); nothing was changed.\n");
    if !dry_run {
        return Err(format!("error: {text}"));
    }
    text.push_str("With network, update-sources would:\n  1. ask for the newest versions of\n");
    for pin in pinned {
        let registry = match pin.registry {
            Registry::PyPi => "PyPI",
            Registry::CratesIo => "crates.io",
        };
        text.push_str(&format!(
            "       {} (pinned {}, {registry})\n",
            pin.name, pin.version
        ));
    }
    text.push_str(&format!(
        "  2. rewrite {LIST} with them and their hashes\n  \
         3. fetch them into a staging directory (scripts/fetch-vendor-sources.sh)\n  \
         4. re-import every spec with its overlays:\n"
    ));
    for (vendor, service, _) in services {
        text.push_str(&format!(
            "       cargo xtask import {vendor} --service {service}\n"
        ));
    }
    text.push_str(
        "  5. regenerate (cargo xtask codegen)\n  6. print the spec-diff and the release plan",
    );
    println!("{text}");
    Ok(())
}

fn fetch(root: &Path, list: &Path, dest: &Path) -> Result<(), String> {
    let status = Command::new("bash")
        .arg(root.join("scripts/fetch-vendor-sources.sh"))
        .arg(dest)
        .env("VENDOR_SOURCES", list)
        .current_dir(root)
        .status()
        .map_err(|e| format!("error: cannot run scripts/fetch-vendor-sources.sh: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("error: fetching the new vendor packages failed (see above); nothing in the tree was changed".to_owned())
    }
}

/// Puts the staged sources at `target/vendor-sources` (the old ones are removed after).
fn swap_sources(root: &Path, staged: &Path) -> Result<(), String> {
    let live = spec_import::tencent::default_sources(root);
    let old = live.with_extension(format!("old.{}", std::process::id()));
    if live.exists() {
        std::fs::rename(&live, &old).map_err(|e| format!("error: {}: {e}", live.display()))?;
    }
    std::fs::rename(staged, &live).map_err(|e| format!("error: {}: {e}", live.display()))?;
    let _ = std::fs::remove_dir_all(&old);
    println!("vendor sources now in {}", live.display());
    Ok(())
}

/// Removes the staging directory however the run ends.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
