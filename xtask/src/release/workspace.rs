//! The publishable crates of the workspace, as `cargo metadata` describes them: name, version,
//! directory, whether the generator makes it, and the workspace crates it depends on; and the
//! order they must be published in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cargo_env;

/// One publishable crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    /// `tencent-cdb`.
    pub name: String,
    /// Its version now (`0.1.0`).
    pub version: String,
    /// Its directory, relative to the repository root (`crates/tencent-cdb`).
    pub dir: PathBuf,
    /// Made by `cargo xtask codegen` (its Cargo.toml carries the generated notice).
    pub generated: bool,
    /// The publishable workspace crates it depends on (normal and build dependencies; dev
    /// dependencies are not part of the package's requirements).
    pub dependencies: BTreeSet<String>,
    /// Its Cargo features (`default` left out).
    pub features: BTreeSet<String>,
}

impl Crate {
    /// `crates/tencent-cdb` with `/` separators, for git.
    pub fn dir_str(&self) -> String {
        self.dir.to_string_lossy().replace('\\', "/")
    }
}

/// Reads the workspace with `cargo metadata --no-deps` (offline: nothing is resolved).
pub fn read(root: &Path) -> Result<Vec<Crate>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ]);
    cargo_env::remove_package_variables(&mut cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("error: cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "error: cargo metadata: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("error: cargo metadata output: {e}"))?;
    parse(root, &metadata)
}

/// The publishable crates in `cargo metadata` output (`publish` not `false`).
fn parse(root: &Path, metadata: &serde_json::Value) -> Result<Vec<Crate>, String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("error: cargo metadata: no packages")?;
    let publishable = |p: &serde_json::Value| {
        // `publish = false` is `[]`; unrestricted is `null`.
        !p["publish"]
            .as_array()
            .is_some_and(|registries| registries.is_empty())
    };
    let names: BTreeSet<&str> = packages
        .iter()
        .filter(|p| publishable(p))
        .filter_map(|p| p["name"].as_str())
        .collect();
    let mut crates = Vec::new();
    for package in packages.iter().filter(|p| publishable(p)) {
        let name = package["name"].as_str().unwrap_or_default().to_owned();
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        let dir = manifest
            .parent()
            .and_then(|d| d.strip_prefix(root).ok())
            .ok_or_else(|| format!("error: {name}: manifest outside the workspace"))?
            .to_path_buf();
        let manifest_text = std::fs::read_to_string(&manifest)
            .map_err(|e| format!("error: {}: {e}", manifest.display()))?;
        let dependencies = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].as_str() != Some("dev"))
            .filter_map(|d| d["name"].as_str())
            .filter(|d| names.contains(d))
            .map(str::to_owned)
            .collect();
        let features = package["features"]
            .as_object()
            .into_iter()
            .flat_map(|f| f.keys())
            .filter(|f| *f != "default")
            .cloned()
            .collect();
        crates.push(Crate {
            features,
            version: package["version"].as_str().unwrap_or_default().to_owned(),
            generated: codegen::generate::is_generated(&manifest_text),
            dir,
            dependencies,
            name,
        });
    }
    Ok(crates)
}

/// The crates in publish order: every crate after the workspace crates it depends on; ties by
/// name, so the order is the same on every run.
pub fn publish_order(crates: &[Crate]) -> Result<Vec<String>, String> {
    let mut remaining: BTreeMap<&str, &BTreeSet<String>> = crates
        .iter()
        .map(|c| (c.name.as_str(), &c.dependencies))
        .collect();
    let mut order: Vec<String> = Vec::new();
    while !remaining.is_empty() {
        let ready: Vec<&str> = remaining
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| order.contains(d)))
            .map(|(name, _)| *name)
            .collect();
        if ready.is_empty() {
            let cycle: Vec<&str> = remaining.keys().copied().collect();
            return Err(format!(
                "error: the workspace crates depend on each other in a cycle: {}",
                cycle.join(", ")
            ));
        }
        for name in ready {
            remaining.remove(name);
            order.push(name.to_owned());
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn krate(name: &str, deps: &[&str]) -> Crate {
        Crate {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            dir: PathBuf::from("crates").join(name),
            generated: false,
            dependencies: deps.iter().map(|d| (*d).to_owned()).collect(),
            features: BTreeSet::new(),
        }
    }

    #[test]
    fn dependencies_are_published_first() {
        let crates = [
            krate(
                "cloudcall",
                &["cloud-spec", "cloud-transport", "cloud-emulator"],
            ),
            krate("cloud-emulator", &["cloud-spec", "cloud-transport"]),
            krate("tencent-cdb", &["cloud-transport"]),
            krate("cloud-spec", &["cloud-transport"]),
            krate("cloud-transport", &[]),
        ];
        assert_eq!(
            publish_order(&crates).unwrap(),
            [
                "cloud-transport",
                "cloud-spec",
                "tencent-cdb",
                "cloud-emulator",
                "cloudcall"
            ]
        );
    }

    #[test]
    fn a_cycle_is_an_error() {
        let crates = [krate("a", &["b"]), krate("b", &["a"])];
        let error = publish_order(&crates).unwrap_err();
        assert!(error.contains("cycle: a, b"), "{error}");
    }

    #[test]
    fn reads_publishable_crates_and_their_workspace_dependencies() {
        let root = Path::new("/repo");
        let metadata = serde_json::json!({"packages": [
            {"name": "cloud-transport", "version": "0.2.0", "publish": null,
             "manifest_path": "/repo/Cargo.toml.missing", "dependencies": []},
        ]});
        // The manifest is read for the generated notice: a missing one is an error, named.
        let error = parse(root, &metadata).unwrap_err();
        assert!(error.contains("Cargo.toml.missing"), "{error}");
    }
}
