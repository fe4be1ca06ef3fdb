"""A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.

db.py is ready: db.query / db.one / db.execute run SQL on the database that
DATABASE_URL names (SQLite or PostgreSQL), with ? for each value. FastAPI runs
each plain `def` endpoint in a thread pool, so requests are served at the same
time: db.py opens a connection per call, which keeps that safe.

Try it yourself: DATABASE_URL=blog.sqlite3 .venv/bin/python main.py
"""

import json
import os
from datetime import datetime, timezone

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

import db

app = FastAPI()

# TODO: the posts table, with the columns README.md lists. Use `id {db.AUTO_ID}`
# for the id: the database numbers the rows itself. Keep IF NOT EXISTS: when the
# server restarts, the table (and its posts) is already there.
SCHEMA = """
CREATE TABLE IF NOT EXISTS ...
"""


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def not_implemented():
    return JSONResponse({"error": "not implemented yet"}, status_code=501)


@app.get("/health")
def health():
    return {"status": "ok"}


# TODO: describe the body of a POST or PUT as a Pydantic model, as in the crud-app:
# title, content and category as str and tags as list[str] (class PostFields(BaseModel),
# from pydantic). A route that takes a parameter of that type gets a body FastAPI checked.


@app.post("/posts")
def create_post():
    # TODO: take the body as a PostFields parameter, INSERT a row (tags as JSON text:
    # json.dumps(fields.tags)), RETURNING * to get the row with its new id, and answer
    # the post with 201 (status_code=201 in the decorator) and a Location header (take
    # a `response: Response` parameter and set its headers).
    return not_implemented()


@app.get("/posts")
def list_posts():
    # TODO: SELECT the rows (only those matching ?term=, a parameter `term: str = ""`)
    # and answer them as posts: tags back as a list (json.loads), createdAt, updatedAt.
    return not_implemented()


@app.get("/posts/{post_id}")
def get_post(post_id: int):
    # TODO: SELECT the row with this id and answer it as a post, or 404 with a JSON
    # error (raise HTTPException(404, ...), from fastapi).
    return not_implemented()


@app.put("/posts/{post_id}")
def update_post(post_id: int):
    # TODO: take the body like in create_post, UPDATE that row (and refresh
    # updated_at), answer the post.
    return not_implemented()


@app.delete("/posts/{post_id}")
def delete_post(post_id: int):
    # TODO: DELETE that row and answer 204 with an empty body (status_code=204),
    # or 404 if there was none.
    return not_implemented()


# TODO: FastAPI answers errors as {"detail": ...}, and with 422 when its checks refuse
# a body or an id (/posts/abc). Make every error {"error": ...}, a bad body 400 naming
# the field, and a bad id 404. As in the crud-app, look up @app.exception_handler: one
# for starlette.exceptions.HTTPException, one for fastapi.exceptions.RequestValidationError.


if __name__ == "__main__":
    # TODO: create the table here, before the server starts: db.execute(SCHEMA)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
