//! Reading structured header values (RFC 9110 lists, RFC 8288 links, entity-tags).

use serde_json::{Map, Value};

/// The items of a list header value (`GET, HEAD` → `GET`, `HEAD`): split at commas
/// outside quoted strings, each trimmed, empty items dropped (RFC 9110, 5.6.1).
pub fn list_items(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ',' && !quoted {
            items.push(std::mem::take(&mut current));
            continue;
        }
        current.push(c);
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The links of a `Link` header value, one entry per relation type: `(rel, {"url",
/// "path", PARAM: value})`, where `url` is the target as written and `path` its path and
/// query (a relative target resolved against the server).
pub fn links(value: &str) -> Result<Vec<(String, Value)>, String> {
    let bad = |why: &str| format!("`links`: {value:?} is not a Link header: {why}");
    let mut out = Vec::new();
    let mut rest = value.trim_start();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix('<') else {
            return Err(bad("each link starts with <target>"));
        };
        let Some(end) = after.find('>') else {
            return Err(bad("a <target> is not closed with >"));
        };
        let target = &after[..end];
        rest = after[end + 1..].trim_start();
        let mut params = Map::new();
        while let Some(after) = rest.strip_prefix(';') {
            let after = after.trim_start();
            let name_end = after
                .find(|c: char| c == '=' || c == ';' || c == ',' || c.is_whitespace())
                .unwrap_or(after.len());
            let name = after[..name_end].to_ascii_lowercase();
            if name.is_empty() {
                return Err(bad("a parameter has no name"));
            }
            rest = after[name_end..].trim_start();
            let mut param = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(quoted) = after.strip_prefix('"') {
                    let mut chars = quoted.char_indices();
                    let mut closed = None;
                    while let Some((at, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, next)) = chars.next() {
                                    param.push(next);
                                }
                            }
                            '"' => {
                                closed = Some(at);
                                break;
                            }
                            other => param.push(other),
                        }
                    }
                    let Some(at) = closed else {
                        return Err(bad("a quoted parameter is not closed"));
                    };
                    rest = quoted[at + 1..].trim_start();
                } else {
                    let end = after
                        .find(|c: char| c == ';' || c == ',' || c.is_whitespace())
                        .unwrap_or(after.len());
                    param = after[..end].to_string();
                    rest = after[end..].trim_start();
                }
            }
            // The first occurrence of a parameter counts (RFC 8288, 3).
            params.entry(name).or_insert(Value::String(param));
        }
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None if rest.is_empty() => {}
            None => return Err(bad("links are separated by commas")),
        }
        let rels = params
            .remove("rel")
            .and_then(|rel| rel.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut link = Map::new();
        link.insert("url".into(), Value::String(target.to_string()));
        link.insert("path".into(), Value::String(path_of(target)));
        link.extend(params);
        for rel in rels.split_ascii_whitespace() {
            out.push((rel.to_ascii_lowercase(), Value::Object(link.clone())));
        }
    }
    Ok(out)
}

/// The path and query of a link target, absolute (`http://host/p?q`) or relative.
fn path_of(target: &str) -> String {
    let base = reqwest::Url::parse("http://server.invalid/").expect("a valid base");
    match base.join(target) {
        Ok(url) => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        },
        Err(_) => target.to_string(),
    }
}

/// Whether `text` is an entity-tag: `"opaque"` or `W/"opaque"`, the opaque part of
/// `!`, `#`-`~` and non-ASCII characters (RFC 9110, 8.8.3).
pub fn is_etag(text: &str) -> bool {
    let tag = text.strip_prefix("W/").unwrap_or(text);
    let Some(inner) = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return false;
    };
    tag.len() >= 2
        && inner
            .chars()
            .all(|c| c == '!' || ('#'..='~').contains(&c) || !c.is_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_is_split_at_commas_outside_quotes() {
        assert_eq!(list_items("GET, HEAD,OPTIONS"), ["GET", "HEAD", "OPTIONS"]);
        assert_eq!(list_items(" , Accept ,, Origin"), ["Accept", "Origin"]);
        assert_eq!(
            list_items(r#""a, b", W/"c\"d", e"#),
            [r#""a, b""#, r#"W/"c\"d""#, "e"]
        );
        assert!(list_items("").is_empty());
    }

    #[test]
    fn links_are_read_per_relation_with_their_paths() {
        let header = r#"</v1/books?cursor=abc%2C&limit=2>; rel="next", <http://127.0.0.1:9/v1/books?limit=2>; REL=prev; title="a; b, c""#;
        let links: Map<String, Value> = links(header).unwrap().into_iter().collect();
        assert_eq!(
            links["next"],
            json!({"url": "/v1/books?cursor=abc%2C&limit=2", "path": "/v1/books?cursor=abc%2C&limit=2"})
        );
        assert_eq!(links["prev"]["path"], "/v1/books?limit=2");
        assert_eq!(links["prev"]["title"], "a; b, c");
        let both: Vec<String> = super::links(r#"<a,b>; rel="first last""#)
            .unwrap()
            .into_iter()
            .map(|(rel, link)| format!("{rel} {}", link["url"]))
            .collect();
        assert_eq!(both, [r#"first "a,b""#, r#"last "a,b""#]);
        assert!(super::links("").unwrap().is_empty());
        for bad in [
            "/v1/books; rel=next",
            "<x; rel=next",
            r#"<x>; rel="next"#,
            "<x> <y>",
        ] {
            assert!(super::links(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entity_tags_are_quoted_strong_or_weak() {
        for good in [r#""abc""#, r#"W/"abc""#, r#""""#, "\"x-1.2#~\"", "\"é\""] {
            assert!(is_etag(good), "{good}");
        }
        for bad in [
            "abc",
            "\"abc",
            "W/abc",
            "w/\"abc\"",
            "\"a b\"",
            "\"a\"b\"",
            "\"",
            "",
        ] {
            assert!(!is_etag(bad), "{bad}");
        }
    }
}
