"""A blog posts API, kept in memory. Read README.md for the task, then run `learn check`."""

import os
from datetime import datetime, timezone

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()

# All posts live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
posts = {}


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def not_implemented():
    return JSONResponse({"error": "not implemented yet"}, status_code=501)


# TODO: describe the body of a POST or PUT as a Pydantic model, with title, content
# and category as str and tags as list[str] (class PostFields(BaseModel), from
# pydantic). A route that takes a parameter of that type gets a body FastAPI checked.


@app.post("/posts")
def create_post():
    # TODO: take the body as a PostFields parameter, give the post an id and
    # timestamps, store it, and answer 201 (status_code=201 in the decorator) with a
    # Location header (take a `response: Response` parameter and set its headers).
    return not_implemented()


@app.get("/posts")
def list_posts():
    # TODO: answer every stored post, or only those matching ?term=
    # (a parameter `term: str | None = None`).
    return []


@app.get("/posts/{post_id}")
def get_post(post_id: int):
    # TODO: answer the post with this id, or 404 with a JSON error
    # (raise HTTPException(404, ...), from fastapi).
    return not_implemented()


@app.put("/posts/{post_id}")
def update_post(post_id: int):
    # TODO: take the body like in create_post, replace the fields, refresh updatedAt.
    return not_implemented()


@app.delete("/posts/{post_id}")
def delete_post(post_id: int):
    # TODO: remove the post and answer 204 with an empty body (status_code=204).
    return not_implemented()


# TODO: FastAPI answers errors as {"detail": ...}, and with 422 when its checks refuse
# a body (or the word in /posts/hello, which is no int). Make every error
# {"error": ...}, a bad body 400 naming the field, and a word id 404. Look up
# @app.exception_handler: one for starlette.exceptions.HTTPException (it also gets
# unknown paths and methods), one for fastapi.exceptions.RequestValidationError (its
# .errors()[0] has a "loc" like ("body", "title") and a "type" like "missing",
# "string_type" or "json_invalid").


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
