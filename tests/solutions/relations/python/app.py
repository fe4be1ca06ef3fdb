"""Authors, posts and comments in a relational database."""

import os
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

import db

app = Flask(__name__)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS authors (
    id {db.PRIMARY_KEY},
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS posts (
    id {db.PRIMARY_KEY},
    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS comments (
    id {db.PRIMARY_KEY},
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_author_id ON posts (author_id);
CREATE INDEX IF NOT EXISTS comments_post_id ON comments (post_id);
"""

# One post with its author's name and its number of comments, in one query.
POST_WITH_AUTHOR = """
SELECT posts.*, authors.name AS author_name,
       (SELECT CAST(COUNT(*) AS INTEGER) FROM comments
         WHERE comments.post_id = posts.id) AS comment_count
FROM posts JOIN authors ON authors.id = posts.author_id
WHERE posts.id = ?
"""

# Column names cannot be `?` values: only these ever reach ORDER BY.
SORTABLE = ("title", "created_at")
ORDERS = ("asc", "desc")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

# The largest id an INTEGER column holds on PostgreSQL. A bigger number is no row's
# id, and PostgreSQL answers it with an error instead of with no row: it never
# reaches a query.
MAX_ID = 2**31 - 1


class ApiError(Exception):
    """An error to answer with this status and {"error": message}."""

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
    """The current UTC time, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def json_body():
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object")
    return data


def text_field(data, name):
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"{name} is required and must be a non-empty string")
    return value


def int_param(name, default, minimum, maximum=None):
    """A whole number from the query string, within bounds, or a 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum else f"at least {minimum}"
        raise ApiError(400, f"{name} must be {bounds}")
    return value


def like_escape(text):
    """The text as a LIKE pattern that matches only itself: \\, % and _ escaped by \\."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def checked_id(value, what):
    """An id from the path (<int:...> already sends abc to 404), or 404 when it is
    too big to be any row's id."""
    if value > MAX_ID:
        raise ApiError(404, f"{what} {value} not found")
    return value


def find_author(author_id):
    author = db.one("SELECT * FROM authors WHERE id = ?", [author_id])
    if author is None:
        raise ApiError(404, f"author {author_id} not found")
    return author


def find_post(post_id):
    post = db.one("SELECT * FROM posts WHERE id = ?", [post_id])
    if post is None:
        raise ApiError(404, f"post {post_id} not found")
    return post


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/authors")
def create_author():
    data = json_body()
    name, email = text_field(data, "name"), text_field(data, "email")
    try:
        author = db.one(
            "INSERT INTO authors (name, email) VALUES (?, ?) RETURNING *", [name, email]
        )
    except db.UniqueViolation:
        raise ApiError(409, f"an author with email {email} already exists") from None
    return jsonify(author), 201


@app.get("/authors/<int:author_id>")
def get_author(author_id):
    return jsonify(find_author(checked_id(author_id, "author")))


@app.delete("/authors/<int:author_id>")
def delete_author(author_id):
    author_id = checked_id(author_id, "author")
    # ON DELETE CASCADE removes the author's posts, and their comments, with it.
    if db.execute("DELETE FROM authors WHERE id = ?", [author_id]) == 0:
        raise ApiError(404, f"author {author_id} not found")
    return "", 204


@app.post("/posts")
def create_post():
    data = json_body()
    author_id = data.get("author_id")
    if not isinstance(author_id, int) or isinstance(author_id, bool):
        raise ApiError(400, "author_id is required and must be an integer")
    if not 1 <= author_id <= MAX_ID:
        raise ApiError(400, f"author_id {author_id} is not an existing author")
    title, body = text_field(data, "title"), text_field(data, "body")
    try:
        post = db.one(
            "INSERT INTO posts (author_id, title, body, created_at)"
            " VALUES (?, ?, ?, ?) RETURNING *",
            [author_id, title, body, now()],
        )
    except db.ForeignKeyViolation:
        raise ApiError(400, f"author_id {author_id} is not an existing author") from None
    return jsonify(post), 201


@app.get("/posts")
def list_posts():
    conditions, params = [], []
    author_id = int_param("author_id", None, 1)
    if author_id is not None:
        conditions.append("author_id = ?")
        params.append(author_id)
    q = request.args.get("q", "")
    if q:
        conditions.append("LOWER(title) LIKE ? ESCAPE '\\'")
        params.append(f"%{like_escape(q.lower())}%")
    sort = request.args.get("sort", "created_at")
    if sort not in SORTABLE:
        raise ApiError(400, "sort must be title or created_at")
    order = request.args.get("order", "asc")
    if order not in ORDERS:
        raise ApiError(400, "order must be asc or desc")
    limit = int_param("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = int_param("offset", 0, 0)

    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    total = db.one(f"SELECT CAST(COUNT(*) AS INTEGER) AS n FROM posts{where}", params)["n"]
    items = db.query(
        f"SELECT * FROM posts{where} ORDER BY {sort} {order}, id {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return jsonify(items=items, total=total)


@app.get("/posts/<int:post_id>")
def get_post(post_id):
    post_id = checked_id(post_id, "post")
    row = db.one(POST_WITH_AUTHOR, [post_id])
    if row is None:
        raise ApiError(404, f"post {post_id} not found")
    author = {"id": row["author_id"], "name": row.pop("author_name")}
    return jsonify({**row, "author": author})


@app.post("/posts/<int:post_id>/comments")
def create_comment(post_id):
    post_id = checked_id(post_id, "post")
    body = text_field(json_body(), "body")
    try:
        comment = db.one(
            "INSERT INTO comments (post_id, body) VALUES (?, ?) RETURNING *", [post_id, body]
        )
    except db.ForeignKeyViolation:
        raise ApiError(404, f"post {post_id} not found") from None
    return jsonify(comment), 201


@app.get("/posts/<int:post_id>/comments")
def list_comments(post_id):
    post_id = checked_id(post_id, "post")
    find_post(post_id)
    return jsonify(db.query("SELECT * FROM comments WHERE post_id = ? ORDER BY id", [post_id]))


if __name__ == "__main__":
    db.run_script(SCHEMA)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
