//! Reading the few shapes of generated Python source the importers need, without running Python:
//! `errorcodes.py` (comment + constant pairs) and the literal dictionaries and assignments of the
//! Huawei SDK's generated client and models. The generated files are regular; anything else is
//! an error that names the line, so a change in the generator is noticed, not misread.

use indexmap::IndexMap;

/// One error code of `errorcodes.py`: `# docs` lines, then `NAME = 'Code'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyErrorCode {
    pub code: String,
    pub docs: String,
}

/// Parses a Tencent SDK `errorcodes.py`. Errors name the 1-based line and what was expected.
pub fn error_codes(source: &str) -> Result<Vec<PyErrorCode>, String> {
    let mut codes = Vec::new();
    let mut comment: Vec<String> = Vec::new();
    let mut in_header = true;
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            // The license header is separated from the first code by a blank line.
            if in_header {
                comment.clear();
            }
            continue;
        }
        if let Some(text) = trimmed.strip_prefix('#') {
            comment.push(text.trim().to_owned());
            continue;
        }
        in_header = false;
        let Some((name, value)) = trimmed.split_once('=') else {
            return Err(format!(
                "line {line_no}: expected `NAME = 'Code'` or a `#` comment, found `{trimmed}`"
            ));
        };
        let name = name.trim();
        let code = string_literal(value.trim()).ok_or_else(|| {
            format!("line {line_no}: expected a quoted error code after `{name} =`")
        })?;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!(
                "line {line_no}: expected an upper-case constant name, found `{name}`"
            ));
        }
        codes.push(PyErrorCode {
            code,
            docs: comment.join(" ").trim().to_owned(),
        });
        comment.clear();
    }
    if codes.is_empty() {
        return Err("no error code found (expected lines `NAME = 'Code'`)".to_owned());
    }
    Ok(codes)
}

/// The text of a Python string literal `'x'` or `"x"` (simple escapes only).
pub fn string_literal(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            }
        } else if c == quote {
            return None;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The entries of the literal dictionary assigned to `name` (`openapi_types = { 'a': 'str', }`),
/// with string keys and string values, in order. `None` when there is no such assignment.
pub fn dict_of_strings(
    source: &str,
    name: &str,
) -> Option<Result<IndexMap<String, String>, String>> {
    let start = source
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("{name} = {{")))?;
    let mut map = IndexMap::new();
    for (offset, line) in source.lines().enumerate().skip(start) {
        let text = line.trim();
        let text = if offset == start {
            text.split_once('{').map_or("", |(_, rest)| rest).trim()
        } else {
            text
        };
        if text.is_empty() {
            continue;
        }
        let (entry, done) = match text.strip_suffix('}') {
            Some(rest) => (rest.trim(), true),
            None => (text, false),
        };
        let entry = entry.trim_end_matches(',').trim();
        if !entry.is_empty() {
            let parsed = entry
                .split_once(':')
                .and_then(|(k, v)| Some((string_literal(k.trim())?, string_literal(v.trim())?)));
            match parsed {
                Some((k, v)) => {
                    map.insert(k, v);
                }
                None => {
                    return Some(Err(format!(
                        "line {}: expected `'key': 'value'` in `{name}`, found `{entry}`",
                        offset + 1
                    )))
                }
            }
        }
        if done {
            return Some(Ok(map));
        }
    }
    Some(Err(format!("`{name} = {{` is never closed")))
}

/// The string items of the literal list assigned to `name` on one line (`sensitive_list = ['a']`).
pub fn list_of_strings(source: &str, name: &str) -> Option<Vec<String>> {
    let line = source
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{name} = [")))?;
    let inner = line.split_once('[')?.1.rsplit_once(']')?.0;
    Some(
        inner
            .split(',')
            .filter_map(|item| string_literal(item.trim()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_codes_after_the_license_header() {
        let source = "# Copyright\n# License\n\n\n# CAM signature error\nAUTHFAILURE = 'AuthFailure'\n\n# Two\n# lines.\nA_B = \"A.B\"\n";
        let codes = error_codes(source).unwrap();
        assert_eq!(
            codes,
            vec![
                PyErrorCode {
                    code: "AuthFailure".into(),
                    docs: "CAM signature error".into()
                },
                PyErrorCode {
                    code: "A.B".into(),
                    docs: "Two lines.".into()
                },
            ]
        );
        assert!(error_codes("# x\n\nimport os\n")
            .unwrap_err()
            .contains("line 3"));
        assert!(error_codes("# only comments\n").is_err());
    }

    #[test]
    fn reads_literal_dicts() {
        let source =
            "class A:\n    openapi_types = {\n        'a': 'str',\n        'b': 'list[X]'\n    }\n";
        let map = dict_of_strings(source, "openapi_types").unwrap().unwrap();
        assert_eq!(map.get("b").map(String::as_str), Some("list[X]"));
        assert!(dict_of_strings(source, "attribute_map").is_none());
        let empty = "    openapi_types = {}\n";
        assert!(dict_of_strings(empty, "openapi_types")
            .unwrap()
            .unwrap()
            .is_empty());
        let bad = "    openapi_types = {\n        'a': str,\n    }\n";
        assert!(dict_of_strings(bad, "openapi_types").unwrap().is_err());
        assert_eq!(
            list_of_strings("    sensitive_list = ['password', 'x']\n", "sensitive_list"),
            Some(vec!["password".to_owned(), "x".to_owned()])
        );
    }
}
