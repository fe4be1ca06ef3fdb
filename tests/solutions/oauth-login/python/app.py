"""Log in with a provider: the authorization code flow with PKCE, state and nonce, an ID
token verified with the provider's keys, and every forged callback refused."""

import os
import time

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, abort, jsonify, redirect, request, session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from werkzeug.exceptions import HTTPException

import db

PORT = int(os.environ.get("PORT", "8000"))

# learn starts a provider for every run and sets these; by hand, only /health works.
OAUTH_ISSUER = os.environ.get("OAUTH_ISSUER", "")
OAUTH_CLIENT_ID = os.environ.get("OAUTH_CLIENT_ID", "")
OAUTH_CLIENT_SECRET = os.environ.get("OAUTH_CLIENT_SECRET", "")

REDIRECT_URI = f"http://127.0.0.1:{PORT}/auth/callback"

# A clock a minute off the provider's still accepts a fresh ID token.
CLOCK_LEEWAY_SECONDS = 60

app = Flask(__name__)
app.secret_key = os.environ.get("SESSION_SECRET", "only-for-trying-by-hand-learn-sets-SESSION_SECRET")
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

# Authlib reads the discovery document when it first needs it, not at start.
oauth = OAuth(app)
oauth.register(
    "provider",
    client_id=OAUTH_CLIENT_ID,
    client_secret=OAUTH_CLIENT_SECRET,
    server_metadata_url=f"{OAUTH_ISSUER}/.well-known/openid-configuration",
    client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    id {db.ID_COLUMN},
    sub TEXT NOT NULL UNIQUE,
    email TEXT,
    name TEXT
)
"""


class LoginRefused(Exception):
    """A callback or an ID token that proves nothing; the message says why."""


@app.errorhandler(LoginRefused)
def login_refused(error):
    return jsonify(error=str(error)), 400


@app.errorhandler(requests.RequestException)
def provider_unreachable(error):
    """The provider did not answer, or answered with a server error: not the browser's fault."""
    return jsonify(error=f"the provider did not answer: {error}"), 502


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 401, 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


def verify_id_token(id_token, nonce):
    """The ID token's claims, once each check of README.md ("3. The ID token") passed.

    Authlib's authorize_access_token() checks them too; here each is a line of its own."""
    try:
        keys = KeySet.import_key_set(oauth.provider.fetch_jwk_set())
        # The signature, with the JWKS key that the header's kid names; RS256 only,
        # whatever the token's header says.
        claims = jwt.decode(id_token, keys, algorithms=["RS256"]).claims
    except (JoseError, ValueError):
        raise LoginRefused("the ID token is not a JWT signed by the provider's key") from None
    if claims.get("iss") != OAUTH_ISSUER:
        raise LoginRefused("the ID token comes from another issuer")
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    if OAUTH_CLIENT_ID not in audiences:
        raise LoginRefused("the ID token is for another app (aud)")
    expires_at = claims.get("exp")
    if not isinstance(expires_at, (int, float)) or expires_at < time.time() - CLOCK_LEEWAY_SECONDS:
        raise LoginRefused("the ID token has expired")
    if claims.get("nonce") != nonce:
        raise LoginRefused("the ID token's nonce is not this login's")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise LoginRefused("the ID token names nobody (no sub)")
    return claims


def save_user(claims):
    """The user whose sub the claims hold: added at the first login, updated after."""
    return db.one(
        "INSERT INTO users (sub, email, name) VALUES (?, ?, ?)"
        " ON CONFLICT (sub) DO UPDATE SET email = excluded.email, name = excluded.name"
        " RETURNING id",
        [claims["sub"], claims.get("email"), claims.get("name")],
    )


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/auth/login")
def login():
    # Authlib makes a new state, nonce and PKCE code_verifier (with its S256 challenge)
    # for every login; this browser's session keeps them until its callback.
    authorization = oauth.provider.create_authorization_url(REDIRECT_URI)
    session["login"] = {
        "state": authorization["state"],
        "nonce": authorization["nonce"],
        "code_verifier": authorization["code_verifier"],
    }
    return redirect(authorization["url"])


@app.get("/auth/callback")
def callback():
    started = session.pop("login", None)  # a state works once: this callback uses it up
    if "error" in request.args:
        raise LoginRefused(f"the provider answered {request.args['error']}: nobody logged in")
    if started is None:
        raise LoginRefused("this browser started no login: start at /auth/login")
    if request.args.get("state") != started["state"]:
        raise LoginRefused("the state is not the one this browser's login sent")
    if not request.args.get("code"):
        raise LoginRefused("the callback has no code")
    try:
        tokens = oauth.provider.fetch_access_token(
            code=request.args["code"],
            redirect_uri=REDIRECT_URI,
            code_verifier=started["code_verifier"],
        )
    except (OAuthError, ValueError) as error:  # the provider refused the code (400, 401)
        raise LoginRefused(f"the provider refused the code: {error}") from None
    if not isinstance(tokens.get("id_token"), str):
        raise LoginRefused("the provider answered no ID token")
    claims = verify_id_token(tokens["id_token"], started["nonce"])
    session["user_id"] = save_user(claims)["id"]
    return redirect("/me")


@app.get("/me")
def me():
    user_id = session.get("user_id")
    if user_id is None:
        abort(401, description="nobody is logged in: start at /auth/login")
    user = db.one("SELECT id, sub, email, name FROM users WHERE id = ?", [user_id])
    if user is None:
        abort(401, description="nobody is logged in: start at /auth/login")
    return jsonify(user)


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT)
