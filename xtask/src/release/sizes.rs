//! `cargo xtask release sizes`: packages every publishable crate (`cargo package --no-verify`)
//! and reports each `.crate` file's size against the registry's 10 MB limit, and whether the
//! package lists its license files.

use std::path::Path;
use std::process::Command;

use super::workspace::Crate;
use crate::cargo_env;

/// crates.io refuses larger `.crate` files.
const REGISTRY_LIMIT_BYTES: u64 = 10 * 1024 * 1024;

/// The files every package must carry.
const LICENSE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

fn cargo(root: &Path, args: &[&str]) -> Result<String, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args(args);
    cargo_env::remove_package_variables(&mut cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "error: cargo {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Packages `crates` and prints the report; an error when a package is too large or lacks a
/// license file.
pub fn report(root: &Path, crates: &[Crate]) -> Result<(), String> {
    let mut args = vec!["package", "--no-verify", "--allow-dirty", "--quiet"];
    for c in crates {
        args.extend(["-p", c.name.as_str()]);
    }
    cargo(root, &args)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let mut problems = Vec::new();
    let mut total = 0;
    println!(
        "{:<18} {:>9} {:>12} {:>6}  licenses",
        "crate", "version", ".crate size", "files"
    );
    for c in crates {
        let file = target
            .join("package")
            .join(format!("{}-{}.crate", c.name, c.version));
        let size = std::fs::metadata(&file)
            .map_err(|e| format!("error: {}: {e}", file.display()))?
            .len();
        total += size;
        let listed = cargo(root, &["package", "--list", "--allow-dirty", "-p", &c.name])?;
        let files: Vec<&str> = listed.lines().collect();
        let missing: Vec<&str> = LICENSE_FILES
            .iter()
            .copied()
            .filter(|l| !files.contains(l))
            .collect();
        println!(
            "{:<18} {:>9} {:>9.1} KiB {:>6}  {}",
            c.name,
            c.version,
            size as f64 / 1024.0,
            files.len(),
            if missing.is_empty() {
                LICENSE_FILES.join(", ")
            } else {
                format!("MISSING {}", missing.join(", "))
            }
        );
        if size > REGISTRY_LIMIT_BYTES {
            problems.push(format!(
                "{}: {size} bytes, over the registry's 10 MB",
                c.name
            ));
        }
        if !missing.is_empty() {
            problems.push(format!(
                "{}: no {} in the package",
                c.name,
                missing.join(", ")
            ));
        }
    }
    println!(
        "{} packages, {:.1} KiB in all; the registry's limit is 10 MB per package",
        crates.len(),
        total as f64 / 1024.0
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("error:\n  {}", problems.join("\n  ")))
    }
}
