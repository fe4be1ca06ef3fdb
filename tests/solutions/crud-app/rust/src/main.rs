//! A blog posts API, kept in memory.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A post, as the API answers it: serde writes created_at as "createdAt".
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Post {
    id: u64,
    title: String,
    content: String,
    category: String,
    tags: Vec<String>,
    created_at: String,
    updated_at: String,
}

/// What the server remembers between requests, behind one lock.
#[derive(Default)]
struct Store {
    /// Keyed by id: a BTreeMap lists them oldest first.
    posts: BTreeMap<u64, Post>,
    /// The last id given out. It only goes up, so a deleted post's id never comes back.
    last_id: u64,
}

type AppState = Arc<Mutex<Store>>;

#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/posts", get(list_posts).post(create_post))
        .route(
            "/posts/{id}",
            get(get_post).put(update_post).delete(delete_post),
        )
        // After the routes: it applies to the routes already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(AppState::default());

    let port = std::env::var("PORT").unwrap_or_else(|_| "8000".to_string());
    let address = format!("127.0.0.1:{port}");
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .unwrap_or_else(|error| panic!("cannot listen on {address}: {error}"));
    println!("Listening on http://{address}");
    axum::serve(listener, app)
        .await
        .expect("the server stopped");
}

/// The fields a client sends in a POST or PUT body, checked.
struct PostFields {
    title: String,
    content: String,
    category: String,
    tags: Vec<String>,
}

impl PostFields {
    /// Read and check the fields of a post from the JSON body: a body that is not
    /// JSON reaches us as the Json extractor's rejection, answered here as JSON too.
    fn from_body(payload: Result<Json<Value>, JsonRejection>) -> Result<Self, ApiError> {
        let body = match payload {
            Ok(Json(Value::Object(body))) => body,
            Ok(Json(_)) => return Err(bad_request("the body must be a JSON object")),
            Err(rejection) => {
                return Err(bad_request(format!(
                    "the body is not valid JSON: {}",
                    rejection.body_text()
                )))
            }
        };
        Ok(Self {
            title: text_field(&body, "title")?,
            content: text_field(&body, "content")?,
            category: text_field(&body, "category")?,
            tags: tags_field(&body)?,
        })
    }
}

fn text_field(body: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(bad_request(format!("{name} is required"))),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(bad_request(format!("{name} must be a string"))),
    }
}

fn tags_field(body: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let items = match body.get("tags") {
        None | Some(Value::Null) => return Err(bad_request("tags is required")),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad_request("tags must be an array of strings")),
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(tag) => Ok(tag.clone()),
            _ => Err(bad_request("tags must be an array of strings")),
        })
        .collect()
}

#[derive(Deserialize)]
struct Search {
    term: Option<String>,
}

/// Whether the term appears in the post's title, content or category, ignoring case.
/// A plain substring test: + . * % and quotes mean only themselves.
fn matches(post: &Post, term: &str) -> bool {
    [&post.title, &post.content, &post.category]
        .iter()
        .any(|field| field.to_lowercase().contains(term))
}

async fn create_post(
    State(state): State<AppState>,
    payload: Result<Json<Value>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let fields = PostFields::from_body(payload)?;
    let mut store = state.lock().unwrap();
    store.last_id += 1;
    let stamp = now();
    let post = Post {
        id: store.last_id,
        title: fields.title,
        content: fields.content,
        category: fields.category,
        tags: fields.tags,
        created_at: stamp.clone(),
        updated_at: stamp,
    };
    store.posts.insert(post.id, post.clone());
    let location = format!("/posts/{}", post.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(post),
    ))
}

async fn list_posts(
    State(state): State<AppState>,
    Query(search): Query<Search>,
) -> Json<Vec<Post>> {
    let term = search.term.unwrap_or_default().to_lowercase();
    let store = state.lock().unwrap();
    let found = store
        .posts
        .values()
        .filter(|post| matches(post, &term))
        .cloned()
        .collect();
    Json(found)
}

async fn get_post(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Post>, ApiError> {
    let id = post_id(&id)?;
    let store = state.lock().unwrap();
    let post = store.posts.get(&id).ok_or_else(|| post_not_found(id))?;
    Ok(Json(post.clone()))
}

async fn update_post(
    State(state): State<AppState>,
    Path(id): Path<String>,
    payload: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Post>, ApiError> {
    let id = post_id(&id)?;
    let mut store = state.lock().unwrap();
    let post = store.posts.get_mut(&id).ok_or_else(|| post_not_found(id))?;
    let fields = PostFields::from_body(payload)?;
    post.title = fields.title;
    post.content = fields.content;
    post.category = fields.category;
    post.tags = fields.tags;
    post.updated_at = now();
    Ok(Json(post.clone()))
}

async fn delete_post(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = post_id(&id)?;
    let mut store = state.lock().unwrap();
    store.posts.remove(&id).ok_or_else(|| post_not_found(id))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The {id} of /posts/{id} as a number. A word like "abc" is no post's id: 404,
/// where Path<u64> would answer axum's own 400 in plain text.
fn post_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, format!("post {raw} not found")))
}

fn post_not_found(id: u64) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("post {id} not found"))
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, message)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
}

/// An error answer: its status, and {"error": message} as JSON.
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": self.message}))).into_response()
    }
}

/// The current UTC time as a string, like 2026-01-31T12:00:00.123Z.
fn now() -> String {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is before 1970");
    let seconds = since_epoch.as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        since_epoch.subsec_millis()
    )
}

/// The calendar date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
