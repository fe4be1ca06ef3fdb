"""A blog posts API, kept in a database: SQLite or PostgreSQL (see db.py)."""

import json
import os
from datetime import datetime, timezone

from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException

import db

app = Flask(__name__)

# The largest id PostgreSQL's SERIAL holds. A bigger number is no post's id, and
# PostgreSQL answers it with an error instead of with no row: it never reaches a query.
MAX_ID = 2**31 - 1

# IF NOT EXISTS: a restarted server finds the table, and its posts, still there.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS posts (
    id {db.AUTO_ID},
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    category TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""

TEXT_FIELDS = ("title", "content", "category")


class InvalidPost(Exception):
    """The request body is not a valid post; the message says why."""


def now():
    """The current UTC time, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def post_fields():
    """Read and validate the fields of a post from the JSON body."""
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        raise InvalidPost("the body must be a JSON object")
    for name in TEXT_FIELDS:
        if data.get(name) is None:
            raise InvalidPost(f"{name} is required")
        if not isinstance(data[name], str):
            raise InvalidPost(f"{name} must be a string")
    tags = data.get("tags")
    if tags is None:
        raise InvalidPost("tags is required")
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise InvalidPost("tags must be an array of strings")
    return {name: data[name] for name in (*TEXT_FIELDS, "tags")}


def to_post(row):
    """A row of the posts table as the API shows it."""
    return {
        "id": row["id"],
        "title": row["title"],
        "content": row["content"],
        "category": row["category"],
        "tags": json.loads(row["tags"]),  # stored as JSON text: '["a", "b"]'
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def checked_id(post_id):
    """The id from the path (<int:...> already sends abc to 404), or 404 when it is
    too big to be any post's id."""
    if post_id > MAX_ID:
        abort(404, description=f"post {post_id} not found")
    return post_id


def find_post(post_id):
    row = db.one("SELECT * FROM posts WHERE id = ?", (post_id,))
    if row is None:
        abort(404, description=f"post {post_id} not found")
    return to_post(row)


@app.errorhandler(InvalidPost)
def invalid_post(error):
    return jsonify(error=str(error)), 400


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/posts")
def create_post():
    fields = post_fields()
    stamp = now()
    row = db.one(
        "INSERT INTO posts (title, content, category, tags, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        (fields["title"], fields["content"], fields["category"], json.dumps(fields["tags"]), stamp, stamp),
    )
    post = to_post(row)
    return jsonify(post), 201, {"Location": f"/posts/{post['id']}"}


@app.get("/posts")
def list_posts():
    term = request.args.get("term", "")
    pattern = f"%{term.lower()}%"  # no term: %% matches every post
    rows = db.query(
        "SELECT * FROM posts"
        " WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ?"
        " ORDER BY id",
        (pattern, pattern, pattern),
    )
    return jsonify([to_post(row) for row in rows])


@app.get("/posts/<int:post_id>")
def get_post(post_id):
    return jsonify(find_post(checked_id(post_id)))


@app.put("/posts/<int:post_id>")
def update_post(post_id):
    post_id = checked_id(post_id)
    fields = post_fields()
    row = db.one(
        "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ?"
        " WHERE id = ? RETURNING *",
        (fields["title"], fields["content"], fields["category"], json.dumps(fields["tags"]), now(), post_id),
    )
    if row is None:
        abort(404, description=f"post {post_id} not found")
    return jsonify(to_post(row))


@app.delete("/posts/<int:post_id>")
def delete_post(post_id):
    post_id = checked_id(post_id)
    if db.execute("DELETE FROM posts WHERE id = ?", (post_id,)) == 0:
        abort(404, description=f"post {post_id} not found")
    return "", 204


if __name__ == "__main__":
    db.execute(SCHEMA)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
