//! Hello, HTTP: a tiny web server that speaks HTTP.

use axum::{
    extract::Query,
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

const GREETING: &str = "Hello, world!";

#[tokio::main]
async fn main() {
    // axum answers 404 to a path no route has, and 405 with an Allow header to
    // a method a route has no handler for.
    let app = Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/echo", get(echo_query).post(echo_body))
        .route("/headers", get(headers))
        .route("/greeting", get(greeting));

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

async fn index() -> &'static str {
    "Hello from my first server!"
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The query string of GET /echo: Query decodes ?msg=caf%C3%A9+au+lait for us.
#[derive(Deserialize)]
struct EchoQuery {
    msg: String,
}

async fn echo_query(Query(query): Query<EchoQuery>) -> Json<Value> {
    Json(json!({"msg": query.msg}))
}

/// Any JSON at all: a Value holds objects, arrays, numbers, ... as they came.
async fn echo_body(Json(body): Json<Value>) -> Json<Value> {
    Json(body)
}

async fn headers(headers: HeaderMap) -> Json<Value> {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    Json(json!({"userAgent": agent}))
}

async fn greeting(headers: HeaderMap) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if asks_for_json(accept) {
        Json(json!({"greeting": GREETING})).into_response()
    } else {
        // A &str answers as text/plain; charset=utf-8.
        GREETING.into_response()
    }
}

/// Whether an Accept header names application/json among its types:
/// "text/plain;q=0.5, application/json" does; "*/*" (anything) merely lets
/// JSON through and does not.
fn asks_for_json(accept: &str) -> bool {
    accept.split(',').any(|item| {
        let media_type = item.split(';').next().unwrap_or("");
        media_type.trim().eq_ignore_ascii_case("application/json")
    })
}
