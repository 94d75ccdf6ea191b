//! Labels: what a target says happened to an input, as a number. The stable runner keeps an
//! input that produced a label it had not seen, which steers it towards new behaviour without
//! coverage instrumentation.
//!
//! A label is built from the *kind* of outcome (a message with the values the input put in it
//! cut away), so that every new input value does not look like new behaviour.

use std::hash::{DefaultHasher, Hash, Hasher};

/// Accumulates the parts of a label.
#[derive(Debug, Default)]
pub struct Label(DefaultHasher);

impl Label {
    /// An empty label for outcome `kind`.
    pub fn new(kind: &str) -> Self {
        let mut label = Label(DefaultHasher::new());
        kind.hash(&mut label.0);
        label
    }

    /// Adds a number (a status, an index, a count class).
    pub fn number(mut self, n: u64) -> Self {
        n.hash(&mut self.0);
        self
    }

    /// Adds the shape of a message: see [`message_shape`].
    pub fn message(mut self, message: &str) -> Self {
        message_shape(message).hash(&mut self.0);
        self
    }

    /// The label.
    pub fn finish(self) -> u64 {
        self.0.finish()
    }
}

/// A message without what the input put in it: cut at the first quoted or back-quoted value
/// (most messages quote what they complain about), digits dropped, at most 100 characters.
pub fn message_shape(message: &str) -> String {
    message
        .chars()
        .take_while(|c| !matches!(c, '`' | '\'' | '"'))
        .filter(|c| !c.is_ascii_digit())
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_messages_do_not_change_the_shape() {
        assert_eq!(
            message_shape("unknown key `abc` at line 3"),
            message_shape("unknown key `xyz` at line 9")
        );
        assert_eq!(
            message_shape("line 12 col 4"),
            message_shape("line 1 col 40")
        );
        assert_ne!(message_shape("unknown key"), message_shape("missing key"));
    }

    #[test]
    fn labels_differ_by_kind_and_parts() {
        assert_eq!(
            Label::new("a").number(1).finish(),
            Label::new("a").number(1).finish()
        );
        assert_ne!(Label::new("a").finish(), Label::new("b").finish());
        assert_ne!(
            Label::new("a").number(1).finish(),
            Label::new("a").number(2).finish()
        );
    }
}
