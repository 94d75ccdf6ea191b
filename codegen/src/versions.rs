//! The versions of the generated crates: each one's requirement in the root `Cargo.toml`'s
//! `[workspace.dependencies]` (which `cargo xtask release apply` keeps equal to the released
//! version), so a regenerated `Cargo.toml` carries the version the release tooling chose.

use std::collections::BTreeMap;
use std::path::Path;

/// The version of a generated crate not in `[workspace.dependencies]` yet: a new service.
pub const FIRST_VERSION: &str = "0.1.0";

/// Crate name → version, as read from the workspace manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrateVersions(BTreeMap<String, String>);

impl CrateVersions {
    /// Reads `[workspace.dependencies]` of `<repo_root>/Cargo.toml`: every entry with a `path`
    /// and a `version` (the workspace's own crates). A tree without a workspace manifest (a
    /// scratch directory of specs) has every crate at [`FIRST_VERSION`].
    pub fn read(repo_root: &Path) -> Result<CrateVersions, String> {
        let file = repo_root.join("Cargo.toml");
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(CrateVersions::default())
            }
            Err(e) => return Err(format!("{}: {e}", file.display())),
        };
        CrateVersions::parse(&text).map_err(|e| format!("{}: {e}", file.display()))
    }

    /// [`CrateVersions::read`] on a manifest's text.
    pub fn parse(manifest: &str) -> Result<CrateVersions, String> {
        let doc: toml_edit::DocumentMut = manifest.parse().map_err(|e| format!("{e}"))?;
        let mut versions = BTreeMap::new();
        let deps = doc
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(|d| d.as_table_like());
        for (name, entry) in deps.into_iter().flat_map(|d| d.iter()) {
            let has_path = entry.get("path").is_some();
            if let (true, Some(version)) = (has_path, entry.get("version").and_then(|v| v.as_str()))
            {
                // A requirement `0.2.0` (caret) or `=0.2.0`: the version itself.
                versions.insert(name.to_owned(), version.trim_start_matches('=').to_owned());
            }
        }
        Ok(CrateVersions(versions))
    }

    /// The version of `crate_name`: its requirement, or [`FIRST_VERSION`].
    pub fn of(&self, crate_name: &str) -> &str {
        self.0.get(crate_name).map_or(FIRST_VERSION, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_requirements_of_path_dependencies() {
        let versions = CrateVersions::parse(
            r#"
[workspace.dependencies]
tencent-cdb = { path = "crates/tencent-cdb", version = "0.3.1" }
cloud-spec = { path = "crates/cloud-spec", version = "=1.0.0" }
serde = { version = "1" }
"#,
        )
        .unwrap();
        assert_eq!(versions.of("tencent-cdb"), "0.3.1");
        assert_eq!(versions.of("cloud-spec"), "1.0.0");
        assert_eq!(versions.of("serde"), FIRST_VERSION, "not a workspace crate");
        assert_eq!(versions.of("huawei-new"), FIRST_VERSION);
    }
}
