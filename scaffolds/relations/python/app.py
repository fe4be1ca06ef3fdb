"""Authors, posts and comments in a relational database.

Read README.md for the task, then run `learn check`. db.py is complete: use it, no
need to change it.
"""

import os
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

import db

app = Flask(__name__)

# The schema, created every time the server starts. CREATE TABLE IF NOT EXISTS leaves
# a table that is already there alone: after you change the schema, delete your local
# database file (blog.sqlite3) so that the new one takes effect.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS authors (
    id {db.PRIMARY_KEY},
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);
-- TODO: the posts table: id, author_id (a foreign key to authors that cascades
-- on delete), title, body, created_at.
-- TODO: the comments table: id, post_id (a foreign key to posts that cascades
-- on delete), body.
-- TODO: an index on posts (author_id).
"""


class ApiError(Exception):
    """Raise ApiError(404, "post 7 not found") to answer 404 {"error": "post 7 not found"}."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@app.errorhandler(ApiError)
def api_error(error):
    return jsonify(error=str(error)), error.status


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/authors")
def create_author():
    # TODO: check name and email (request.get_json(silent=True)), INSERT the author
    # (... RETURNING *), answer 201. A taken email raises db.UniqueViolation: 409.
    return not_implemented()


@app.get("/authors/<int:author_id>")
def get_author(author_id):
    # TODO: answer the author, or 404.
    return not_implemented()


@app.delete("/authors/<int:author_id>")
def delete_author(author_id):
    # TODO: DELETE the author (the foreign keys cascade to posts and comments),
    # answer 204 with an empty body, or 404 when no row was deleted.
    return not_implemented()


@app.post("/posts")
def create_post():
    # TODO: check author_id, title and body, INSERT the post with created_at=now(),
    # answer 201. An unknown author raises db.ForeignKeyViolation: 400.
    return not_implemented()


@app.get("/posts")
def list_posts():
    # TODO: read author_id, q, sort, order, limit and offset from request.args,
    # answer {"items": [...], "total": N}.
    return not_implemented()


@app.get("/posts/<int:post_id>")
def get_post(post_id):
    # TODO: answer the post with "author": {"id", "name"} and "comment_count", or 404.
    return not_implemented()


@app.post("/posts/<int:post_id>/comments")
def create_comment(post_id):
    # TODO: check body, INSERT the comment, answer 201, or 404 when the post does
    # not exist.
    return not_implemented()


@app.get("/posts/<int:post_id>/comments")
def list_comments(post_id):
    # TODO: answer the post's comments, oldest first, or 404.
    return not_implemented()


if __name__ == "__main__":
    db.run_script(SCHEMA)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
