"""A blog posts API, kept in a database: SQLite or PostgreSQL (see db.py).

The endpoints are plain `def`s: FastAPI runs them in a thread pool, and db.py
opens a connection per call, so requests served at once never share one.
"""

import json
import os
from datetime import datetime, timezone
from typing import Annotated

import uvicorn
from fastapi import FastAPI, HTTPException, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

import db

app = FastAPI()

# The largest id PostgreSQL's SERIAL holds. A bigger number is no post's id, and
# PostgreSQL answers it with an error instead of with no row: it never reaches a query.
MAX_ID = 2**31 - 1

# An id in a path. One that is not a whole number (abc) or is too big goes to
# invalid_request below, which answers 404.
PostId = Annotated[int, Path(le=MAX_ID)]

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


class PostFields(BaseModel):
    """The body of a POST or PUT: FastAPI checks it before the route runs."""

    title: str
    content: str
    category: str
    tags: list[str]


def now():
    """The current UTC time, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


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


def not_found(post_id):
    return HTTPException(404, f"post {post_id} not found")


def find_post(post_id):
    row = db.one("SELECT * FROM posts WHERE id = ?", (post_id,))
    if row is None:
        raise not_found(post_id)
    return to_post(row)


def body_error(problem):
    """One of FastAPI's validation problems with the body, in the README's words."""
    kind, where = problem["type"], problem["loc"][1:]  # loc is like ("body", "title")
    if kind == "json_invalid":
        return "the body is not valid JSON"
    if not where:  # the body itself: an array, a string, null
        return "the body must be a JSON object"
    field = where[0]
    if kind == "missing":
        return f"{field} is required"
    if field == "tags":
        return "tags must be an array of strings"
    return f"{field} must be a string"


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, error: StarletteHTTPException):
    """Answer 404, 405 and friends with {"error": ...} instead of FastAPI's {"detail": ...}."""
    return JSONResponse({"error": error.detail}, error.status_code, headers=error.headers)


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, error: RequestValidationError):
    """Answer what FastAPI's checks refuse with 400 (or 404) instead of 422."""
    problem = error.errors()[0]
    if problem["loc"][0] == "path":  # /posts/abc, /posts/99999999999: no post has that id
        return JSONResponse({"error": f"post {problem['input']} not found"}, 404)
    return JSONResponse({"error": body_error(problem)}, 400)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/posts", status_code=201)
def create_post(fields: PostFields, response: Response):
    stamp = now()
    row = db.one(
        "INSERT INTO posts (title, content, category, tags, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        (fields.title, fields.content, fields.category, json.dumps(fields.tags), stamp, stamp),
    )
    response.headers["Location"] = f"/posts/{row['id']}"
    return to_post(row)


@app.get("/posts")
def list_posts(term: str = ""):
    pattern = f"%{term.lower()}%"  # no term: %% matches every post
    rows = db.query(
        "SELECT * FROM posts"
        " WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ?"
        " ORDER BY id",
        (pattern, pattern, pattern),
    )
    return [to_post(row) for row in rows]


@app.get("/posts/{post_id}")
def get_post(post_id: PostId):
    return find_post(post_id)


@app.put("/posts/{post_id}")
def update_post(post_id: PostId, fields: PostFields):
    row = db.one(
        "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ?"
        " WHERE id = ? RETURNING *",
        (fields.title, fields.content, fields.category, json.dumps(fields.tags), now(), post_id),
    )
    if row is None:
        raise not_found(post_id)
    return to_post(row)


@app.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: PostId):
    if db.execute("DELETE FROM posts WHERE id = ?", (post_id,)) == 0:
        raise not_found(post_id)


if __name__ == "__main__":
    db.execute(SCHEMA)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
