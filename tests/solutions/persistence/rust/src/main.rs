//! A blog posts API, kept in a database table.

mod db;

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
use sqlx::{any::AnyRow, Row};

use db::{params, Db};

/// The posts table. IF NOT EXISTS: after a restart the table, and its posts, are
/// already there. The database numbers the ids itself (db.auto_id()).
fn schema(db: &Db) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS posts (
            id {},
            title TEXT NOT NULL,
            content TEXT NOT NULL,
            category TEXT NOT NULL,
            tags TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )",
        db.auto_id()
    )
}

/// A post, as the API answers it: serde writes created_at as "createdAt".
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Post {
    id: i64,
    title: String,
    content: String,
    category: String,
    tags: Vec<String>,
    created_at: String,
    updated_at: String,
}

impl Post {
    /// A row of the posts table as a post: the tags back from JSON text.
    fn from_row(row: &AnyRow) -> Result<Post, ApiError> {
        let tags: String = row.try_get("tags")?;
        Ok(Post {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            content: row.try_get("content")?,
            category: row.try_get("category")?,
            tags: serde_json::from_str(&tags)?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

#[tokio::main]
async fn main() {
    let db = Db::connect().await.expect("cannot open the database");
    db.execute(&schema(&db), params![])
        .await
        .expect("cannot create the posts table");

    let app = Router::new()
        .route("/health", get(health))
        .route("/posts", get(list_posts).post(create_post))
        .route(
            "/posts/{id}",
            get(get_post).put(update_post).delete(delete_post),
        )
        // After the routes: it applies to the routes already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(db);

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

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
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

async fn create_post(
    State(db): State<Db>,
    payload: Result<Json<Value>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let fields = PostFields::from_body(payload)?;
    let tags = serde_json::to_string(&fields.tags)?;
    let stamp = now();
    let row = db
        .one(
            "INSERT INTO posts (title, content, category, tags, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
            params![
                fields.title,
                fields.content,
                fields.category,
                tags,
                &stamp,
                &stamp
            ],
        )
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "no row inserted"))?;
    let post = Post::from_row(&row)?;
    let location = format!("/posts/{}", post.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(post),
    ))
}

async fn list_posts(
    State(db): State<Db>,
    Query(search): Query<Search>,
) -> Result<Json<Vec<Post>>, ApiError> {
    // LOWER on both sides: LIKE ignores case on SQLite, not on PostgreSQL.
    let pattern = format!("%{}%", search.term.unwrap_or_default().to_lowercase());
    let rows = db
        .query(
            "SELECT * FROM posts \
             WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ? \
             ORDER BY id",
            params![&pattern, &pattern, &pattern],
        )
        .await?;
    let posts = rows.iter().map(Post::from_row).collect::<Result<_, _>>()?;
    Ok(Json(posts))
}

async fn get_post(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Post>, ApiError> {
    let id = post_id(&id)?;
    let row = db
        .one("SELECT * FROM posts WHERE id = ?", params![id])
        .await?
        .ok_or_else(|| post_not_found(id))?;
    Ok(Json(Post::from_row(&row)?))
}

async fn update_post(
    State(db): State<Db>,
    Path(id): Path<String>,
    payload: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Post>, ApiError> {
    let id = post_id(&id)?;
    let fields = PostFields::from_body(payload)?;
    let tags = serde_json::to_string(&fields.tags)?;
    let row = db
        .one(
            "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ? \
             WHERE id = ? RETURNING *",
            params![
                fields.title,
                fields.content,
                fields.category,
                tags,
                now(),
                id
            ],
        )
        .await?
        .ok_or_else(|| post_not_found(id))?;
    Ok(Json(Post::from_row(&row)?))
}

async fn delete_post(State(db): State<Db>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let id = post_id(&id)?;
    let deleted = db
        .execute("DELETE FROM posts WHERE id = ?", params![id])
        .await?;
    if deleted == 0 {
        return Err(post_not_found(id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The {id} of /posts/{id} as a number. A word like "abc", or a number bigger than
/// the id column holds (PostgreSQL's SERIAL stops at 2147483647), is no post's id:
/// 404 before any query.
fn post_id(raw: &str) -> Result<i64, ApiError> {
    match raw.parse::<i64>() {
        Ok(id) if id <= i64::from(i32::MAX) => Ok(id),
        _ => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("post {raw} not found"),
        )),
    }
}

fn post_not_found(id: i64) -> ApiError {
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

/// A database error is the server's fault: 500, and the details in the log.
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        eprintln!("database error: {error}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
    }
}

/// Tags that do not turn into JSON text or back: the server's fault too.
impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        eprintln!("tags error: {error}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "tags error")
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
