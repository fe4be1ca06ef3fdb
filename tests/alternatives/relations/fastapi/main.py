"""A small blog API: authors, posts and comments in related tables (FastAPI)."""
import json
import os
import re
from datetime import datetime, timezone

import uvicorn
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

import db

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
CREATE INDEX IF NOT EXISTS comments_post_id ON comments (post_id)
"""

MAX_ID = 2**31 - 1  # the largest value an INTEGER / SERIAL column holds on PostgreSQL
WHOLE_NUMBER = re.compile(r"[0-9]+")

app = FastAPI()


def fail(status, message):
    raise HTTPException(status, message)


@app.exception_handler(HTTPException)
def http_error(request, exc):
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


@app.exception_handler(Exception)
def server_error(request, exc):
    return JSONResponse({"error": "internal server error"}, 500)


async def json_object(request: Request) -> dict:
    try:
        body = json.loads(await request.body())
    except ValueError:
        fail(400, "the body is not valid JSON")
    if not isinstance(body, dict):
        fail(400, "the body must be a JSON object")
    return body


def text_field(body, name):
    value = body.get(name)
    if not isinstance(value, str) or value == "":
        fail(400, f"{name} is required and must be a non-empty string")
    return value


def is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def path_id(text, what):
    """An id from the path; one that is not a whole number names no row."""
    if not WHOLE_NUMBER.fullmatch(text) or not is_id(int(text)):
        fail(404, f"{what} {text} not found")
    return int(text)


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def post_or_404(post_id):
    if not db.one("SELECT id FROM posts WHERE id = ?", [post_id]):
        fail(404, f"post {post_id} not found")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/authors", status_code=201)
def create_author(body: dict = Depends(json_object)):
    name, email = text_field(body, "name"), text_field(body, "email")
    try:
        return db.one("INSERT INTO authors (name, email) VALUES (?, ?) RETURNING *", [name, email])
    except db.UniqueViolation:
        fail(409, f"an author with the email {email} already exists")


@app.get("/authors/{author_id}")
def get_author(author_id: str):
    author = db.one("SELECT * FROM authors WHERE id = ?", [path_id(author_id, "author")])
    if not author:
        fail(404, f"author {author_id} not found")
    return author


@app.delete("/authors/{author_id}", status_code=204)
def delete_author(author_id: str):
    if not db.execute("DELETE FROM authors WHERE id = ?", [path_id(author_id, "author")]):
        fail(404, f"author {author_id} not found")
    return Response(status_code=204)


@app.post("/posts", status_code=201)
def create_post(body: dict = Depends(json_object)):
    author_id = body.get("author_id")
    if not isinstance(author_id, int) or isinstance(author_id, bool):
        fail(400, "author_id is required and must be an integer")
    title, text = text_field(body, "title"), text_field(body, "body")
    if not is_id(author_id):
        fail(400, f"author {author_id} does not exist")
    try:
        return db.one(
            "INSERT INTO posts (author_id, title, body, created_at) VALUES (?, ?, ?, ?) RETURNING *",
            [author_id, title, text, now()],
        )
    except db.ForeignKeyViolation:
        fail(400, f"author {author_id} does not exist")


def list_param(params, name, default, allowed):
    value = params.get(name, default)
    if not allowed(value):
        fail(400, f"{name} is not allowed: {value!r}")
    return value


@app.get("/posts")
def list_posts(request: Request):
    params = request.query_params
    sort = list_param(params, "sort", "created_at", lambda v: v in ("title", "created_at"))
    order = list_param(params, "order", "asc", lambda v: v in ("asc", "desc"))
    whole = WHOLE_NUMBER.fullmatch
    limit = int(list_param(params, "limit", "20", lambda v: whole(v) and 1 <= int(v) <= 100))
    offset = int(list_param(params, "offset", "0", whole))

    where, values = [], []
    if "author_id" in params:
        where.append("author_id = ?")
        values.append(int(list_param(params, "author_id", None, whole)))
    if "q" in params:
        escaped = re.sub(r"([\\%_])", r"\\\1", params["q"].lower())
        where.append("LOWER(title) LIKE ? ESCAPE '\\'")
        values.append(f"%{escaped}%")
    where_sql = f"WHERE {' AND '.join(where)}" if where else ""

    items = db.query(
        f"SELECT * FROM posts {where_sql} ORDER BY {sort} {order}, id {order} LIMIT ? OFFSET ?",
        [*values, limit, offset],
    )
    total = db.one(f"SELECT CAST(COUNT(*) AS INTEGER) AS total FROM posts {where_sql}", values)["total"]
    return {"items": items, "total": total}


@app.get("/posts/{post_id}")
def get_post(post_id: str):
    row = db.one(
        """SELECT p.*, a.name AS author_name,
                  (SELECT CAST(COUNT(*) AS INTEGER) FROM comments c WHERE c.post_id = p.id) AS comment_count
           FROM posts p JOIN authors a ON a.id = p.author_id
           WHERE p.id = ?""",
        [path_id(post_id, "post")],
    )
    if not row:
        fail(404, f"post {post_id} not found")
    row["author"] = {"id": row["author_id"], "name": row.pop("author_name")}
    return row


@app.post("/posts/{post_id}/comments", status_code=201)
def create_comment(post_id: str, body: dict = Depends(json_object)):
    post_id = path_id(post_id, "post")
    post_or_404(post_id)
    text = text_field(body, "body")
    try:
        return db.one("INSERT INTO comments (post_id, body) VALUES (?, ?) RETURNING *", [post_id, text])
    except db.ForeignKeyViolation:  # the post was deleted in the meantime
        fail(404, f"post {post_id} not found")


@app.get("/posts/{post_id}/comments")
def list_comments(post_id: str):
    post_id = path_id(post_id, "post")
    post_or_404(post_id)
    return db.query("SELECT * FROM comments WHERE post_id = ? ORDER BY id", [post_id])


if __name__ == "__main__":
    db.run_script(SCHEMA)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
