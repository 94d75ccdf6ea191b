//! Small wire-format helpers: percent-decoding and query strings, and the names the vendors'
//! protocols put into every answer.

/// The output member carrying Tencent's request id (`Response.RequestId`), set by the protocol
/// layer on every answer.
pub(crate) const TENCENT_REQUEST_ID: &str = "RequestId";

/// Decodes `%XX` escapes; with `plus_is_space`, `+` is a space (form encoding, used by query
/// strings). `None` when an escape is malformed or the result is not UTF-8.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let text = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(text, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Splits a raw query string into decoded `(key, value)` pairs, in order. A key without `=` has
/// an empty value. `Err` names the first part that does not decode.
pub(crate) fn parse_query(raw: &str) -> Result<Vec<(String, String)>, String> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            match (percent_decode(k, true), percent_decode(v, true)) {
                (Some(k), Some(v)) => Ok((k, v)),
                _ => Err(format!(
                    "the query parameter `{}` is not valid percent-encoding",
                    k
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b+c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("a%20b+c", false).as_deref(), Some("a b+c"));
        assert_eq!(percent_decode("%E4%B8%AD", false).as_deref(), Some("中"));
        assert_eq!(percent_decode("%4", false), None);
        assert_eq!(percent_decode("%zz", false), None);
        assert_eq!(percent_decode("%ff", false), None);
    }

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("name=cn-north-4&x&a=1%2B1").unwrap(),
            vec![
                ("name".to_owned(), "cn-north-4".to_owned()),
                ("x".to_owned(), String::new()),
                ("a".to_owned(), "1+1".to_owned())
            ]
        );
        assert!(parse_query("a=%G1").is_err());
    }
}
