//! Reading one value out of a response (or out of the captured values).

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::http::Response;
use crate::course::checks::Query;

/// The value a query finds: Ok(None) when there is nothing there, Err when the response
/// cannot be read that way (a JSON query on a body that is not JSON).
pub fn evaluate(
    query: &Query,
    response: &Response,
    vars: &BTreeMap<String, Value>,
) -> Result<Option<Value>, String> {
    Ok(match query {
        Query::Status => Some(Value::from(response.status)),
        Query::Header(name) => response
            .header(name)
            .map(|value| Value::String(value.to_string())),
        Query::Body => Some(Value::String(response.text())),
        Query::Sha256 => Some(Value::String(format!(
            "{:x}",
            Sha256::digest(&response.body)
        ))),
        Query::Duration => Some(Value::from(response.duration.as_millis() as u64)),
        Query::Var(name) => vars.get(name).cloned(),
        Query::Json { path, singular, .. } => {
            let json = response.json().map_err(Clone::clone)?;
            let nodes = path.query(json);
            if *singular {
                nodes.first().cloned()
            } else {
                Some(Value::Array(nodes.all().into_iter().cloned().collect()))
            }
        }
    })
}

/// The value a query finds in rows read from a database (a JSON array of objects).
/// Only `json` and `var` queries read rows; the checks parser allows no others here.
pub fn evaluate_rows(
    query: &Query,
    rows: &Value,
    vars: &BTreeMap<String, Value>,
) -> Result<Option<Value>, String> {
    Ok(match query {
        Query::Var(name) => vars.get(name).cloned(),
        Query::Json { path, singular, .. } => {
            let nodes = path.query(rows);
            if *singular {
                nodes.first().cloned()
            } else {
                Some(Value::Array(nodes.all().into_iter().cloned().collect()))
            }
        }
        other => return Err(format!("`{other}` does not apply to rows from a database")),
    })
}

/// How messages name the queried value: its JSON path, or nothing for scalars.
pub fn root(query: &Query) -> &str {
    match query {
        Query::Json { source, .. } => source,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(query: &str, response: &Response) -> Result<Option<Value>, String> {
        let vars = BTreeMap::from([("ids".to_string(), json!([1, 2]))]);
        evaluate(&Query::parse(query).unwrap(), response, &vars)
    }

    #[test]
    fn reads_each_part_of_a_response() {
        let body = r#"[{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}]"#;
        let response = Response::fake(200, &[("content-type", "application/json")], body);
        assert_eq!(found("status", &response), Ok(Some(json!(200))));
        assert_eq!(
            found("header Content-Type", &response),
            Ok(Some(json!("application/json")))
        );
        assert_eq!(found("header Location", &response), Ok(None));
        assert_eq!(found("json $[0].id", &response), Ok(Some(json!(1))));
        assert_eq!(found("json $[5].id", &response), Ok(None));
        assert_eq!(found("json $[*].id", &response), Ok(Some(json!([1, 2]))));
        assert_eq!(
            found("json $[?@.id > 5].id", &response),
            Ok(Some(json!([])))
        );
        assert_eq!(found("body", &response), Ok(Some(json!(body))));
        assert_eq!(found("duration", &response), Ok(Some(json!(3))));
        assert_eq!(found("var ids", &response), Ok(Some(json!([1, 2]))));
        let hash = found("sha256", &Response::fake(200, &[], "abc"))
            .unwrap()
            .unwrap();
        assert_eq!(
            hash,
            json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
    }

    #[test]
    fn a_json_query_on_text_says_what_the_body_was() {
        let error = found(
            "json $.id",
            &Response::fake(500, &[], "<h1>Internal Server Error</h1>"),
        )
        .unwrap_err();
        assert!(error.starts_with("the body is not JSON"), "{error}");
        assert!(error.contains("<h1>Internal"), "{error}");
        let error = found("json $.id", &Response::fake(204, &[], "")).unwrap_err();
        assert_eq!(error, "the body is empty, not JSON");
    }
}
