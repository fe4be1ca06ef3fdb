//! `{{name}}` templates in paths, headers, bodies and expected values.

use serde_json::Value;

/// Generators that make a fresh value at every use (see `checks::generate`).
/// A secret's name, which is its environment variable's: `JWT_SECRET`.
pub fn is_secret_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

pub const BUILTINS: [&str; 4] = ["uuid", "random_word", "random_int", "random_email"];

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Var(String),
}

/// A string with `{{name}}` holes, parsed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Where template names get their values.
pub trait Scope {
    fn lookup(&mut self, name: &str) -> Result<Value, String>;
}

impl Template {
    pub fn parse(source: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("`{{{{` without a closing `}}}}` in {source:?}"))?;
            let name = after[..close].trim();
            // Captures are lowercase; a secret is named like its environment variable.
            let lower = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !(lower || is_secret_name(name)) {
                return Err(format!(
                    "`{{{{{name}}}}}` is not a valid name: use lowercase letters, digits and _ (or a secret's NAME)"
                ));
            }
            parts.push(Part::Var(name.to_string()));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Var(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Render as text: values inside a longer string are inserted as text.
    pub fn render_text(&self, scope: &mut dyn Scope) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Var(name) => out.push_str(&as_text(&scope.lookup(name)?)),
            }
        }
        Ok(out)
    }

    /// Render as SQL: every value goes in as a SQL literal, never as SQL.
    pub fn render_sql(&self, scope: &mut dyn Scope) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Var(name) => out.push_str(&sql_literal(&scope.lookup(name)?)),
            }
        }
        Ok(out)
    }

    /// Render as a JSON value: a template that is exactly one `{{name}}` keeps its type.
    pub fn render_value(&self, scope: &mut dyn Scope) -> Result<Value, String> {
        match self.parts.as_slice() {
            [Part::Var(name)] => scope.lookup(name),
            _ => self.render_text(scope).map(Value::String),
        }
    }
}

/// A value as it reads inside text: strings bare, everything else as JSON.
pub fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A value as a SQL literal that SQLite and PostgreSQL read alike: numbers as they are,
/// text (and arrays or objects, as JSON text) quoted with `'` doubled.
pub fn sql_literal(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::Bool(true) => "TRUE".to_string(),
        Value::Bool(false) => "FALSE".to_string(),
        Value::Number(number) => number.to_string(),
        other => format!("'{}'", as_text(other).replace('\'', "''")),
    }
}

/// Every template name used in the strings of a JSON value (keys included).
pub fn json_vars(value: &Value, names: &mut Vec<String>) -> Result<(), String> {
    match value {
        Value::String(text) => names.extend(Template::parse(text)?.vars().map(str::to_string)),
        Value::Array(items) => {
            for item in items {
                json_vars(item, names)?;
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                names.extend(Template::parse(key)?.vars().map(str::to_string));
                json_vars(item, names)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Fill every template in the strings of a JSON value.
pub fn render_json(value: &Value, scope: &mut dyn Scope) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => Template::parse(text)?.render_value(scope)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| render_json(item, scope))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (key, item) in map {
                let key = Template::parse(key)?.render_text(scope)?;
                out.insert(key, render_json(item, scope)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Fixed;
    impl Scope for Fixed {
        fn lookup(&mut self, name: &str) -> Result<Value, String> {
            match name {
                "id" => Ok(json!(42)),
                "title" => Ok(json!("Hello")),
                other => Err(format!("no value for {other}")),
            }
        }
    }

    #[test]
    fn a_lone_template_keeps_its_type() {
        let template = Template::parse("{{ id }}").unwrap();
        assert_eq!(template.render_value(&mut Fixed).unwrap(), json!(42));
        let template = Template::parse("/posts/{{id}}").unwrap();
        assert_eq!(
            template.render_value(&mut Fixed).unwrap(),
            json!("/posts/42")
        );
    }

    #[test]
    fn renders_nested_json_and_lists_names() {
        let body = json!({"title": "{{title}}", "ids": ["{{id}}", "n{{id}}"], "n": 1});
        let rendered = render_json(&body, &mut Fixed).unwrap();
        assert_eq!(
            rendered,
            json!({"title": "Hello", "ids": [42, "n42"], "n": 1})
        );
        let mut names = Vec::new();
        json_vars(&body, &mut names).unwrap();
        assert_eq!(names, ["title", "id", "id"]);
    }

    #[test]
    fn values_go_into_sql_as_literals() {
        let template = Template::parse("WHERE id = {{id}} AND t = {{title}}").unwrap();
        assert_eq!(
            template.render_sql(&mut Fixed).unwrap(),
            "WHERE id = 42 AND t = 'Hello'"
        );
        assert_eq!(sql_literal(&json!("it's")), "'it''s'");
        assert_eq!(
            sql_literal(&json!("x'); DROP TABLE t; --")),
            "'x''); DROP TABLE t; --'"
        );
        assert_eq!(sql_literal(&json!(null)), "NULL");
        assert_eq!(sql_literal(&json!([1, "a"])), "'[1,\"a\"]'");
    }

    #[test]
    fn rejects_unclosed_and_invalid_names() {
        assert!(Template::parse("a {{id").unwrap_err().contains("closing"));
        assert!(
            Template::parse("{{Bad-Name}}")
                .unwrap_err()
                .contains("not a valid name")
        );
        assert_eq!(
            Template::parse("{{nope}}").unwrap().render_text(&mut Fixed),
            Err("no value for nope".to_string())
        );
    }
}
