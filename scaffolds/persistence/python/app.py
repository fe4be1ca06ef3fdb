"""A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.

db.py is ready: db.query / db.one / db.execute run SQL on the database that
DATABASE_URL names (SQLite or PostgreSQL), with ? for each value.
"""

import json
import os
from datetime import datetime, timezone

from flask import Flask, jsonify, request

import db

app = Flask(__name__)

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
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/posts")
def create_post():
    # TODO: check the body as in the crud-app (request.get_json(silent=True) gives
    # None when it is not valid JSON), INSERT a row (tags as JSON text:
    # json.dumps(tags)), RETURNING * to get the row with its new id, and answer
    # the post with 201 and a Location header.
    return not_implemented()


@app.get("/posts")
def list_posts():
    # TODO: SELECT the rows (only those matching ?term=, request.args.get("term"))
    # and answer them as posts: tags back as a list (json.loads), createdAt, updatedAt.
    return not_implemented()


@app.get("/posts/<int:post_id>")
def get_post(post_id):
    # TODO: SELECT the row with this id and answer it as a post, or 404 with a JSON error.
    return not_implemented()


@app.put("/posts/<int:post_id>")
def update_post(post_id):
    # TODO: check the body, UPDATE that row (and refresh updated_at), answer the post.
    return not_implemented()


@app.delete("/posts/<int:post_id>")
def delete_post(post_id):
    # TODO: DELETE that row and answer 204 with an empty body (404 if there was none).
    return not_implemented()


# TODO: Flask answers unknown paths with an HTML page. Make every error JSON
# (look up @app.errorhandler).


if __name__ == "__main__":
    # TODO: create the table here, before the server starts: db.execute(SCHEMA)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
