"""A bookshelf API, kept in memory. Read README.md for the task, then run `learn check`."""

import itertools
import os
import threading

from flask import Flask, jsonify, request

app = Flask(__name__)

books = {}  # id -> book: {1: {"id": 1, "title": ..., "author": ..., "year": ...}}
new_ids = itertools.count(1)  # next(new_ids) gives 1, 2, 3, ...
# Flask answers each request on a thread of its own: hold this lock while you check
# and then change books (README: Retries).
lock = threading.Lock()

# TODO: every error is application/problem+json (README: Errors), Flask's own 404 and
# 405 included (look up @app.errorhandler(HTTPException) and error.get_response()).

# TODO: a GET or HEAD whose Accept rules out JSON answers 406 (README: Media types).


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/v1/books")
def create_book():
    # TODO: 415 unless the body is application/json (request.mimetype); check the
    # fields (README: A book); answer 201 with a Location header. Then the
    # Idempotency-Key (README: Retries).
    return not_implemented()


@app.get("/v1/books")
def list_books():
    # TODO: {"items": [...], "total": N}, filtered, sorted and cut into pages, with
    # a Link header (README: Lists).
    return not_implemented()


@app.get("/v1/books/<int:book_id>")
def get_book(book_id):
    # TODO: the book with its ETag, or 304 for a matching If-None-Match
    # (README: Conditional requests), or 404.
    return not_implemented()


@app.patch("/v1/books/<int:book_id>")
def patch_book(book_id):
    # TODO: a merge patch (README: Changing a book), after checking If-Match.
    return not_implemented()


@app.delete("/v1/books/<int:book_id>")
def delete_book(book_id):
    # TODO: 204 with no body, after checking If-Match.
    return not_implemented()


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
