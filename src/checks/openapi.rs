//! The OpenAPI 3.0 or 3.1 document a server serves about itself: whether it is one, and
//! whether each response the checks receive is what it declares for its path, method
//! and status.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};

/// The methods a path item may hold an operation for.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What a document needs to be read as one (OpenAPI 3.0 and 3.1 alike): the fields
/// tools rely on. Each schema in it is then compiled on its own.
fn essentials() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let operation_keys: Map<String, Value> = METHODS
            .iter()
            .map(|method| (method.to_string(), json!({"$ref": "#/$defs/operation"})))
            .collect();
        let schema = json!({
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": {
                "openapi": {"type": "string", "pattern": "^3\\.[01]\\.[0-9]+"},
                "info": {
                    "type": "object",
                    "required": ["title", "version"],
                    "properties": {"title": {"type": "string"}, "version": {"type": "string"}}
                },
                "paths": {
                    "type": "object",
                    "propertyNames": {"pattern": "^/"},
                    "additionalProperties": {"type": "object", "properties": operation_keys}
                },
                "components": {
                    "type": "object",
                    "properties": {
                        "schemas": {"type": "object", "additionalProperties": {"type": ["object", "boolean"]}},
                        "responses": {"type": "object", "additionalProperties": {"$ref": "#/$defs/responseOrRef"}}
                    }
                }
            },
            "$defs": {
                "operation": {
                    "type": "object",
                    "required": ["responses"],
                    "properties": {
                        "responses": {
                            "type": "object",
                            "minProperties": 1,
                            "propertyNames": {"pattern": "^([1-5]([0-9][0-9]|XX)|default)$"},
                            "additionalProperties": {"$ref": "#/$defs/responseOrRef"}
                        },
                        "parameters": {"type": "array"},
                        "requestBody": {"type": "object"}
                    }
                },
                "responseOrRef": {
                    "if": {"type": "object", "required": ["$ref"]},
                    "then": {"properties": {"$ref": {"type": "string", "pattern": "^#/components/responses/"}}},
                    "else": {"$ref": "#/$defs/response"}
                },
                "response": {
                    "type": "object",
                    "required": ["description"],
                    "properties": {
                        "description": {"type": "string"},
                        "content": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {"schema": {"type": ["object", "boolean"]}}
                            }
                        }
                    }
                }
            }
        });
        jsonschema::validator_for(&schema).expect("the essentials are a valid schema")
    })
}

/// An OpenAPI document, checked, ready to judge responses.
pub struct Document {
    doc: Value,
    /// Components with 3.0's schema dialect turned into JSON Schema 2020-12.
    components: Value,
    openapi_30: bool,
}

/// What the document says about one response.
pub enum Verdict {
    /// The request is outside the document (a path or method it does not declare):
    /// nothing to hold the response to.
    Outside,
    /// The operation (`GET /v1/books/{id}`) and whether the response matches it.
    Judged {
        operation: String,
        result: Result<(), String>,
    },
}

impl Document {
    /// Read `doc` as an OpenAPI document: Err says the first thing wrong, where.
    pub fn new(doc: Value) -> Result<Document, String> {
        let errors: Vec<String> = essentials()
            .iter_errors(&doc)
            .map(|error| {
                format!(
                    "at {}: {error}",
                    pointer(&error.instance_path().to_string())
                )
            })
            .collect();
        if let Some(first) = errors.first() {
            return Err(match errors.len() {
                1 => format!("not an OpenAPI 3 document: {first}"),
                n => format!("not an OpenAPI 3 document: {first} (and {} more)", n - 1),
            });
        }
        let openapi_30 = doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.0"));
        let mut components = doc.get("components").cloned().unwrap_or_else(|| json!({}));
        if openapi_30 {
            to_json_schema(&mut components);
        }
        let document = Document {
            doc,
            components,
            openapi_30,
        };
        document.compile_every_schema()?;
        Ok(document)
    }

    /// Every schema the document declares compiles as JSON Schema (its `$ref`s
    /// resolve): a document that tools cannot use fails here, not at a response.
    fn compile_every_schema(&self) -> Result<(), String> {
        if let Some(schemas) = self.components.get("schemas").and_then(Value::as_object) {
            for (name, schema) in schemas {
                self.validator(schema).map_err(|why| {
                    format!("the schema components/schemas/{name} is not valid: {why}")
                })?;
            }
        }
        for (path, item) in self.paths() {
            for method in METHODS {
                let Some(responses) = item[method]["responses"].as_object() else {
                    continue;
                };
                for (status, response) in responses {
                    let response = self.resolve(response)?;
                    for (media, content) in response["content"].as_object().into_iter().flatten() {
                        if let Some(schema) = content.get("schema") {
                            self.validator(schema).map_err(|why| {
                                format!(
                                    "the schema of {} {path} {status} ({media}) is not valid: {why}",
                                    method.to_uppercase()
                                )
                            })?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn paths(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.doc["paths"].as_object().into_iter().flatten()
    }

    /// A response object, following a `$ref` to `#/components/responses/NAME`.
    fn resolve<'a>(&'a self, response: &'a Value) -> Result<&'a Value, String> {
        match response.get("$ref").and_then(Value::as_str) {
            None => Ok(response),
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/components/responses/")
                    .unwrap_or(reference);
                self.doc["components"]["responses"]
                    .get(name)
                    .filter(|found| found.get("$ref").is_none())
                    .ok_or_else(|| format!("`{reference}` leads to no response"))
            }
        }
    }

    /// A validator for one schema of the document, its `$ref`s resolved against the
    /// document's components.
    fn validator(&self, schema: &Value) -> Result<jsonschema::Validator, String> {
        let mut schema = schema.clone();
        if self.openapi_30 {
            to_json_schema(&mut schema);
        }
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.components,
            "allOf": [schema],
        });
        jsonschema::validator_for(&root).map_err(|error| error.to_string())
    }

    /// Hold one response to what the document declares for its request.
    pub fn judge(
        &self,
        method: &str,
        target: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Verdict {
        let path = target.split(['?', '#']).next().unwrap_or(target);
        let Some((template, item)) = self.operation_path(path) else {
            return Verdict::Outside;
        };
        let method_key = method.to_ascii_lowercase();
        let Some(operation) = item.get(&method_key).filter(|op| op.is_object()) else {
            return Verdict::Outside;
        };
        let operation_name = format!("{} {template}", method.to_ascii_uppercase());
        let result = self.hold(&operation_name, operation, status, content_type, body);
        Verdict::Judged {
            operation: operation_name,
            result,
        }
    }

    fn hold(
        &self,
        operation_name: &str,
        operation: &Value,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let responses = &operation["responses"];
        let range = format!("{}XX", status / 100);
        let declared = [status.to_string(), range, "default".to_string()]
            .into_iter()
            .find_map(|key| responses.get(&key));
        let Some(declared) = declared else {
            let known: Vec<&str> = responses
                .as_object()
                .map(|r| r.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(format!(
                "the document declares no {status} answer for {operation_name} (it declares {})",
                known.join(", ")
            ));
        };
        let declared = self.resolve(declared)?;
        let content = declared["content"].as_object();
        let empty = body.is_empty();
        let Some(content) = content.filter(|content| !content.is_empty()) else {
            return if empty {
                Ok(())
            } else {
                Err(format!(
                    "the document declares no body for {operation_name} {status}, and the answer has one"
                ))
            };
        };
        if empty {
            // A body the document declares may be left out only by a HEAD.
            return if operation_name.starts_with("HEAD ") {
                Ok(())
            } else {
                Err(format!(
                    "the document declares a body for {operation_name} {status} ({}), and the answer has none",
                    content.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            };
        }
        let essence = content_type
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let wildcard = format!("{}/*", essence.split('/').next().unwrap_or(""));
        let media = content
            .iter()
            .find(|(name, _)| name.to_ascii_lowercase() == essence)
            .or_else(|| content.iter().find(|(name, _)| **name == wildcard))
            .or_else(|| content.iter().find(|(name, _)| *name == "*/*"));
        let Some((_, media)) = media else {
            return Err(format!(
                "the answer is {}, and the document declares {} for {operation_name} {status}",
                if essence.is_empty() {
                    "of no Content-Type".to_string()
                } else {
                    essence.clone()
                },
                content.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        };
        let Some(schema) = media.get("schema") else {
            return Ok(());
        };
        let is_json = essence == "application/json" || essence.ends_with("+json");
        if !is_json {
            return Ok(());
        }
        let value: Value = serde_json::from_slice(body).map_err(|error| {
            format!("the answer is declared {essence} but is not JSON ({error})")
        })?;
        let validator = self.validator(schema)?;
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|error| {
                format!(
                    "at {}: {error}",
                    pointer(&error.instance_path().to_string())
                )
            })
            .collect();
        match errors.as_slice() {
            [] => Ok(()),
            [one] => Err(format!(
                "the answer does not match the schema the document declares for {operation_name} {status}: {one}"
            )),
            [first, ..] => Err(format!(
                "the answer does not match the schema the document declares for {operation_name} {status}: {first} (and {} more)",
                errors.len() - 1
            )),
        }
    }

    /// The path template that `path` matches, and its path item: the one with the most
    /// literal segments when several match (`/books/search` before `/books/{id}`).
    fn operation_path(&self, path: &str) -> Option<(&String, &Value)> {
        let segments: Vec<&str> = path.split('/').collect();
        self.paths()
            .filter_map(|(template, item)| {
                let parts: Vec<&str> = template.split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (part, segment) in parts.iter().zip(&segments) {
                    if part.starts_with('{') && part.ends_with('}') {
                        if segment.is_empty() {
                            return None;
                        }
                    } else if part == segment {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, template, item))
            })
            .max_by_key(|(literal, _, _)| *literal)
            .map(|(_, template, item)| (template, item))
    }
}

/// A JSON Pointer as a message shows it: `/` for the whole value.
fn pointer(path: &str) -> String {
    if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    }
}

/// OpenAPI 3.0's schema dialect as JSON Schema 2020-12, in place: `nullable: true`
/// adds `null` to the type; boolean `exclusiveMinimum`/`exclusiveMaximum` take the
/// bound's value.
fn to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get_mut("type") {
                    Some(Value::String(kind)) => {
                        let kind = kind.clone();
                        map.insert("type".into(), json!([kind, "null"]));
                    }
                    Some(Value::Array(kinds)) if !kinds.contains(&json!("null")) => {
                        kinds.push(json!("null"));
                    }
                    _ => {}
                }
                if let Some(Value::Array(options)) = map.get_mut("enum")
                    && !options.contains(&Value::Null)
                {
                    options.push(Value::Null);
                }
            }
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                match map.get(flag) {
                    Some(Value::Bool(true)) => {
                        if let Some(limit) = map.remove(bound) {
                            map.insert(flag.into(), limit);
                        } else {
                            map.remove(flag);
                        }
                    }
                    Some(Value::Bool(false)) => {
                        map.remove(flag);
                    }
                    _ => {}
                }
            }
            map.values_mut().for_each(to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn books_30() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Books", "version": "1"},
            "paths": {
                "/v1/books": {
                    "get": {"responses": {"200": {"description": "the books", "content": {
                        "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Book"}}}
                    }}}},
                    "post": {"responses": {
                        "201": {"description": "made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}},
                        "4XX": {"$ref": "#/components/responses/Problem"}
                    }}
                },
                "/v1/books/{id}": {
                    "get": {"responses": {
                        "200": {"description": "one", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}},
                        "404": {"$ref": "#/components/responses/Problem"}
                    }},
                    "delete": {"responses": {"204": {"description": "gone"}}}
                },
                "/v1/books/search": {"get": {"responses": {"200": {"description": "found"}}}}
            },
            "components": {
                "schemas": {
                    "Book": {
                        "type": "object",
                        "required": ["id", "title"],
                        "properties": {
                            "id": {"type": "integer"},
                            "title": {"type": "string"},
                            "year": {"type": "integer", "nullable": true, "minimum": 0, "exclusiveMinimum": true}
                        }
                    }
                },
                "responses": {
                    "Problem": {"description": "a problem", "content": {"application/problem+json": {"schema": {
                        "type": "object", "required": ["title", "status"]
                    }}}}
                }
            }
        })
    }

    fn verdict(
        doc: &Document,
        method: &str,
        target: &str,
        status: u16,
        ct: Option<&str>,
        body: &str,
    ) -> Result<(), String> {
        match doc.judge(method, target, status, ct, body.as_bytes()) {
            Verdict::Outside => Err("outside".to_string()),
            Verdict::Judged { result, .. } => result,
        }
    }

    #[test]
    fn a_document_is_read_or_refused_with_where() {
        assert!(Document::new(books_30()).is_ok());
        let mut broken = books_30();
        broken["paths"]["/v1/books"]["get"]["responses"]["200"]
            .as_object_mut()
            .unwrap()
            .remove("description");
        let error = Document::new(broken).err().unwrap();
        assert!(
            error.contains("/paths/~1v1~1books/get/responses/200") && error.contains("description"),
            "{error}"
        );
        let error = Document::new(json!({"swagger": "2.0"})).err().unwrap();
        assert!(
            error.contains("\"openapi\" is a required property"),
            "{error}"
        );
        let mut bad_ref = books_30();
        bad_ref["components"]["schemas"]["Book"]["properties"]["title"] =
            json!({"$ref": "#/components/schemas/Nothing"});
        let error = Document::new(bad_ref).err().unwrap();
        assert!(
            error.contains("components/schemas/Book is not valid"),
            "{error}"
        );
    }

    #[test]
    fn each_response_is_held_to_its_operation() {
        let doc = Document::new(books_30()).unwrap();
        let json = Some("application/json; charset=utf-8");
        let problem = Some("application/problem+json");
        assert_eq!(
            verdict(
                &doc,
                "GET",
                "/v1/books?limit=2",
                200,
                json,
                r#"[{"id": 1, "title": "A", "year": null}]"#
            ),
            Ok(())
        );
        let error = verdict(
            &doc,
            "GET",
            "/v1/books",
            200,
            json,
            r#"[{"id": "1", "title": "A"}]"#,
        )
        .unwrap_err();
        assert!(
            error.contains("GET /v1/books 200") && error.contains("at /0/id"),
            "{error}"
        );
        // 3.0's exclusiveMinimum: true with minimum 0 refuses 0.
        assert!(
            verdict(
                &doc,
                "GET",
                "/v1/books/3",
                200,
                json,
                r#"{"id": 3, "title": "A", "year": 0}"#
            )
            .is_err()
        );
        assert_eq!(
            verdict(
                &doc,
                "GET",
                "/v1/books/3",
                404,
                problem,
                r#"{"title": "Not Found", "status": 404}"#
            ),
            Ok(())
        );
        let error =
            verdict(&doc, "GET", "/v1/books/3", 404, json, r#"{"error": "no"}"#).unwrap_err();
        assert!(
            error.contains("the answer is application/json")
                && error.contains("application/problem+json"),
            "{error}"
        );
        assert_eq!(
            verdict(
                &doc,
                "POST",
                "/v1/books",
                422,
                problem,
                r#"{"title": "Bad", "status": 422}"#
            ),
            Ok(()),
            "4XX covers 422"
        );
        let error = verdict(&doc, "GET", "/v1/books/3", 500, json, "{}").unwrap_err();
        assert!(
            error.contains("declares no 500 answer for GET /v1/books/{id} (it declares 200, 404)"),
            "{error}"
        );
        assert_eq!(
            verdict(&doc, "DELETE", "/v1/books/3", 204, None, ""),
            Ok(())
        );
        assert!(
            verdict(&doc, "DELETE", "/v1/books/3", 204, json, "{}")
                .unwrap_err()
                .contains("declares no body")
        );
        assert!(
            verdict(&doc, "GET", "/v1/books/3", 200, json, "")
                .unwrap_err()
                .contains("the answer has none")
        );
        // The literal path wins over the template; paths and methods it lacks are outside.
        assert_eq!(
            verdict(&doc, "GET", "/v1/books/search", 200, None, ""),
            Ok(())
        );
        assert_eq!(
            verdict(&doc, "PATCH", "/v1/books/3", 405, json, "{}"),
            Err("outside".to_string())
        );
        assert_eq!(
            verdict(&doc, "GET", "/nothing-here", 404, json, "{}"),
            Err("outside".to_string())
        );
        assert_eq!(
            verdict(&doc, "GET", "/v1/books//", 404, json, "{}"),
            Err("outside".to_string())
        );
    }
}
