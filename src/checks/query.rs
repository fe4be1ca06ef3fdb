//! Reading one value out of a response (or out of the captured values).

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::http::Response;
use crate::course::checks::{Filter, Query};

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
        Query::Headers(name) => Some(Value::Array(
            response
                .headers
                .iter()
                .filter(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| Value::String(value.clone()))
                .collect(),
        )),
        Query::Body => Some(Value::String(response.text())),
        Query::Sha256 => Some(Value::String(format!(
            "{:x}",
            Sha256::digest(&response.body)
        ))),
        Query::Duration => Some(Value::from(response.duration.as_millis() as u64)),
        Query::Var(name) => vars.get(name).cloned(),
        Query::Cookie { name, attribute } => {
            super::cookie::query(&response.headers, name, attribute.as_deref())
        }
        Query::Piped { query, filters } => {
            return filter(evaluate(query, response, vars)?, filters);
        }
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
        Query::Piped { query, filters } => {
            return filter(evaluate_rows(query, rows, vars)?, filters);
        }
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

/// The value a query finds in a workspace file's text (`None`: no such file). Only
/// `body` and `var` queries read files; the checks parser allows no others there.
pub fn evaluate_text(
    query: &Query,
    text: Option<&str>,
    vars: &BTreeMap<String, Value>,
) -> Result<Option<Value>, String> {
    Ok(match query {
        Query::Body => text.map(|text| Value::String(text.to_string())),
        Query::Var(name) => vars.get(name).cloned(),
        Query::Piped { query, filters } => {
            return filter(evaluate_text(query, text, vars)?, filters);
        }
        other => return Err(format!("`{other}` does not apply to a file")),
    })
}

/// A found value through `filters`, in order; nothing found stays nothing.
fn filter(mut value: Option<Value>, filters: &[Filter]) -> Result<Option<Value>, String> {
    for filter in filters {
        let Some(found) = value else {
            return Ok(None);
        };
        value = match filter {
            Filter::Jwt => match &found {
                Value::String(token) => Some(super::jwt::decode(token)?),
                other => return Err(format!("`jwt` reads a string, not {}", describe(other))),
            },
            Filter::Path { path, singular, .. } => {
                let nodes = path.query(&found);
                if *singular {
                    nodes.first().cloned()
                } else {
                    Some(Value::Array(nodes.all().into_iter().cloned().collect()))
                }
            }
            Filter::Count => Some(Value::from(match &found {
                Value::Array(items) => items.len(),
                Value::Object(fields) => fields.len(),
                Value::String(text) => text.chars().count(),
                other => {
                    return Err(format!(
                        "`count` counts a list, an object or a string, not {}",
                        describe(other)
                    ));
                }
            })),
            Filter::Base64 => match &found {
                Value::String(text) => Some(Value::String(base64_text(text)?)),
                other => return Err(format!("`base64` reads a string, not {}", describe(other))),
            },
            Filter::Text => Some(Value::String(crate::course::template::as_text(&found))),
            Filter::Url => match &found {
                Value::String(text) => Some(url_parts(text)?),
                other => return Err(format!("`url` reads a string, not {}", describe(other))),
            },
            Filter::List => Some(Value::Array(
                field_values(&found, "list")?
                    .iter()
                    .flat_map(|value| super::headers::list_items(value))
                    .map(Value::String)
                    .collect(),
            )),
            Filter::Lower => Some(lower(found)?),
            Filter::Links => {
                let mut links = serde_json::Map::new();
                for value in field_values(&found, "links")? {
                    for (rel, link) in super::headers::links(&value)? {
                        links.entry(rel).or_insert(link);
                    }
                }
                Some(Value::Object(links))
            }
            Filter::Keys => match &found {
                Value::Object(fields) => Some(Value::Array(
                    fields.keys().cloned().map(Value::String).collect(),
                )),
                other => return Err(format!("`keys` reads an object, not {}", describe(other))),
            },
            Filter::Deref => Some(deref(&found)?),
            Filter::Dotenv => match &found {
                Value::String(text) => Some(dotenv(text)?),
                other => return Err(format!("`dotenv` reads text, not {}", describe(other))),
            },
            Filter::Json => match &found {
                Value::String(text) => Some(serde_json::from_str(text).map_err(|error| {
                    format!(
                        "`json`: {} is not JSON ({error})",
                        super::diff::show(&found)
                    )
                })?),
                other => return Err(format!("`json` reads a string, not {}", describe(other))),
            },
        };
    }
    Ok(value)
}

/// The most values `deref` may make: a document whose references multiply past it
/// (the "billion laughs" of JSON) is refused rather than expanded.
const DEREF_LIMIT: usize = 200_000;

/// `document` with every local `$ref` replaced by what it points at (its sibling keys
/// laid over an object target). A reference to nowhere, or one inside its own
/// expansion (a recursive schema), stays as it is.
fn deref(document: &Value) -> Result<Value, String> {
    fn expand(
        value: &Value,
        root: &Value,
        open: &mut Vec<String>,
        made: &mut usize,
    ) -> Result<Value, String> {
        *made += 1;
        if *made > DEREF_LIMIT {
            return Err(format!(
                "`deref`: the document grows past {DEREF_LIMIT} values when its references are expanded"
            ));
        }
        match value {
            Value::Array(items) => items
                .iter()
                .map(|item| expand(item, root, open, made))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Value::Object(fields) => {
                let reference = fields.get("$ref").and_then(Value::as_str);
                if let Some(reference) = reference {
                    let target = reference.strip_prefix('#').and_then(|pointer| {
                        root.pointer(
                            &percent_encoding::percent_decode_str(pointer).decode_utf8_lossy(),
                        )
                    });
                    if let Some(target) = target
                        && !open.iter().any(|seen| seen == reference)
                    {
                        open.push(reference.to_string());
                        let mut expanded = expand(target, root, open, made)?;
                        open.pop();
                        if let Value::Object(into) = &mut expanded {
                            for (key, sibling) in fields.iter().filter(|(key, _)| *key != "$ref") {
                                into.insert(key.clone(), expand(sibling, root, open, made)?);
                            }
                        }
                        return Ok(expanded);
                    }
                }
                let mut out = serde_json::Map::new();
                for (key, field) in fields {
                    out.insert(key.clone(), expand(field, root, open, made)?);
                }
                Ok(Value::Object(out))
            }
            other => Ok(other.clone()),
        }
    }
    expand(document, document, &mut Vec::new(), &mut 0)
}

/// The variables a `.env` file sets, as `{NAME: value}`: `NAME=value` lines, maybe
/// after `export`; blank lines and `#` comments skipped; a value in single quotes kept
/// as it is, in double quotes with `\n`, `\"` and `\\` escapes; an unquoted value
/// trimmed and cut at ` #`. A later line for the same name wins.
fn dotenv(text: &str) -> Result<Value, String> {
    let mut vars = serde_json::Map::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let not_a_variable = || {
            format!(
                "`dotenv`: line {} is not NAME=value: {}",
                index + 1,
                super::diff::show(&Value::String(line.to_string()))
            )
        };
        let (name, value) = line.split_once('=').ok_or_else(not_a_variable)?;
        let name = name.trim();
        let valid_name = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(not_a_variable());
        }
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('\'') {
            inner
                .split_once('\'')
                .map_or(inner, |(inside, _)| inside)
                .to_string()
        } else if let Some(inner) = value.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some(other) => out.push(other),
                        None => {}
                    },
                    other => out.push(other),
                }
            }
            out
        } else {
            value
                .split_once(" #")
                .map_or(value, |(before, _)| before)
                .trim_end()
                .to_string()
        };
        vars.insert(name.to_string(), Value::String(value));
    }
    Ok(Value::Object(vars))
}

/// A header's field values: one string, or an array of them (`headers NAME`).
fn field_values(found: &Value, filter: &str) -> Result<Vec<String>, String> {
    match found {
        Value::String(text) => Ok(vec![text.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(format!(
                    "`{filter}` reads header values (strings), not {}",
                    describe(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "`{filter}` reads a header value, not {}",
            describe(other)
        )),
    }
}

fn lower(found: Value) -> Result<Value, String> {
    match found {
        Value::String(text) => Ok(Value::String(text.to_lowercase())),
        Value::Array(items) => items
            .into_iter()
            .map(lower)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Err(format!(
            "`lower` reads a string or an array of strings, not {}",
            describe(&other)
        )),
    }
}

/// A URL's parts, for assertions on a redirect: the query as an object of first values.
fn url_parts(text: &str) -> Result<Value, String> {
    let url = reqwest::Url::parse(text.trim()).map_err(|error| {
        format!(
            "`url`: {} is not an absolute URL ({error})",
            super::diff::show(&Value::String(text.to_string()))
        )
    })?;
    let mut query = serde_json::Map::new();
    for (name, value) in url.query_pairs() {
        query
            .entry(name.into_owned())
            .or_insert(Value::String(value.into_owned()));
    }
    Ok(serde_json::json!({
        "scheme": url.scheme(),
        "host": url.host_str(),
        "port": url.port_or_known_default(),
        "path": url.path(),
        "query": query,
        "fragment": url.fragment(),
    }))
}

fn describe(value: &Value) -> String {
    super::diff::show(value)
}

/// Base64 in any of its spellings (standard or URL-safe, padded or not) as text.
fn base64_text(text: &str) -> Result<String, String> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = text.trim().trim_end_matches('=');
    let bytes = STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
        .map_err(|_| {
            format!(
                "`base64`: {} is not base64",
                super::diff::show(&Value::String(text.to_string()))
            )
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
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
    fn keys_and_deref_read_an_openapi_document_through_its_references() {
        let document = json!({
            "paths": {"/items/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"responses": {
                    "200": {"$ref": "#/components/responses/One", "description": "mine"},
                    "404": {"$ref": "#/components/responses/Nowhere"}
                }}
            }},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path"}},
                "responses": {"One": {"description": "an item", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}}},
                "schemas": {
                    "Item": {"type": "object", "properties": {
                        "id": {"type": "integer"},
                        "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
                    }},
                    "a~b/c": {"type": "string"},
                    "Odd": {"$ref": "#/components/schemas/a~0b~1c"}
                }
            }
        });
        let response = Response::fake(200, &[], &document.to_string());
        let operation = "json $ | deref | path $.paths['/items/{id}']";
        assert_eq!(
            found(&format!("{operation}.parameters[0].name"), &response),
            Ok(Some(json!("id")))
        );
        assert_eq!(
            found(&format!("{operation}.get.responses | keys"), &response),
            Ok(Some(json!(["200", "404"])))
        );
        let ok = found(&format!("{operation}.get.responses['200']"), &response)
            .unwrap()
            .unwrap();
        assert_eq!(
            ok["description"], "mine",
            "siblings are laid over the target"
        );
        let item = &ok["content"]["application/json"]["schema"];
        assert_eq!(item["properties"]["id"]["type"], "integer");
        assert_eq!(
            item["properties"]["parts"]["items"],
            json!({"$ref": "#/components/schemas/Item"}),
            "a recursive schema stops at itself"
        );
        assert_eq!(
            found(&format!("{operation}.get.responses['404']"), &response),
            Ok(Some(json!({"$ref": "#/components/responses/Nowhere"})))
        );
        assert_eq!(
            found(
                "json $ | deref | path $.components.schemas.Odd.type",
                &response
            ),
            Ok(Some(json!("string")))
        );
        assert!(
            found("json $.paths | keys | keys", &response)
                .unwrap_err()
                .contains("`keys` reads an object, not")
        );
        // Ten levels of ten references each: 10^10 values, refused, not expanded.
        let mut laughs = serde_json::Map::new();
        laughs.insert("l0".to_string(), json!("ha"));
        for level in 1..=10 {
            let below = json!({"$ref": format!("#/l{}", level - 1)});
            laughs.insert(format!("l{level}"), Value::Array(vec![below; 10]));
        }
        let bomb = Response::fake(200, &[], &Value::Object(laughs).to_string());
        assert!(
            found("json $ | deref", &bomb)
                .unwrap_err()
                .contains("grows past 200000 values")
        );
    }

    #[test]
    fn filters_take_a_value_one_step_further() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3IiwiaWF0IjoxMCwiZXhwIjo5MTB9.c2ln";
        let body = format!(r#"{{"token": "{token}", "tags": ["a", "b"], "note": "aGk="}}"#);
        let response = Response::fake(200, &[("Set-Cookie", "sid=abc; HttpOnly; Path=/")], &body);
        assert_eq!(
            found("json $.token | jwt | path $.claims.sub", &response),
            Ok(Some(json!("7")))
        );
        assert_eq!(
            found("json $.token | jwt | path $.lifetime", &response),
            Ok(Some(json!(900)))
        );
        assert_eq!(found("json $.tags | count", &response), Ok(Some(json!(2))));
        assert_eq!(
            found("json $.note | base64", &response),
            Ok(Some(json!("hi")))
        );
        assert_eq!(
            found("json $.tags | text", &response),
            Ok(Some(json!(r#"["a","b"]"#)))
        );
        assert_eq!(found("json $.missing | jwt", &response), Ok(None));
        assert!(
            found("json $.tags | jwt", &response)
                .unwrap_err()
                .contains("reads a string")
        );
        assert_eq!(found("cookie sid", &response), Ok(Some(json!("abc"))));
        let redirect = Response::fake(
            302,
            &[(
                "Location",
                "http://127.0.0.1:9/authorize?state=a%20b&scope=openid+email&state=x",
            )],
            "",
        );
        assert_eq!(
            found("header Location | url | path $.query", &redirect),
            Ok(Some(json!({"state": "a b", "scope": "openid email"})))
        );
        assert_eq!(
            found("header Location | url | path $.port", &redirect),
            Ok(Some(json!(9)))
        );
        assert!(
            found("body | url", &redirect)
                .unwrap_err()
                .contains("not an absolute URL")
        );
        assert_eq!(
            found("cookie sid[httponly]", &response),
            Ok(Some(json!(true)))
        );
        assert_eq!(found("cookie sid[Path]", &response), Ok(Some(json!("/"))));
        let query = Query::parse("json $[?@.a == 1 || @.b == 2] | count").unwrap();
        assert_eq!(query.to_string(), "json $[?@.a == 1 || @.b == 2] | count");
        assert!(
            Query::parse("json $.a | frobnicate")
                .unwrap_err()
                .contains("unknown filter")
        );
        assert!(
            Query::parse("cookie sid[Colour]")
                .unwrap_err()
                .contains("unknown cookie attribute")
        );
    }

    #[test]
    fn list_and_link_headers_are_read_as_clients_read_them() {
        let response = Response::fake(
            200,
            &[
                ("Allow", "GET, HEAD"),
                ("allow", "OPTIONS,PATCH"),
                ("Vary", "Accept, Accept-Encoding"),
                ("Link", r#"</v1/books?cursor=b2>; rel="next""#),
                ("Link", r#"<http://127.0.0.1:9/v1/books>; rel="first prev""#),
                ("ETag", r#"W/"3""#),
            ],
            r#"{"doc": "{\"a\": [1]}"}"#,
        );
        assert_eq!(
            found("headers Allow | list", &response),
            Ok(Some(json!(["GET", "HEAD", "OPTIONS", "PATCH"])))
        );
        assert_eq!(
            found("header Vary | list | lower", &response),
            Ok(Some(json!(["accept", "accept-encoding"])))
        );
        assert_eq!(found("headers X-Nothing", &response), Ok(Some(json!([]))));
        assert_eq!(
            found("headers Link | links | path $.next.path", &response),
            Ok(Some(json!("/v1/books?cursor=b2")))
        );
        assert_eq!(
            found("headers Link | links | path $.prev.path", &response),
            Ok(Some(json!("/v1/books")))
        );
        assert_eq!(
            found("header Link | links | path $.prev", &response),
            Ok(None),
            "`header` reads the first field line only"
        );
        assert_eq!(
            found("json $.doc | json | path $.a[0]", &response),
            Ok(Some(json!(1)))
        );
        assert!(
            found("header ETag | json", &response)
                .unwrap_err()
                .contains("is not JSON")
        );
        assert!(
            found("json $.doc | json | links", &response)
                .unwrap_err()
                .contains("reads a header value")
        );
        let query = Query::parse("headers Link | links | path $.next.url").unwrap();
        assert_eq!(query.to_string(), "headers Link | links | path $.next.url");
    }

    #[test]
    fn a_dotenv_file_is_read_as_its_variables() {
        let text = "# comment\n\nexport A=1\nB = two words # note\nC=\"x \\\"y\\\" #z\\n\"\nD='raw \\n #k'\nE=\nA=again\n";
        let vars = evaluate_text(
            &Query::parse("body | dotenv").unwrap(),
            Some(text),
            &BTreeMap::new(),
        );
        assert_eq!(
            vars,
            Ok(Some(
                json!({"A": "again", "B": "two words", "C": "x \"y\" #z\n", "D": "raw \\n #k", "E": ""})
            ))
        );
        let missing = evaluate_text(
            &Query::parse("body | dotenv").unwrap(),
            None,
            &BTreeMap::new(),
        );
        assert_eq!(missing, Ok(None));
        for bad in ["JUST_A_NAME", "1X=2", "A-B=3"] {
            let error = evaluate_text(
                &Query::parse("body | dotenv").unwrap(),
                Some(bad),
                &BTreeMap::new(),
            )
            .unwrap_err();
            assert!(error.contains("line 1 is not NAME=value"), "{error}");
        }
        assert!(
            evaluate_text(&Query::parse("status").unwrap(), Some(""), &BTreeMap::new())
                .unwrap_err()
                .contains("does not apply to a file")
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
