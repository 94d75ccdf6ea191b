//! Spec errors: what is wrong, in which file, at which line and column, at which path in the spec.

use std::fmt;
use std::path::PathBuf;

/// One step of a path inside a spec: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A key of a mapping (`operations`, `DescribeInstanceSSL`, `InstanceId`).
    Key(String),
    /// A position in a sequence, from 0.
    Index(usize),
}

/// A path inside a spec, e.g. `operations.DescribeInstanceSSL.examples[0].input.InstanceId`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SpecPath(pub Vec<Segment>);

impl SpecPath {
    /// The root of the document.
    pub fn root() -> SpecPath {
        SpecPath(Vec::new())
    }

    /// This path extended by a mapping key.
    pub fn key(&self, key: impl Into<String>) -> SpecPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.into()));
        SpecPath(segments)
    }

    /// This path extended by a sequence index.
    pub fn index(&self, index: usize) -> SpecPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        SpecPath(segments)
    }

    /// The segments, from the root.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => {
                    // Wire names are plain words; quote anything that would make the path ambiguous.
                    let plain = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$');
                    match (plain, i) {
                        (true, 0) => f.write_str(key)?,
                        (true, _) => write!(f, ".{key}")?,
                        (false, _) => write!(f, "[{key:?}]")?,
                    }
                }
            }
        }
        Ok(())
    }
}

/// A problem in one spec file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the loader (relative to the repository root when loaded by the
    /// generator).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Where in the spec the problem is.
    pub path: SpecPath,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.path,
            self.message
        )
    }
}

impl std::error::Error for SpecError {}

/// Every problem found in one or more spec files, in file and position order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl SpecErrors {
    /// Sorts by file, line and column, so output is stable and reads top to bottom.
    pub(crate) fn sorted(mut errors: Vec<SpecError>) -> SpecErrors {
        errors.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        errors.dedup();
        SpecErrors(errors)
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n{} errors", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}
