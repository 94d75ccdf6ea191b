//! Inputs that once broke a target, kept in `regressions/<target>/` (one file per input).
//! They are seeds of every run and replayed by this crate's tests, so a fixed bug stays fixed.

use std::path::PathBuf;

/// The directory of `target`'s regression inputs.
pub fn dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target)
}

/// `target`'s regression inputs, with their file names, in name order. None when the
/// directory is missing (a target without regressions).
pub fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir(target)) else {
        return Vec::new();
    };
    let mut inputs: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with(".md") {
                return None;
            }
            Some((name, std::fs::read(e.path()).ok()?))
        })
        .collect();
    inputs.sort();
    inputs
}
