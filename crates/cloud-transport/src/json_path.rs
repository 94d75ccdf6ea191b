//! Dot-separated paths into JSON answers, and the one equality rule for comparing a value the
//! service sent with a value a spec states.
//!
//! Waiters (a task's status, an instance's state, an SSL switch), paginators (the list and the
//! total of a page), the CLI and the emulator all read answers through these two functions, so
//! a path or a status means the same thing everywhere.

use serde_json::Value;

/// The member at a dot-separated path; numeric segments index lists (`TaskSet.0.Status`,
/// `certs.0.category`). `None` when any step is absent or of another kind.
pub fn value_at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, segment| match v {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// [`value_at`], for changing the member in place (a paginator cuts the last page's list to the
/// items asked for). The same rule: one lookup, two borrows.
pub fn value_at_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    path.split('.').try_fold(value, |v, segment| match v {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// Sets the member at a dot-separated path, making the objects on the way (and, for a numeric
/// segment into a list, growing the list with nulls): the emulator lays state over answers and
/// the CLI gathers pages through it. A non-object on the way is replaced by an object.
pub fn set_path(target: &mut Value, path: &str, value: Value) {
    let mut current = target;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        let slot = match (segment.parse::<usize>(), current) {
            (Ok(index), Value::Array(items)) => {
                if items.len() <= index {
                    items.resize(index + 1, Value::Null);
                }
                &mut items[index]
            }
            (_, other) => {
                if !other.is_object() {
                    *other = Value::Object(serde_json::Map::new());
                }
                let Value::Object(map) = other else {
                    return;
                };
                map.entry(segment.to_owned()).or_insert(Value::Null)
            }
        };
        if last {
            *slot = value;
            return;
        }
        current = slot;
    }
}

/// Equal as JSON, or the same number sent as text: Tencent sometimes sends `"1"` for `1`, and a
/// status compared with `==` would then never match. Strings are compared exactly (`"ON"` is not
/// `"on"`), and `true` is not `1`.
pub fn loosely_equal(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s.trim().parse::<f64>().ok() == n.as_f64()
        }
        _ => false,
    }
}

/// Whether `value` is [loosely equal](loosely_equal) to one of `set`.
pub fn is_one_of(value: &Value, set: &[Value]) -> bool {
    set.iter().any(|v| loosely_equal(value, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_path_makes_the_way_and_indexes_lists() {
        let mut v = serde_json::json!({"a": [1, {"b": 2}], "s": "x"});
        set_path(&mut v, "a.1.b", Value::from(3));
        set_path(&mut v, "a.3", Value::from(4));
        set_path(&mut v, "n.m", Value::from(5));
        set_path(&mut v, "s.t", Value::from(6));
        assert_eq!(
            v,
            serde_json::json!({"a": [1, {"b": 3}, null, 4], "s": {"t": 6}, "n": {"m": 5}})
        );
    }
    use serde_json::json;

    #[test]
    fn paths_index_objects_and_lists() {
        let v = json!({"a": {"b": [{"c": "1"}]}});
        assert_eq!(value_at(&v, "a.b.0.c"), Some(&json!("1")));
        assert_eq!(value_at(&v, "a.x"), None);
        assert_eq!(value_at(&v, "a.b.1.c"), None);
        assert_eq!(value_at(&v, "a.b.x"), None);
        let mut m = v.clone();
        *value_at_mut(&mut m, "a.b.0.c").unwrap() = json!(2);
        assert_eq!(value_at(&m, "a.b.0.c"), Some(&json!(2)));
        assert!(value_at_mut(&mut m, "a.b.1").is_none());
    }

    #[test]
    fn numbers_as_text_match_but_nothing_else_is_loose() {
        assert!(loosely_equal(&json!("1"), &json!(1)));
        assert!(loosely_equal(&json!(1.0), &json!(1)));
        assert!(!loosely_equal(&json!("ON"), &json!("on")));
        assert!(!loosely_equal(&json!(true), &json!(1)));
        assert!(is_one_of(&json!("2"), &[json!(1), json!(2)]));
        assert!(!is_one_of(&json!(3), &[json!(1), json!(2)]));
    }
}
