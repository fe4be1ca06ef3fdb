"""Sign-up, log-in and JSON Web Tokens. Read README.md for the task, then run `learn check`."""

import os
import secrets
import time

import jwt  # PyJWT
from flask import Flask, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

import db  # SQLite or PostgreSQL, from DATABASE_URL: see db.py (no need to change it)

app = Flask(__name__)

# The key that signs access tokens. learn always sets JWT_SECRET, a new one at every
# run; this fallback is only for trying the server by hand.
JWT_SECRET = os.environ.get("JWT_SECRET", "only-for-trying-by-hand-learn-always-sets-JWT_SECRET")

# TODO: the users table: id, email (text, not null, unique) and password_hash (text,
# not null), then a table for the refresh tokens, shaped as you like (see README.md).
# Use CREATE TABLE IF NOT EXISTS: this runs at every start of the server.
# For an id column numbered by the database, write `id {db.ID_COLUMN},`.
SCHEMA = f"""
"""

ACCESS_TOKEN_SECONDS = 900  # 15 minutes, the most README.md allows


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/auth/register")
def register():
    # TODO: check email and password in the JSON body (README.md, "Signing up";
    # request.get_json(silent=True) gives None when it is not JSON). INSERT the user
    # with the email lower-cased and generate_password_hash(password), answer 201.
    # When the unique email says no (except db.IntegrityError), answer 409.
    return not_implemented()


@app.post("/auth/login")
def login():
    # TODO: find the user by email and check_password_hash(stored_hash, password)
    # (README.md, "Logging in"). Answer a token pair: an access token from
    # jwt.encode(payload, JWT_SECRET, algorithm="HS256"), with iat = int(time.time()),
    # and a refresh token from secrets.token_urlsafe(32) that you store.
    return not_implemented()


@app.get("/me")
def me():
    # TODO: take the token from the Authorization header (request.headers), check it
    # with jwt.decode(token, JWT_SECRET, algorithms=["HS256"]), which raises a
    # jwt.InvalidTokenError for every bad token, and answer the user its "sub" names
    # (README.md, "The access token"). Every 401 has the header WWW-Authenticate: Bearer.
    return not_implemented()


@app.post("/auth/refresh")
def refresh():
    # TODO: use the refresh token up and answer a new pair (README.md, "Refresh
    # tokens"). Delete it in one statement (DELETE ... RETURNING), so that two
    # requests at the same time cannot both use it.
    return not_implemented()


@app.post("/auth/logout")
def logout():
    # TODO: revoke the refresh token and answer 204 with an empty body, known or not.
    return not_implemented()


# TODO: Flask answers unknown paths with an HTML page. Make every error JSON
# (look up @app.errorhandler).


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
