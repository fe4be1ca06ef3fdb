"""A blog posts API, kept in memory. Read README.md for the task, then run `learn check`."""

import os
from datetime import datetime, timezone

from flask import Flask, jsonify, request

app = Flask(__name__)

# All posts live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
posts = {}


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.post("/posts")
def create_post():
    # TODO: read the JSON body (request.get_json(silent=True) gives None when it is
    # not valid JSON), check every field, give the post an id and timestamps,
    # store it, and answer 201 with a Location header.
    return not_implemented()


@app.get("/posts")
def list_posts():
    # TODO: answer every stored post, or only those matching ?term=
    # (request.args.get("term")).
    return jsonify([])


@app.get("/posts/<int:post_id>")
def get_post(post_id):
    # TODO: answer the post with this id, or 404 with a JSON error.
    return not_implemented()


@app.put("/posts/<int:post_id>")
def update_post(post_id):
    # TODO: check the body like in create_post, replace the fields, refresh updatedAt.
    return not_implemented()


@app.delete("/posts/<int:post_id>")
def delete_post(post_id):
    # TODO: remove the post and answer 204 with an empty body.
    return not_implemented()


# TODO: Flask answers unknown paths with an HTML page. Make every error JSON
# (look up @app.errorhandler).


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
