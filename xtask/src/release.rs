//! `cargo xtask release plan|apply|sizes|semver-checks`: per-crate versions, changelogs and the
//! publish order.
//!
//! - `plan` prints, per publishable crate, the current and next version and why, the changelog
//!   entry, and the publish order; it writes nothing.
//! - `apply` checks everything first (a clean tree, no version already released, every
//!   dependency released or published earlier in the same run), then writes the versions (each
//!   crate's Cargo.toml, the workspace requirements, the regenerated crates, Cargo.lock) and the
//!   changelogs. The same plan on the same tree writes the same files (the date is the HEAD
//!   commit's unless `--date` is given).
//! - `sizes` packages the crates and reports their sizes and license files.
//! - `semver-checks` runs cargo-semver-checks where the API can have changed and fails when it
//!   asks for more than the plan gives (CI: `scripts/release-checks.sh`).
//!
//! How a release is recorded: the git tag `<crate>-v<version>` on the commit that was published
//! (see README.md, "Releasing"). The plan compares each crate with its newest tag.

#[cfg(test)]
mod apply_tests;
mod changelog;
mod changes;
pub mod plan;
mod semver_checks;
mod sizes;
#[cfg(test)]
mod test_repo;
#[cfg(test)]
mod three_ways;
mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::git;

pub use changes::Options;

/// `cargo xtask release`.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    #[command(subcommand)]
    command: ReleaseCommand,
}

#[derive(Debug, Subcommand)]
enum ReleaseCommand {
    /// Print each crate's next version and why, its changelog entry, and the publish order.
    Plan(PlanArgs),
    /// Write the plan's versions, requirements and changelogs (after checking all of it).
    Apply {
        #[command(flatten)]
        plan: PlanArgs,
        /// Only these crates (repeatable); their unreleased dependencies must be among them.
        #[arg(long = "package", short = 'p')]
        packages: Vec<String>,
        /// The date of the changelog entries (YYYY-MM-DD). Default: the HEAD commit's date.
        #[arg(long)]
        date: Option<String>,
    },
    /// Package every publishable crate; report sizes (limit 10 MB) and the license files.
    Sizes,
    /// Run cargo-semver-checks on every crate whose Rust API inputs changed since its last
    /// release (or `--since`); fail when it asks for a bigger bump than the plan gives.
    SemverChecks {
        /// The revision crates without a release tag are compared with.
        #[arg(long, default_value = "HEAD")]
        since: String,
        /// Also check the generated crates whose spec changed (their spec-diff decides the
        /// bump; the three-way test covers that the two agree).
        #[arg(long)]
        all: bool,
    },
}

/// The options shared by `plan` and `apply`.
#[derive(Debug, Args, Clone)]
pub struct PlanArgs {
    /// The revision crates without a release tag are compared with.
    #[arg(long, default_value = "HEAD")]
    since: String,
    /// Do not run cargo-semver-checks: changed hand-written crates count as patch changes.
    #[arg(long)]
    no_semver_checks: bool,
}

impl PlanArgs {
    fn options(&self) -> Options {
        Options {
            since: self.since.clone(),
            semver_checks: !self.no_semver_checks,
        }
    }
}

/// Runs `cargo xtask release ...`.
pub fn run(root: &Path, args: ReleaseArgs) -> Result<(), String> {
    match args.command {
        ReleaseCommand::Plan(plan) => {
            let crates = ordered_crates(root)?;
            let observation = changes::observe(root, &crates, &plan.options())?;
            for diff in &observation.spec_diffs {
                println!(
                    "spec-diff: {}: {} changes, {}",
                    diff.crate_name,
                    diff.changes.len(),
                    diff.severity().map_or("none".to_owned(), |s| s.to_string())
                );
            }
            println!("{}", plan::decide(&observation.crates)?);
            Ok(())
        }
        ReleaseCommand::Apply {
            plan,
            packages,
            date,
        } => apply(root, &plan.options(), &packages, date.as_deref()).map(|_| ()),
        ReleaseCommand::Sizes => sizes::report(root, &workspace::read(root)?),
        ReleaseCommand::SemverChecks { since, all } => semver_agreement(root, &since, all),
    }
}

/// `release semver-checks`: semver-checks' verdict next to the plan's, for every changed crate.
fn semver_agreement(root: &Path, since: &str, all: bool) -> Result<(), String> {
    let crates = ordered_crates(root)?;
    let options = Options {
        since: since.to_owned(),
        semver_checks: false,
    };
    let observation = changes::observe(root, &crates, &options)?;
    let planned = plan::decide(&observation.crates)?;
    let mut disagreements = Vec::new();
    for (krate, observed) in crates.iter().zip(&observation.crates) {
        let changed = changes::changed_since_base(root, krate, observed)?;
        if !changes::api_inputs_changed(root, &observed.base, krate, &changed)? {
            println!(
                "{}: no Rust source, feature or dependency changed since {}",
                krate.name, observed.base
            );
            continue;
        }
        let spec_decides = krate.generated
            && observation
                .spec_diffs
                .iter()
                .any(|d| d.crate_name == krate.name);
        if spec_decides && !all {
            println!(
                "{}: its spec-diff decides the bump (cross-check with semver-checks: --all)",
                krate.name
            );
            continue;
        }
        let started = std::time::Instant::now();
        let verdict = semver_checks::check(root, krate, &observed.base)?;
        // A hand-written crate's bump is semver-checks' verdict itself; a generated crate's
        // comes from its spec-diff, which semver-checks must not contradict.
        let planned_severity = if krate.generated {
            planned.get(&krate.name).and_then(|c| c.severity)
        } else {
            verdict.severity.or(Some(codegen::diff::Severity::Patch))
        };
        println!(
            "{}: semver-checks against {}: {} ({:.0} s); the plan: {}",
            krate.name,
            observed.base,
            verdict
                .severity
                .map_or("no semver update required".to_owned(), |s| s.to_string()),
            started.elapsed().as_secs_f64(),
            planned_severity.map_or("no change".to_owned(), |s| s.to_string())
        );
        for lint in &verdict.lints {
            println!("    {lint}");
        }
        if verdict.severity > planned_severity {
            disagreements.push(format!(
                "{}: semver-checks asks for a {} release, the plan gives {}",
                krate.name,
                verdict
                    .severity
                    .map_or("patch".to_owned(), |s| s.to_string()),
                planned_severity.map_or("none".to_owned(), |s| s.to_string())
            ));
        }
    }
    if disagreements.is_empty() {
        Ok(())
    } else {
        Err(format!("error:\n  {}", disagreements.join("\n  ")))
    }
}

/// The plan for the working tree.
#[cfg_attr(not(feature = "import"), allow(dead_code))]
pub fn make_plan(root: &Path, options: &Options) -> Result<plan::Plan, String> {
    let crates = ordered_crates(root)?;
    let observation = changes::observe(root, &crates, options)?;
    plan::decide(&observation.crates)
}

fn ordered_crates(root: &Path) -> Result<Vec<workspace::Crate>, String> {
    let crates = workspace::read(root)?;
    let order = workspace::publish_order(&crates)?;
    let mut by_name: BTreeMap<String, workspace::Crate> =
        crates.into_iter().map(|c| (c.name.clone(), c)).collect();
    Ok(order
        .iter()
        .filter_map(|name| by_name.remove(name))
        .collect())
}

/// One file `apply` writes.
struct Write {
    path: PathBuf,
    contents: String,
}

fn apply(
    root: &Path,
    options: &Options,
    packages: &[String],
    date: Option<&str>,
) -> Result<Vec<PathBuf>, String> {
    let dirty = git::dirty_paths(root)?;
    if !dirty.is_empty() {
        let shown: Vec<&str> = dirty.iter().take(10).map(String::as_str).collect();
        return Err(format!(
            "error: the working tree is not clean ({} paths: {}{}); commit or stash first, so \
             that what `apply` writes is the whole change to review",
            dirty.len(),
            shown.join(", "),
            if dirty.len() > 10 { ", ..." } else { "" }
        ));
    }
    let crates = ordered_crates(root)?;
    let planned = plan::decide(&changes::observe(root, &crates, options)?.crates)?;
    let date = match date {
        Some(d) => d.to_owned(),
        None => git::commit_date(root, "HEAD")?,
    };
    let writes = prepare(root, &crates, &planned, packages, &date)?;
    if writes.is_empty() {
        println!("{planned}\nnothing to write");
        return Ok(Vec::new());
    }
    for write in &writes {
        write_file(&root.join(&write.path), &write.contents)?;
    }
    println!("{planned}");
    for write in &writes {
        println!("wrote {}", write.path.display());
    }
    println!(
        "next: review and commit, `bash scripts/release-checks.sh` (package dry run), then \
         publish in the order above and tag each crate `<crate>-v<version>`"
    );
    Ok(writes.into_iter().map(|w| w.path).collect())
}

/// Every check, then every file's new contents, in memory. Nothing is written here.
fn prepare(
    root: &Path,
    crates: &[workspace::Crate],
    planned: &plan::Plan,
    packages: &[String],
    date: &str,
) -> Result<Vec<Write>, String> {
    for name in packages {
        if planned.get(name).is_none() {
            return Err(format!(
                "error: {name} is not a publishable crate of the workspace"
            ));
        }
    }
    // Asked for by name, or (with no names) everything the plan publishes.
    let selected: Vec<&plan::CratePlan> = planned
        .crates
        .iter()
        .filter(|c| {
            if packages.is_empty() {
                c.publish
            } else {
                packages.contains(&c.name)
            }
        })
        .collect();
    let mut problems = Vec::new();
    for c in &selected {
        if !c.publish {
            problems.push(format!(
                "{} {} is already released (tag {}) and nothing changed since: there is nothing to \
                 apply; change the crate first, or delete the tag if that release never happened",
                c.name,
                c.next,
                changes::tag(&c.name, &c.next)
            ));
        }
        for dep in &c.dependencies {
            let Some(dep_plan) = planned.get(dep) else {
                continue;
            };
            if dep_plan.publish && !selected.iter().any(|s| s.name == *dep) {
                problems.push(format!(
                    "{} needs {dep} {}, which is not released and not in this run: add `-p {dep}` \
                     (it is published before {} in the plan's order)",
                    c.name, dep_plan.next, c.name
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "error: nothing written:\n  {}",
            problems.join("\n  ")
        ));
    }

    let generated_fresh = {
        let files = codegen::generate::generate_all(root).map_err(|e| format!("error: {e}"))?;
        codegen::generate::check_all(root, &files)
            .map_err(|e| format!("error: {e}"))?
            .is_fresh()
    };
    if !generated_fresh {
        return Err(
            "error: nothing written: the generated code is stale; run `cargo xtask codegen` and commit first"
                .to_owned(),
        );
    }

    let mut writes = Vec::new();
    let bumped: BTreeMap<&str, &str> = selected
        .iter()
        .filter(|c| c.bumps())
        .map(|c| (c.name.as_str(), c.next.as_str()))
        .collect();
    let by_name: BTreeMap<&str, &workspace::Crate> =
        crates.iter().map(|c| (c.name.as_str(), c)).collect();

    // The workspace's requirements (a generated crate's version comes from here too).
    let workspace_manifest = read(root, Path::new("Cargo.toml"))?;
    let mut doc = parse_toml("Cargo.toml", &workspace_manifest)?;
    for (name, version) in &bumped {
        let entry = doc
            .get_mut("workspace")
            .and_then(|w| w.get_mut("dependencies"))
            .and_then(|d| d.get_mut(name))
            .and_then(|e| e.as_inline_table_mut())
            .and_then(|t| t.get_mut("version"))
            .ok_or_else(|| {
                format!("error: Cargo.toml: [workspace.dependencies] has no `{name} = {{ path, version }}`")
            })?;
        set_keeping_decor(entry, version);
    }
    let new_workspace_manifest = doc.to_string();
    push_if_changed(
        &mut writes,
        "Cargo.toml",
        &workspace_manifest,
        new_workspace_manifest.clone(),
    );

    // Hand-written crates' own versions.
    for (name, version) in &bumped {
        let krate = by_name[name];
        if krate.generated {
            continue;
        }
        let path = krate.dir.join("Cargo.toml");
        let text = read(root, &path)?;
        let mut doc = parse_toml(&path.display().to_string(), &text)?;
        let entry = doc
            .get_mut("package")
            .and_then(|p| p.get_mut("version"))
            .and_then(|v| v.as_value_mut())
            .ok_or_else(|| format!("error: {}: no `package.version`", path.display()))?;
        set_keeping_decor(entry, version);
        push_if_changed(
            &mut writes,
            &path.display().to_string(),
            &text,
            doc.to_string(),
        );
    }

    // Generated crates: regenerated with the new requirements.
    let versions = codegen::versions::CrateVersions::parse(&new_workspace_manifest)?;
    let specs = codegen::generate::load_specs(root).map_err(|e| format!("error: {e}"))?;
    let files = codegen::generate::generate_with_versions(&specs, &versions)
        .map_err(|e| format!("error: {e}"))?;
    for file in files {
        let existing = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
        if existing != file.contents {
            writes.push(Write {
                path: file.path,
                contents: file.contents,
            });
        }
    }

    // Cargo.lock: the workspace members' versions.
    let lock_text = read(root, Path::new("Cargo.lock"))?;
    let mut lock = parse_toml("Cargo.lock", &lock_text)?;
    if let Some(packages) = lock
        .get_mut("package")
        .and_then(|p| p.as_array_of_tables_mut())
    {
        for package in packages.iter_mut() {
            let local = package.get("source").is_none();
            let name = package
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned);
            if let (true, Some(version)) =
                (local, name.and_then(|n| bumped.get(n.as_str()).copied()))
            {
                if let Some(entry) = package.get_mut("version").and_then(|v| v.as_value_mut()) {
                    set_keeping_decor(entry, version);
                }
            }
        }
    }
    push_if_changed(&mut writes, "Cargo.lock", &lock_text, lock.to_string());

    // Changelogs.
    for c in &selected {
        let krate = by_name[c.name.as_str()];
        let path = krate.dir.join("CHANGELOG.md");
        let existing = std::fs::read_to_string(root.join(&path)).ok();
        let has_entry = existing
            .as_deref()
            .is_some_and(|t| t.contains(&format!("\n## [{}]", c.next)));
        if has_entry && !c.bumps() {
            // Applied before (a version set and not published yet): the entry is there.
            continue;
        }
        let text = changelog::insert(existing.as_deref(), &c.name, &c.next, date, &c.notes)
            .map_err(|e| format!("error: nothing written: {e}"))?;
        writes.push(Write {
            path,
            contents: text,
        });
    }
    Ok(writes)
}

fn push_if_changed(writes: &mut Vec<Write>, path: &str, old: &str, new: String) {
    if old != new {
        writes.push(Write {
            path: PathBuf::from(path),
            contents: new,
        });
    }
}

/// Replaces a string value, keeping the spaces and comments around it.
fn set_keeping_decor(value: &mut toml_edit::Value, text: &str) {
    let decor = value.decor().clone();
    *value = toml_edit::Value::from(text);
    *value.decor_mut() = decor;
}

fn read(root: &Path, path: &Path) -> Result<String, String> {
    std::fs::read_to_string(root.join(path)).map_err(|e| format!("error: {}: {e}", path.display()))
}

fn parse_toml(name: &str, text: &str) -> Result<toml_edit::DocumentMut, String> {
    text.parse().map_err(|e| format!("error: {name}: {e}"))
}

/// Writes a whole file: to a temporary name next to it, then renamed into place.
fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("error: {}: {e}", dir.display()))?;
    }
    let temporary = path.with_extension("release-tmp");
    std::fs::write(&temporary, contents)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("error: {}: {e}", path.display()))
}
