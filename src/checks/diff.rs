//! Structural JSON comparison that names the path where values differ.

use serde_json::Value;

/// Longest rendering of a value inside a message.
const SHOWN_CHARS: usize = 120;

/// Every difference between `expected` and `actual`, one sentence each. Objects match
/// as a subset (extra keys in `actual` are fine) unless `strict`; arrays must have the
/// same length and match element by element. `root` names the value, e.g. `$.post`;
/// an empty root (a status or header) gives sentences without a path.
pub fn differences(expected: &Value, actual: &Value, strict: bool, root: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(expected, actual, strict, root, &mut out);
    out
}

pub fn matches(expected: &Value, actual: &Value, strict: bool) -> bool {
    differences(expected, actual, strict, "").is_empty()
}

fn walk(expected: &Value, actual: &Value, strict: bool, path: &str, out: &mut Vec<String>) {
    let at = |path: &str| {
        if path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        }
    };
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            let base = if path.is_empty() { "$" } else { path };
            for (key, want_value) in want {
                let child = child_path(base, key);
                match got.get(key) {
                    Some(got_value) => walk(want_value, got_value, strict, &child, out),
                    None => out.push(format!("{child}: missing (expected {})", show(want_value))),
                }
            }
            if strict {
                for (key, got_value) in got.iter().filter(|(key, _)| !want.contains_key(*key)) {
                    out.push(format!(
                        "{}: not expected (got {})",
                        child_path(base, key),
                        show(got_value)
                    ));
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                out.push(format!(
                    "{}expected {} items, got {}",
                    at(path),
                    want.len(),
                    got.len()
                ));
                return;
            }
            let base = if path.is_empty() { "$" } else { path };
            for (index, (want_item, got_item)) in want.iter().zip(got).enumerate() {
                walk(
                    want_item,
                    got_item,
                    strict,
                    &format!("{base}[{index}]"),
                    out,
                );
            }
        }
        (Value::Number(want), Value::Number(got)) if want.as_f64() == got.as_f64() => {}
        _ if expected == actual => {}
        _ if path.is_empty() => out.push(format!("got {}", show(actual))),
        _ => out.push(format!(
            "{path}: expected {}, got {}",
            show(expected),
            show(actual)
        )),
    }
}

fn child_path(base: &str, key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{base}.{key}")
    } else {
        format!("{base}[{}]", Value::String(key.to_string()))
    }
}

/// A value as compact JSON, cut to a readable length.
pub fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= SHOWN_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_path_of_each_difference() {
        let expected = json!({"title": "A", "tags": ["x", "y"], "meta": {"n": 1}});
        let actual = json!({"title": "a", "tags": ["x", "z"], "meta": {}, "extra": true});
        assert_eq!(
            differences(&expected, &actual, false, ""),
            [
                r#"$.title: expected "A", got "a""#,
                r#"$.tags[1]: expected "y", got "z""#,
                "$.meta.n: missing (expected 1)",
            ]
        );
    }

    #[test]
    fn subset_by_default_exact_when_strict() {
        let expected = json!({"status": "ok"});
        let actual = json!({"status": "ok", "uptime": 3});
        assert!(matches(&expected, &actual, false));
        assert_eq!(
            differences(&expected, &actual, true, "$"),
            ["$.uptime: not expected (got 3)"]
        );
    }

    #[test]
    fn scalars_and_lengths() {
        assert!(matches(&json!(201), &json!(201.0), true));
        assert_eq!(
            differences(&json!(201), &json!(200), false, ""),
            ["got 200"]
        );
        assert_eq!(
            differences(&json!([1]), &json!([1, 2]), false, "$.ids"),
            ["$.ids: expected 1 items, got 2"]
        );
        assert_eq!(
            differences(&json!({"a b": 1}), &json!({}), false, ""),
            [r#"$["a b"]: missing (expected 1)"#]
        );
        let long = Value::String("x".repeat(500));
        assert!(show(&long).ends_with('…'));
    }
}
