//! The rule that states what an error code stands for ([`ErrorMeaning`]), from the code and its
//! docs, applied once on import. Before, the emulator read the prose on every start
//! (`catalog.rs` matched "not found", "does not exist" and "instance" in the docs); now the fact
//! is in the spec, where a reviewer sees it and an overlay can correct it.

use cloud_spec::{ErrorCode, ErrorMeaning, Service};

/// States the meaning of every error code of `service` that the rule recognizes; a meaning
/// already stated (by an overlay) is kept.
pub fn apply(service: &mut Service) {
    let codes = service.common_errors.iter_mut().chain(
        service
            .operations
            .values_mut()
            .flat_map(|op| op.errors.iter_mut()),
    );
    for code in codes {
        if code.meaning.is_none() {
            code.meaning = meaning_of(code);
        }
    }
}

/// What `code` stands for, by its name and its (English) docs.
pub fn meaning_of(code: &ErrorCode) -> Option<ErrorMeaning> {
    let name = code.code.to_lowercase();
    let docs = code.docs.to_lowercase();
    let not_found = name.contains("notfound")
        || name.contains("notexist")
        || docs.contains("does not exist")
        || docs.contains("not found")
        || docs.contains("not exist");
    if not_found {
        let about = |word: &str| name.contains(word) || docs.contains(word);
        return Some(
            if ["task", "async", "flow", "job"].iter().any(|w| about(w)) {
                ErrorMeaning::TaskNotFound
            } else if about("instance") {
                ErrorMeaning::InstanceNotFound
            } else {
                ErrorMeaning::NotFound
            },
        );
    }
    if docs.starts_with("parameter error") || docs.starts_with("invalid parameter") {
        return Some(ErrorMeaning::InvalidParameter);
    }
    if docs.contains("region") && (docs.contains("unavailable") || docs.contains("invalid")) {
        return Some(ErrorMeaning::RegionUnavailable);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(code: &str, docs: &str) -> ErrorCode {
        ErrorCode {
            code: code.into(),
            docs: docs.into(),
            http_status: None,
            meaning: None,
        }
    }

    #[test]
    fn meanings_from_codes_and_docs() {
        let cases = [
            (
                "InvalidParameterValue.NotFoundInstance",
                "",
                Some(ErrorMeaning::InstanceNotFound),
            ),
            (
                "DBS.200002",
                "The DB instance does not exist.",
                Some(ErrorMeaning::InstanceNotFound),
            ),
            (
                "InvalidParameter.InvalidAsyncRequestId",
                "The async task does not exist.",
                Some(ErrorMeaning::TaskNotFound),
            ),
            (
                "ResourceNotFound",
                "The resource is not found.",
                Some(ErrorMeaning::NotFound),
            ),
            (
                "DBS.200001",
                "Parameter error.",
                Some(ErrorMeaning::InvalidParameter),
            ),
            (
                "DBS.200024",
                "The region is unavailable.",
                Some(ErrorMeaning::RegionUnavailable),
            ),
            ("InternalError", "Internal error.", None),
        ];
        for (name, docs, expected) in cases {
            assert_eq!(meaning_of(&code(name, docs)), expected, "{name}");
        }
    }
}
