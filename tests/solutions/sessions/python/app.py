"""Log-in with a session cookie kept on the server, and CSRF tokens on every change."""

import hmac
import os
import secrets

from flask import Flask, abort, jsonify, make_response, request
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

import db

app = Flask(__name__)

# Not Flask's own `session`: that is a signed cookie holding the data itself, which the
# server cannot revoke. A session here is a row, and the cookie holds only its id.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    id {db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    id {db.ID_COLUMN},
    user_id INTEGER NOT NULL REFERENCES users (id),
    text TEXT NOT NULL
)
"""

SESSION_COOKIE = "sid"
CSRF_HEADER = "X-CSRF-Token"
MIN_PASSWORD_LENGTH = 8
MAX_NOTE_LENGTH = 500
CREDENTIALS_EXAMPLE = '{"email": "ada@example.com", "password": "correct horse"}'
WRONG_CREDENTIALS = "wrong email or password"

# The hash of a password nobody knows. Log-in checks it when the email is unknown, so
# that an unknown email takes as long to answer as a wrong password.
UNKNOWN_USER_PASSWORD_HASH = (
    "scrypt:32768:8:1$tn9QTMAXvfIjT912$f72571dd2095cb98bd7cfcb4bc031c9da7dd23f229752ddaff2df7"
    "55cbd6f5921d6403759315b6acbf8da1053c90ba545b31fc36b690966fcdbb4f4f8daa83cb"
)


@app.errorhandler(UnicodeEncodeError)
def unencodable_string(error):
    """JSON can escape half of a UTF-16 pair ("\\ud800"): Python keeps it in the string,
    but hashing or storing it cannot encode it. A bad request, not a crash."""
    return jsonify(error="the body holds a string that is not valid Unicode"), 400


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 401, 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


def body_object(example):
    """The JSON body, which must be an object like `example`."""
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        abort(400, description=f"the body must be a JSON object like {example}")
    return data


def current_session():
    """The session that the cookie sid names, with its user's email: only a session this
    server made and has not ended. No such session: 401."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        abort(401, description="log in first: no session cookie came with the request")
    session = db.one(
        "SELECT sessions.id, sessions.user_id, sessions.csrf_token, users.email"
        " FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id = ?",
        [session_id],
    )
    if session is None:
        abort(401, description="log in again: the session cookie names no session")
    return session


def require_csrf(session):
    """A change needs the CSRF token of this very session: 403 otherwise."""
    sent = request.headers.get(CSRF_HEADER, "")
    # Bytes, because compare_digest refuses strings that are not ASCII; constant time,
    # so that the answer's timing tells nothing about how much of the token matched.
    if not hmac.compare_digest(sent.encode(), session["csrf_token"].encode()):
        abort(403, description=f"send the csrf_token of this session's log-in in {CSRF_HEADER}")


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/auth/register")
def register():
    data = body_object(CREDENTIALS_EXAMPLE)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or "@" not in email:
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
    return jsonify(id=user["id"], email=user["email"]), 201


@app.post("/auth/login")
def login():
    data = body_object(CREDENTIALS_EXAMPLE)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        abort(400, description="email and password must be strings")
    user = db.one("SELECT id, email, password_hash FROM users WHERE email = ?", [email.lower()])
    if user is None:
        check_password_hash(UNKNOWN_USER_PASSWORD_HASH, password)
        abort(401, description=WRONG_CREDENTIALS)
    if not check_password_hash(user["password_hash"], password):
        abort(401, description=WRONG_CREDENTIALS)
    # A new session at every log-in, with ids of our own making: a sid the request may
    # carry (planted by an attacker) is never used.
    session_id = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO sessions (id, user_id, csrf_token) VALUES (?, ?, ?)",
        [session_id, user["id"], csrf_token],
    )
    response = jsonify(id=user["id"], email=user["email"], csrf_token=csrf_token)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Lax", path="/")
    return response


@app.get("/me")
def me():
    session = current_session()
    return jsonify(id=session["user_id"], email=session["email"])


@app.post("/auth/logout")
def logout():
    session = current_session()
    require_csrf(session)
    db.execute("DELETE FROM sessions WHERE id = ?", [session["id"]])  # this session only
    response = make_response("", 204)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="Lax", path="/")
    return response


@app.get("/notes")
def list_notes():
    session = current_session()
    notes = db.query("SELECT id, text FROM notes WHERE user_id = ? ORDER BY id", [session["user_id"]])
    return jsonify(notes)


@app.post("/notes")
def create_note():
    session = current_session()
    require_csrf(session)
    text = body_object('{"text": "buy milk"}').get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_NOTE_LENGTH:
        abort(400, description=f"text must be a string of 1 to {MAX_NOTE_LENGTH} characters")
    note = db.one(
        "INSERT INTO notes (user_id, text) VALUES (?, ?) RETURNING id, text",
        [session["user_id"], text],
    )
    return jsonify(note), 201


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
