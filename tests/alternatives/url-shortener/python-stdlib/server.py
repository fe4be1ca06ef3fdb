"""URL shortener on Python's standard library (http.server, sqlite3) plus psycopg for PostgreSQL."""

import json
import os
import re
import secrets
import sqlite3
import string
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

import psycopg
from psycopg.rows import dict_row

DATABASE_URL = os.environ.get("DATABASE_URL", "links.sqlite3")
POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    code TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
)
"""
UniqueViolation = psycopg.errors.UniqueViolation if POSTGRES else sqlite3.IntegrityError
ALPHABET = string.ascii_letters + string.digits


def query(sql, params=()):
    """Run one statement on a fresh autocommit connection; answer its rows as dicts."""
    if POSTGRES:
        with psycopg.connect(DATABASE_URL, autocommit=True, row_factory=dict_row) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []
    conn = sqlite3.connect(DATABASE_URL, timeout=30, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def link_json(row):
    return {"code": row["code"], "url": row["url"], "hits": row["hits"], "createdAt": row["created_at"]}


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(7))


def valid_url(url):
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def header_safe(url):
    """The URL as a header value: spaces, control and non-ASCII characters percent-encoded."""
    return re.sub(r"[^\x21-\x7e]+", lambda m: quote(m.group()), url)


class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    def send_json(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message):
        self.send_json(status, {"error": message})

    def read_url(self):
        """The body's url, or BadRequest when the body or its url is not valid."""
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        except ValueError:
            raise BadRequest("body must be a JSON object")
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        url = body.get("url")
        if not valid_url(url):
            raise BadRequest("url must be an http:// or https:// URL")
        return url

    def route(self):
        parts = urlsplit(self.path).path.strip("/").split("/")
        method = self.command
        if parts == ["health"] and method == "GET":
            return self.send_json(200, {"status": "ok"})
        if parts == ["shorten"]:
            return self.shorten() if method == "POST" else self.error(405, "method not allowed")
        if len(parts) == 3 and parts[0] == "shorten" and parts[2] == "stats":
            return self.stats(parts[1]) if method == "GET" else self.error(405, "method not allowed")
        if len(parts) == 2 and parts[0] == "shorten":
            if method == "PUT":
                return self.update(parts[1])
            if method == "DELETE":
                return self.delete(parts[1])
            return self.error(405, "method not allowed")
        if len(parts) == 1 and parts[0] and method == "GET":
            return self.follow(parts[0])
        self.error(404, "not found")

    def shorten(self):
        url = self.read_url()
        while True:
            try:
                rows = query(
                    "INSERT INTO links (code, url, created_at) VALUES (?, ?, ?) RETURNING *",
                    [new_code(), url, now()],
                )
                return self.send_json(201, link_json(rows[0]))
            except UniqueViolation:
                continue  # the code was taken: draw another

    def follow(self, code):
        rows = query("UPDATE links SET hits = hits + 1 WHERE code = ? RETURNING url", [code])
        if not rows:
            return self.error(404, "no link has this code")
        self.send_response(302)
        self.send_header("Location", header_safe(rows[0]["url"]))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stats(self, code):
        rows = query("SELECT * FROM links WHERE code = ?", [code])
        if not rows:
            return self.error(404, "no link has this code")
        self.send_json(200, link_json(rows[0]))

    def update(self, code):
        url = self.read_url()
        rows = query("UPDATE links SET url = ? WHERE code = ? RETURNING *", [url, code])
        if not rows:
            return self.error(404, "no link has this code")
        self.send_json(200, link_json(rows[0]))

    def delete(self, code):
        if not query("DELETE FROM links WHERE code = ? RETURNING code", [code]):
            return self.error(404, "no link has this code")
        self.send_json(204)

    def handle_one(self):
        try:
            self.route()
        except BadRequest as err:
            self.error(400, str(err))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one


if __name__ == "__main__":
    query(SCHEMA)
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
