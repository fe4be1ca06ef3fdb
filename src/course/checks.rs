//! The hidden checks of an exercise: the model, and its parser from `checks.toml`.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;
use toml::Spanned;

use super::source_error::SourceError;
use super::template::{self, Template};

#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub title: String,
    pub points: f64,
    pub hints: Vec<Hint>,
    pub requires: Vec<String>,
    /// Earlier checks whose `let` or captured values this check's templates read: it
    /// cannot run without them, even where it does not `require` them to pass.
    pub reads_from: Vec<String>,
    /// Who sees this check's result on a grading platform (Gradescope's visibility).
    pub visibility: String,
    /// Values bound once when the check starts, in file order.
    pub lets: Vec<(String, Template)>,
    pub steps: Vec<Step>,
}

/// A hint: its text for every track, with variants for some tracks (the same advice
/// in Flask's words and in Express's).
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    pub text: String,
    pub tracks: Vec<(String, String)>,
}

impl Hint {
    /// What a learner on `track` reads: the track's variant, or the text for all.
    pub fn for_track(&self, track: &str) -> &str {
        self.tracks
            .iter()
            .find(|(name, _)| name == track)
            .map_or(self.text.as_str(), |(_, text)| text.as_str())
    }
}

#[derive(Debug, Clone)]
pub enum Step {
    Request(Box<Request>),
    Sleep(Duration),
    /// Stop the server and start it again, same environment and data.
    Restart,
    /// Read the server's database: rows of a statement, or the schema.
    Database(Box<Inspection>),
    /// Make a JWT, as a client or an attacker would, and bind it to a name.
    Mint(Box<Mint>),
    /// Tell the mock OAuth provider who logs in next or how to misbehave, and read
    /// its log of calls.
    OAuth(Box<OAuthStep>),
    /// Read a file of the learner's workspace (`.env.example`).
    File(Box<FileStep>),
}

/// A file step: a file of the workspace, relative to its root, and assertions on its
/// text (`body`, missing when there is no such file).
#[derive(Debug, Clone)]
pub struct FileStep {
    pub path: String,
    pub expect: Vec<Assertion>,
    pub capture: Vec<(String, Query)>,
}

/// An `oauth` step: what to set on the provider, then assertions on what it saw
/// (`{"user", "misbehaviour", "calls"}`).
#[derive(Debug, Clone)]
pub struct OAuthStep {
    /// The user the next login approves: an object with `sub` (strings are templates).
    pub user: Option<Value>,
    /// How the next token answer goes wrong.
    pub misbehave: Option<Misbehaviour>,
    pub expect: Vec<Assertion>,
    pub capture: Vec<(String, Query)>,
}

/// A `mint` step: a token made as `kind` says, bound to `into`.
#[derive(Debug, Clone)]
pub struct Mint {
    pub kind: MintKind,
    /// The key that signs it (all kinds but `alg_none` and `tampered`).
    pub key: Option<Template>,
    /// The real token a `tampered` token edits.
    pub token: Option<Template>,
    /// Claims laid over the times the kind sets; strings are templates.
    pub claims: Value,
    pub into: String,
}

/// What the mock OAuth provider does wrong in its next token answer, when an oauth
/// step asks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Misbehaviour {
    /// The ID token's `aud` is another client's.
    WrongAudience,
    /// The ID token's `nonce` is not the one the login sent.
    WrongNonce,
    /// The ID token's `iss` is another issuer.
    WrongIssuer,
    /// The ID token is signed with a key that is not in the JWKS (same `kid`).
    BadSignature,
    /// The ID token expired half an hour ago.
    Expired,
}

impl Misbehaviour {
    pub const ALL: [(&str, Misbehaviour); 5] = [
        ("wrong_aud", Misbehaviour::WrongAudience),
        ("wrong_nonce", Misbehaviour::WrongNonce),
        ("wrong_issuer", Misbehaviour::WrongIssuer),
        ("bad_signature", Misbehaviour::BadSignature),
        ("expired", Misbehaviour::Expired),
    ];

    pub fn parse(name: &str) -> Option<Misbehaviour> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, kind)| *kind)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MintKind {
    Valid,
    Expired,
    NotYetValid,
    WrongKey,
    AlgNone,
    Tampered,
}

impl MintKind {
    const ALL: [(&str, MintKind); 6] = [
        ("valid", MintKind::Valid),
        ("expired", MintKind::Expired),
        ("not_yet_valid", MintKind::NotYetValid),
        ("wrong_key", MintKind::WrongKey),
        ("alg_none", MintKind::AlgNone),
        ("tampered", MintKind::Tampered),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("valid", |(name, _)| name)
    }
}

#[derive(Debug, Clone)]
pub struct Inspection {
    pub read: Read,
    /// Only `json` and `var` queries: the rows are a JSON array of objects.
    pub expect: Vec<Assertion>,
    pub capture: Vec<(String, Query)>,
}

/// What a database step reads.
#[derive(Debug, Clone)]
pub enum Read {
    /// One SQL statement; its `{{names}}` become SQL literals.
    Sql(Template),
    Schema(Schema),
}

/// Schema facts read the same way on every database.
#[derive(Debug, Clone, PartialEq)]
pub enum Schema {
    Tables,
    Columns(String),
    ForeignKeys(String),
    Indexes(String),
}

impl Schema {
    pub fn parse(text: &str) -> Result<Schema, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        Ok(match words.as_slice() {
            ["tables"] => Schema::Tables,
            ["columns", table] => Schema::Columns(table.to_string()),
            ["foreign_keys", table] => Schema::ForeignKeys(table.to_string()),
            ["indexes", table] => Schema::Indexes(table.to_string()),
            _ => {
                return Err(format!(
                    "unknown schema query `{text}`; expected tables, columns TABLE, foreign_keys TABLE or indexes TABLE"
                ));
            }
        })
    }
}

impl Schema {
    /// The table a query is about; `None` for the list of tables.
    pub fn table(&self) -> Option<&str> {
        match self {
            Schema::Tables => None,
            Schema::Columns(table) | Schema::ForeignKeys(table) | Schema::Indexes(table) => {
                Some(table)
            }
        }
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schema::Tables => write!(f, "tables"),
            Schema::Columns(table) => write!(f, "columns {table}"),
            Schema::ForeignKeys(table) => write!(f, "foreign_keys {table}"),
            Schema::Indexes(table) => write!(f, "indexes {table}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    /// The named client that sends it, with its own cookie jar ("" for the default).
    pub client: String,
    pub method: String,
    pub path: Template,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    pub body: Body,
    pub repeat: u32,
    /// How many copies are sent at once (1: just this one).
    pub concurrent: u32,
    /// Follow redirects, like a browser, through the server and learn's services.
    pub follow: bool,
    pub expect: Vec<Assertion>,
    pub capture: Vec<(String, Query)>,
}

#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    /// Sent as JSON, with `Content-Type: application/json`; strings are templates.
    Json(Value),
    Raw(Template),
}

#[derive(Debug, Clone)]
pub struct Assertion {
    pub query: Query,
    pub predicates: Vec<Predicate>,
}

/// What part of a response (or of the captured values) an assertion or capture reads.
#[derive(Debug, Clone)]
pub enum Query {
    Status,
    Header(String),
    /// Every value of a header, one per field line, as an array (empty when none).
    Headers(String),
    Json {
        path: JsonPath,
        source: String,
        singular: bool,
    },
    Body,
    Sha256,
    Duration,
    Var(String),
    /// A cookie the response sets, or one of its attributes (`cookie sid[HttpOnly]`).
    Cookie {
        name: String,
        attribute: Option<String>,
    },
    /// A query whose value goes through filters: `json $.token | jwt | path $.claims`.
    Piped {
        query: Box<Query>,
        filters: Vec<Filter>,
    },
}

/// One more step for a value a query found.
#[derive(Debug, Clone)]
pub enum Filter {
    /// A JWT's header and claims (not verified): `{"header", "claims", "lifetime"}`.
    Jwt,
    /// A JSONPath applied to the value.
    Path {
        path: JsonPath,
        source: String,
        singular: bool,
    },
    /// The length of an array, an object or a string.
    Count,
    /// Base64 (standard or URL-safe, padded or not) decoded to text.
    Base64,
    /// The value as JSON text (a string stays as it is).
    Text,
    /// A URL's parts: `{"scheme", "host", "port", "path", "query": {name: value}, "fragment"}`.
    Url,
    /// A list header (`Allow`, `Vary`; one value or one per field line) as its items:
    /// split at commas outside quotes, trimmed, empty ones dropped.
    List,
    /// A string (or each string of an array) in lower case.
    Lower,
    /// A `Link` header (RFC 8288) as `{rel: {"url", "path", PARAM: value}}` for each
    /// relation type of each link; `path` is the target's path and query.
    Links,
    /// A string parsed as JSON.
    Json,
    /// The text of a `.env` file as `{NAME: value}`.
    Dotenv,
    /// An object's keys, in order, as an array.
    Keys,
    /// A JSON document (an OpenAPI document) with every local `$ref` (`#/...`) replaced
    /// by what it points at, so queries read through them.
    Deref,
}

/// The attributes a cookie query may read.
const COOKIE_ATTRIBUTES: [&str; 8] = [
    "HttpOnly",
    "Secure",
    "SameSite",
    "Path",
    "Domain",
    "Max-Age",
    "Expires",
    "Partitioned",
];

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

/// Expected values are JSON whose strings may hold templates; they are filled at run time.
#[derive(Debug, Clone)]
pub enum Predicate {
    Equals {
        expected: Value,
        strict: bool,
    },
    NotEquals {
        expected: Value,
        strict: bool,
    },
    Contains(Value),
    NotContains(Value),
    Matches(Regex),
    Exists,
    Absent,
    Type(JsonType),
    Length(u64),
    /// Numeric comparisons with a number, or a `{{name}}` holding one (filled when the
    /// step runs).
    Gt(Value),
    Gte(Value),
    Lt(Value),
    Lte(Value),
    OneOf(Vec<Value>),
    IsUuid,
    IsIsoDate,
    Unique,
    ContainsAll(Value),
    /// A JWT whose HS256 signature this key (a template) made.
    SignedWith(Value),
    /// An array with the same items as this one, in any order (repeats count once).
    SameSet(Value),
    /// An entity-tag as RFC 9110 writes it: `"xyz"` or `W/"xyz"`.
    IsEtag,
    /// A value valid against a JSON Schema (draft 2020-12 unless it says `$schema`).
    Schema(JsonSchema),
    /// An OpenAPI 3.0 or 3.1 document that tools can read: its essentials there, each
    /// of its schemas valid, every `$ref` leading somewhere.
    IsOpenApi,
}

/// A JSON Schema, checked and compiled when the checks file is read.
#[derive(Clone)]
pub struct JsonSchema {
    pub source: Value,
    pub validator: std::sync::Arc<jsonschema::Validator>,
}

impl fmt::Debug for JsonSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonSchema({})", self.source)
    }
}

impl JsonSchema {
    pub fn compile(source: Value) -> Result<JsonSchema, String> {
        let validator = jsonschema::validator_for(&source)
            .map_err(|error| format!("not a valid JSON Schema: {error}"))?;
        Ok(JsonSchema {
            source,
            validator: std::sync::Arc::new(validator),
        })
    }
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut stages = split_pipes(text).into_iter();
        let first = stages.next().unwrap_or_default();
        let query = Query::parse_one(first)?;
        let filters = stages.map(Filter::parse).collect::<Result<Vec<_>, _>>()?;
        if filters.is_empty() {
            Ok(query)
        } else {
            Ok(Query::Piped {
                query: Box::new(query),
                filters,
            })
        }
    }

    /// The query under any filters: what it reads from a response or the rows.
    pub fn base(&self) -> &Query {
        match self {
            Query::Piped { query, .. } => query,
            other => other,
        }
    }

    fn parse_one(text: &str) -> Result<Query, String> {
        let text = text.trim();
        let (word, argument) = match text.split_once(char::is_whitespace) {
            Some((word, rest)) => (word, Some(rest.trim())),
            None => (text, None),
        };
        let query = match (word, argument) {
            ("status", None) => Query::Status,
            ("body", None) => Query::Body,
            ("sha256", None) => Query::Sha256,
            ("duration", None) => Query::Duration,
            ("header", Some(name)) => Query::Header(name.to_string()),
            ("headers", Some(name)) => Query::Headers(name.to_string()),
            ("var", Some(name)) => Query::Var(name.to_string()),
            ("json", Some(path)) => {
                let (path, source, singular) = json_path(path)?;
                Query::Json {
                    path,
                    source,
                    singular,
                }
            }
            ("cookie", Some(argument)) => {
                let (name, attribute) = match argument.split_once('[') {
                    Some((name, rest)) => {
                        let attribute = rest.strip_suffix(']').ok_or_else(|| {
                            format!(
                                "`cookie {argument}`: an attribute is written `NAME[Attribute]`"
                            )
                        })?;
                        let known = COOKIE_ATTRIBUTES
                            .iter()
                            .find(|known| known.eq_ignore_ascii_case(attribute.trim()))
                            .ok_or_else(|| {
                                format!(
                                    "unknown cookie attribute `{attribute}`; expected one of {}",
                                    COOKIE_ATTRIBUTES.join(", ")
                                )
                            })?;
                        (name.trim(), Some(known.to_string()))
                    }
                    None => (argument, None),
                };
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return Err(format!("`cookie {argument}` needs one cookie name"));
                }
                Query::Cookie {
                    name: name.to_string(),
                    attribute,
                }
            }
            ("header" | "headers" | "var" | "json" | "cookie", None) => {
                return Err(format!("`{word}` needs an argument, like `{word} NAME`"));
            }
            _ => {
                return Err(format!(
                    "unknown query `{text}`; expected status, header NAME, headers NAME, cookie NAME, json PATH, body, sha256, duration or var NAME"
                ));
            }
        };
        Ok(query)
    }
}

/// A JSONPath, parsed: the path, its text, and whether it selects at most one node.
fn json_path(text: &str) -> Result<(JsonPath, String, bool), String> {
    let path = JsonPath::parse(text)
        .map_err(|error| format!("`{text}` is not a valid JSONPath: {error}"))?;
    Ok((path, text.to_string(), is_singular(text)))
}

/// A query's text split at its filter pipes: a `|` outside quotes that is not part of
/// a JSONPath `||`.
fn split_pipes(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut stages = Vec::new();
    let mut start = 0;
    let mut quote = None;
    for (at, &byte) in bytes.iter().enumerate() {
        match quote {
            Some(q) if byte == q && bytes.get(at.wrapping_sub(1)) != Some(&b'\\') => quote = None,
            Some(_) => {}
            None if byte == b'\'' || byte == b'"' => quote = Some(byte),
            None if byte == b'|'
                && bytes.get(at + 1) != Some(&b'|')
                && (at == 0 || bytes[at - 1] != b'|') =>
            {
                stages.push(&text[start..at]);
                start = at + 1;
            }
            None => {}
        }
    }
    stages.push(&text[start..]);
    stages
}

impl Filter {
    fn parse(text: &str) -> Result<Filter, String> {
        let text = text.trim();
        let (word, argument) = match text.split_once(char::is_whitespace) {
            Some((word, rest)) => (word, Some(rest.trim())),
            None => (text, None),
        };
        Ok(match (word, argument) {
            ("jwt", None) => Filter::Jwt,
            ("count", None) => Filter::Count,
            ("base64", None) => Filter::Base64,
            ("text", None) => Filter::Text,
            ("url", None) => Filter::Url,
            ("list", None) => Filter::List,
            ("lower", None) => Filter::Lower,
            ("links", None) => Filter::Links,
            ("json", None) => Filter::Json,
            ("dotenv", None) => Filter::Dotenv,
            ("keys", None) => Filter::Keys,
            ("deref", None) => Filter::Deref,
            ("path", Some(path)) => {
                let (path, source, singular) = json_path(path)?;
                Filter::Path {
                    path,
                    source,
                    singular,
                }
            }
            _ => {
                return Err(format!(
                    "unknown filter `{text}`; expected jwt, path JSONPATH, count, base64, text, url, list, lower, links, json or dotenv"
                ));
            }
        })
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Jwt => write!(f, "jwt"),
            Filter::Path { source, .. } => write!(f, "path {source}"),
            Filter::Count => write!(f, "count"),
            Filter::Base64 => write!(f, "base64"),
            Filter::Text => write!(f, "text"),
            Filter::Url => write!(f, "url"),
            Filter::List => write!(f, "list"),
            Filter::Lower => write!(f, "lower"),
            Filter::Links => write!(f, "links"),
            Filter::Json => write!(f, "json"),
            Filter::Dotenv => write!(f, "dotenv"),
            Filter::Keys => write!(f, "keys"),
            Filter::Deref => write!(f, "deref"),
        }
    }
}

/// A JSONPath selects at most one node when it has no wildcard, descendant, slice,
/// filter or union (RFC 9535's singular queries); such a path yields its value, not a list.
fn is_singular(path: &str) -> bool {
    let mut quote = None;
    let mut previous = ' ';
    for c in path.chars() {
        match quote {
            Some(q) if c == q && previous != '\\' => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if matches!(c, '*' | '?' | ':' | ',') => return false,
            None if c == '.' && previous == '.' => return false,
            None => {}
        }
        previous = c;
    }
    true
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Status => write!(f, "status"),
            Query::Header(name) => write!(f, "header {name}"),
            Query::Headers(name) => write!(f, "headers {name}"),
            Query::Json { source, .. } => write!(f, "json {source}"),
            Query::Body => write!(f, "body"),
            Query::Sha256 => write!(f, "sha256"),
            Query::Duration => write!(f, "duration"),
            Query::Var(name) => write!(f, "var {name}"),
            Query::Cookie {
                name,
                attribute: None,
            } => write!(f, "cookie {name}"),
            Query::Cookie {
                name,
                attribute: Some(attribute),
            } => write!(f, "cookie {name}[{attribute}]"),
            Query::Piped { query, filters } => {
                write!(f, "{query}")?;
                filters
                    .iter()
                    .try_for_each(|filter| write!(f, " | {filter}"))
            }
        }
    }
}

impl JsonType {
    fn parse(name: &str) -> Option<JsonType> {
        Some(match name {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }
}

/// A comparison's bound as people write it: `3`, `0.5`, or the `{{name}}` it comes from.
fn bound(value: &Value) -> String {
    match (value.as_f64(), value.as_str()) {
        (Some(number), _) => number.to_string(),
        (None, Some(text)) => text.to_string(),
        _ => value.to_string(),
    }
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let strictly = |strict: &bool| if *strict { " (strictly)" } else { "" };
        match self {
            Predicate::Equals { expected, strict } => {
                write!(f, "equals {expected}{}", strictly(strict))
            }
            Predicate::NotEquals { expected, strict } => {
                write!(f, "does not equal {expected}{}", strictly(strict))
            }
            Predicate::Contains(value) => write!(f, "contains {value}"),
            Predicate::NotContains(value) => write!(f, "does not contain {value}"),
            Predicate::Matches(regex) => write!(f, "matches /{regex}/"),
            Predicate::Exists => write!(f, "exists"),
            Predicate::Absent => write!(f, "is absent"),
            Predicate::Type(kind) => write!(f, "is of type {}", kind.name()),
            Predicate::Length(length) => write!(f, "has length {length}"),
            Predicate::Gt(n) => write!(f, "is greater than {}", bound(n)),
            Predicate::Gte(n) => write!(f, "is at least {}", bound(n)),
            Predicate::Lt(n) => write!(f, "is less than {}", bound(n)),
            Predicate::Lte(n) => write!(f, "is at most {}", bound(n)),
            Predicate::OneOf(values) => write!(f, "is one of {}", Value::Array(values.clone())),
            Predicate::IsUuid => write!(f, "is a UUID"),
            Predicate::IsIsoDate => write!(f, "is an ISO 8601 date"),
            Predicate::Unique => write!(f, "has no duplicates"),
            Predicate::ContainsAll(values) => write!(f, "contains all of {values}"),
            Predicate::SignedWith(_) => write!(f, "is a JWT signed with the key given"),
            Predicate::SameSet(values) => write!(f, "has the same items as {values}"),
            Predicate::IsEtag => write!(f, "is an entity-tag (\"...\" or W/\"...\")"),
            Predicate::Schema(schema) => write!(f, "is valid against the schema {}", schema.source),
            Predicate::IsOpenApi => write!(f, "is an OpenAPI 3 document"),
        }
    }
}

// ---- parsing ------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    check: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    points: Option<f64>,
    #[serde(default)]
    hints: Vec<Spanned<RawHint>>,
    #[serde(default)]
    requires: Vec<Spanned<String>>,
    visibility: Option<Spanned<String>>,
    #[serde(default, rename = "let")]
    lets: Option<Spanned<toml::Table>>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

impl RawStep {
    /// Whether the step has a key that only a request step takes (`expect` and
    /// `capture` aside: other steps take them too).
    fn sends_a_request(&self) -> bool {
        self.client.is_some()
            || self.method.is_some()
            || self.path.is_some()
            || self.query.is_some()
            || self.headers.is_some()
            || self.json.is_some()
            || self.body.is_some()
            || self.repeat.is_some()
            || self.concurrent.is_some()
            || self.follow.is_some()
    }
}

/// A hint as written: text for every track, or a table of `text` and per-track variants.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawHint {
    Text(String),
    Tracks(toml::Table),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    client: Option<Spanned<String>>,
    method: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    query: Option<Spanned<toml::Table>>,
    headers: Option<Spanned<toml::Table>>,
    json: Option<Spanned<toml::Value>>,
    body: Option<Spanned<String>>,
    repeat: Option<Spanned<u32>>,
    concurrent: Option<Spanned<u32>>,
    #[serde(default)]
    expect: Vec<Spanned<RawAssertion>>,
    capture: Option<Spanned<toml::Table>>,
    sleep_ms: Option<Spanned<u64>>,
    restart: Option<Spanned<bool>>,
    sql: Option<Spanned<String>>,
    schema: Option<Spanned<String>>,
    mint: Option<Spanned<RawMint>>,
    follow: Option<Spanned<bool>>,
    oauth: Option<Spanned<RawOAuth>>,
    file: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOAuth {
    user: Option<Spanned<toml::Table>>,
    misbehave: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMint {
    kind: Spanned<String>,
    key: Option<Spanned<String>>,
    token: Option<Spanned<String>>,
    claims: Option<Spanned<toml::Table>>,
    into: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssertion {
    query: Spanned<String>,
    equals: Option<Spanned<toml::Value>>,
    not_equals: Option<Spanned<toml::Value>>,
    strict: Option<bool>,
    contains: Option<Spanned<toml::Value>>,
    not_contains: Option<Spanned<toml::Value>>,
    matches: Option<Spanned<String>>,
    exists: Option<bool>,
    absent: Option<bool>,
    #[serde(rename = "type")]
    kind: Option<Spanned<String>>,
    length: Option<u64>,
    gt: Option<Spanned<toml::Value>>,
    gte: Option<Spanned<toml::Value>>,
    lt: Option<Spanned<toml::Value>>,
    lte: Option<Spanned<toml::Value>>,
    one_of: Option<Spanned<Vec<toml::Value>>>,
    is_uuid: Option<bool>,
    is_iso_date: Option<bool>,
    unique: Option<bool>,
    contains_all: Option<Spanned<toml::Value>>,
    signed_with: Option<Spanned<String>>,
    same_set: Option<Spanned<toml::Value>>,
    is_etag: Option<bool>,
    schema: Option<Spanned<toml::Value>>,
    is_openapi: Option<bool>,
}

const VISIBILITIES: [&str; 4] = ["visible", "hidden", "after_due_date", "after_published"];
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What an exercise gives its server, which its checks may use: a step that reads a
/// database or the OAuth provider is a mistake in a file whose exercise has none, not
/// a failure at run time; templates may name the `secrets`.
pub struct Provided<'a> {
    pub database: bool,
    pub oauth: bool,
    pub secrets: &'a [&'a str],
}

/// Parse and validate a checks file; every mistake points at its file:line:col.
pub fn parse(file: &str, source: &str) -> Result<Vec<Check>, SourceError> {
    let everything = Provided {
        database: true,
        oauth: true,
        secrets: &[],
    };
    parse_for(file, source, &everything)
}

/// `parse`, for an exercise that provides what `provided` says.
pub fn parse_for(file: &str, source: &str, provided: &Provided) -> Result<Vec<Check>, SourceError> {
    let has_database = provided.database;
    let secrets = provided.secrets;
    let raw: RawFile =
        toml::from_str(source).map_err(|error| SourceError::from_toml(file, source, &error))?;
    let mut parser = Parser {
        file,
        source,
        has_database,
        has_oauth: provided.oauth,
        defined: template::BUILTINS
            .iter()
            .chain(secrets)
            .map(|name| (name.to_string(), None))
            .collect(),
        ids: Vec::new(),
        current: String::new(),
        reads_from: RefCell::new(BTreeSet::new()),
    };
    if raw.check.is_empty() {
        return Err(parser.error(0..0, "no checks: add at least one [[check]] table"));
    }
    raw.check
        .into_iter()
        .map(|check| parser.check(check))
        .collect()
}

struct Parser<'a> {
    file: &'a str,
    source: &'a str,
    /// Whether the exercise declares a database for its database steps to read.
    has_database: bool,
    /// Whether the exercise has the mock OAuth provider for its oauth steps.
    has_oauth: bool,
    /// Template names bound so far, each with the check that bound it (`None` for a
    /// built-in generator).
    defined: HashMap<String, Option<String>>,
    ids: Vec<String>,
    /// The check being parsed.
    current: String,
    /// Earlier checks whose bound values the current check has read so far.
    reads_from: RefCell<BTreeSet<String>>,
}

impl Parser<'_> {
    fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> SourceError {
        SourceError::new(self.file, self.source, span, message)
    }

    fn check(&mut self, raw: Spanned<RawCheck>) -> Result<Check, SourceError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let id = raw.id.get_ref().clone();
        let id_valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_valid {
            return Err(self.error(
                raw.id.span(),
                "a check id uses lowercase letters, digits and -",
            ));
        }
        if self.ids.contains(&id) {
            return Err(self.error(raw.id.span(), format!("check id `{id}` is used twice")));
        }
        self.current = id.clone();
        self.reads_from.borrow_mut().clear();
        let mut requires = Vec::new();
        for needed in &raw.requires {
            let name = needed.get_ref();
            if !self.ids.contains(name) {
                let hint = match crate::suggest::closest(name, self.ids.iter().map(String::as_str))
                {
                    Some(best) => format!(" (did you mean `{best}`?)"),
                    None => String::new(),
                };
                return Err(self.error(
                    needed.span(),
                    format!("`{name}` is not an earlier check; `requires` names checks above this one{hint}"),
                ));
            }
            requires.push(name.clone());
        }
        let visibility = match &raw.visibility {
            Some(visibility) if !VISIBILITIES.contains(&visibility.get_ref().as_str()) => {
                return Err(self.error(
                    visibility.span(),
                    format!(
                        "unknown visibility; expected one of {}",
                        VISIBILITIES.join(", ")
                    ),
                ));
            }
            Some(visibility) => visibility.get_ref().clone(),
            None => "visible".to_string(),
        };
        let points = raw.points.unwrap_or(1.0);
        if !(points.is_finite() && points >= 0.0) {
            return Err(self.error(span.clone(), "points must be a number of 0 or more"));
        }
        let mut lets = Vec::new();
        if let Some(table) = &raw.lets {
            for (name, value) in table.get_ref() {
                let text = value.as_str().ok_or_else(|| {
                    self.error(table.span(), format!("`let.{name}` must be a string"))
                })?;
                let template = self.template(text, table.span())?;
                lets.push((name.clone(), template));
                // Bound in order: a later `let` may use an earlier one.
                self.defined.insert(name.clone(), Some(id.clone()));
            }
        }
        if raw.step.is_empty() {
            return Err(self.error(raw.id.span(), format!("check `{id}` has no [[check.step]]")));
        }
        let steps = raw
            .step
            .into_iter()
            .map(|step| self.step(step))
            .collect::<Result<_, _>>()?;
        self.ids.push(id.clone());
        Ok(Check {
            id,
            title: raw.title,
            points,
            hints: raw
                .hints
                .into_iter()
                .map(|hint| self.hint(hint))
                .collect::<Result<_, _>>()?,
            requires,
            reads_from: self.reads_from.take().into_iter().collect(),
            visibility,
            lets,
            steps,
        })
    }

    fn step(&mut self, raw: Spanned<RawStep>) -> Result<Step, SourceError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let request_keys = raw.client.is_some()
            || raw.method.is_some()
            || raw.path.is_some()
            || raw.json.is_some()
            || raw.body.is_some()
            || !raw.expect.is_empty()
            || raw.capture.is_some();
        if raw.file.is_some() {
            return self.file_step(span, raw);
        }
        if raw.sql.is_some() || raw.schema.is_some() {
            return self.inspection(span, raw);
        }
        // Read before `oauth` moves out of the step.
        let more_than_oauth = raw.sends_a_request()
            || raw.sleep_ms.is_some()
            || raw.restart.is_some()
            || raw.mint.is_some();
        if let Some(oauth) = raw.oauth {
            if more_than_oauth {
                return Err(self.error(
                    span,
                    "an oauth step sets the provider and reads its log: `oauth`, `expect` and `capture` only",
                ));
            }
            return self.oauth(span, oauth, raw.expect, raw.capture);
        }
        if let Some(mint) = raw.mint {
            let alone = !(request_keys
                || raw.query.is_some()
                || raw.headers.is_some()
                || raw.repeat.is_some()
                || raw.concurrent.is_some()
                || raw.sleep_ms.is_some()
                || raw.restart.is_some());
            if !alone {
                return Err(self.error(span, "a mint step makes a token and does nothing else"));
            }
            return self.mint(mint);
        }
        if let Some(restart) = &raw.restart {
            if !*restart.get_ref() {
                return Err(self.error(restart.span(), "`restart` can only be true"));
            }
            if request_keys || raw.sleep_ms.is_some() {
                return Err(self.error(restart.span(), "a restart step does nothing else"));
            }
            return Ok(Step::Restart);
        }
        if let Some(sleep) = &raw.sleep_ms {
            if request_keys {
                return Err(self.error(sleep.span(), "a sleep step cannot also send a request"));
            }
            return Ok(Step::Sleep(Duration::from_millis(*sleep.get_ref())));
        }
        let (Some(method), Some(path)) = (raw.method, raw.path) else {
            return Err(self.error(
                span,
                "a step needs `method` and `path` (a request), `sleep_ms`, `restart = true`, `sql` or `schema`",
            ));
        };
        if !METHODS.contains(&method.get_ref().as_str()) {
            return Err(self.error(
                method.span(),
                format!(
                    "unknown method `{}`; expected one of {}",
                    method.get_ref(),
                    METHODS.join(", ")
                ),
            ));
        }
        let client = match raw.client {
            Some(client) if !is_client_name(client.get_ref()) => {
                return Err(self.error(
                    client.span(),
                    "a client's name uses lowercase letters, digits, - and _",
                ));
            }
            Some(client) => client.into_inner(),
            None => String::new(),
        };
        let path_template = self.template(path.get_ref(), path.span())?;
        let query = self.template_table(raw.query.as_ref())?;
        let headers = self.template_table(raw.headers.as_ref())?;
        let body = match (raw.json, raw.body) {
            (Some(_), Some(body)) => {
                return Err(self.error(
                    body.span(),
                    "a step sends either `json` or `body`, not both",
                ));
            }
            (Some(json), None) => {
                let span = json.span();
                let value = to_json(json.into_inner());
                self.json_templates(&value, span)?;
                Body::Json(value)
            }
            (None, Some(body)) => Body::Raw(self.template(body.get_ref(), body.span())?),
            (None, None) => Body::Empty,
        };
        let count = |field: Option<Spanned<u32>>, name: &str| match field {
            Some(n) if *n.get_ref() == 0 => {
                Err(self.error(n.span(), format!("{name} must be 1 or more")))
            }
            Some(n) => Ok(n.into_inner()),
            None => Ok(1),
        };
        if let (Some(_), Some(concurrent)) = (&raw.repeat, &raw.concurrent) {
            return Err(self.error(
                concurrent.span(),
                "a step sends copies either one after another (`repeat`) or at once (`concurrent`), not both",
            ));
        }
        let follow = raw.follow.is_some_and(|follow| *follow.get_ref());
        let repeat = count(raw.repeat, "repeat")?;
        let concurrent = count(raw.concurrent, "concurrent")?;
        let expect = raw
            .expect
            .into_iter()
            .map(|assertion| self.assertion(assertion))
            .collect::<Result<_, _>>()?;
        let capture = self.captures(raw.capture.as_ref())?;
        Ok(Step::Request(Box::new(Request {
            client,
            method: method.into_inner(),
            path: path_template,
            query,
            headers,
            body,
            repeat,
            concurrent,
            follow,
            expect,
            capture,
        })))
    }

    fn hint(&self, raw: Spanned<RawHint>) -> Result<Hint, SourceError> {
        let span = raw.span();
        match raw.into_inner() {
            RawHint::Text(text) => Ok(Hint {
                text,
                tracks: Vec::new(),
            }),
            RawHint::Tracks(table) => {
                let mut text = None;
                let mut tracks = Vec::new();
                for (key, value) in table {
                    let Some(value) = value.as_str().map(str::to_string) else {
                        return Err(self.error(span, format!("hint `{key}` must be a string")));
                    };
                    if key == "text" {
                        text = Some(value);
                    } else if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase()) {
                        tracks.push((key, value));
                    } else {
                        return Err(self.error(
                            span,
                            format!("`{key}` is not a track; a hint table has `text` and tracks like `python`"),
                        ));
                    }
                }
                let text = text.ok_or_else(|| {
                    self.error(
                        span,
                        "a hint table needs `text`, what every other track reads",
                    )
                })?;
                Ok(Hint { text, tracks })
            }
        }
    }

    /// An oauth step: who logs in next, what goes wrong next, and assertions on the
    /// provider's log.
    fn oauth(
        &mut self,
        span: std::ops::Range<usize>,
        raw: Spanned<RawOAuth>,
        expect: Vec<Spanned<RawAssertion>>,
        capture: Option<Spanned<toml::Table>>,
    ) -> Result<Step, SourceError> {
        if !self.has_oauth {
            return Err(self.error(
                span,
                "this exercise has no OAuth provider: add `services = [\"oauth\"]` to its exercise.toml",
            ));
        }
        let raw = raw.into_inner();
        let user = match raw.user {
            Some(table) => {
                let table_span = table.span();
                if !table.get_ref().contains_key("sub") {
                    return Err(self.error(table_span, "an oauth `user` needs a `sub`"));
                }
                let value = to_json(toml::Value::Table(table.into_inner()));
                self.json_templates(&value, table_span)?;
                Some(value)
            }
            None => None,
        };
        let misbehave = match raw.misbehave {
            Some(name) => Some(Misbehaviour::parse(name.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = Misbehaviour::ALL.iter().map(|(name, _)| *name).collect();
                self.error(
                    name.span(),
                    format!("unknown misbehaviour; expected one of {}", names.join(", ")),
                )
            })?),
            None => None,
        };
        let assertions = self.assertions_on(
            expect,
            |query| matches!(query, Query::Json { .. } | Query::Var(_)),
            "an oauth step reads the provider's log: use `json PATH` (or `var NAME`)",
        )?;
        let capture = self.captures(capture.as_ref())?;
        Ok(Step::OAuth(Box::new(OAuthStep {
            user,
            misbehave,
            expect: assertions,
            capture,
        })))
    }

    /// A mint step: the kind of token, what signs or edits it, and the name it binds.
    fn mint(&mut self, raw: Spanned<RawMint>) -> Result<Step, SourceError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let kind = MintKind::ALL
            .iter()
            .find(|(name, _)| name == raw.kind.get_ref())
            .map(|(_, kind)| *kind)
            .ok_or_else(|| {
                let names: Vec<&str> = MintKind::ALL.iter().map(|(name, _)| *name).collect();
                self.error(
                    raw.kind.span(),
                    format!(
                        "unknown kind of token; expected one of {}",
                        names.join(", ")
                    ),
                )
            })?;
        let template = |field: &Option<Spanned<String>>| {
            field
                .as_ref()
                .map(|text| self.template(text.get_ref(), text.span()))
                .transpose()
        };
        let key = template(&raw.key)?;
        let token = template(&raw.token)?;
        let needs_key = !matches!(kind, MintKind::AlgNone | MintKind::Tampered);
        if needs_key && key.is_none() {
            return Err(self.error(
                span,
                format!("a `{}` token needs the `key` that signs it", kind.name()),
            ));
        }
        if kind == MintKind::Tampered && (token.is_none() || raw.claims.is_none()) {
            return Err(self.error(
                span,
                "a `tampered` token needs the `token` to edit and the `claims` to change in it",
            ));
        }
        let claims = match raw.claims {
            Some(table) => {
                let table_span = table.span();
                let value = to_json(toml::Value::Table(table.into_inner()));
                self.json_templates(&value, table_span)?;
                value
            }
            None => Value::Object(Default::default()),
        };
        let into = raw.into.get_ref().clone();
        let valid_name = into.starts_with(|c: char| c.is_ascii_lowercase())
            && into
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(self.error(
                raw.into.span(),
                "`into` names the token for later steps: lowercase letters, digits and _",
            ));
        }
        self.defined
            .insert(into.clone(), Some(self.current.clone()));
        Ok(Step::Mint(Box::new(Mint {
            kind,
            key,
            token,
            claims,
            into,
        })))
    }

    /// A file step: `file`, with assertions on its text.
    fn file_step(
        &mut self,
        span: std::ops::Range<usize>,
        raw: RawStep,
    ) -> Result<Step, SourceError> {
        let other_keys = raw.sends_a_request()
            || raw.sleep_ms.is_some()
            || raw.restart.is_some()
            || raw.mint.is_some()
            || raw.oauth.is_some()
            || raw.sql.is_some()
            || raw.schema.is_some();
        if other_keys {
            return Err(self.error(
                span,
                "a file step has `file`, `expect` and `capture`, and nothing else",
            ));
        }
        let file = raw.file.expect("only called with `file`");
        let path = file.get_ref().trim();
        let inside = !path.is_empty()
            && std::path::Path::new(path)
                .components()
                .all(|part| matches!(part, std::path::Component::Normal(_)));
        if !inside {
            return Err(self.error(
                file.span(),
                "`file` is a path inside the workspace, like \".env.example\" or \"docs/api.yaml\" (no `..`, not absolute)",
            ));
        }
        let expect = self.assertions_on(
            raw.expect,
            |query| matches!(query, Query::Body | Query::Var(_)),
            "a file step reads the file's text: use `body` (or `var NAME`), with filters like `body | dotenv`",
        )?;
        let capture = self.captures(raw.capture.as_ref())?;
        Ok(Step::File(Box::new(FileStep {
            path: path.to_string(),
            expect,
            capture,
        })))
    }

    /// A database step: `sql` or `schema`, with assertions on the rows it reads.
    fn inspection(
        &mut self,
        span: std::ops::Range<usize>,
        raw: RawStep,
    ) -> Result<Step, SourceError> {
        if !self.has_database {
            return Err(self.error(
                span,
                "this exercise has no database to read: add `database = \"sqlite\"` to its exercise.toml",
            ));
        }
        let other_keys = raw.sends_a_request()
            || raw.sleep_ms.is_some()
            || raw.restart.is_some()
            || raw.mint.is_some()
            || raw.oauth.is_some();
        let read = match (raw.sql, raw.schema) {
            (Some(_), Some(schema)) => {
                return Err(self.error(
                    schema.span(),
                    "a database step reads either `sql` or `schema`, not both",
                ));
            }
            (Some(sql), None) => {
                if sql.get_ref().trim().is_empty() {
                    return Err(self.error(sql.span(), "`sql` is empty"));
                }
                Read::Sql(self.template(sql.get_ref(), sql.span())?)
            }
            (None, Some(schema)) => Read::Schema(
                Schema::parse(schema.get_ref())
                    .map_err(|message| self.error(schema.span(), message))?,
            ),
            (None, None) => unreachable!("only called with `sql` or `schema`"),
        };
        if other_keys {
            return Err(self.error(
                span,
                "a database step has `sql` or `schema`, `expect` and `capture`, and nothing else",
            ));
        }
        let expect = self.assertions_on(
            raw.expect,
            |query| matches!(query, Query::Json { .. } | Query::Var(_)),
            "a database step reads rows: use `json PATH` (or `var NAME`)",
        )?;
        let capture = self.captures(raw.capture.as_ref())?;
        Ok(Step::Database(Box::new(Inspection {
            read,
            expect,
            capture,
        })))
    }

    fn captures(
        &mut self,
        table: Option<&Spanned<toml::Table>>,
    ) -> Result<Vec<(String, Query)>, SourceError> {
        let mut capture = Vec::new();
        if let Some(table) = table {
            for (name, value) in table.get_ref() {
                let text = value.as_str().ok_or_else(|| {
                    self.error(
                        table.span(),
                        format!("`capture.{name}` must be a query string"),
                    )
                })?;
                let query =
                    Query::parse(text).map_err(|message| self.error(table.span(), message))?;
                if let Query::Var(name) = query.base() {
                    self.require_defined(name, table.span())?;
                }
                capture.push((name.clone(), query));
            }
            for (name, _) in &capture {
                self.defined
                    .insert(name.clone(), Some(self.current.clone()));
            }
        }
        Ok(capture)
    }

    /// The assertions of a step that reads something other than a response: each query
    /// must start where that step's result can be read (`reads`), else `why` points at it.
    fn assertions_on(
        &self,
        raw: Vec<Spanned<RawAssertion>>,
        reads: fn(&Query) -> bool,
        why: &str,
    ) -> Result<Vec<Assertion>, SourceError> {
        raw.into_iter()
            .map(|assertion| {
                let query_span = assertion.get_ref().query.span();
                let assertion = self.assertion(assertion)?;
                if reads(assertion.query.base()) {
                    Ok(assertion)
                } else {
                    Err(self.error(query_span, why))
                }
            })
            .collect()
    }

    fn assertion(&self, raw: Spanned<RawAssertion>) -> Result<Assertion, SourceError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let query = Query::parse(raw.query.get_ref())
            .map_err(|message| self.error(raw.query.span(), message))?;
        if let Query::Var(name) = query.base() {
            self.require_defined(name, raw.query.span())?;
        }
        let strict = raw.strict.unwrap_or(false);
        let mut predicates = Vec::new();
        let value = |spanned: Spanned<toml::Value>| -> Result<Value, SourceError> {
            let span = spanned.span();
            let value = to_json(spanned.into_inner());
            self.json_templates(&value, span)?;
            Ok(value)
        };
        if let Some(expected) = raw.equals {
            predicates.push(Predicate::Equals {
                expected: value(expected)?,
                strict,
            });
        }
        if let Some(expected) = raw.not_equals {
            predicates.push(Predicate::NotEquals {
                expected: value(expected)?,
                strict,
            });
        }
        if let Some(expected) = raw.contains {
            predicates.push(Predicate::Contains(value(expected)?));
        }
        if let Some(expected) = raw.not_contains {
            predicates.push(Predicate::NotContains(value(expected)?));
        }
        if let Some(key) = raw.signed_with {
            let key = value(Spanned::new(
                key.span(),
                toml::Value::String(key.into_inner()),
            ))?;
            predicates.push(Predicate::SignedWith(key));
        }
        // A value of one kind (an array, a number), or a `{{name}}` that holds one (a value
        // captured earlier, by `repeat` or `concurrent` for an array).
        let kind_or_template = |key: &str,
                                given: Spanned<toml::Value>,
                                kind: &str,
                                is_kind: fn(&Value) -> bool|
         -> Result<Value, SourceError> {
            let span = given.span();
            let given = value(given)?;
            let is_template = given.as_str().is_some_and(|text| {
                let text = text.trim();
                text.starts_with("{{") && text.ends_with("}}")
            });
            if is_kind(&given) || is_template {
                Ok(given)
            } else {
                Err(self.error(
                    span,
                    format!("`{key}` takes {kind}, or a `{{{{name}}}}` holding one"),
                ))
            }
        };
        let array = |key: &str, given| kind_or_template(key, given, "an array", Value::is_array);
        let bound = |key: &str, given| kind_or_template(key, given, "a number", Value::is_number);
        if let Some(expected) = raw.contains_all {
            predicates.push(Predicate::ContainsAll(array("contains_all", expected)?));
        }
        if let Some(expected) = raw.same_set {
            predicates.push(Predicate::SameSet(array("same_set", expected)?));
        }
        if let Some(schema) = raw.schema {
            let span = schema.span();
            let source = to_json(schema.into_inner());
            let schema = JsonSchema::compile(source).map_err(|why| self.error(span, why))?;
            predicates.push(Predicate::Schema(schema));
        }
        if let Some(one_of) = raw.one_of {
            let span = one_of.span();
            let values = one_of
                .into_inner()
                .into_iter()
                .map(|item| value(Spanned::new(span.clone(), item)))
                .collect::<Result<_, _>>()?;
            predicates.push(Predicate::OneOf(values));
        }
        if let Some(pattern) = raw.matches {
            let regex = Regex::new(pattern.get_ref()).map_err(|error| {
                self.error(
                    pattern.span(),
                    format!("not a valid regular expression: {error}"),
                )
            })?;
            predicates.push(Predicate::Matches(regex));
        }
        match (raw.exists, raw.absent) {
            (Some(true), Some(true)) | (Some(false), Some(false)) => {
                return Err(self.error(span, "`exists` and `absent` contradict each other"));
            }
            (Some(true), _) | (_, Some(false)) => predicates.push(Predicate::Exists),
            (Some(false), _) | (_, Some(true)) => predicates.push(Predicate::Absent),
            (None, None) => {}
        }
        if let Some(kind) = raw.kind {
            let parsed = JsonType::parse(kind.get_ref()).ok_or_else(|| {
                self.error(
                    kind.span(),
                    format!(
                        "unknown type `{}`; expected string, number, integer, boolean, array, object or null",
                        kind.get_ref()
                    ),
                )
            })?;
            predicates.push(Predicate::Type(parsed));
        }
        predicates.extend(raw.length.map(Predicate::Length));
        if let Some(given) = raw.gt {
            predicates.push(Predicate::Gt(bound("gt", given)?));
        }
        if let Some(given) = raw.gte {
            predicates.push(Predicate::Gte(bound("gte", given)?));
        }
        if let Some(given) = raw.lt {
            predicates.push(Predicate::Lt(bound("lt", given)?));
        }
        if let Some(given) = raw.lte {
            predicates.push(Predicate::Lte(bound("lte", given)?));
        }
        let flags = [
            (raw.is_uuid, Predicate::IsUuid),
            (raw.is_iso_date, Predicate::IsIsoDate),
            (raw.unique, Predicate::Unique),
            (raw.is_etag, Predicate::IsEtag),
            (raw.is_openapi, Predicate::IsOpenApi),
        ];
        for (flag, predicate) in flags {
            match flag {
                Some(true) => predicates.push(predicate),
                Some(false) => {
                    return Err(self.error(span, format!("`{predicate}` can only be set to true")));
                }
                None => {}
            }
        }
        if predicates.is_empty() {
            return Err(self.error(
                span,
                "this assertion has a query but nothing to check, like `equals = ...`",
            ));
        }
        if raw.strict.is_some()
            && !predicates
                .iter()
                .any(|p| matches!(p, Predicate::Equals { .. } | Predicate::NotEquals { .. }))
        {
            return Err(self.error(span, "`strict` applies only to `equals` and `not_equals`"));
        }
        Ok(Assertion { query, predicates })
    }

    fn template(&self, text: &str, span: std::ops::Range<usize>) -> Result<Template, SourceError> {
        let template =
            Template::parse(text).map_err(|message| self.error(span.clone(), message))?;
        for name in template.vars() {
            self.require_defined(name, span.clone())?;
        }
        Ok(template)
    }

    fn template_table(
        &self,
        table: Option<&Spanned<toml::Table>>,
    ) -> Result<Vec<(String, Template)>, SourceError> {
        let Some(table) = table else {
            return Ok(Vec::new());
        };
        table
            .get_ref()
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    toml::Value::String(text) => text.clone(),
                    toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                        value.to_string()
                    }
                    _ => return Err(self.error(table.span(), format!("`{name}` must be a string"))),
                };
                Ok((name.clone(), self.template(&text, table.span())?))
            })
            .collect()
    }

    fn json_templates(
        &self,
        value: &Value,
        span: std::ops::Range<usize>,
    ) -> Result<(), SourceError> {
        let mut names = Vec::new();
        template::json_vars(value, &mut names)
            .map_err(|message| self.error(span.clone(), message))?;
        names
            .iter()
            .try_for_each(|name| self.require_defined(name, span.clone()))
    }

    fn require_defined(&self, name: &str, span: std::ops::Range<usize>) -> Result<(), SourceError> {
        if let Some(binder) = self.defined.get(name) {
            if let Some(check) = binder.as_ref().filter(|check| **check != self.current) {
                self.reads_from.borrow_mut().insert(check.clone());
            }
            return Ok(());
        }
        let hint = match crate::suggest::closest(name, self.defined.keys().map(String::as_str)) {
            Some(best) => format!(" (did you mean `{best}`?)"),
            None => String::new(),
        };
        Err(self.error(
            span,
            format!("`{{{{{name}}}}}` is not defined here: bind it with `let` or `capture` in an earlier step{hint}"),
        ))
    }
}

/// A named client's name: lowercase letters, digits, `-` and `_`.
fn is_client_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// TOML values as JSON: the checks compare against JSON responses.
pub fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(n) => Value::from(n),
        toml::Value::Float(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const GOOD: &str = r#"
[[check]]
id = "create"
title = "POST /posts creates a post"
points = 2
hints = ["a", "b"]
[check.let]
title = "Post {{random_word}}"
[[check.step]]
method = "POST"
path = "/posts"
json = { title = "{{title}}", tags = ["x"] }
expect = [
  { query = "status", equals = 201 },
  { query = "json $.id", exists = true, type = "integer" },
]
capture = { post_id = "json $.id" }

[[check]]
id = "read"
title = "GET /posts/{id}"
requires = ["create"]
[[check.step]]
sleep_ms = 5
[[check.step]]
restart = true
[[check.step]]
method = "GET"
path = "/posts/{{post_id}}"
expect = [{ query = "json $", equals = { id = "{{post_id}}" }, strict = true }]
"#;

    #[test]
    fn parses_a_well_formed_file() {
        let checks = parse("checks.toml", GOOD).unwrap();
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0].points, 2.0);
        assert_eq!(checks[1].points, 1.0);
        assert_eq!(checks[1].requires, ["create"]);
        assert_eq!(checks[0].visibility, "visible");
        assert!(matches!(checks[1].steps[0], Step::Sleep(d) if d == Duration::from_millis(5)));
        assert!(matches!(checks[1].steps[1], Step::Restart));
        let Step::Request(request) = &checks[0].steps[0] else {
            panic!("a request")
        };
        assert_eq!(request.expect[1].predicates.len(), 2);
        assert_eq!(request.capture[0].0, "post_id");
    }

    pub(crate) const CHAIN: &str = r#"
[[check]]
id = "a"
title = "binds a name"
[check.let]
name = "{{random_word}}"
[[check.step]]
method = "GET"
path = "/a"

[[check]]
id = "b"
title = "captures an id"
[[check.step]]
method = "POST"
path = "/b"
capture = { id = "json $.id" }

[[check]]
id = "c"
title = "reads the id, requires a"
requires = ["a"]
[[check.step]]
method = "GET"
path = "/b/{{id}}"

[[check]]
id = "d"
title = "reads the name in an assertion and captures its own"
[[check.step]]
method = "GET"
path = "/d"
expect = [{ query = "var name", exists = true }]
capture = { own = "status" }
[[check.step]]
method = "GET"
path = "/d/{{own}}/{{uuid}}"
"#;

    #[test]
    fn a_check_knows_which_earlier_checks_it_reads_values_from() {
        let checks = parse("checks.toml", CHAIN).unwrap();
        let reads: Vec<&[String]> = checks.iter().map(|c| c.reads_from.as_slice()).collect();
        let empty: &[String] = &[];
        assert_eq!(
            reads,
            [empty, empty, &["b".to_string()], &["a".to_string()]]
        );
    }

    fn error_of(source: &str) -> SourceError {
        parse("checks.toml", source).unwrap_err()
    }

    #[test]
    fn an_undefined_template_points_at_its_line() {
        let source = GOOD.replace("/posts/{{post_id}}", "/posts/{{post_idd}}");
        let error = error_of(&source);
        assert_eq!(error.line, 29);
        assert!(
            error.message.contains("`{{post_idd}}` is not defined"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("did you mean `post_id`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_comparison_takes_a_number_or_a_captured_one() {
        let source = GOOD.replace(
            "expect = [{ query = \"json $\", equals = { id = \"{{post_id}}\" }, strict = true }]",
            "expect = [{ query = \"json $.id\", gte = \"{{post_id}}\", lt = 1e9 }]",
        );
        let checks = parse("checks.toml", &source).unwrap();
        let shown: Vec<String> = checks
            .iter()
            .flat_map(|check| &check.steps)
            .filter_map(|step| match step {
                Step::Request(request) => Some(request),
                _ => None,
            })
            .flat_map(|request| &request.expect)
            .flat_map(|assertion| &assertion.predicates)
            .map(ToString::to_string)
            .filter(|shown| shown.starts_with("is at least") || shown.starts_with("is less than"))
            .collect();
        assert_eq!(
            shown,
            ["is at least {{post_id}}", "is less than 1000000000"]
        );
        let error = error_of(&GOOD.replace("equals = 201", "gt = \"201\""));
        assert!(
            error
                .message
                .contains("`gt` takes a number, or a `{{name}}` holding one"),
            "{}",
            error.message
        );
        let error = error_of(&GOOD.replace("equals = 201", "lte = \"{{nowhere}}\""));
        assert!(
            error.message.contains("`{{nowhere}}` is not defined"),
            "{}",
            error.message
        );
    }

    #[test]
    fn sets_etags_and_schemas_are_read_and_a_bad_schema_is_located() {
        let source = GOOD.replace(
            "equals = 201",
            "equals = 201 },\n  { query = \"headers Allow | list\", same_set = [\"GET\", \"HEAD\"] },\n  { query = \"header ETag\", is_etag = true },\n  { query = \"json $\", schema = { type = \"object\", required = [\"id\"] }",
        );
        let checks = parse("checks.toml", &source).unwrap();
        let Step::Request(request) = &checks[0].steps[0] else {
            panic!("a request step")
        };
        let shown: Vec<String> = request
            .expect
            .iter()
            .map(|assertion| format!("{} {}", assertion.query, assertion.predicates[0]))
            .collect();
        assert!(
            shown.contains(
                &"headers Allow | list has the same items as [\"GET\",\"HEAD\"]".to_string()
            ),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|line| line.starts_with("header ETag is an entity-tag"))
        );
        assert!(
            shown
                .iter()
                .any(|line| line.starts_with("json $ is valid against the schema"))
        );
        let error = error_of(&GOOD.replace("equals = 201", "schema = { type = 7 }"));
        assert_eq!(error.line, 14);
        assert!(
            error.message.contains("not a valid JSON Schema"),
            "{}",
            error.message
        );
        let error = error_of(&GOOD.replace("equals = 201", "same_set = \"GET\""));
        assert!(
            error.message.contains("`same_set` takes an array"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_file_step_reads_a_path_inside_the_workspace_with_body_queries() {
        let step = |body: &str| {
            format!(
                "[[check]]\nid = \"env\"\ntitle = \"t\"\nhints = [\"a\", \"b\"]\n[[check.step]]\n{body}\n"
            )
        };
        let checks = parse(
            "checks.toml",
            &step("file = \".env.example\"\nexpect = [{ query = \"body | dotenv\", contains = \"PORT\" }]"),
        )
        .unwrap();
        assert!(matches!(&checks[0].steps[0], Step::File(file) if file.path == ".env.example"));
        for (body, message) in [
            ("file = \"../secret\"", "a path inside the workspace"),
            ("file = \"/etc/passwd\"", "a path inside the workspace"),
            ("file = \"\"", "a path inside the workspace"),
            ("file = \"a\"\nmethod = \"GET\"", "and nothing else"),
            (
                "file = \"a\"\nexpect = [{ query = \"status\", equals = 200 }]",
                "use `body`",
            ),
        ] {
            let error = error_of(&step(body));
            assert!(error.message.contains(message), "{body}: {}", error.message);
        }
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located() {
        let error = error_of(&GOOD.replace("equals = 201", "equal = 201"));
        assert_eq!(error.line, 14);
        assert!(
            error.message.contains("did you mean `equals`"),
            "{}",
            error.message
        );

        let error = error_of(&GOOD.replace("json $.id\", exists", "json $.[\", exists"));
        assert_eq!((error.line, error.column), (15, 13));
        assert!(
            error.message.contains("not a valid JSONPath"),
            "{}",
            error.message
        );

        let error = error_of(&GOOD.replace("\"integer\"", "\"int\""));
        assert!(
            error.message.contains("unknown type `int`"),
            "{}",
            error.message
        );

        let error = error_of(&GOOD.replace("requires = [\"create\"]", "requires = [\"creat\"]"));
        assert!(
            error.message.contains("did you mean `create`"),
            "{}",
            error.message
        );

        let error = error_of(&GOOD.replace("method = \"POST\"", "method = \"FETCH\""));
        assert!(
            error.message.contains("unknown method `FETCH`"),
            "{}",
            error.message
        );

        let error = error_of(&GOOD.replace("points = 2", "points = 2\nvisibility = \"secret\""));
        assert!(
            error.message.contains("unknown visibility"),
            "{}",
            error.message
        );

        let error = error_of("[[check]\n");
        assert_eq!(error.line, 1);
    }

    const DATABASE: &str = r#"
[[check]]
id = "many"
title = "25 posts at once"
[[check.step]]
method = "POST"
path = "/posts"
json = { title = "{{random_word}}" }
concurrent = 25
capture = { ids = "json $.id" }
[[check.step]]
sql = "SELECT id FROM posts WHERE id = {{ids}}"
expect = [{ query = "json $[*].id", contains_all = "{{ids}}" }]
capture = { first = "json $[0].id" }
[[check.step]]
schema = "indexes posts"
expect = [{ query = "json $[*].columns", contains = ["author_id"] }]
"#;

    #[test]
    fn parses_concurrent_database_and_schema_steps() {
        let checks = parse("checks.toml", DATABASE).unwrap();
        let steps = &checks[0].steps;
        assert!(matches!(&steps[0], Step::Request(request) if request.concurrent == 25));
        let Step::Database(sql) = &steps[1] else {
            panic!("a database step")
        };
        assert!(matches!(sql.read, Read::Sql(_)));
        assert!(matches!(
            sql.expect[0].predicates[0],
            Predicate::ContainsAll(_)
        ));
        assert_eq!(sql.capture[0].0, "first");
        let Step::Database(schema) = &steps[2] else {
            panic!("a schema step")
        };
        assert!(matches!(&schema.read, Read::Schema(Schema::Indexes(table)) if table == "posts"));
    }

    #[test]
    fn a_database_step_needs_an_exercise_with_a_database() {
        let nothing = Provided {
            database: false,
            oauth: false,
            secrets: &[],
        };
        let error = parse_for("checks.toml", DATABASE, &nothing).unwrap_err();
        assert_eq!(error.line, 11, "the step's [[check.step]]");
        assert!(
            error
                .message
                .contains("this exercise has no database to read"),
            "{}",
            error.message
        );
    }

    #[test]
    fn database_steps_refuse_what_does_not_apply() {
        let cases = [
            (
                DATABASE.replace("concurrent = 25", "concurrent = 25\nrepeat = 2"),
                "either one after another (`repeat`) or at once (`concurrent`)",
            ),
            (
                DATABASE.replace("concurrent = 25", "concurrent = 0"),
                "concurrent must be 1 or more",
            ),
            (
                DATABASE.replace("schema = \"indexes posts\"", "schema = \"index posts\""),
                "unknown schema query `index posts`",
            ),
            (
                DATABASE.replace("json $[*].columns", "status"),
                "a database step reads rows: use `json PATH`",
            ),
            (
                DATABASE.replace(
                    "schema = \"indexes posts\"",
                    "schema = \"tables\"\nmethod = \"GET\"",
                ),
                "a database step has `sql` or `schema`, `expect` and `capture`, and nothing else",
            ),
            (
                DATABASE.replace("contains_all = \"{{ids}}\"", "contains_all = 3"),
                "`contains_all` takes an array",
            ),
            (
                DATABASE.replace("WHERE id = {{ids}}", "WHERE id = {{idz}}"),
                "`{{idz}}` is not defined here",
            ),
        ];
        for (source, message) in cases {
            let error = error_of(&source);
            assert!(error.message.contains(message), "{}", error.message);
        }
    }

    #[test]
    fn queries_parse_and_know_whether_they_are_singular() {
        assert!(
            matches!(Query::parse("header Content-Type"), Ok(Query::Header(name)) if name == "Content-Type")
        );
        assert!(matches!(
            Query::parse("json $.items[0].id"),
            Ok(Query::Json { singular: true, .. })
        ));
        assert!(matches!(
            Query::parse("json $[*].id"),
            Ok(Query::Json {
                singular: false,
                ..
            })
        ));
        assert!(matches!(
            Query::parse("json $..id"),
            Ok(Query::Json {
                singular: false,
                ..
            })
        ));
        assert!(matches!(
            Query::parse("json $['a*b']"),
            Ok(Query::Json { singular: true, .. })
        ));
        assert!(
            Query::parse("header")
                .unwrap_err()
                .contains("needs an argument")
        );
        assert!(
            Query::parse("cookies")
                .unwrap_err()
                .contains("unknown query")
        );
    }
}
