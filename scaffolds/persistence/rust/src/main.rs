//! A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.
//!
//! db.rs is ready: db.query / db.one / db.execute run SQL on the database that
//! DATABASE_URL names (SQLite or PostgreSQL), with ? for each value and the values
//! in params![...].

// While TODOs are open, some parameters and helpers are not used yet: this line
// keeps the compiler quiet about them. Delete it once you are done.
#![allow(dead_code, unused_variables, unused_imports, unused_macros)]

mod db;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{any::AnyRow, Row};

use db::{params, Db};

/// TODO: the posts table, with the columns README.md lists. Use `id {}` with
/// db.auto_id() for the id: the database numbers the rows itself. Keep IF NOT
/// EXISTS: when the server restarts, the table (and its posts) is already there.
fn schema(db: &Db) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS posts (id {}, ...)",
        db.auto_id()
    )
}

/// A post, as the API answers it. Json(post) turns it into JSON with serde:
/// `rename_all = "camelCase"` writes the field created_at as "createdAt".
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
    /// A row of the posts table as a post.
    fn from_row(row: &AnyRow) -> Result<Post, ApiError> {
        // TODO: read each column with row.try_get("title")? (an integer column as
        // i64); the tags come back as the JSON text you stored:
        // serde_json::from_str(&text)? turns it into a Vec<String>.
        Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "not implemented yet",
        ))
    }
}

#[tokio::main]
async fn main() {
    let db = Db::connect().await.expect("cannot open the database");
    // TODO: create the table here, before the server starts:
    // db.execute(&schema(&db), params![]).await.expect("cannot create the posts table");

    let app = Router::new()
        .route("/health", get(health))
        .route("/posts", get(list_posts).post(create_post))
        .route(
            "/posts/{id}",
            get(get_post).put(update_post).delete(delete_post),
        )
        // TODO: axum answers a path no route has with an empty 404, and a method a
        // route has no handler for with an empty 405: make both JSON errors (look up
        // Router::fallback and Router::method_not_allowed_fallback).
        .with_state(db);

    // learn check tells the server which port to use in the PORT variable.
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

async fn create_post(State(db): State<Db>) -> Response {
    // TODO: check the body as in the crud-app (take it as
    // `payload: Result<Json<Value>, JsonRejection>`, so that a body that is not
    // JSON is yours to answer), INSERT a row (tags as JSON text:
    // serde_json::to_string(&tags)?), RETURNING * to get the row with its new id
    // (db.one), and answer the post with 201 and a Location header.
    not_implemented()
}

async fn list_posts(State(db): State<Db>) -> Response {
    // TODO: SELECT the rows (only those matching ?term=: take
    // `Query(search): Query<Search>`) and answer them as posts (Post::from_row).
    not_implemented()
}

async fn get_post(State(db): State<Db>, Path(id): Path<String>) -> Response {
    // TODO: SELECT the row with this id and answer it as a post, or 404 with a JSON
    // error. The id comes as the text of the path: id.parse::<i64>() turns it into
    // a number; a word like "abc", or a number above 2147483647 (where PostgreSQL's
    // SERIAL stops), is no post's id: 404 too.
    not_implemented()
}

async fn update_post(State(db): State<Db>, Path(id): Path<String>) -> Response {
    // TODO: check the body, UPDATE that row (and refresh updated_at), answer the post.
    not_implemented()
}

async fn delete_post(State(db): State<Db>, Path(id): Path<String>) -> Response {
    // TODO: DELETE that row and answer 204 with an empty body (404 if there was none).
    not_implemented()
}

// Ready-made helpers below: you do not need to change them.

/// An error answer: its status, and {"error": message} as JSON. A handler that
/// returns `Result<Json<Post>, ApiError>` can answer an error with
/// `return Err(ApiError::new(StatusCode::NOT_FOUND, "post 42 not found"))`, or
/// pass one on with `?`: a database error becomes a 500.
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

fn not_implemented() -> Response {
    ApiError::new(StatusCode::NOT_IMPLEMENTED, "not implemented yet").into_response()
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
