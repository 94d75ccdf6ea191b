//! `cargo semver-checks` on one crate against a git revision: the bump its public API needs.
//! Installed by `scripts/install-tools.sh` (pinned version).

use std::path::Path;
use std::process::Command;

use codegen::diff::Severity;

use super::workspace::Crate;
use crate::cargo_env;

/// What semver-checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `Breaking` (a major-level lint failed), `Additive` (a minor-level one), `None` (neither).
    pub severity: Option<Severity>,
    /// The failed lints: `function_missing: pub fn removed or renamed`.
    pub lints: Vec<String>,
}

/// The features checked: all of them but the TLS back-ends other than the default (a TLS choice
/// adds no API, and `native-tls` would build OpenSSL bindings for nothing).
fn checked_features(krate: &Crate) -> Vec<String> {
    krate
        .features
        .iter()
        .filter(|f| *f != "native-tls")
        .cloned()
        .collect()
}

/// Runs `cargo semver-checks check-release` on `krate` with `baseline_rev` as the baseline. The
/// release type is given as `patch`, so every lint that needs more than a patch release fails
/// whatever the version number says; the verdict is the bump they need.
pub fn check(root: &Path, krate: &Crate, baseline_rev: &str) -> Result<Verdict, String> {
    check_in(root, krate, baseline_rev, None)
}

/// [`check`], building in `target_dir` instead of the workspace's target directory.
pub fn check_in(
    root: &Path,
    krate: &Crate,
    baseline_rev: &str,
    target_dir: Option<&Path>,
) -> Result<Verdict, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    if let Some(dir) = target_dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    cmd.current_dir(root).args([
        "semver-checks",
        "check-release",
        "--package",
        &krate.name,
        "--baseline-rev",
        baseline_rev,
        "--release-type",
        "patch",
        "--only-explicit-features",
    ]);
    let features = checked_features(krate);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    cargo_env::remove_package_variables(&mut cmd);
    // Its errors then end with their message, not a backtrace (the last lines are what we quote).
    cmd.env("RUST_BACKTRACE", "0");
    let out = cmd.output().map_err(|e| {
        format!("error: cannot run cargo semver-checks: {e}; install it with `bash scripts/install-tools.sh`")
    })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if text.contains("no such command: `semver-checks`") {
        return Err(
            "error: cargo-semver-checks is not installed: run `bash scripts/install-tools.sh`, \
             or plan with --no-semver-checks (hand-written crates then count as patch changes)"
                .to_owned(),
        );
    }
    parse(&text).ok_or_else(|| {
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "error: cargo semver-checks on {} against {baseline_rev} gave no verdict:\n{}",
            krate.name,
            tail.join("\n")
        )
    })
}

/// The verdict in semver-checks' output; `None` when it has no summary (it failed to run).
pub fn parse(output: &str) -> Option<Verdict> {
    let lints = output
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .map(|l| l.trim_end_matches(" ---").to_owned())
        .collect();
    let severity = if output.contains("semver requires new major version") {
        Some(Severity::Breaking)
    } else if output.contains("semver requires new minor version") {
        Some(Severity::Additive)
    } else if output.contains("no semver update required") {
        None
    } else {
        return None;
    };
    Some(Verdict { severity, lints })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_summary_and_the_failed_lints() {
        let breaking = "--- failure function_missing: pub fn removed or renamed ---\n\n\
                        Summary semver requires new major version: 1 major and 0 minor checks failed";
        assert_eq!(
            parse(breaking),
            Some(Verdict {
                severity: Some(Severity::Breaking),
                lints: vec!["function_missing: pub fn removed or renamed".to_owned()],
            })
        );
        let fine = "Checking x v0.1.0 -> v0.1.0 (no change)\n Summary no semver update required";
        assert_eq!(parse(fine).unwrap().severity, None);
        assert_eq!(parse("error: could not compile `x`"), None);
    }
}
