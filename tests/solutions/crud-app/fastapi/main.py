"""A blog posts API, kept in memory."""

import itertools
import os
from datetime import datetime, timezone

import uvicorn
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

app = FastAPI()

posts = {}  # id -> post
new_ids = itertools.count(1)  # 1, 2, 3, ... never reused, even after a delete

SEARCHED_FIELDS = ("title", "content", "category")


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


def find_post(post_id):
    if post_id not in posts:
        raise HTTPException(404, f"post {post_id} not found")
    return posts[post_id]


def matches(post, term):
    """True when term appears in the post's title, content or category, ignoring case."""
    return any(term in post[field].lower() for field in SEARCHED_FIELDS)


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
    if problem["loc"][0] == "path":  # /posts/hello: no post has a word for an id
        return JSONResponse({"error": f"post {problem['input']} not found"}, 404)
    return JSONResponse({"error": body_error(problem)}, 400)


@app.post("/posts", status_code=201)
def create_post(fields: PostFields, response: Response):
    stamp = now()
    post = {"id": next(new_ids), **fields.model_dump(), "createdAt": stamp, "updatedAt": stamp}
    posts[post["id"]] = post
    response.headers["Location"] = f"/posts/{post['id']}"
    return post


@app.get("/posts")
def list_posts(term: str = ""):
    term = term.lower()
    return [post for post in posts.values() if matches(post, term)]


@app.get("/posts/{post_id}")
def get_post(post_id: int):
    return find_post(post_id)


@app.put("/posts/{post_id}")
def update_post(post_id: int, fields: PostFields):
    post = find_post(post_id)
    post.update(fields.model_dump())
    post["updatedAt"] = now()
    return post


@app.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int):
    find_post(post_id)
    del posts[post_id]


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
