//! Sending one request to the learner's server and reading its response, bounded.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::result::{RequestRecord, ResponseRecord};

/// The most of a response body the runner reads; a server cannot make it read more.
const BODY_CAP: usize = 1 << 20;
/// Headers every request carries unless a step sets its own.
const DEFAULT_HEADERS: [(&str, &str); 2] = [
    ("User-Agent", concat!("learn/", env!("CARGO_PKG_VERSION"))),
    ("Accept", "*/*"),
];

pub struct Client {
    inner: reqwest::Client,
    base: String,
}

/// A request ready to send: everything rendered.
pub struct Outgoing {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// What came back, with the body as bytes for queries.
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub duration: Duration,
    json: std::cell::OnceCell<Result<serde_json::Value, String>>,
}

impl Client {
    pub fn new(port: u16) -> Client {
        let inner = reqwest::Client::builder()
            .no_proxy()
            // A fresh connection per request: naive servers (Python's http.server) stall
            // ~40 ms per request on a kept-alive connection (Nagle + delayed ACK).
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client with no TLS and no proxy always builds");
        Client {
            inner,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The absolute URL of a step's path: as it is when absolute, else on the server.
    pub fn absolute(&self, path: &str) -> String {
        absolute(&self.base, path)
    }

    /// Send `outgoing`; the record describes what was sent even when nothing came back.
    /// Send `outgoing`, waiting at most `timeout` for the whole response.
    pub async fn send(
        &self,
        outgoing: Outgoing,
        timeout: Duration,
    ) -> (RequestRecord, Result<Response, String>) {
        let mut headers = outgoing.headers;
        for (name, value) in DEFAULT_HEADERS {
            if !headers
                .iter()
                .any(|(set, _)| set.eq_ignore_ascii_case(name))
            {
                headers.insert(0, (name.to_string(), value.to_string()));
            }
        }
        let absolute =
            outgoing.path.starts_with("http://") || outgoing.path.starts_with("https://");
        let joined = if absolute {
            outgoing.path.clone()
        } else if outgoing.path.starts_with('/') {
            format!("{}{}", self.base, outgoing.path)
        } else {
            format!("{}/{}", self.base, outgoing.path)
        };
        let url = reqwest::Url::parse(&joined).map(|mut url| {
            if !outgoing.query.is_empty() {
                url.query_pairs_mut().extend_pairs(&outgoing.query);
            }
            url
        });
        let target = match &url {
            Ok(url) if url.as_str().starts_with(&self.base) => {
                url.as_str()[self.base.len()..].to_string()
            }
            Ok(url) => url.to_string(),
            Err(_) => joined.clone(),
        };
        let record = RequestRecord {
            method: outgoing.method.clone(),
            target,
            headers: headers.clone(),
            body: outgoing.body.clone(),
        };
        let url = match url {
            Ok(url) => url,
            Err(error) => {
                return (
                    record,
                    Err(format!("`{joined}` is not a valid URL: {error}")),
                );
            }
        };
        let response = self
            .exchange(&outgoing.method, url, &headers, outgoing.body, timeout)
            .await;
        (record, response)
    }

    async fn exchange(
        &self,
        method: &str,
        url: reqwest::Url,
        headers: &[(String, String)],
        body: Option<String>,
        timeout: Duration,
    ) -> Result<Response, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| format!("`{value}` is not a valid header value"))?;
            map.append(name, value);
        }
        let mut request = self
            .inner
            .request(method, url)
            .headers(map)
            .timeout(timeout);
        if let Some(body) = body {
            request = request.body(body);
        }
        let started = Instant::now();
        let mut response = request
            .send()
            .await
            .map_err(|error| describe(&error, timeout))?;
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut truncated = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = BODY_CAP - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if chunk.len() > room {
                        truncated = true;
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) => return Err(describe(&error, timeout)),
            }
        }
        Ok(Response {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
            truncated,
            duration: started.elapsed(),
            json: std::cell::OnceCell::new(),
        })
    }
}

/// The absolute URL of a step's path: as it is when absolute, else under `base`.
pub fn absolute(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_string()
    } else if path.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// How a request that timed out ends its description.
pub const TIMED_OUT: &str = "(the per-request timeout)";

/// Whether the server answers anything at all, within `wait`: a request for `/` on a
/// fresh connection gets any byte back, or the connection closed. False only for a
/// server that accepts connections and then says nothing (a hung one).
pub async fn answers_at_all(port: u16, wait: Duration) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await?;
        let mut byte = [0u8; 1];
        stream.read(&mut byte).await
    };
    // Any end but the time running out: a byte, a closed or refused connection.
    tokio::time::timeout(wait, probe).await.is_ok()
}

/// What went wrong, in words a beginner can act on.
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        format!(
            "no complete response within {:.1} s {TIMED_OUT}",
            timeout.as_secs_f64()
        )
    } else if error.is_connect() {
        "could not connect: nothing accepted the connection".to_string()
    } else if error.is_body() || error.is_decode() {
        "the response body was cut off: the server closed the connection mid-response".to_string()
    } else {
        let mut source: Option<&dyn std::error::Error> = Some(error);
        let mut deepest = error.to_string();
        while let Some(error) = source {
            deepest = error.to_string();
            source = error.source();
        }
        format!("the server did not send a valid HTTP response ({deepest})")
    }
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, once.
    pub fn json(&self) -> Result<&serde_json::Value, &String> {
        self.json
            .get_or_init(|| {
                serde_json::from_slice(&self.body).map_err(|error| {
                    let start: String = self.text().chars().take(60).collect();
                    if self.body.is_empty() {
                        "the body is empty, not JSON".to_string()
                    } else {
                        format!("the body is not JSON ({error}); it starts with {start:?}")
                    }
                })
            })
            .as_ref()
    }

    pub fn record(&self) -> ResponseRecord {
        let text = self.text();
        ResponseRecord {
            status: self.status,
            reason: self.reason.clone(),
            headers: self.headers.clone(),
            body_truncated: self.truncated || std::str::from_utf8(&self.body).is_err(),
            body: text,
            duration_ms: self.duration.as_millis() as u64,
        }
    }
}

#[cfg(test)]
impl Response {
    pub fn fake(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            reason: String::new(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            duration: Duration::from_millis(3),
            json: std::cell::OnceCell::new(),
        }
    }
}
