//! A mock OAuth 2.0 / OpenID Connect provider, served by learn on a loopback port for
//! one run: discovery, `/authorize` (authorization code with PKCE S256), `/token`,
//! `/userinfo` and the JWKS, with an RSA key made for the run from its seed. The checks
//! choose who logs in next, tell it to misbehave once (an ID token for another
//! audience, with another nonce or issuer, a bad signature, expired), and read the log
//! of every call the learner's server made.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use crate::course::checks::Misbehaviour;

/// The path the learner's server must register as its callback.
pub const CALLBACK_PATH: &str = "/auth/callback";
/// How long the provider's access and ID tokens live.
const TOKEN_SECONDS: i64 = 300;
/// The most calls the log keeps: a flooding server cannot make it grow without bound.
const MAX_CALLS: usize = 1000;

/// The provider of one run: its address and credentials, and the task serving it
/// (ended when this is dropped).
pub struct Provider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    handle: Handle,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the checks hold of the provider: who logs in next, what goes wrong next, and
/// the log of calls.
#[derive(Clone)]
pub struct Handle(Arc<Mutex<Provided>>);

impl Handle {
    /// The user the next `/authorize` logs in: an object with at least `sub`.
    pub fn set_user(&self, user: Value) {
        self.lock().user = user;
    }

    /// Misbehave in the next successful token answer only.
    pub fn misbehave(&self, what: Misbehaviour) {
        self.lock().misbehaviour = Some(what);
    }

    /// Send every call to `watcher` too, as it is logged (`learn provider` prints them).
    pub fn watch(&self, watcher: tokio::sync::mpsc::UnboundedSender<Value>) {
        self.lock().watcher = Some(watcher);
    }

    /// What the checks read: `{"user", "misbehaviour", "calls": [...]}`.
    pub fn snapshot(&self) -> Value {
        let provided = self.lock();
        json!({
            "user": provided.user,
            "misbehaviour": provided.misbehaviour.map(|what| {
                Misbehaviour::ALL.iter().find(|(_, kind)| *kind == what).map(|(name, _)| *name)
            }),
            "calls": provided.calls,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Provided> {
        // A handler that panicked cannot leave the state half-written in a way that
        // matters here: go on with it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A code handed out by `/authorize`, until `/token` redeems it.
struct Grant {
    redirect_uri: String,
    code_challenge: String,
    nonce: Option<String>,
    scope: String,
    user: Value,
    redeemed: bool,
}

struct Provided {
    issuer: String,
    client_id: String,
    client_secret: String,
    user: Value,
    misbehaviour: Option<Misbehaviour>,
    grants: HashMap<String, Grant>,
    access_tokens: HashMap<String, Value>,
    calls: Vec<Value>,
    watcher: Option<tokio::sync::mpsc::UnboundedSender<Value>>,
    keys: Keys,
    rng: StdRng,
}

struct Keys {
    kid: String,
    signing: EncodingKey,
    /// A key of the same size that is not in the JWKS, for `bad_signature`.
    impostor: EncodingKey,
    jwk: Value,
}

impl Provider {
    /// Start a provider on a free loopback port, its keys and credentials made from
    /// `seed`.
    pub async fn start(seed: u64) -> Result<Provider, String> {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x0a07_1d00);
        let keys = Keys::make(&mut rng)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|error| format!("the OAuth provider could not listen: {error}"))?;
        let port = listener
            .local_addr()
            .map_err(|error| error.to_string())?
            .port();
        let issuer = format!("http://127.0.0.1:{port}");
        let client_id = format!("learn-{}", random_text(&mut rng, 12));
        let client_secret = random_text(&mut rng, 32);
        let handle = Handle(Arc::new(Mutex::new(Provided {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            user: json!({
                "sub": format!("user-{}", random_text(&mut rng, 10)),
                "email": "ada@example.com",
                "email_verified": true,
                "name": "Ada Lovelace",
            }),
            misbehaviour: None,
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
            calls: Vec::new(),
            watcher: None,
            keys,
            rng,
        })));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .route("/jwks", get(jwks))
            .fallback(unknown)
            .with_state(handle.clone());
        let task = tokio::spawn(async move {
            // It ends when the run drops the provider (the task is aborted).
            let _ = axum::serve(listener, app).await;
        });
        Ok(Provider {
            issuer,
            client_id,
            client_secret,
            handle,
            task,
        })
    }

    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// What the learner's server gets in its environment.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("OAUTH_ISSUER".to_string(), self.issuer.clone()),
            ("OAUTH_CLIENT_ID".to_string(), self.client_id.clone()),
            (
                "OAUTH_CLIENT_SECRET".to_string(),
                self.client_secret.clone(),
            ),
        ]
    }

    /// The port it listens on: redirects there are followed like the server's own.
    pub fn port(&self) -> u16 {
        self.issuer
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .unwrap_or(0)
    }
}

impl Keys {
    fn make(rng: &mut StdRng) -> Result<Keys, String> {
        let mut adapter = SeededRng(rng);
        let private = rsa::PrivateKey::new(&mut adapter, 2048)
            .map_err(|error| format!("could not make the provider's key: {error}"))?;
        let impostor = rsa::PrivateKey::new(&mut adapter, 2048)
            .map_err(|error| format!("could not make the provider's key: {error}"))?;
        let der = |key: &rsa::PrivateKey| {
            key.to_pkcs1_der()
                .map(|der| EncodingKey::from_rsa_der(der.as_bytes()))
                .map_err(|error| format!("could not encode the provider's key: {error}"))
        };
        let kid = format!("learn-{}", random_text(rng, 8));
        let n = private.n().to_be_bytes_trimmed_vartime();
        let e = private.e().to_be_bytes_trimmed_vartime();
        Ok(Keys {
            jwk: json!({
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": kid,
                "n": URL_SAFE_NO_PAD.encode(n),
                "e": URL_SAFE_NO_PAD.encode(e),
            }),
            signing: der(&private)?,
            impostor: der(&impostor)?,
            kid,
        })
    }
}

/// The seeded generator, as the RSA crate's random source: keys repeat with `--seed`.
struct SeededRng<'a>(&'a mut StdRng);

impl rsa::rand_core::TryRng for SeededRng<'_> {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for SeededRng<'_> {}

fn random_text(rng: &mut StdRng, length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..length)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An OAuth error answer (RFC 6749 section 5.2), logged.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

impl Provided {
    fn log(&mut self, call: Value) {
        if let Some(watcher) = &self.watcher {
            // Nobody listening any more is no reason to fail a call.
            let _ = watcher.send(call.clone());
        }
        if self.calls.len() < MAX_CALLS {
            self.calls.push(call);
        }
    }
}

async fn discovery(State(handle): State<Handle>) -> Response {
    let mut provided = handle.lock();
    provided.log(json!({ "endpoint": "discovery", "status": 200 }));
    let issuer = provided.issuer.clone();
    axum::Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "email", "email_verified", "name"],
    }))
    .into_response()
}

/// Whether `uri` may be a callback of the learner's server: http, a loopback host,
/// and the callback path.
fn callback_allowed(uri: &str) -> bool {
    reqwest::Url::parse(uri).is_ok_and(|url| {
        url.scheme() == "http"
            && matches!(url.host_str(), Some("127.0.0.1" | "localhost"))
            && url.path() == CALLBACK_PATH
    })
}

async fn authorize(
    State(handle): State<Handle>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let mut provided = handle.lock();
    let mut call = json!({ "endpoint": "authorize", "params": params });
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
    // Without a known client and an allowed callback, there is nowhere safe to send an
    // error: answer it here (RFC 6749 section 4.1.2.1).
    let refusal = if param("client_id") != provided.client_id {
        Some("unknown client_id: use OAUTH_CLIENT_ID")
    } else if !callback_allowed(param("redirect_uri")) {
        Some("redirect_uri must be http://127.0.0.1:PORT/auth/callback (or localhost)")
    } else {
        None
    };
    if let Some(why) = refusal {
        call["status"] = json!(400);
        call["error"] = json!(why);
        provided.log(call);
        return (StatusCode::BAD_REQUEST, why).into_response();
    }
    let mut back = reqwest::Url::parse(param("redirect_uri")).expect("checked above");
    let error = if param("response_type") != "code" {
        Some(("unsupported_response_type", "response_type must be code"))
    } else if !param("scope").split(' ').any(|scope| scope == "openid") {
        Some(("invalid_scope", "scope must include openid"))
    } else if param("code_challenge").is_empty() || param("code_challenge_method") != "S256" {
        Some((
            "invalid_request",
            "PKCE is required: code_challenge with code_challenge_method=S256",
        ))
    } else {
        None
    };
    match error {
        Some((error, description)) => {
            back.query_pairs_mut()
                .append_pair("error", error)
                .append_pair("error_description", description);
            call["error"] = json!(error);
        }
        None => {
            let code = random_text(&mut provided.rng, 32);
            let grant = Grant {
                redirect_uri: param("redirect_uri").to_string(),
                code_challenge: param("code_challenge").to_string(),
                nonce: params.get("nonce").cloned(),
                scope: param("scope").to_string(),
                user: provided.user.clone(),
                redeemed: false,
            };
            provided.grants.insert(code.clone(), grant);
            back.query_pairs_mut().append_pair("code", &code);
            call["code"] = json!(code);
        }
    }
    if let Some(state) = params.get("state") {
        back.query_pairs_mut().append_pair("state", state);
    }
    call["status"] = json!(302);
    call["location"] = json!(back.as_str());
    provided.log(call);
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

/// The client's id and secret, from HTTP Basic (form-encoded, RFC 6749 section 2.3.1)
/// or the form; and how they came.
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> (Option<String>, Option<String>, &'static str) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    if let Some(pair) = basic {
        let (id, secret) = pair.split_once(':').unwrap_or((&pair, ""));
        let decode = |text: &str| form_urlencoded_decode(text).unwrap_or_else(|| text.to_string());
        return (
            Some(decode(id)),
            Some(decode(secret)),
            "client_secret_basic",
        );
    }
    (
        form.get("client_id").cloned(),
        form.get("client_secret").cloned(),
        "client_secret_post",
    )
}

fn form_urlencoded_decode(text: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("x={text}"))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map(|(_, value)| value)
}

async fn token(
    State(handle): State<Handle>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut provided = handle.lock();
    let (client_id, client_secret, auth) = client_credentials(&headers, &form);
    let mut shown = form.clone();
    shown.remove("client_secret");
    let mut call = json!({ "endpoint": "token", "params": shown, "client_auth": auth });
    let answer = redeem(&mut provided, &form, client_id, client_secret);
    match &answer {
        Ok(_) => call["status"] = json!(200),
        Err((status, error, _)) => {
            call["status"] = json!(status.as_u16());
            call["error"] = json!(error);
        }
    }
    provided.log(call);
    match answer {
        Ok(body) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response(),
        Err((status, error, description)) => oauth_error(status, error, &description),
    }
}

type Refusal = (StatusCode, &'static str, String);

/// Redeem an authorization code: the token answer, or the OAuth error.
fn redeem(
    provided: &mut Provided,
    form: &HashMap<String, String>,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<Value, Refusal> {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    if client_id.as_deref() != Some(provided.client_id.as_str())
        || client_secret.as_deref() != Some(provided.client_secret.as_str())
    {
        return Err((
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "authenticate with OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET (HTTP Basic or the form)"
                .to_string(),
        ));
    }
    if field("grant_type") != "authorization_code" {
        return Err((
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code".to_string(),
        ));
    }
    let invalid = |why: &str| Err((StatusCode::BAD_REQUEST, "invalid_grant", why.to_string()));
    let Some(grant) = provided.grants.get_mut(field("code")) else {
        return invalid("unknown code");
    };
    if grant.redeemed {
        return invalid("this code was used already: a code works once");
    }
    grant.redeemed = true;
    if grant.redirect_uri != field("redirect_uri") {
        return invalid("redirect_uri differs from the one sent to /authorize");
    }
    let verifier = field("code_verifier");
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if verifier.is_empty() || challenge != grant.code_challenge {
        return invalid("code_verifier does not match the code_challenge (PKCE S256)");
    }
    let user = grant.user.clone();
    let nonce = grant.nonce.clone();
    let scope = grant.scope.clone();
    let misbehaviour = provided.misbehaviour.take();
    let issued = now();
    let mut claims = json!({
        "iss": provided.issuer,
        "sub": user["sub"],
        "aud": provided.client_id,
        "iat": issued,
        "exp": issued + TOKEN_SECONDS,
        "auth_time": issued,
    });
    for (name, value) in user.as_object().into_iter().flatten() {
        claims[name] = value.clone();
    }
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    let mut key = &provided.keys.signing;
    match misbehaviour {
        Some(Misbehaviour::WrongAudience) => claims["aud"] = json!("another-client"),
        Some(Misbehaviour::WrongNonce) => claims["nonce"] = json!("not-the-nonce-you-sent"),
        Some(Misbehaviour::WrongIssuer) => claims["iss"] = json!("http://127.0.0.1:9/impostor"),
        Some(Misbehaviour::BadSignature) => key = &provided.keys.impostor,
        Some(Misbehaviour::Expired) => {
            claims["iat"] = json!(issued - 3600);
            claims["exp"] = json!(issued - 1800);
        }
        None => {}
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(provided.keys.kid.clone());
    let id_token = jsonwebtoken::encode(&header, &claims, key).map_err(|error| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            error.to_string(),
        )
    })?;
    let access_token = random_text(&mut provided.rng, 40);
    provided.access_tokens.insert(access_token.clone(), user);
    Ok(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
        "id_token": id_token,
        "scope": scope,
    }))
}

async fn userinfo(State(handle): State<Handle>, headers: HeaderMap) -> Response {
    let mut provided = handle.lock();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim().to_string())
        });
    let user = token.and_then(|token| provided.access_tokens.get(&token).cloned());
    match user {
        Some(user) => {
            provided.log(json!({ "endpoint": "userinfo", "status": 200 }));
            axum::Json(user).into_response()
        }
        None => {
            provided.log(json!({ "endpoint": "userinfo", "status": 401 }));
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
            )
                .into_response()
        }
    }
}

async fn jwks(State(handle): State<Handle>) -> Response {
    let mut provided = handle.lock();
    provided.log(json!({ "endpoint": "jwks", "status": 200 }));
    axum::Json(json!({ "keys": [provided.keys.jwk.clone()] })).into_response()
}

async fn unknown(State(handle): State<Handle>, uri: axum::http::Uri) -> Response {
    let mut provided = handle.lock();
    provided.log(json!({ "endpoint": uri.path(), "status": 404 }));
    (
        StatusCode::NOT_FOUND,
        "no such endpoint: read the discovery document at /.well-known/openid-configuration",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole flow as a client makes it: discovery, authorize with PKCE, token, the
    /// ID token verified with the JWKS, userinfo; then a replayed code and a
    /// misbehaving answer.
    #[tokio::test]
    async fn a_client_logs_in_and_attacks_are_refused() {
        let provider = Provider::start(7).await.unwrap();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let get = |url: String| client.get(url).send();
        let config: Value = get(format!(
            "{}/.well-known/openid-configuration",
            provider.issuer
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(config["issuer"], provider.issuer);
        let verifier = "a-verifier-of-the-client-that-is-long-enough-0123456789";
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
        let callback = "http://127.0.0.1:8000/auth/callback";
        let login = |nonce: &str| {
            let mut url =
                reqwest::Url::parse(config["authorization_endpoint"].as_str().unwrap()).unwrap();
            url.query_pairs_mut()
                .append_pair("response_type", "code")
                .append_pair("client_id", &provider.client_id)
                .append_pair("redirect_uri", callback)
                .append_pair("scope", "openid email")
                .append_pair("state", "s1")
                .append_pair("nonce", nonce)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
            url.to_string()
        };
        let code_of = |response: reqwest::Response| {
            let location = response.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_string();
            let url = reqwest::Url::parse(&location).unwrap();
            assert!(location.starts_with(callback), "{location}");
            let pairs: HashMap<String, String> = url.query_pairs().into_owned().collect();
            assert_eq!(pairs["state"], "s1");
            pairs["code"].clone()
        };
        let exchange = |code: String, verifier: &'static str| {
            client
                .post(config["token_endpoint"].as_str().unwrap())
                .basic_auth(&provider.client_id, Some(&provider.client_secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", callback),
                    ("code_verifier", verifier),
                ])
                .send()
        };
        let code = code_of(get(login("n1")).await.unwrap());
        let answer = exchange(code.clone(), verifier).await.unwrap();
        assert_eq!(answer.status(), 200);
        let answer: Value = answer.json().await.unwrap();
        let id_token = answer["id_token"].as_str().unwrap();
        let keys: Value = get(config["jwks_uri"].as_str().unwrap().to_string())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key = &keys["keys"][0];
        let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
            key["n"].as_str().unwrap(),
            key["e"].as_str().unwrap(),
        )
        .unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_audience(&[&provider.client_id]);
        validation.set_issuer(&[&provider.issuer]);
        let claims = jsonwebtoken::decode::<Value>(id_token, &decoding, &validation)
            .unwrap()
            .claims;
        assert_eq!(claims["nonce"], "n1");
        assert_eq!(claims["email"], "ada@example.com");
        let me: Value = client
            .get(config["userinfo_endpoint"].as_str().unwrap())
            .bearer_auth(answer["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["sub"], claims["sub"]);
        // A code works once; a wrong verifier is refused.
        let replay = exchange(code, verifier).await.unwrap();
        assert_eq!(replay.status(), 400);
        let code = code_of(get(login("n2")).await.unwrap());
        let wrong = exchange(code, "another-verifier").await.unwrap();
        assert_eq!(wrong.status(), 400);
        // Told to misbehave, the next ID token is for another audience, once.
        provider.handle().misbehave(Misbehaviour::WrongAudience);
        let code = code_of(get(login("n3")).await.unwrap());
        let answer: Value = exchange(code, verifier)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let error = jsonwebtoken::decode::<Value>(
            answer["id_token"].as_str().unwrap(),
            &decoding,
            &validation,
        )
        .unwrap_err();
        assert!(matches!(
            error.kind(),
            jsonwebtoken::errors::ErrorKind::InvalidAudience
        ));
        let calls = provider.handle().snapshot()["calls"].clone();
        let endpoints: Vec<&str> = calls
            .as_array()
            .unwrap()
            .iter()
            .map(|call| call["endpoint"].as_str().unwrap())
            .collect();
        assert_eq!(
            endpoints,
            [
                "discovery",
                "authorize",
                "token",
                "jwks",
                "userinfo",
                "token",
                "authorize",
                "token",
                "authorize",
                "token"
            ]
        );
        assert_eq!(calls[5]["error"], "invalid_grant");
        assert_eq!(provider.handle().snapshot()["misbehaviour"], Value::Null);
    }

    #[test]
    fn callbacks_are_the_learners_server_only() {
        assert!(callback_allowed("http://127.0.0.1:8000/auth/callback"));
        assert!(callback_allowed("http://localhost:1234/auth/callback"));
        assert!(!callback_allowed("http://evil.example/auth/callback"));
        assert!(!callback_allowed("https://127.0.0.1:8000/auth/callback"));
        assert!(!callback_allowed("http://127.0.0.1:8000/callback"));
        assert!(!callback_allowed("not a url"));
    }
}
