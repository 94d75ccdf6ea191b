//! Asking the registries for versions: PyPI's JSON API (through python3, which the fetch script
//! needs anyway) and crates.io's index (through `cargo info`). Every question has a deadline.

use std::path::Path;
use std::process::Command;

use super::pins::Release;
use crate::cargo_env;

/// Why a question got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The registry could not be reached (no network, DNS, timeout).
    Unreachable(String),
    /// It answered, but not with the release (unknown package or version).
    Refused(String),
}

/// Asks PyPI's JSON API; prints the version and the wheels' sha256 (one per line after it).
const PYPI_QUERY: &str = r#"
import json, sys, urllib.error, urllib.request
name, version = sys.argv[1], sys.argv[2]
# The project's page lists every release (some mirrors do not serve the per-version pages).
url = "https://pypi.org/pypi/%s/json" % name
try:
    data = json.load(urllib.request.urlopen(url, timeout=20))
except urllib.error.HTTPError as e:
    print("HTTP %d from %s" % (e.code, url)); sys.exit(3)
except Exception as e:
    print("%s: %s" % (url, e)); sys.exit(2)
version = version or data["info"]["version"]
if version not in data["releases"]:
    print("no release %s" % version); sys.exit(3)
print(version)
for f in data["releases"][version]:
    if f["packagetype"] == "bdist_wheel" and not f.get("yanked"):
        print(f["digests"]["sha256"])
"#;

/// The newest release of a PyPI package (`version` `None`), or the given one; with the sha256 of
/// each of its wheels.
pub fn pypi(name: &str, version: Option<&str>) -> Result<Release, Failure> {
    let out = Command::new("python3")
        .args(["-c", PYPI_QUERY, name, version.unwrap_or("")])
        .output()
        .map_err(|e| Failure::Unreachable(format!("cannot run python3: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0) => {}
        Some(3) => return Err(Failure::Refused(format!("PyPI: {name}: {}", text.trim()))),
        _ => return Err(Failure::Unreachable(format!("PyPI: {}", text.trim()))),
    }
    let mut lines = text.lines();
    let version = lines.next().unwrap_or_default().to_owned();
    let hashes: Vec<String> = lines.map(str::to_owned).collect();
    if hashes.is_empty() {
        return Err(Failure::Refused(format!(
            "PyPI: {name} {version} has no wheel (the fetch takes wheels only)"
        )));
    }
    Ok(Release { version, hashes })
}

/// The newest version of a crates.io crate (`version` `None`), or checks that the given one
/// exists.
pub fn crates_io(scratch: &Path, name: &str, version: Option<&str>) -> Result<Release, Failure> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let spec = match version {
        Some(v) => format!("{name}@{v}"),
        None => name.to_owned(),
    };
    // Outside any workspace, so `cargo info` asks the registry, not a lock file.
    let mut cmd = Command::new(cargo);
    cmd.current_dir(scratch)
        .args(["info", "--registry", "crates-io", &spec])
        .env("CARGO_HTTP_TIMEOUT", "20")
        .env("CARGO_NET_RETRY", "1");
    cargo_env::remove_package_variables(&mut cmd);
    let out = cmd
        .output()
        .map_err(|e| Failure::Unreachable(format!("cannot run cargo info: {e}")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let message = stderr.trim().lines().last().unwrap_or_default().to_owned();
        return Err(if stderr.contains("could not find") {
            Failure::Refused(format!("crates.io: {message}"))
        } else {
            Failure::Unreachable(format!("crates.io: {message}"))
        });
    }
    let found = stdout
        .lines()
        .find_map(|l| l.strip_prefix("version: "))
        .map(|v| v.split_whitespace().next().unwrap_or(v).to_owned())
        .ok_or_else(|| Failure::Refused(format!("crates.io: no version in `cargo info {spec}`")))?;
    Ok(Release {
        version: found,
        hashes: Vec::new(),
    })
}
