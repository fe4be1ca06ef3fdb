"""Log-in with a session cookie, and CSRF tokens. Read README.md for the task, then run `learn check`."""

import hmac
import os
import secrets

from flask import Flask, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

import db  # SQLite or PostgreSQL, from DATABASE_URL: see db.py (no need to change it)

app = Flask(__name__)

# Do not use Flask's built-in `session` here: it is a signed cookie that holds the data
# itself, so the server keeps nothing it could delete, and a logged-out copy of the
# cookie works on. This exercise keeps each session in a table of its own.

# TODO: the users table: id, email (text, not null, unique) and password_hash (text,
# not null); then a table for the sessions (a random id, the user's id, a CSRF token)
# and one for the notes (an id, the user's id, the text), shaped as you like (see
# README.md). Use CREATE TABLE IF NOT EXISTS: this runs at every start of the server.
# For an id column numbered by the database, write `id {db.ID_COLUMN},`.
SCHEMA = f"""
"""


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/auth/register")
def register():
    # TODO: check email and password in the JSON body (README.md, "Users";
    # request.get_json(silent=True) gives None when it is not JSON). INSERT the user
    # with the email lower-cased and generate_password_hash(password), answer 201.
    # When the unique email says no (except db.IntegrityError), answer 409.
    return not_implemented()


@app.post("/auth/login")
def login():
    # TODO: find the user by email and check_password_hash(stored_hash, password)
    # (README.md, "Sessions"). Insert a new session: its id and its CSRF token are two
    # calls of secrets.token_urlsafe(32). Answer the user and the csrf_token, and set
    # the cookie on the answer:
    #     response = jsonify(...)
    #     response.set_cookie("sid", session_id, httponly=True, samesite="Lax", path="/")
    return not_implemented()


@app.get("/me")
def me():
    # TODO: find the session whose id is request.cookies.get("sid") and answer its
    # user; no cookie, or no such session: 401 (README.md, "Sessions").
    return not_implemented()


@app.post("/auth/logout")
def logout():
    # TODO: check the session, then the CSRF token (README.md, "Notes, protected from
    # CSRF"), delete this session's row and answer 204 with an empty body.
    return not_implemented()


@app.get("/notes")
def list_notes():
    # TODO: the session's user's notes, oldest first (README.md, "Notes, protected
    # from CSRF"); 401 without a valid session.
    return not_implemented()


@app.post("/notes")
def create_note():
    # TODO: the session first (401), then the header X-CSRF-Token against this
    # session's token with hmac.compare_digest (403), then the text (400); insert the
    # note and answer 201 (README.md, "Notes, protected from CSRF").
    return not_implemented()


# TODO: Flask answers unknown paths with an HTML page. Make every error JSON
# (look up @app.errorhandler).


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
