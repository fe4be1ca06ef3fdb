"""Log in with an OpenID Connect provider, by hand (FastAPI + httpx + PyJWT).

No OAuth client library: discovery, PKCE (S256), the code exchange
(client_secret_post) and the ID token's checks are all written out below.
Sessions live server-side, in the database: the browser's cookie holds only a
random id, stored as its HMAC under SESSION_SECRET.
"""
import base64
import hashlib
import hmac
import os
import secrets
import sys
import threading
import time
from urllib.parse import quote, urlencode

import httpx
import jwt
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException

import db

PORT = int(os.environ.get("PORT", "8000"))
ISSUER = os.environ.get("OAUTH_ISSUER", "")
CLIENT_ID = os.environ.get("OAUTH_CLIENT_ID", "")
CLIENT_SECRET = os.environ.get("OAUTH_CLIENT_SECRET", "")
SESSION_SECRET = os.environ.get("SESSION_SECRET") or secrets.token_hex(32)

# The callback is on the host where the browser starts its login, so that it gets the
# session cookie back (a browser keeps cookies per host name).
REDIRECT_URI = f"http://127.0.0.1:{PORT}/auth/callback"
SCOPE = "openid email profile"
COOKIE = "sid"
LOGIN_TTL = 600  # seconds a started login may take to come back
CLOCK_LEEWAY = 60  # seconds

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    id {db.ID_COLUMN},
    sub TEXT NOT NULL UNIQUE,
    email TEXT,
    name TEXT
);
CREATE TABLE IF NOT EXISTS web_sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_logins (
    state TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_logins_session_id ON pending_logins (session_id)
"""

app = FastAPI()
http = httpx.Client(timeout=10.0, follow_redirects=False)


def log(message):
    print(f"oauth-login: {message}", file=sys.stderr, flush=True)


class Refused(Exception):
    """A callback or an ID token that logs nobody in."""


@app.exception_handler(Refused)
def refused(request, exc):
    log(f"refused: {exc}")
    return JSONResponse({"error": str(exc)}, 401, headers={"Cache-Control": "no-store"})


@app.exception_handler(HTTPException)
def http_error(request, exc):
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


@app.exception_handler(Exception)
def server_error(request, exc):
    log(f"error: {exc!r}")
    return JSONResponse({"error": "internal server error"}, 500)


# ---------------------------------------------------------------- the provider

_metadata = None
_jwks = {}
_lock = threading.Lock()


def get_json(url):
    response = http.get(url, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise HTTPException(502, f"the provider answered {response.status_code} for {url}")
    try:
        return response.json()
    except ValueError:
        raise HTTPException(502, f"the provider's answer at {url} is not JSON")


def metadata():
    """The discovery document, fetched once."""
    global _metadata
    with _lock:
        if _metadata is None:
            document = get_json(ISSUER.rstrip("/") + "/.well-known/openid-configuration")
            for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(document.get(field), str):
                    raise HTTPException(502, f"the discovery document has no {field}")
            if document.get("issuer") != ISSUER:
                log(f"the discovery document names issuer {document.get('issuer')!r}, not {ISSUER!r}")
            _metadata = document
        return _metadata


def signing_key(kid):
    """The provider's RSA key with this kid: fetched again once when the kid is new."""
    for attempt in range(2):
        with _lock:
            if kid in _jwks:
                return _jwks[kid]
            if attempt == 1:
                break
        keys = get_json(metadata()["jwks_uri"]).get("keys")
        found = {}
        for jwk in keys if isinstance(keys, list) else []:
            if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not isinstance(jwk.get("kid"), str):
                continue
            if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
                continue
            try:
                found[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="RS256").key
            except jwt.PyJWTError:
                continue
        with _lock:
            _jwks.clear()
            _jwks.update(found)
    raise Refused(f"the ID token's key {kid!r} is not in the provider's JWKS")


# ---------------------------------------------------------------- sessions


def session_key(token):
    return hmac.new(SESSION_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()


def current_session(request):
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    return db.one("SELECT * FROM web_sessions WHERE id = ?", [session_key(token)])


def new_session(user_id=None):
    token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO web_sessions (id, user_id, created_at) VALUES (?, ?, ?)",
        [session_key(token), user_id, int(time.time())],
    )
    return token


def set_cookie(response, token):
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", path="/")


# ---------------------------------------------------------------- the flow


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def only(request, name):
    values = request.query_params.getlist(name)
    return values[0] if len(values) == 1 and values[0] else None


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/auth/login")
def login(request: Request):
    endpoint = metadata()["authorization_endpoint"]
    session = current_session(request)
    token = None
    if session is None:
        token = new_session()
        session_id = session_key(token)
    else:
        session_id = session["id"]

    state = secrets.token_urlsafe(48)  # 64 characters
    nonce = secrets.token_urlsafe(32)  # 43 characters
    code_verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-]
    code_challenge = b64url(hashlib.sha256(code_verifier.encode("ascii")).digest())
    now = int(time.time())
    db.execute("DELETE FROM pending_logins WHERE created_at < ?", [now - LOGIN_TTL])
    db.execute(
        "INSERT INTO pending_logins (state, session_id, nonce, code_verifier, redirect_uri, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [state, session_id, nonce, code_verifier, REDIRECT_URI, now],
    )

    params = urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        },
        quote_via=quote,
    )
    url = endpoint + ("&" if "?" in endpoint else "?") + params
    response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
    if token:
        set_cookie(response, token)
    return response


def exchange(code, login):
    response = http.post(
        metadata()["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": login["redirect_uri"],
            "code_verifier": login["code_verifier"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        headers={"Accept": "application/json"},
    )
    if response.status_code != 200:
        raise Refused(f"the provider refused the code ({response.status_code}: {response.text[:200]})")
    try:
        body = response.json()
    except ValueError:
        raise Refused("the provider's token answer is not JSON")
    if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
        raise Refused("the provider's token answer has no id_token")
    return body["id_token"]


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def verify_id_token(id_token, expected_nonce):
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as err:
        raise Refused(f"the ID token is not a JWT: {err}")
    if header.get("alg") != "RS256":
        raise Refused(f"the ID token is signed with {header.get('alg')!r}, not RS256")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise Refused("the ID token's header names no kid")

    # The signature, and only the signature: every claim is checked below, by hand.
    try:
        claims = jwt.decode(
            id_token,
            key=signing_key(kid),
            algorithms=["RS256"],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
                "verify_sub": False,
                "verify_jti": False,
            },
        )
    except jwt.PyJWTError as err:
        raise Refused(f"the ID token's signature does not verify: {err}")

    if claims.get("iss") != ISSUER:
        raise Refused(f"the ID token's iss is {claims.get('iss')!r}, not {ISSUER!r}")

    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if CLIENT_ID not in [a for a in audiences if isinstance(a, str)]:
        raise Refused(f"the ID token is for {aud!r}, not for this app")

    exp = claims.get("exp")
    if not is_number(exp):
        raise Refused("the ID token has no exp")
    if time.time() > exp + CLOCK_LEEWAY:
        raise Refused("the ID token has expired")

    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), expected_nonce.encode()):
        raise Refused("the ID token's nonce is not the one this login sent")

    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise Refused("the ID token has no sub")
    return claims


@app.get("/auth/callback")
def callback(request: Request):
    session = current_session(request)
    if session is None:
        raise Refused("this browser never started a login")
    state = only(request, "state")
    if state is None:
        raise Refused("the callback has no state")
    # Take the login out of the session at once: a state works once.
    login = db.one(
        "DELETE FROM pending_logins WHERE state = ? AND session_id = ? RETURNING *",
        [state, session["id"]],
    )
    if login is None:
        raise Refused("the state is not one this browser's session started")
    if time.time() - login["created_at"] > LOGIN_TTL:
        raise Refused("the login took too long")
    if "error" in request.query_params:
        raise Refused(f"the provider answered {only(request, 'error') or 'an error'}")
    code = only(request, "code")
    if code is None:
        raise Refused("the callback has no code")

    claims = verify_id_token(exchange(code, login), login["nonce"])
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    user = db.one(
        "INSERT INTO users (sub, email, name) VALUES (?, ?, ?)"
        " ON CONFLICT (sub) DO UPDATE SET email = excluded.email, name = excluded.name"
        " RETURNING id",
        [claims["sub"], email, name],
    )

    # A new session id for the logged-in browser: the old one is dropped.
    db.execute("DELETE FROM pending_logins WHERE session_id = ?", [session["id"]])
    db.execute("DELETE FROM web_sessions WHERE id = ?", [session["id"]])
    token = new_session(user["id"])
    response = RedirectResponse("/me", status_code=303, headers={"Cache-Control": "no-store"})
    set_cookie(response, token)
    return response


@app.get("/me")
def me(request: Request):
    session = current_session(request)
    user = session and session["user_id"] and db.one("SELECT * FROM users WHERE id = ?", [session["user_id"]])
    if not user:
        raise HTTPException(401, "nobody is logged in")
    return {"id": user["id"], "sub": user["sub"], "email": user["email"], "name": user["name"], "issuer": ISSUER}


if __name__ == "__main__":
    db.script(SCHEMA)
    uvicorn.run(app, host="127.0.0.1", port=PORT)
