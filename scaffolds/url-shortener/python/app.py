"""A URL shortener kept in a database. Read README.md for the task, then run `learn check`."""

import os
import secrets
import string
from datetime import datetime, timezone

from flask import Flask, jsonify, request

import db  # SQLite or PostgreSQL, from DATABASE_URL: see db.py (no need to change it)

app = Flask(__name__)

# TODO: the links table: code, url, hits and created_at (see README.md), with a unique
# index on code. Use CREATE TABLE IF NOT EXISTS: this runs at every start of the server.
# For an id column numbered by the database, write `id {db.ID_COLUMN},`.
SCHEMA = f"""
"""

CODE_ALPHABET = string.ascii_letters + string.digits


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def new_code():
    """A random short code of 7 letters and digits, like "aZ3kP9q"."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/shorten")
def shorten():
    # TODO: check the url in the JSON body (request.get_json(silent=True) gives None
    # when it is not JSON), insert a link with a new code, answer 201 with the link.
    # If the unique index says the code is taken (except db.IntegrityError), try another.
    return not_implemented()


@app.get("/<code>")
def follow(code):
    # TODO: count the hit and redirect to the link's url (flask.redirect), or 404.
    return not_implemented()


@app.get("/shorten/<code>/stats")
def stats(code):
    # TODO: answer the link with its hits, or 404.
    return not_implemented()


@app.put("/shorten/<code>")
def update(code):
    # TODO: check the url like in shorten(), change the link's url, answer the link.
    return not_implemented()


@app.delete("/shorten/<code>")
def delete(code):
    # TODO: delete the link and answer 204 with an empty body, or 404.
    return not_implemented()


# TODO: Flask answers unknown paths with an HTML page. Make every error JSON
# (look up @app.errorhandler).


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
