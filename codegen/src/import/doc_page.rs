//! The doc-page importer (in progress).
use std::path::Path;
use super::ImportError;
/// A parsed page.
pub struct DocOperation { /// name
 pub name: String }
/// Parses.
pub fn parse(page: &Path, _text: &str) -> Result<DocOperation, ImportError> { Err(ImportError::at(page, "not yet")) }
/// Renders.
pub fn to_yaml(_d: &DocOperation) -> String { String::new() }
/// Merges.
pub fn merge_into(spec: &crate::load::LoadedSpec, _d: &DocOperation) -> Result<String, ImportError> { Err(ImportError::at(&spec.file, "not yet")) }
