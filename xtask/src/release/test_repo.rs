//! Temporary clones of the repository for the release tests: the committed tree, under
//! `target/`, with its own tags, changed freely.

use std::path::{Path, PathBuf};

use crate::git;

/// A fresh clone of the repository's HEAD at `target/<name>/repo`, without release tags.
pub fn clone(root: &Path, name: &str) -> PathBuf {
    let dir = root.join("target").join(name);
    let repo = dir.join("repo");
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&dir).unwrap();
    git::run(
        root,
        // No tags: the tests record their own releases.
        &[
            "clone",
            "--quiet",
            "--shared",
            "--no-tags",
            ".",
            &repo.to_string_lossy(),
        ],
    )
    .unwrap();
    repo
}

/// Commits everything in `repo`.
pub fn commit_all(repo: &Path, message: &str) {
    git::run(repo, &["add", "-A"]).unwrap();
    git::run(
        repo,
        &[
            "-c",
            "user.name=release test",
            "-c",
            "user.email=release-test@localhost",
            "commit",
            "--quiet",
            "-m",
            message,
        ],
    )
    .unwrap();
}

/// Puts the tracked files back and removes untracked ones.
pub fn reset(repo: &Path) {
    git::run(repo, &["checkout", "--quiet", "--", "."]).unwrap();
    git::run(
        repo,
        &[
            "clean",
            "--quiet",
            "-fd",
            "--",
            "crates",
            "specs",
            "Cargo.lock",
        ],
    )
    .unwrap();
}
