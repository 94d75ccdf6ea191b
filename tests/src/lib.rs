//! Cross-crate integration and conformance tests.
