//! `cargo xtask import ...` and `cargo xtask spec-diff ...`: the command-line side of
//! `spec_import` and `codegen::diff` (their arguments: `import_args`).

use std::path::{Path, PathBuf};

use cloud_spec::Service;
use spec_import::translate::{self, Memory};
use spec_import::{self as import, FinishOptions, LoadedOverlay, RawImport};

use crate::import_args::{CommonArgs, ImportArgs, ImportSource, SpecDiffArgs};

/// Runs `cargo xtask import ...`.
pub fn run(root: &Path, args: ImportArgs) -> Result<(), String> {
    match args.source {
        ImportSource::Tencent {
            service,
            api_version,
            common,
        } => {
            let sources = source_dir(root, &common);
            let raw = import::tencent::import(&sources, &service, api_version.as_deref())
                .map_err(|e| format!("error: {e}"))?;
            let command = format!("cargo xtask import tencent --service {service}");
            finish(root, raw, "tencent", &service, &common, command)
        }
        ImportSource::Huawei { service, common } => {
            let sources = source_dir(root, &common);
            let raw =
                import::huawei::import(&sources, &service).map_err(|e| format!("error: {e}"))?;
            let command = format!("cargo xtask import huawei --service {service}");
            finish(root, raw, "huawei", &service, &common, command)
        }
        ImportSource::Doc { page, merge } => doc(root, &page, merge.as_deref()),
    }
}

fn source_dir(root: &Path, common: &CommonArgs) -> PathBuf {
    common
        .source
        .clone()
        .unwrap_or_else(|| import::tencent::default_sources(root))
}

fn finish(
    root: &Path,
    raw: RawImport,
    vendor: &str,
    service: &str,
    common: &CommonArgs,
    mut command: String,
) -> Result<(), String> {
    let spec_file = PathBuf::from(format!("specs/{vendor}/{service}.yaml"));
    let committed =
        || codegen::load::load_file(root, &spec_file).map_err(|e| format!("error: {e}"));
    if common.derive_overlay {
        let curated = committed()?;
        let draft = import::overlay::derive(&raw.service, &curated.service);
        print!("{}", draft.to_yaml());
        return Ok(());
    }
    let only = if common.only_curated {
        command.push_str(" --only-curated");
        Some(import::operation_names(&committed()?.service))
    } else {
        common.only.as_deref().map(|list| {
            command.push_str(&format!(" --only {list}"));
            import::parse_only(list)
        })
    };
    let finished = finish_with_overlays(root, raw, vendor, service, only, command.clone())?;
    let options = FinishOptions {
        command,
        ..FinishOptions::default()
    };
    for note in &finished.notes {
        eprintln!("note: {note}");
    }
    if let Some(report) = &finished.translation {
        if common.memory_todo {
            print!("{}", report.todo_yaml());
            eprintln!("{} texts without English", report.missing.len());
            return Ok(());
        }
        eprint!("{report}");
    } else if common.memory_todo {
        return Err(format!(
            "error: {} does not exist; start it with a `skeleton:` (see specs/overlays/README.md)",
            translate::memory_path(vendor, service).display()
        ));
    }
    let summary = format!(
        "{} operations, {} shapes, {} lines",
        finished.service.operations.len(),
        finished.service.shapes.len(),
        finished.text.lines().count()
    );
    if common.stdout {
        print!("{}", finished.text);
        eprintln!("{summary}");
        return Ok(());
    }
    if common.check {
        let current = std::fs::read_to_string(root.join(&spec_file)).unwrap_or_default();
        return if current == finished.text {
            println!(
                "{} is what the import produces ({summary})",
                spec_file.display()
            );
            Ok(())
        } else {
            Err(format!(
                "{} differs from the import; run `{}` (or review with `cargo xtask spec-diff`)",
                spec_file.display(),
                options.command
            ))
        };
    }
    let out = common.out.clone().unwrap_or_else(|| spec_file.clone());
    let out = if out.is_absolute() {
        out
    } else {
        root.join(out)
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("error: {}: {e}", dir.display()))?;
    }
    let unchanged = std::fs::read_to_string(&out).is_ok_and(|t| t == finished.text);
    if !unchanged {
        std::fs::write(&out, &finished.text)
            .map_err(|e| format!("error: {}: {e}", out.display()))?;
    }
    println!(
        "{} {} ({summary}, {} bytes)",
        if unchanged { "unchanged" } else { "wrote" },
        out.display(),
        finished.text.len()
    );
    Ok(())
}

/// Merges a raw import with the service's overlays (`_common` and its own) and translation
/// memory: the spec `specs/<vendor>/<service>.yaml` would hold.
fn finish_with_overlays(
    root: &Path,
    raw: RawImport,
    vendor: &str,
    service: &str,
    only: Option<Vec<String>>,
    command: String,
) -> Result<import::Finished, String> {
    let spec_file = PathBuf::from(format!("specs/{vendor}/{service}.yaml"));
    let overlays = [
        LoadedOverlay::read(
            root,
            Path::new(&format!("specs/overlays/{vendor}/_common.yaml")),
        )
        .map_err(|e| format!("error: {e}"))?,
        LoadedOverlay::read(
            root,
            Path::new(&format!("specs/overlays/{vendor}/{service}.yaml")),
        )
        .map_err(|e| format!("error: {e}"))?,
    ];
    let overlays: Vec<&LoadedOverlay> = overlays.iter().collect();
    let translation = Memory::read(root, &translate::memory_path(vendor, service))
        .map_err(|e| format!("error: {e}"))?;
    let options = FinishOptions {
        only,
        command,
        translation,
    };
    import::finish(raw, &overlays, &options, &spec_file).map_err(|e| format!("error: {e}"))
}

/// The whole import of `specs/<vendor>/<service>.yaml` (every operation, with its overlays) from
/// the vendor sources in `sources`, as `cargo xtask import <vendor> --service <service>` makes it.
pub fn import_service(
    root: &Path,
    sources: &Path,
    vendor: &str,
    service: &str,
) -> Result<import::Finished, String> {
    let raw = match vendor {
        "tencent" => import::tencent::import(sources, service, None),
        "huawei" => import::huawei::import(sources, service),
        other => {
            return Err(format!(
                "error: no importer for vendor `{other}` (specs/{other}/{service}.yaml)"
            ))
        }
    }
    .map_err(|e| format!("error: {e}"))?;
    let command = format!("cargo xtask import {vendor} --service {service}");
    finish_with_overlays(root, raw, vendor, service, None, command)
}

fn doc(root: &Path, page: &Path, merge: Option<&Path>) -> Result<(), String> {
    let text =
        std::fs::read_to_string(page).map_err(|e| format!("error: {}: {e}", page.display()))?;
    let parsed = import::doc_page::parse(page, &text).map_err(|e| format!("error: {e}"))?;
    match merge {
        None => {
            print!("{}", import::doc_page::to_yaml(&parsed));
            Ok(())
        }
        Some(spec) => {
            let relative = spec.strip_prefix(root).unwrap_or(spec).to_path_buf();
            let loaded =
                codegen::load::load_file(root, &relative).map_err(|e| format!("error: {e}"))?;
            let text = import::doc_page::merge_into(&loaded, &parsed)
                .map_err(|e| format!("error: {e}"))?;
            std::fs::write(root.join(&relative), text)
                .map_err(|e| format!("error: {}: {e}", relative.display()))?;
            println!("merged {} into {}", parsed.name, relative.display());
            Ok(())
        }
    }
}

/// Runs `cargo xtask spec-diff ...`.
pub fn spec_diff(root: &Path, args: SpecDiffArgs) -> Result<(), String> {
    let compared = match args.paths.as_slice() {
        [old, new] => {
            let load = |p: &Path| -> Result<Service, String> {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("error: {}: {e}", p.display()))?;
                codegen::load::load_str(p, &text)
                    .map(|s| s.service)
                    .map_err(|e| format!("error: {e}"))
            };
            vec![Compared::changed(load(old)?, load(new)?)]
        }
        [] => against_revision(root, args.against.as_deref().unwrap_or("HEAD"))?,
        _ => {
            return Err(
                "error: give two spec files (OLD NEW), or none with --against REV".to_owned(),
            )
        }
    };
    let mut breaking = false;
    for Compared { diff, untranslated } in &compared {
        print!("{diff}");
        if let Some(severity) = diff.severity() {
            let current = crate_version(root, &diff.crate_name);
            match current
                .as_deref()
                .and_then(|v| diff.next_version(v).map(|n| (v.to_owned(), n)))
            {
                Some((from, to)) => {
                    println!("  semver: {} {from} → {to} ({severity})", diff.crate_name)
                }
                None => println!("  semver: {severity} change (current version unknown)"),
            }
            breaking |= severity == codegen::diff::Severity::Breaking;
        }
        for line in untranslated {
            println!("{line}");
        }
    }
    if breaking && args.deny_breaking {
        return Err("error: breaking changes (see above)".to_owned());
    }
    Ok(())
}

/// One service compared: its diff, and the texts of the new version still in Chinese.
struct Compared {
    diff: codegen::diff::ServiceDiff,
    untranslated: Vec<String>,
}

impl Compared {
    fn changed(old: Service, new: Service) -> Compared {
        Compared::new(codegen::diff::diff(&old, &new), Some(old), new)
    }

    fn added(new: Service) -> Compared {
        Compared::new(codegen::diff::added_service(&new), None, new)
    }

    fn removed(old: &Service) -> Compared {
        Compared {
            diff: codegen::diff::removed_service(old),
            untranslated: Vec::new(),
        }
    }

    fn new(diff: codegen::diff::ServiceDiff, old: Option<Service>, new: Service) -> Compared {
        // A vendor release is reviewed for translation too: which texts are still Chinese, and
        // which of them this change brought in.
        let before: std::collections::BTreeSet<(String, String)> = old
            .map(|old| translate::untranslated(&old).into_iter().collect())
            .unwrap_or_default();
        let now = translate::untranslated(&new);
        let mut untranslated = Vec::new();
        if !now.is_empty() {
            let fresh = now.iter().filter(|t| !before.contains(*t)).count();
            untranslated.push(format!(
                "  {} texts without English ({fresh} new in this change):",
                now.len()
            ));
            for (path, text) in &now {
                let new_mark = if before.contains(&(path.clone(), text.clone())) {
                    ""
                } else {
                    " (new)"
                };
                let one_line = translate::normalize(text);
                let shown: String = one_line.chars().take(80).collect();
                let more = if one_line.chars().count() > 80 {
                    "…"
                } else {
                    ""
                };
                untranslated.push(format!("    {path}{new_mark}: {shown}{more}"));
            }
        }
        Compared { diff, untranslated }
    }
}

/// Compares every spec of the working tree with the same file at `rev`.
fn against_revision(root: &Path, rev: &str) -> Result<Vec<Compared>, String> {
    let git = |args: &[&str]| crate::git::run(root, args);
    let old_files: Vec<String> = git(&["ls-tree", "-r", "--name-only", rev, "--", "specs/"])?
        .lines()
        .filter(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            parts.len() == 3
                && p.ends_with(".yaml")
                && !codegen::generate::NOT_SPEC_DIRS.contains(&parts[1])
        })
        .map(str::to_owned)
        .collect();
    let new_files = codegen::generate::find_specs(root).map_err(|e| format!("error: {e}"))?;
    let load_old = |key: &str| -> Result<Service, String> {
        let text = git(&["show", &format!("{rev}:{key}")])?;
        codegen::load::load_str(format!("{rev}:{key}"), &text)
            .map(|s| s.service)
            .map_err(|e| format!("error: {e}"))
    };
    let mut compared = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for file in &new_files {
        let key = file.to_string_lossy().replace('\\', "/");
        seen.insert(key.clone());
        let new = codegen::load::load_file(root, file)
            .map_err(|e| format!("error: {e}"))?
            .service;
        compared.push(if old_files.contains(&key) {
            Compared::changed(load_old(&key)?, new)
        } else {
            Compared::added(new)
        });
    }
    for key in old_files.iter().filter(|k| !seen.contains(*k)) {
        compared.push(Compared::removed(&load_old(key)?));
    }
    Ok(compared)
}

/// The version in `crates/<name>/Cargo.toml`, or the workspace's when it inherits it.
fn crate_version(root: &Path, crate_name: &str) -> Option<String> {
    let version_in = |text: &str, section: &str| -> Option<String> {
        let mut in_section = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_section = line == section;
            } else if in_section {
                if let Some(rest) = line.strip_prefix("version") {
                    let rest = rest.trim_start();
                    if let Some(value) = rest.strip_prefix('=') {
                        return Some(value.trim().trim_matches('"').to_owned());
                    }
                }
            }
        }
        None
    };
    let manifest =
        std::fs::read_to_string(root.join("crates").join(crate_name).join("Cargo.toml")).ok()?;
    if manifest.contains("version.workspace = true") {
        let workspace = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
        version_in(&workspace, "[workspace.package]")
    } else {
        version_in(&manifest, "[package]")
    }
}
