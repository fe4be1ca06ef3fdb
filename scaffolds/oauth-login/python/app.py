"""Log in with a provider. Read README.md for the task, then run `learn check`."""

import os

import requests  # what Authlib raises when the provider does not answer: requests.RequestException
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, jsonify, redirect, request, session
from joserfc.errors import JoseError  # what Authlib raises for an ID token that fails a check

import db  # SQLite or PostgreSQL, from DATABASE_URL: see db.py (no need to change it)

PORT = int(os.environ.get("PORT", "8000"))

# learn starts a provider for every run and sets these. Started by hand, the server has
# no provider: it answers /health, and logging in fails.
OAUTH_ISSUER = os.environ.get("OAUTH_ISSUER", "")
OAUTH_CLIENT_ID = os.environ.get("OAUTH_CLIENT_ID", "")
OAUTH_CLIENT_SECRET = os.environ.get("OAUTH_CLIENT_SECRET", "")

# Your callback: the provider sends the browser back here, and accepts no other.
REDIRECT_URI = f"http://127.0.0.1:{PORT}/auth/callback"

app = Flask(__name__)

# Flask's `session` is a cookie that holds its data itself, signed with this key so that
# the browser cannot change it: one session per browser. learn sets a new SESSION_SECRET
# at every run; the fallback is only for trying the server by hand.
app.secret_key = os.environ.get("SESSION_SECRET", "only-for-trying-by-hand-learn-sets-SESSION_SECRET")
# Lax: the browser sends the cookie when the provider redirects it back (a plain GET).
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

# The provider, for Authlib: it reads the discovery document (the endpoints and the keys)
# the first time it needs it, not now. code_challenge_method="S256" turns PKCE on.
oauth = OAuth(app)
oauth.register(
    "provider",
    client_id=OAUTH_CLIENT_ID,
    client_secret=OAUTH_CLIENT_SECRET,
    server_metadata_url=f"{OAUTH_ISSUER}/.well-known/openid-configuration",
    client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
)

# TODO: the users table: id, sub (text, not null, unique), email (text) and name
# (text) (README.md, "4. Logging the person in"). Use CREATE TABLE IF NOT EXISTS: this
# runs at every start of the server. For an id column numbered by the database, write
# `id {db.ID_COLUMN},`.
SCHEMA = f"""
"""


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/auth/login")
def login():
    # TODO: redirect the browser to the provider (README.md, "1. The redirect to the
    # provider"): return oauth.provider.authorize_redirect(REDIRECT_URI) makes a new
    # state, nonce and code_verifier, keeps them in this browser's session, and answers
    # the redirect.
    return not_implemented()


@app.get("/auth/callback")
def callback():
    # TODO: refuse a callback with an error parameter (request.args), then let Authlib
    # do the rest (README.md, "2. The callback" and "3. The ID token"):
    # token = oauth.provider.authorize_access_token() checks state against the session,
    # exchanges the code and verifies the ID token; token["userinfo"] holds its claims
    # (sub, email, name). It raises OAuthError, JoseError or requests.RequestException:
    # catch them and answer 400 with {"error": ...}. Then find or add the user by sub,
    # put the user's id in the session (session["user_id"] = ...) and redirect to /me.
    return not_implemented()


@app.get("/me")
def me():
    # TODO: the user whose id the session holds (session.get("user_id")), from the
    # table, as {"id", "sub", "email", "name"}; nobody logged in: 401.
    return not_implemented()


# TODO: Flask answers unknown paths with an HTML page. Make every error JSON
# (look up @app.errorhandler).


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT)
