//! `--query EXPR`: a JMESPath expression (the language of aws-cli's `--query`) applied to the
//! answer before it is formatted, so it works with every `--output` format.
//!
//! The expression is compiled while the command line is parsed: a malformed one is a usage error
//! (exit 2, nothing sent) whose message shows where it is wrong.

use serde_json::Value;

/// A compiled `--query` expression.
#[derive(Debug, Clone)]
pub struct Query {
    source: String,
}

impl Query {
    /// Compiles `source`; the error names the position of the mistake and shows it under the
    /// expression.
    pub fn parse(source: &str) -> Result<Query, String> {
        jmespath::compile(source)
            .map(|_| Query {
                source: source.to_owned(),
            })
            .map_err(|e| describe_error(source, &e))
    }

    /// Applies the expression to `value`. Fails only when the expression cannot be evaluated on
    /// this value (a function given the wrong type of argument, for instance).
    pub fn apply(&self, value: &Value) -> Result<Value, String> {
        // Compiling again is cheap (the expression was checked at parse time) and keeps `Query`
        // free of the library's reference-counted, non-`Send` types.
        let expression =
            jmespath::compile(&self.source).map_err(|e| describe_error(&self.source, &e))?;
        let found = expression
            .search(value)
            .map_err(|e| format!("--query '{}' failed: {}", self.source, e.reason))?;
        serde_json::to_value(&*found).map_err(|e| format!("--query result: {e}"))
    }
}

/// `invalid --query at column N: reason`, then the expression with a caret under the spot.
fn describe_error(source: &str, e: &jmespath::JmespathError) -> String {
    let column = source.chars().take(e.offset).filter(|c| *c != '\n').count();
    format!(
        "invalid --query expression at column {} (character {}): {}\n    {}\n    {}^",
        e.column + 1,
        e.offset + 1,
        e.reason,
        source.replace('\n', " "),
        " ".repeat(column)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_projects_and_filters() {
        let v = json!({"Items": [{"Id": "a", "Ssl": 1}, {"Id": "b", "Ssl": 0}], "Total": 2});
        let q = |s: &str| Query::parse(s).unwrap().apply(&v).unwrap();
        assert_eq!(q("Total"), json!(2));
        assert_eq!(q("Items[].Id"), json!(["a", "b"]));
        assert_eq!(q("Items[?Ssl==`0`].Id | [0]"), json!("b"));
        assert_eq!(q("Missing"), Value::Null);
    }

    #[test]
    fn a_malformed_expression_says_where() {
        let e = Query::parse("Items[?Ssl==").unwrap_err();
        assert!(e.starts_with("invalid --query expression at column"), "{e}");
        assert!(e.contains("Items[?Ssl=="), "{e}");
        assert!(e.contains('^'), "{e}");
    }
}
