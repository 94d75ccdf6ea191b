//! The injectable HTTP layer.
