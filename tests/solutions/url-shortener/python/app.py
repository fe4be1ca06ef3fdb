"""A URL shortener: links kept in a database, redirects that count their hits."""

import os
import secrets
import string
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, redirect, request
from werkzeug.exceptions import HTTPException

import db

app = Flask(__name__)

# The table of links. IF NOT EXISTS: the server runs this at every start, and after a
# restart the table (and its links) are already there.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS links (
    id {db.ID_COLUMN},
    code TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
)
"""

CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7
ALLOWED_SCHEMES = ("http", "https")


class InvalidUrl(Exception):
    """The request body holds no valid url; the message says why."""


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def new_code():
    """A random short code, like "aZ3kP9q"."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def url_from_body():
    """The url of the JSON body, checked: a string, an http(s) URL with a host."""
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        raise InvalidUrl("the body must be a JSON object like {\"url\": \"https://...\"}")
    url = data.get("url")
    if url is None or url == "":
        raise InvalidUrl("url is required")
    if not isinstance(url, str):
        raise InvalidUrl("url must be a string")
    if url != url.strip():  # never trim it: refuse " https://..." instead of tidying it up
        raise InvalidUrl("url must not start or end with white space")
    try:
        parts = urlsplit(url)
        host = parts.hostname  # None when there is none, as in "https://" or "http://:8080/"
    except ValueError:  # a broken URL, like "http://[oops"
        raise InvalidUrl("url is not a valid URL") from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise InvalidUrl("url must be an http:// or https:// URL")
    if not host:
        raise InvalidUrl("url must have a host, like https://example.com/")
    return url


def link_json(row):
    return {"code": row["code"], "url": row["url"], "hits": row["hits"], "createdAt": row["created_at"]}


def find_link(code):
    link = db.one("SELECT * FROM links WHERE code = ?", [code])
    if link is None:
        abort(404, description=f"no link with code {code}")
    return link


@app.errorhandler(InvalidUrl)
def invalid_url(error):
    return jsonify(error=str(error)), 400


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/shorten")
def shorten():
    url = url_from_body()
    for _attempt in range(5):
        try:
            link = db.one(
                "INSERT INTO links (code, url, hits, created_at) VALUES (?, ?, 0, ?) RETURNING *",
                [new_code(), url, now()],
            )
            return jsonify(link_json(link)), 201
        except db.IntegrityError:
            continue  # the unique index says this code is taken: draw another one
    abort(503, description="no free code found, try again")


@app.get("/<code>")
def follow(code):
    # One statement, so two visits at the same time can never lose a hit.
    link = db.one("UPDATE links SET hits = hits + 1 WHERE code = ? RETURNING url", [code])
    if link is None:
        abort(404, description=f"no link with code {code}")
    return redirect(link["url"], 302)


@app.get("/shorten/<code>/stats")
def stats(code):
    return jsonify(link_json(find_link(code)))


@app.put("/shorten/<code>")
def update(code):
    url = url_from_body()
    link = db.one("UPDATE links SET url = ? WHERE code = ? RETURNING *", [url, code])
    if link is None:
        abort(404, description=f"no link with code {code}")
    return jsonify(link_json(link))


@app.delete("/shorten/<code>")
def delete(code):
    deleted = db.execute("DELETE FROM links WHERE code = ?", [code])
    if deleted == 0:
        abort(404, description=f"no link with code {code}")
    return "", 204


db.script(SCHEMA)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
