"""Sign-up, log-in and JSON Web Tokens: hashed passwords, short-lived access tokens and
refresh tokens that work once."""

import hashlib
import os
import re
import secrets
import time

import jwt
from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

import db

app = Flask(__name__)

# learn sets a new JWT_SECRET at every run; the fallback is only for trying by hand.
JWT_SECRET = os.environ.get("JWT_SECRET", "only-for-trying-by-hand-learn-always-sets-JWT_SECRET")

# A refresh token is stored as the SHA-256 of it, so that a copy of the table lets
# nobody in. A fast hash is enough here, unlike for passwords: the token is 32 random
# bytes, with nothing to guess.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    id {db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id)
)
"""

ACCESS_TOKEN_SECONDS = 900  # 15 minutes, the most README.md allows
CLOCK_LEEWAY_SECONDS = 30

# One @, at least one character before it, a domain with a dot that has characters on
# both sides, and no white space anywhere.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD_LENGTH = 8
CREDENTIALS_EXAMPLE = '{"email": "ada@example.com", "password": "correct horse"}'
WRONG_CREDENTIALS = "wrong email or password"

# The hash of a password nobody knows. Log-in checks it when the email is unknown, so
# that an unknown email takes as long to answer as a wrong password.
UNKNOWN_USER_PASSWORD_HASH = (
    "scrypt:32768:8:1$tn9QTMAXvfIjT912$f72571dd2095cb98bd7cfcb4bc031c9da7dd23f229752ddaff2df7"
    "55cbd6f5921d6403759315b6acbf8da1053c90ba545b31fc36b690966fcdbb4f4f8daa83cb"
)

# A user id as an access token names it: "1", "42". 18 digits fit every id column.
USER_ID_PATTERN = re.compile(r"[0-9]{1,18}")


class NotAuthenticated(Exception):
    """No valid access token; the message says why."""


@app.errorhandler(NotAuthenticated)
def not_authenticated(error):
    return jsonify(error=str(error)), 401, {"WWW-Authenticate": "Bearer"}


@app.errorhandler(UnicodeEncodeError)
def unencodable_string(error):
    """JSON can escape half of a UTF-16 pair ("\\ud800"): Python keeps it in the string,
    but hashing or storing it cannot encode it. A bad request, not a crash."""
    return jsonify(error="the body holds a string that is not valid Unicode"), 400


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


def body_object(example):
    """The JSON body, which must be an object like `example`."""
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        abort(400, description=f"the body must be a JSON object like {example}")
    return data


def user_json(row):
    return {"id": row["id"], "email": row["email"]}


def hash_refresh_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_pair(user_id):
    """A new access token and a new (stored) refresh token for the user."""
    issued_at = int(time.time())
    claims = {
        "sub": str(user_id),
        "iat": issued_at,
        "exp": issued_at + ACCESS_TOKEN_SECONDS,
        "jti": secrets.token_urlsafe(8),  # so that two tokens made in one second differ
    }
    access_token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
    refresh_token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO refresh_tokens (token_hash, user_id) VALUES (?, ?)",
        [hash_refresh_token(refresh_token), user_id],
    )
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "refresh_token": refresh_token,
    }


def user_from_access_token():
    """The user whose access token the Authorization header holds."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("send an access token: Authorization: Bearer <access_token>")
    try:
        # algorithms=["HS256"]: the server decides how a token is checked, never the
        # token's own header (which may say "none").
        claims = jwt.decode(
            token,
            JWT_SECRET,
            algorithms=["HS256"],
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["exp", "sub"]},
        )
    except jwt.InvalidTokenError as error:
        raise NotAuthenticated(f"the access token is not valid: {error}") from None
    if not USER_ID_PATTERN.fullmatch(claims["sub"]):  # PyJWT has checked that it is a string
        raise NotAuthenticated("the access token names no user")
    user = db.one("SELECT id, email FROM users WHERE id = ?", [int(claims["sub"])])
    if user is None:
        raise NotAuthenticated("the access token names no user")
    return user


def refresh_token_from_body():
    data = body_object('{"refresh_token": "..."}')
    token = data.get("refresh_token")
    if not isinstance(token, str):
        abort(400, description="refresh_token must be a string")
    return token


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/auth/register")
def register():
    data = body_object(CREDENTIALS_EXAMPLE)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not EMAIL_PATTERN.fullmatch(email):
        abort(400, description="email must be an address like ada@example.com")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        abort(400, description=f"password must be a string of at least {MIN_PASSWORD_LENGTH} characters")
    try:
        user = db.one(
            "INSERT INTO users (email, password_hash) VALUES (?, ?) RETURNING id, email",
            [email.lower(), generate_password_hash(password)],
        )
    except db.IntegrityError:  # the unique email: someone signed up with it already
        abort(409, description="an account with this email already exists")
    return jsonify(user_json(user)), 201


@app.post("/auth/login")
def login():
    data = body_object(CREDENTIALS_EXAMPLE)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        abort(400, description="email and password must be strings")
    user = db.one("SELECT id, password_hash FROM users WHERE email = ?", [email.lower()])
    if user is None:
        check_password_hash(UNKNOWN_USER_PASSWORD_HASH, password)
        abort(401, description=WRONG_CREDENTIALS)
    if not check_password_hash(user["password_hash"], password):
        abort(401, description=WRONG_CREDENTIALS)
    return jsonify(token_pair(user["id"]))


@app.get("/me")
def me():
    return jsonify(user_json(user_from_access_token()))


@app.post("/auth/refresh")
def refresh():
    token = refresh_token_from_body()
    # Found and deleted in one statement: of two requests with the same token at the
    # same time, only one gets the row back.
    used = db.one(
        "DELETE FROM refresh_tokens WHERE token_hash = ? RETURNING user_id",
        [hash_refresh_token(token)],
    )
    if used is None:
        abort(401, description="the refresh token is unknown, used or revoked: log in again")
    return jsonify(token_pair(used["user_id"]))


@app.post("/auth/logout")
def logout():
    token = refresh_token_from_body()
    db.execute("DELETE FROM refresh_tokens WHERE token_hash = ?", [hash_refresh_token(token)])
    return "", 204


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
