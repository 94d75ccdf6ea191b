//! Loading one spec file: YAML text → located tree ([`crate::yaml`]) → [`cloud_spec::Service`].
//!
//! Every error names the file, the line and column, and the path inside the spec. Unknown keys,
//! duplicate keys and wrong types are all errors; one bad operation does not hide the problems of
//! the next (each operation and shape is checked on its own once the whole file fails).

use std::path::{Path, PathBuf};

use cloud_spec::{Operation, Service, Shape};
use serde::de::DeserializeOwned;

use crate::error::{Segment, SpecError, SpecErrors, SpecPath};
use crate::yaml::{self, Node, NodeValue};

/// A spec file, parsed and deserialized, with the tree that locates its parts.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The file as named in errors (relative to the repository root when loaded by the generator).
    pub file: PathBuf,
    /// The file's text.
    pub source: String,
    /// The YAML tree with positions.
    pub tree: Node,
    /// The deserialized spec.
    pub service: Service,
}

impl LoadedSpec {
    /// An error about the value at `path` (or its nearest existing ancestor).
    pub fn error_at(&self, path: &SpecPath, message: impl Into<String>) -> SpecError {
        locate(&self.file, &self.tree, path, false, message.into())
    }

    /// An error about the key that ends `path` (a name: unknown, duplicated, badly spelled).
    pub fn key_error_at(&self, path: &SpecPath, message: impl Into<String>) -> SpecError {
        locate(&self.file, &self.tree, path, true, message.into())
    }
}

/// Builds a located error: the position of the node at `path`, or of its key when `at_key`.
fn locate(file: &Path, tree: &Node, path: &SpecPath, at_key: bool, message: String) -> SpecError {
    let found = tree.find(path);
    let pos = match (at_key && found.exact, found.key_pos) {
        (true, Some(key_pos)) => key_pos,
        _ => found.node.pos,
    };
    SpecError {
        file: file.to_owned(),
        line: pos.line,
        column: pos.column,
        path: path.clone(),
        message,
    }
}

/// Reads and loads `relative` (a path under `repo_root`); errors name the relative path.
pub fn load_file(repo_root: &Path, relative: &Path) -> Result<LoadedSpec, SpecErrors> {
    let at_start = |message: String| {
        SpecErrors(vec![SpecError {
            file: relative.to_owned(),
            line: 1,
            column: 1,
            path: SpecPath::root(),
            message,
        }])
    };
    let bytes = std::fs::read(repo_root.join(relative))
        .map_err(|e| at_start(format!("cannot read the file: {e}")))?;
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // `valid` is a prefix that is valid UTF-8 by construction.
            let valid = String::from_utf8_lossy(valid);
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(SpecErrors(vec![SpecError {
                file: relative.to_owned(),
                line,
                column,
                path: SpecPath::root(),
                message: "the file is not valid UTF-8".to_owned(),
            }]));
        }
    };
    load_str(relative, &source)
}

/// Loads a spec from text; `file` is only used to name it in errors.
pub fn load_str(file: impl Into<PathBuf>, source: &str) -> Result<LoadedSpec, SpecErrors> {
    let file = file.into();
    let tree = yaml::parse(source).map_err(|e| {
        SpecErrors(vec![SpecError {
            file: file.clone(),
            line: e.pos.line,
            column: e.pos.column,
            path: e.path,
            message: e.message,
        }])
    })?;
    let service = deserialize_service(&file, &tree)?;
    Ok(LoadedSpec {
        file,
        source: source.to_owned(),
        tree,
        service,
    })
}

fn deserialize_service(file: &Path, tree: &Node) -> Result<Service, SpecErrors> {
    let first = match deserialize_at::<Service>(tree, &SpecPath::root()) {
        Ok(service) => return Ok(service),
        Err(first) => first,
    };
    // serde stops at the first problem. To report them all, check each operation and shape on its
    // own, then the rest of the file with those sections emptied.
    let mut problems = Vec::new();
    if let NodeValue::Map(top) = &tree.value {
        let mut rest = top.clone();
        for entry in &mut rest {
            let is_operation = match entry.key.as_str() {
                "operations" => true,
                "shapes" => false,
                _ => continue,
            };
            let NodeValue::Map(items) = &mut entry.value.value else {
                continue;
            };
            for item in std::mem::take(items) {
                let prefix = SpecPath::root()
                    .key(entry.key.as_str())
                    .key(item.key.as_str());
                let result = if is_operation {
                    deserialize_at::<Operation>(&item.value, &prefix).map(drop)
                } else {
                    deserialize_at::<Shape>(&item.value, &prefix).map(drop)
                };
                problems.extend(result.err());
            }
        }
        let rest = Node {
            pos: tree.pos,
            value: NodeValue::Map(rest),
        };
        problems.extend(deserialize_at::<Service>(&rest, &SpecPath::root()).err());
    }
    if problems.is_empty() {
        problems.push(first);
    }
    Err(SpecErrors::sorted(
        problems
            .into_iter()
            .map(|p| locate(file, tree, &p.path, p.at_key, p.message))
            .collect(),
    ))
}

/// A deserialization problem, before it is located in the file.
struct Problem {
    path: SpecPath,
    at_key: bool,
    message: String,
}

fn deserialize_at<T: DeserializeOwned>(node: &Node, prefix: &SpecPath) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(node).map_err(|error| {
        let mut path = prefix.clone();
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Map { key } => path.0.push(Segment::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => path.0.push(Segment::Index(*index)),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        let (message, at_key) = reword(&error.inner().to_string());
        Problem {
            path,
            at_key,
            message,
        }
    })
}

/// Turns serde's wording into the spec's ("key", not "field"), with a suggestion for typos.
/// Returns the message and whether it is about the key rather than the value.
fn reword(message: &str) -> (String, bool) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, rest) = rest.split_once('`').unwrap_or((rest, ""));
        // The rest reads ", expected one of `a`, `b`" or ", expected `a`" or ", there are no fields".
        let allowed: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        let mut reworded = format!("unknown key `{unknown}`");
        if let Some(close) = closest(unknown, &allowed) {
            reworded.push_str(&format!("; did you mean `{close}`?"));
        }
        if !allowed.is_empty() {
            reworded.push_str(&format!(" (allowed: {})", allowed.join(", ")));
        }
        return (reworded, true);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        // Point at the key of the incomplete mapping: `X:` rather than the first line inside it.
        return (format!("missing required key `{name}`"), true);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (unknown, rest) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        return (
            format!(
                "unknown value `{unknown}` (allowed: {})",
                allowed.join(", ")
            ),
            false,
        );
    }
    (message.to_owned(), false)
}

/// The allowed name nearest to a misspelled one, if it is near enough to be a typo.
fn closest<'a>(unknown: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(unknown, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(closest("nulable", &["type", "nullable"]), Some("nullable"));
        assert_eq!(closest("colour", &["type", "docs"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
