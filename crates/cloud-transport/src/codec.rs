//! Serde helpers used by generated types: lenient numbers, enums that keep unknown values,
//! timestamps that keep their text.
