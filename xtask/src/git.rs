//! Running git for the release tasks: the tree's state, release tags and files at a revision.

use std::path::Path;
use std::process::Command;

/// Runs `git ARGS` in `root`; its stdout, or an error naming the command and git's message.
pub fn run(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("error: cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "error: git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The paths `git status` reports as modified, staged or untracked (empty: a clean tree).
pub fn dirty_paths(root: &Path) -> Result<Vec<String>, String> {
    Ok(
        run(root, &["status", "--porcelain", "--untracked-files=normal"])?
            .lines()
            .map(|l| l.get(3..).unwrap_or(l).to_owned())
            .collect(),
    )
}

/// The file at `path` (relative to the root) in revision `rev`; `None` when it does not exist there.
pub fn show(root: &Path, rev: &str, path: &str) -> Option<String> {
    run(root, &["show", &format!("{rev}:{path}")]).ok()
}

/// The tags starting with `prefix`.
pub fn tags(root: &Path, prefix: &str) -> Result<Vec<String>, String> {
    Ok(run(root, &["tag", "--list", &format!("{prefix}*")])?
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Whether anything under `path` differs between `rev` and the working tree (tracked files).
pub fn changed_since(root: &Path, rev: &str, path: &str) -> Result<bool, String> {
    Ok(!run(root, &["diff", "--name-only", rev, "--", path])?
        .trim()
        .is_empty())
}

/// The subjects of the commits after `rev` that touch `path`, oldest first.
pub fn subjects_since(root: &Path, rev: &str, path: &str) -> Result<Vec<String>, String> {
    Ok(run(
        root,
        &[
            "log",
            "--reverse",
            "--format=%s",
            &format!("{rev}..HEAD"),
            "--",
            path,
        ],
    )?
    .lines()
    .map(str::to_owned)
    .collect())
}

/// The commit date (`YYYY-MM-DD`) of `rev`.
pub fn commit_date(root: &Path, rev: &str) -> Result<String, String> {
    Ok(run(root, &["log", "-1", "--format=%cs", rev])?
        .trim()
        .to_owned())
}
