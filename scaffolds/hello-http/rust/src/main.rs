//! Hello, HTTP: a tiny web server. Read README.md for the task, then run `learn check`.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

#[tokio::main]
async fn main() {
    // A route is a path and a handler for each method it serves: get(...),
    // .post(...). A path no route has answers 404, and a method a route has no
    // handler for answers 405 with an Allow header: axum does both for you, as
    // long as each route names its methods.
    let app = Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/echo", get(echo_query).post(echo_body))
        .route("/headers", get(headers))
        .route("/greeting", get(greeting));

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

// This handler already works: open http://127.0.0.1:8000/ after starting the
// server. A handler answers whatever implements IntoResponse: a &str goes out
// as text/plain; charset=utf-8.
async fn index() -> &'static str {
    "Hello from my first server!"
}

async fn health() -> Response {
    // TODO: answer exactly {"status": "ok"} as JSON. Json(json!({"status": "ok"}))
    // does that and sets Content-Type: application/json (use axum::Json and
    // serde_json::json), and the handler then returns Json<Value>.
    not_implemented()
}

async fn echo_query() -> Response {
    // TODO: answer {"msg": ...} with the msg query parameter. Extractors hand a
    // handler the parts of the request it names in its parameters: take
    // `Query(query): Query<EchoQuery>` (axum::extract::Query), with
    // `#[derive(serde::Deserialize)] struct EchoQuery { msg: String }`. Query
    // decodes the value for you (+ and %20 become spaces, %C3%A9 becomes é).
    not_implemented()
}

async fn echo_body() -> Response {
    // TODO: answer the JSON body you received, unchanged. Take it as
    // `Json(body): Json<Value>` (serde_json::Value holds any JSON: objects,
    // arrays, numbers, ... as they came) and answer Json(body).
    not_implemented()
}

async fn headers() -> Response {
    // TODO: answer {"userAgent": ...} with the User-Agent header. Take
    // `headers: HeaderMap` (axum::http::HeaderMap) and look at
    // headers.get(header::USER_AGENT); .to_str() gives its text.
    not_implemented()
}

async fn greeting() -> Response {
    // TODO: look at the Accept header (headers.get(header::ACCEPT), as in
    // headers()). It lists types, each maybe with a weight, like
    // "text/plain;q=0.5, application/json" (see str::split and str::trim):
    // answer {"greeting": "Hello, world!"} as JSON when application/json is one
    // of the types, and the text Hello, world! as text/plain otherwise.
    not_implemented()
}

// Ready-made below: you do not need to change it.

/// The answer of a handler that is not written yet: 501 Not Implemented.
fn not_implemented() -> Response {
    (StatusCode::NOT_IMPLEMENTED, "Not implemented yet").into_response()
}
