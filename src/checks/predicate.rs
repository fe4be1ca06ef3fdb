//! Whether a value found by a query satisfies a predicate, and if not, why.

use serde_json::Value;

use super::diff::{self, show};
use crate::course::checks::{JsonType, Predicate};

/// Ok when `actual` satisfies the (already rendered) predicate; otherwise what was wrong,
/// as it should read after "expected ...". `root` names a JSON value's path in messages.
pub fn evaluate(predicate: &Predicate, actual: Option<&Value>, root: &str) -> Result<(), String> {
    let actual = match (predicate, actual) {
        (Predicate::Absent, None) => return Ok(()),
        (Predicate::Absent, Some(value)) => return Err(format!("got {}", show(value))),
        (_, None) => return Err("it is missing".to_string()),
        (_, Some(value)) => value,
    };
    let got = || Err(format!("got {}", show(actual)));
    match predicate {
        Predicate::Absent => unreachable!("handled above"),
        Predicate::Exists => Ok(()),
        Predicate::Equals { expected, strict } => {
            let differences = diff::differences(expected, actual, *strict, root);
            if differences.is_empty() {
                Ok(())
            } else {
                Err(differences.join("\n"))
            }
        }
        Predicate::NotEquals { expected, strict } => {
            if diff::matches(expected, actual, *strict) {
                got()
            } else {
                Ok(())
            }
        }
        Predicate::Contains(expected) => {
            if contains(actual, expected) {
                Ok(())
            } else {
                got()
            }
        }
        Predicate::NotContains(expected) => {
            if contains(actual, expected) {
                got()
            } else {
                Ok(())
            }
        }
        Predicate::SignedWith(key) => match (actual, key) {
            (Value::String(token), Value::String(key)) => {
                super::jwt::verify(token, key).map_err(|why| format!("{}: {why}", show(actual)))
            }
            (_, Value::String(_)) => got(),
            _ => Err("the key to verify with is not a string".to_string()),
        },
        Predicate::Matches(regex) => match actual {
            Value::String(text) if regex.is_match(text) => Ok(()),
            _ => got(),
        },
        Predicate::Type(kind) => {
            if type_of(actual, *kind) {
                Ok(())
            } else {
                Err(format!(
                    "got {}, which is {}",
                    show(actual),
                    describe_type(actual)
                ))
            }
        }
        Predicate::Length(length) => match length_of(actual) {
            Some(n) if n == *length => Ok(()),
            Some(n) => Err(format!("got length {n}: {}", show(actual))),
            None => got(),
        },
        Predicate::Gt(bound) => compare(actual, bound, |v, n| v > n),
        Predicate::Gte(bound) => compare(actual, bound, |v, n| v >= n),
        Predicate::Lt(bound) => compare(actual, bound, |v, n| v < n),
        Predicate::Lte(bound) => compare(actual, bound, |v, n| v <= n),
        Predicate::OneOf(options) => {
            if options
                .iter()
                .any(|option| diff::matches(option, actual, false))
            {
                Ok(())
            } else {
                got()
            }
        }
        Predicate::IsUuid => match actual {
            Value::String(text) if uuid::Uuid::try_parse(text).is_ok() => Ok(()),
            _ => got(),
        },
        Predicate::IsIsoDate => match actual {
            Value::String(text) if is_iso_date(text) => Ok(()),
            _ => got(),
        },
        Predicate::Unique => match actual {
            Value::Array(items) => match first_duplicate(items) {
                Some(duplicate) => Err(format!(
                    "{} appears more than once in {}",
                    show(duplicate),
                    show(actual)
                )),
                None => Ok(()),
            },
            _ => got(),
        },
        Predicate::SameSet(expected) => {
            let (Value::Array(items), Value::Array(wanted)) = (actual, expected) else {
                return got();
            };
            let missing = wanted.iter().find(|item| !contains(actual, item));
            let extra = items.iter().find(|item| !contains(expected, item));
            match (missing, extra) {
                (None, None) => Ok(()),
                (Some(one), _) => Err(format!("{} is missing from {}", show(one), show(actual))),
                (None, Some(one)) => {
                    Err(format!("{} is one too many in {}", show(one), show(actual)))
                }
            }
        }
        Predicate::IsOpenApi => super::openapi::Document::new(actual.clone()).map(|_| ()),
        Predicate::IsEtag => match actual {
            Value::String(text) if super::headers::is_etag(text) => Ok(()),
            _ => got(),
        },
        Predicate::Schema(schema) => {
            let errors: Vec<String> = schema
                .validator
                .iter_errors(actual)
                .map(|error| {
                    let at = error.instance_path().to_string();
                    let at = if at.is_empty() { "/".to_string() } else { at };
                    format!("at {at}: {error}")
                })
                .collect();
            match errors.as_slice() {
                [] => Ok(()),
                [one] => Err(format!("{one}, in {}", show(actual))),
                [first, ..] => Err(format!(
                    "{first} (and {} more), in {}",
                    errors.len() - 1,
                    show(actual)
                )),
            }
        }
        Predicate::ContainsAll(expected) => {
            let (Value::Array(_), Value::Array(wanted)) = (actual, expected) else {
                return got();
            };
            let missing: Vec<&Value> = wanted
                .iter()
                .filter(|item| !contains(actual, item))
                .collect();
            match missing.as_slice() {
                [] => Ok(()),
                [one] => Err(format!("{} is missing from {}", show(one), show(actual))),
                many => Err(format!(
                    "{} of them are missing, {} among them, from {}",
                    many.len(),
                    show(many[0]),
                    show(actual)
                )),
            }
        }
    }
}

fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::String(text), Value::String(part)) => text.contains(part.as_str()),
        (Value::Array(items), _) => items
            .iter()
            .any(|item| diff::matches(expected, item, false)),
        (Value::Object(map), Value::String(key)) => map.contains_key(key),
        _ => false,
    }
}

fn type_of(value: &Value, kind: JsonType) -> bool {
    match kind {
        JsonType::String => value.is_string(),
        JsonType::Number => value.is_number(),
        JsonType::Integer => value.is_i64() || value.is_u64(),
        JsonType::Boolean => value.is_boolean(),
        JsonType::Array => value.is_array(),
        JsonType::Object => value.is_object(),
        JsonType::Null => value.is_null(),
    }
}

fn describe_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Number(n) if n.is_f64() => "a number with a fraction",
        Value::Number(_) => "an integer",
        Value::Bool(_) => "a boolean",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        Value::Null => "null",
    }
}

fn length_of(value: &Value) -> Option<u64> {
    Some(match value {
        Value::String(text) => text.chars().count() as u64,
        Value::Array(items) => items.len() as u64,
        Value::Object(map) => map.len() as u64,
        _ => return None,
    })
}

/// `actual` against `bound`, both numbers; `bound` may come from a captured value, so it
/// is checked too.
fn compare(actual: &Value, bound: &Value, holds: impl Fn(f64, f64) -> bool) -> Result<(), String> {
    let Some(bound) = bound.as_f64() else {
        return Err(format!(
            "the value to compare with is not a number: {}",
            show(bound)
        ));
    };
    match actual.as_f64() {
        Some(n) if holds(n, bound) => Ok(()),
        _ => Err(format!("got {}", show(actual))),
    }
}

fn first_duplicate(items: &[Value]) -> Option<&Value> {
    items
        .iter()
        .enumerate()
        .find(|(i, item)| {
            items[..*i]
                .iter()
                .any(|earlier| diff::matches(earlier, item, true))
        })
        .map(|(_, item)| item)
}

/// ISO 8601 dates and date-times, with or without a UTC offset.
fn is_iso_date(text: &str) -> bool {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    DateTime::parse_from_rfc3339(text).is_ok()
        || DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z").is_ok()
        || NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use serde_json::json;

    fn check(predicate: Predicate, actual: Value) -> Result<(), String> {
        evaluate(&predicate, Some(&actual), "")
    }

    #[test]
    fn sets_etags_and_schemas() {
        let same = |expected: Value, actual: Value| check(Predicate::SameSet(expected), actual);
        assert!(same(json!(["GET", "HEAD"]), json!(["HEAD", "GET", "GET"])).is_ok());
        assert!(
            same(json!(["GET", "HEAD"]), json!(["GET"]))
                .unwrap_err()
                .contains("\"HEAD\" is missing")
        );
        assert!(
            same(json!(["GET"]), json!(["GET", "DELETE"]))
                .unwrap_err()
                .contains("\"DELETE\" is one too many")
        );
        assert!(same(json!(["GET"]), json!("GET")).is_err());
        assert!(check(Predicate::IsEtag, json!("W/\"1\"")).is_ok());
        assert!(check(Predicate::IsEtag, json!("1")).is_err());
        let schema = crate::course::checks::JsonSchema::compile(json!({
            "type": "object",
            "required": ["type", "title", "status"],
            "properties": {"status": {"type": "integer", "minimum": 400}, "title": {"type": "string"}}
        }))
        .unwrap();
        let problem = |value: Value| check(Predicate::Schema(schema.clone()), value);
        assert!(
            problem(json!({"type": "about:blank", "title": "Not Found", "status": 404})).is_ok()
        );
        let error =
            problem(json!({"type": "about:blank", "title": 7, "status": "404"})).unwrap_err();
        assert!(
            error.contains("at /title") && error.contains("(and 1 more)"),
            "{error}"
        );
        let error = problem(json!({"title": "x", "status": 404})).unwrap_err();
        assert!(
            error.starts_with("at /: ") && error.contains("type"),
            "{error}"
        );
        assert!(crate::course::checks::JsonSchema::compile(json!({"type": 7})).is_err());
    }

    #[test]
    fn every_predicate_passes_and_fails() {
        let cases: Vec<(Predicate, Value, Value)> = vec![
            (
                Predicate::Equals {
                    expected: json!({"a": 1}),
                    strict: false,
                },
                json!({"a": 1, "b": 2}),
                json!({"a": 2}),
            ),
            (
                Predicate::NotEquals {
                    expected: json!("x"),
                    strict: false,
                },
                json!("y"),
                json!("x"),
            ),
            (
                Predicate::Contains(json!("json")),
                json!("application/json"),
                json!("text/html"),
            ),
            (
                Predicate::Contains(json!({"id": 3})),
                json!([{"id": 3, "t": 1}]),
                json!([{"id": 4}]),
            ),
            (
                Predicate::Contains(json!("id")),
                json!({"id": 1}),
                json!({"di": 1}),
            ),
            (Predicate::NotContains(json!(7)), json!([1, 2]), json!([7])),
            (
                Predicate::Matches(Regex::new("^text/").unwrap()),
                json!("text/plain"),
                json!("a text/plain"),
            ),
            (Predicate::Type(JsonType::Integer), json!(3), json!(3.5)),
            (Predicate::Type(JsonType::Number), json!(3.5), json!("3.5")),
            (Predicate::Type(JsonType::Null), json!(null), json!(0)),
            (Predicate::Length(2), json!([1, 2]), json!("abc")),
            (Predicate::Gt(json!(1.0)), json!(2), json!(1)),
            (Predicate::Gte(json!(1)), json!(1), json!(0.5)),
            (Predicate::Lt(json!(1.0)), json!(0), json!(1)),
            (Predicate::Lte(json!(1)), json!(1), json!(2)),
            (
                Predicate::OneOf(vec![json!(301), json!(302)]),
                json!(302),
                json!(200),
            ),
            (
                Predicate::IsUuid,
                json!("0b0c2a52-9d5e-4d86-a5b6-29e2d0a0c111"),
                json!("not-a-uuid"),
            ),
            (
                Predicate::IsIsoDate,
                json!("2026-01-31T12:00:00.123456"),
                json!("31/01/2026"),
            ),
            (Predicate::Unique, json!([1, 2, 3]), json!([1, 2, 1])),
            (
                Predicate::ContainsAll(json!([3, 1])),
                json!([1, 2, 3]),
                json!([1, 2]),
            ),
            (Predicate::Exists, json!(false), json!(null)),
        ];
        for (predicate, good, bad) in cases {
            assert_eq!(
                check(predicate.clone(), good.clone()),
                Ok(()),
                "{predicate} on {good}"
            );
            if !matches!(predicate, Predicate::Exists) {
                assert!(
                    check(predicate.clone(), bad.clone()).is_err(),
                    "{predicate} on {bad}"
                );
            }
        }
    }

    #[test]
    fn a_comparison_with_a_captured_value_that_is_not_a_number_says_so() {
        assert_eq!(
            check(Predicate::Gt(json!("seven")), json!(8)),
            Err("the value to compare with is not a number: \"seven\"".to_string())
        );
    }

    #[test]
    fn missing_values_fail_everything_but_absent() {
        assert_eq!(evaluate(&Predicate::Absent, None, ""), Ok(()));
        assert_eq!(
            evaluate(&Predicate::Exists, None, ""),
            Err("it is missing".to_string())
        );
        assert!(
            evaluate(
                &Predicate::NotEquals {
                    expected: json!(1),
                    strict: false
                },
                None,
                ""
            )
            .is_err()
        );
        assert_eq!(
            evaluate(&Predicate::Absent, Some(&json!("x")), ""),
            Err("got \"x\"".to_string())
        );
    }

    #[test]
    fn messages_say_what_came_instead() {
        assert_eq!(
            check(Predicate::Type(JsonType::Integer), json!("5")),
            Err("got \"5\", which is a string".to_string())
        );
        assert_eq!(
            evaluate(
                &Predicate::Equals {
                    expected: json!({"t": "A"}),
                    strict: false
                },
                Some(&json!({"t": "a"})),
                "$"
            ),
            Err("$.t: expected \"A\", got \"a\"".to_string())
        );
        assert_eq!(
            check(Predicate::Unique, json!([1, 2, 1])),
            Err("1 appears more than once in [1,2,1]".to_string())
        );
        for date in [
            "2026-01-31",
            "2026-01-31T12:00:00Z",
            "2026-01-31T12:00:00.123+00:00",
            "2026-01-31T12:00:00+0000",
        ] {
            assert!(is_iso_date(date), "{date}");
        }
    }
}
