//! Cookies as a browser keeps them: `Set-Cookie` read into a jar per named client, and
//! sent back on that client's next requests to the same host (RFC 6265, host-only:
//! `127.0.0.1` and `localhost` are two hosts, and the ports of one host share its
//! cookies, as in browsers).

use serde_json::Value;

/// One `Set-Cookie` header, read.
#[derive(Debug, Clone, PartialEq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// Attributes as sent, names as written (`HttpOnly`, `SameSite`), in order.
    attributes: Vec<(String, Option<String>)>,
}

impl SetCookie {
    /// A `Set-Cookie` header's value; `None` when it has no `name=value` pair.
    pub fn parse(header: &str) -> Option<SetCookie> {
        let mut parts = header.split(';');
        let (name, value) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let attributes = parts
            .filter(|part| !part.trim().is_empty())
            .map(|part| match part.split_once('=') {
                Some((key, value)) => (key.trim().to_string(), Some(value.trim().to_string())),
                None => (part.trim().to_string(), None),
            })
            .collect();
        Some(SetCookie {
            name: name.to_string(),
            value: unquote(value.trim()).to_string(),
            attributes,
        })
    }

    /// An attribute's value, by its name in any case; the last one wins, as in RFC 6265.
    /// Flags (`HttpOnly`, `Secure`) are true when present and false when not; others
    /// are their text (`Max-Age` a number), or `None` when absent.
    pub fn attribute(&self, name: &str) -> Option<Value> {
        let found = self
            .attributes
            .iter()
            .rev()
            .find(|(key, _)| key.eq_ignore_ascii_case(name));
        if FLAGS.iter().any(|flag| flag.eq_ignore_ascii_case(name)) {
            return Some(Value::Bool(found.is_some()));
        }
        let text = found?.1.clone()?;
        if let (true, Ok(seconds)) = (name.eq_ignore_ascii_case("Max-Age"), text.parse::<i64>()) {
            return Some(Value::from(seconds));
        }
        Some(Value::String(text))
    }

    /// Whether this cookie asks to be forgotten: `Max-Age` zero or less, or an
    /// `Expires` in the past.
    fn expired(&self) -> bool {
        if let Some(Value::Number(seconds)) = self.attribute("Max-Age") {
            return seconds.as_i64().is_some_and(|seconds| seconds <= 0);
        }
        match self.attribute("Expires") {
            Some(Value::String(date)) => chrono::DateTime::parse_from_rfc2822(&date)
                .or_else(|_| {
                    chrono::NaiveDateTime::parse_from_str(&date, "%a, %d-%b-%Y %H:%M:%S GMT")
                        .map(|naive| naive.and_utc().fixed_offset())
                })
                .is_ok_and(|when| when < chrono::Utc::now()),
            _ => false,
        }
    }

    /// The path the cookie applies to: its `Path`, or the folder of the request's.
    fn path(&self, request_path: &str) -> String {
        match self.attribute("Path") {
            Some(Value::String(path)) if path.starts_with('/') => path,
            _ => match request_path.rfind('/') {
                Some(0) | None => "/".to_string(),
                Some(slash) => request_path[..slash].to_string(),
            },
        }
    }
}

/// Attributes that are flags, with no value.
const FLAGS: [&str; 2] = ["HttpOnly", "Secure"];

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

/// The cookies of a response, in the order sent.
pub fn set_by(headers: &[(String, String)]) -> Vec<SetCookie> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, value)| SetCookie::parse(value))
        .collect()
}

/// The value a `cookie NAME` or `cookie NAME[Attribute]` query finds in a response:
/// the last `Set-Cookie` of that name.
pub fn query(headers: &[(String, String)], name: &str, attribute: Option<&str>) -> Option<Value> {
    let cookie = set_by(headers)
        .into_iter()
        .rev()
        .find(|cookie| cookie.name == name)?;
    match attribute {
        None => Some(Value::String(cookie.value)),
        Some(attribute) => cookie.attribute(attribute),
    }
}

/// The cookies one client holds.
#[derive(Debug, Default)]
pub struct Jar {
    cookies: Vec<Kept>,
}

/// A cookie is known by its host, name and path.
#[derive(Debug)]
struct Kept {
    host: String,
    name: String,
    path: String,
    value: String,
}

impl Jar {
    /// Keep what a response to `url` set, and forget what it expired.
    pub fn store(&mut self, url: &reqwest::Url, headers: &[(String, String)]) {
        let host = url.host_str().unwrap_or_default();
        for cookie in set_by(headers) {
            let path = cookie.path(url.path());
            self.cookies.retain(|kept| {
                !(kept.host == host && kept.name == cookie.name && kept.path == path)
            });
            if !cookie.expired() {
                self.cookies.push(Kept {
                    host: host.to_string(),
                    name: cookie.name,
                    path,
                    value: cookie.value,
                });
            }
        }
    }

    /// The `Cookie` header for a request to `url`, if any cookie applies: longer paths
    /// first, as RFC 6265 orders them.
    pub fn header(&self, url: &reqwest::Url) -> Option<String> {
        let host = url.host_str().unwrap_or_default();
        let mut applying: Vec<&Kept> = self
            .cookies
            .iter()
            .filter(|kept| kept.host == host && path_matches(url.path(), &kept.path))
            .collect();
        applying.sort_by_key(|kept| std::cmp::Reverse(kept.path.len()));
        let pairs: Vec<String> = applying
            .iter()
            .map(|kept| format!("{}={}", kept.name, kept.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

/// RFC 6265's path-match: the cookie's path is the request's, or a folder of it.
fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    let request_path = request_path.split(['?', '#']).next().unwrap_or("/");
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn headers(values: &[&str]) -> Vec<(String, String)> {
        values
            .iter()
            .map(|value| ("Set-Cookie".to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn reads_a_cookie_and_its_attributes_in_any_case() {
        let sent = headers(&[
            "theme=dark",
            "sid=\"abc123\"; path=/; httponly; SameSite=Lax; Max-Age=3600",
        ]);
        assert_eq!(query(&sent, "sid", None), Some(json!("abc123")));
        assert_eq!(query(&sent, "sid", Some("HttpOnly")), Some(json!(true)));
        assert_eq!(query(&sent, "sid", Some("Secure")), Some(json!(false)));
        assert_eq!(query(&sent, "sid", Some("SameSite")), Some(json!("Lax")));
        assert_eq!(query(&sent, "sid", Some("Path")), Some(json!("/")));
        assert_eq!(query(&sent, "sid", Some("Max-Age")), Some(json!(3600)));
        assert_eq!(query(&sent, "sid", Some("Domain")), None);
        assert_eq!(query(&sent, "theme", Some("HttpOnly")), Some(json!(false)));
        assert_eq!(query(&sent, "other", None), None);
        assert_eq!(SetCookie::parse("no pair here"), None);
        assert_eq!(SetCookie::parse("=value"), None);
    }

    #[test]
    fn a_jar_sends_back_what_applies_and_forgets_what_expired() {
        let at = |path: &str| reqwest::Url::parse(&format!("http://127.0.0.1:8000{path}")).unwrap();
        let mut jar = Jar::default();
        jar.store(
            &at("/auth/login"),
            &headers(&["sid=one; Path=/", "csrf=x", "admin=y; Path=/admin"]),
        );
        // `csrf` has no Path: it applies to the login's folder, /auth.
        assert_eq!(jar.header(&at("/me")).as_deref(), Some("sid=one"));
        assert_eq!(
            jar.header(&at("/auth/logout")).as_deref(),
            Some("csrf=x; sid=one")
        );
        assert_eq!(
            jar.header(&at("/administrator")).as_deref(),
            Some("sid=one")
        );
        assert_eq!(
            jar.header(&at("/admin/users")).as_deref(),
            Some("admin=y; sid=one")
        );
        // Another port of the same host shares them; another host does not.
        let other_port = reqwest::Url::parse("http://127.0.0.1:9/me").unwrap();
        assert_eq!(jar.header(&other_port).as_deref(), Some("sid=one"));
        let other_host = reqwest::Url::parse("http://localhost:8000/me").unwrap();
        assert_eq!(jar.header(&other_host), None);
        jar.store(&at("/"), &headers(&["sid=two; Path=/"]));
        assert_eq!(jar.header(&at("/me")).as_deref(), Some("sid=two"));
        jar.store(&at("/"), &headers(&["sid=; Path=/; Max-Age=0"]));
        assert_eq!(jar.header(&at("/me")), None);
        jar.store(
            &at("/auth/x"),
            &headers(&["csrf=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]),
        );
        assert_eq!(jar.header(&at("/auth/logout")), None);
    }
}
