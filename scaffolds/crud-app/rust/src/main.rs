//! A blog posts API, kept in memory. Read README.md for the task, then run `learn check`.

// While TODOs are open, some parameters and helpers are not used yet: this line
// keeps the compiler quiet about them. Delete it once you are done.
#![allow(dead_code, unused_variables)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Serialize;
use serde_json::json;

/// A post, as the API answers it. Json(post) turns it into JSON with serde:
/// `rename_all = "camelCase"` writes the field created_at as "createdAt".
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

/// All posts live here while the server runs, keyed by id. Every request shares
/// it: a handler takes `State(state): State<AppState>` and locks it for the moment
/// it reads or writes, `let mut store = state.lock().unwrap();`.
/// TODO: add what else the server must remember from one request to the next.
#[derive(Default)]
struct Store {
    posts: HashMap<u64, Post>,
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
        // TODO: axum answers a path no route has with an empty 404, and a method a
        // route has no handler for with an empty 405: make both JSON errors (look up
        // Router::fallback and Router::method_not_allowed_fallback).
        .with_state(AppState::default());

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

async fn create_post(State(state): State<AppState>) -> Response {
    // TODO: read the JSON body, check every field, give the post an id and
    // timestamps, store it, and answer 201 with a Location header:
    // (StatusCode::CREATED, [(header::LOCATION, path)], Json(post)).
    // The Json extractor answers a body that is not JSON with its own 400 (or
    // 415, or 422) in plain text: take the body as
    // `payload: Result<Json<Value>, JsonRejection>` (axum::extract::rejection)
    // to answer that yourself, and look at the serde_json::Value inside.
    not_implemented()
}

async fn list_posts(State(state): State<AppState>) -> Response {
    // TODO: answer every stored post, or only those matching ?term= (take
    // `Query(search): Query<Search>`, with a struct Search { term: Option<String> }
    // that derives serde::Deserialize).
    Json(json!([])).into_response()
}

async fn get_post(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    // TODO: answer the post with this id, or 404 with a JSON error. The id comes
    // as the text of the path: id.parse::<u64>() turns it into a number, and a word
    // like "abc" is no post's id (404 too). (Path<u64> would answer axum's own 400
    // in plain text for it.)
    not_implemented()
}

async fn update_post(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    // TODO: check the body like in create_post, replace the fields, refresh updatedAt.
    not_implemented()
}

async fn delete_post(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    // TODO: remove the post and answer 204 with an empty body (StatusCode::NO_CONTENT).
    not_implemented()
}

// Ready-made helpers below: you do not need to change them.

/// An error answer: its status, and {"error": message} as JSON. A handler that
/// returns `Result<Json<Post>, ApiError>` can answer an error with
/// `return Err(ApiError::new(StatusCode::NOT_FOUND, "post 42 not found"))`, or
/// pass one on with `?`.
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
