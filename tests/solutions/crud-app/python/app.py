"""A blog posts API, kept in memory."""

import itertools
import os
from datetime import datetime, timezone

from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException

app = Flask(__name__)

posts = {}  # id -> post
new_ids = itertools.count(1)  # 1, 2, 3, ... never reused, even after a delete

TEXT_FIELDS = ("title", "content", "category")
SEARCHED_FIELDS = ("title", "content", "category")


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


def find_post(post_id):
    if post_id not in posts:
        abort(404, description=f"post {post_id} not found")
    return posts[post_id]


def matches(post, term):
    """True when term appears in the post's title, content or category, ignoring case."""
    return any(term in post[field].lower() for field in SEARCHED_FIELDS)


@app.errorhandler(InvalidPost)
def invalid_post(error):
    return jsonify(error=str(error)), 400


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


@app.post("/posts")
def create_post():
    fields = post_fields()
    stamp = now()
    post = {"id": next(new_ids), **fields, "createdAt": stamp, "updatedAt": stamp}
    posts[post["id"]] = post
    return jsonify(post), 201, {"Location": f"/posts/{post['id']}"}


@app.get("/posts")
def list_posts():
    term = request.args.get("term", "").lower()
    return jsonify([post for post in posts.values() if matches(post, term)])


@app.get("/posts/<int:post_id>")
def get_post(post_id):
    return jsonify(find_post(post_id))


@app.put("/posts/<int:post_id>")
def update_post(post_id):
    post = find_post(post_id)
    post.update(post_fields())
    post["updatedAt"] = now()
    return jsonify(post)


@app.delete("/posts/<int:post_id>")
def delete_post(post_id):
    find_post(post_id)
    del posts[post_id]
    return "", 204


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
