//! Rust names for spec names: wire names and operation names become snake_case fields and methods,
//! shape names PascalCase types, error codes SCREAMING_SNAKE_CASE constants.
//!
//! The word splitting is heck's, which already reads acronyms as words (`DBInstanceId` →
//! `db_instance_id`, `DescribeInstanceSSL` → `describe_instance_ssl`). Two spellings common in
//! cloud APIs split badly there, so they are rewritten first: a plural acronym (`UUIDs` →
//! `uuids`, not `uui_ds`) and a versioned protocol (`IPv6Address` → `ipv6_address`, not
//! `i_pv6_address`).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// The snake_case Rust name of a wire name or operation name: `SSLEnabled` → `ssl_enabled`.
pub fn snake_case(name: &str) -> String {
    fix_acronyms(name).to_snake_case()
}

/// The PascalCase Rust name of a shape or operation: `DescribeInstanceSSL` → `DescribeInstanceSsl`.
pub fn pascal_case(name: &str) -> String {
    fix_acronyms(name).to_upper_camel_case()
}

/// The constant name of an error code: `InvalidParameterValue.NotFoundInstance` →
/// `INVALID_PARAMETER_VALUE_NOT_FOUND_INSTANCE`, `DBS.200823` → `DBS_200823`. A code that would
/// start with a digit gets an `E_` prefix, since identifiers cannot.
pub fn constant_case(name: &str) -> String {
    let constant = fix_acronyms(name).to_shouty_snake_case();
    if constant.starts_with(|c: char| c.is_ascii_digit()) {
        format!("E_{constant}")
    } else {
        constant
    }
}

/// Rewrites the acronym spellings heck splits badly into ones it splits well:
/// `UUIDs` → `Uuids`, `IPv6` → `Ipv6`.
fn fix_acronyms(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        // A run of two or more capitals...
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        let starts_word = i == 0 || !chars[i - 1].is_ascii_uppercase();
        if run >= 2 && starts_word {
            let after = chars.get(i + run).copied();
            let after_next = chars.get(i + run + 1).copied();
            // ...then `s` ending the word (`UUIDs`, `IDsOfX`), or `v` + digit (`IPv6`).
            let plural = after == Some('s') && !after_next.is_some_and(|c| c.is_ascii_lowercase());
            let versioned = after == Some('v') && after_next.is_some_and(|c| c.is_ascii_digit());
            if plural || versioned {
                out.push(chars[i]);
                out.extend(chars[i + 1..i + run].iter().map(char::to_ascii_lowercase));
                i += run;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Whether `name` is a Rust keyword (strict, reserved or weak-but-troublesome), which cannot be a
/// field or method name without `r#`.
pub fn is_rust_keyword(name: &str) -> bool {
    RUST_KEYWORDS.contains(&name)
}

/// Rust keywords, including those reserved for future use (edition 2021).
pub const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` is a plain snake_case identifier: lower-case ASCII letters, digits and `_`,
/// starting with a letter, not a keyword.
pub fn is_snake_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_rust_keyword(name)
}

/// Whether `name` is a PascalCase identifier: an upper-case ASCII letter, then letters and digits.
pub fn is_pascal_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name != "Self"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_words() {
        for (wire, snake) in [
            ("DBInstanceId", "db_instance_id"),
            ("DescribeInstanceSSL", "describe_instance_ssl"),
            ("SSLEnabled", "ssl_enabled"),
            ("ModifyDBInstanceSSLConfig", "modify_db_instance_ssl_config"),
            ("OpenSSL", "open_ssl"),
            ("InstanceId", "instance_id"),
            ("ssl_option", "ssl_option"),
            ("X-Language", "x_language"),
            ("UUIDs", "uuids"),
            ("InstanceIDs", "instance_ids"),
            ("IDsOfGroup", "ids_of_group"),
            ("IPv6Address", "ipv6_address"),
            ("VpcIPv4", "vpc_ipv4"),
            ("Status", "status"),
            ("DBSs", "dbss"),
        ] {
            assert_eq!(snake_case(wire), snake, "{wire}");
        }
    }

    #[test]
    fn types_and_constants() {
        assert_eq!(pascal_case("DescribeInstanceSSL"), "DescribeInstanceSsl");
        assert_eq!(pascal_case("CertInfo"), "CertInfo");
        assert_eq!(pascal_case("UUIDs"), "Uuids");
        assert_eq!(
            constant_case("InvalidParameterValue.NotFoundInstance"),
            "INVALID_PARAMETER_VALUE_NOT_FOUND_INSTANCE"
        );
        assert_eq!(constant_case("DBS.200823"), "DBS_200823");
        assert_eq!(constant_case("400.1"), "E_400_1");
        assert_eq!(constant_case("AuthFailure"), "AUTH_FAILURE");
    }

    #[test]
    fn identifiers() {
        assert!(is_rust_keyword("type"));
        assert!(!is_snake_identifier("type"));
        assert!(is_snake_identifier("instance_id"));
        assert!(!is_snake_identifier("_x"));
        assert!(is_pascal_identifier("SslStatus"));
        assert!(!is_pascal_identifier("Ssl_Status"));
        assert!(!is_pascal_identifier("Self"));
    }
}
