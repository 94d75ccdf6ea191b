//! "Did you mean": the operations closest to a mistyped name.
//!
//! clap's own suggestion lists every name within a fixed similarity, which at ~165 operations per
//! service is dozens of names (aliases included). Here a handful is ranked: the same name spelled
//! differently (`DescribeSslStatus`, `describe_ssl_status`) first, then names within a small edit
//! distance or containing every word typed (`describe-ssl` → `describe-ssl-status`), closest
//! first, then names containing what was typed.

/// At most this many suggestions.
pub const MAX_SUGGESTIONS: usize = 5;

/// The candidates closest to `typed`, best first, at most [`MAX_SUGGESTIONS`].
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed_key = squash(typed);
    let typed_words = words(typed);
    let mut ranked: Vec<(u8, usize, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let key = squash(candidate);
            let distance = levenshtein(&typed_key, &key);
            let candidate_words = words(candidate);
            let has_every_word = !typed_words.is_empty()
                && typed_words
                    .iter()
                    .all(|w| candidate_words.iter().any(|c| c == w));
            let typo = distance <= (typed_key.chars().count() / 4).max(2);
            // Within a rank, the smaller edit distance first: a typo's fix before longer names.
            let rank = if key == typed_key {
                0
            } else if has_every_word || typo {
                1
            } else if typed_key.len() >= 4 && key.contains(&typed_key) {
                2
            } else {
                return None;
            };
            Some((rank, distance, candidate))
        })
        .collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.2 == b.2);
    ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, name)| name)
        .collect()
}

/// Lower case without separators: `Describe-SSL_status` → `describesslstatus`.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a kebab, snake or Pascal case name, lower case.
fn words(name: &str) -> Vec<String> {
    use heck::ToKebabCase;
    name.to_kebab_case()
        .split('-')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPS: &[&str] = &[
        "describe-ssl-status",
        "open-ssl",
        "close-ssl",
        "describe-db-instances",
        "describe-db-instance-info",
        "describe-backups",
        "describe-tasks",
    ];

    #[test]
    fn another_spelling_of_the_same_name_comes_first() {
        assert_eq!(
            closest("DescribeSslStatus", OPS.iter().copied())[0],
            "describe-ssl-status"
        );
        assert_eq!(
            closest("describe_ssl_status", OPS.iter().copied())[0],
            "describe-ssl-status"
        );
    }

    #[test]
    fn names_with_every_typed_word_then_typos() {
        assert_eq!(
            closest("describe-ssl", OPS.iter().copied()),
            ["describe-ssl-status"]
        );
        assert_eq!(closest("opne-ssl", OPS.iter().copied())[0], "open-ssl");
        assert_eq!(
            closest("describe-db-instance", OPS.iter().copied()),
            ["describe-db-instances", "describe-db-instance-info"]
        );
    }

    #[test]
    fn few_and_only_close_suggestions() {
        assert!(closest("frobnicate", OPS.iter().copied()).is_empty());
        let many: Vec<String> = (0..50).map(|i| format!("describe-thing-{i}")).collect();
        let found = closest("describe-thing", many.iter().map(String::as_str));
        assert_eq!(found.len(), MAX_SUGGESTIONS);
    }
}
