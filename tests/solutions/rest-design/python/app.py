"""A bookshelf API that clients, caches and proxies can rely on."""

import base64
import binascii
import hashlib
import itertools
import json
import os
import re
import threading
from functools import cmp_to_key
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

app = Flask(__name__)

books = {}  # id -> book, exactly as answered: {"id", "title", "author", "year", "notes"?}
new_ids = itertools.count(1)  # 1, 2, 3, ... never reused, even after a delete
remembered = {}  # Idempotency-Key -> {"body": the request body, "book": the 201's book}
# Flask answers each request on a thread of its own: every change to books and
# remembered happens while holding this lock, so a check and its write are one step.
lock = threading.Lock()

FIELDS = ("title", "author", "year", "notes")
SORT_KEYS = ("id", "title", "author", "year")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
DIGITS = re.compile(r"[0-9]+")
INTEGER = re.compile(r"-?[0-9]+")


class Problem(Exception):
    """An error, answered as application/problem+json (RFC 9457)."""

    def __init__(self, status, detail, headers=None, **members):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.members = members  # extra members, like errors


def problem_body(status, detail, **members):
    return {"type": "about:blank", "title": HTTP_STATUS_CODES[status], "status": status, "detail": detail, **members}


@app.errorhandler(Problem)
def answer_problem(problem):
    body = problem_body(problem.status, problem.detail, **problem.members)
    return Response(json.dumps(body), problem.status, problem.headers, mimetype="application/problem+json")


@app.errorhandler(HTTPException)
def answer_http_error(error):
    """Flask's own errors (404, 405, ...) as problems. error.get_response() keeps their
    headers, like the Allow of a 405; only the body and its type change."""
    response = error.get_response()
    response.set_data(json.dumps(problem_body(error.code, error.description)))
    response.mimetype = "application/problem+json"
    return response


@app.before_request
def negotiate():
    """406 for a GET or HEAD whose Accept header rules JSON out. No Accept at all
    (an empty accept_mimetypes) means anything will do."""
    accept = request.accept_mimetypes
    if request.method in ("GET", "HEAD") and accept and accept.best_match(["application/json"]) is None:
        raise Problem(406, "this API answers application/json only")


# Reading requests


def read_body(media_type):
    """The request's JSON object, sent as media_type (415 otherwise, 400 if it is no object)."""
    if request.mimetype != media_type:  # lower case, without parameters like charset
        headers = {"Accept-Patch": media_type} if request.method == "PATCH" else None
        raise Problem(415, f"send the body as {media_type}", headers)
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        raise Problem(400, "the body must be a JSON object")
    return data


def is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)  # True is an int in Python


def field_errors(fields, patch=False):
    """What is wrong with a book's fields, as RFC 9457 errors entries: [] when nothing.
    A patch may leave fields out; null is a value like any other (only notes allows it)."""
    errors = []

    def invalid(name, detail):
        errors.append({"pointer": f"#/{name}", "detail": detail})

    for name in ("title", "author", "year"):
        if name not in fields:
            if not patch:
                invalid(name, f"{name} is required")
        elif name == "year" and not is_integer(fields[name]):
            invalid(name, "year must be an integer, like 1937")
        elif name != "year" and (not isinstance(fields[name], str) or fields[name] == ""):
            invalid(name, f"{name} must be a string that is not empty")
    if fields.get("notes") is not None and not isinstance(fields["notes"], str):
        invalid("notes", "notes must be a string, or null for none")
    return errors


def check_fields(fields, patch=False):
    errors = field_errors(fields, patch)
    if errors:
        raise Problem(400, f"the book has {len(errors)} invalid field(s)", errors=errors)


def find_book(book_id):
    if book_id not in books:
        raise Problem(404, f"there is no book with id {book_id}")
    return books[book_id]


# Entity tags


def etag(book):
    """A strong tag: a fingerprint of the book's JSON, so it changes with any field."""
    digest = hashlib.sha256(json.dumps(book, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:20]}"'


def listed_tags(header):
    """The tags of an If-Match / If-None-Match header ("*" stays "*")."""
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def none_match(header, current):
    """If-None-Match compares weakly: W/"x" and "x" are the same tag."""
    tags = listed_tags(header)
    return "*" in tags or current in [tag.removeprefix("W/") for tag in tags]


def check_if_match(book):
    """If-Match compares strongly: only the exact current tag (or *) lets a write go on."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = listed_tags(header)
    if "*" not in tags and etag(book) not in tags:
        raise Problem(412, "the book has changed since you read it: read it again")


def book_response(book, status=200):
    response = jsonify(book)
    response.status_code = status
    response.headers["ETag"] = etag(book)
    return response


# Lists: filters, sorting, cursors


def parse_limit(text):
    if text is None:
        return DEFAULT_LIMIT
    if not DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_LIMIT:
        raise Problem(400, f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def parse_sort(text):
    """sort=-year,title -> [("year", True), ("title", False)]: (key, descending)."""
    if text is None:
        return [("id", False)]
    order = []
    for key in text.split(","):
        descending = key.startswith("-")
        name = key.removeprefix("-")
        if name not in SORT_KEYS:
            raise Problem(400, f"cannot sort by {name!r}: sort keys are {', '.join(SORT_KEYS)}")
        order.append((name, descending))
    return order


def compare(a, b, order):
    """-1, 0 or 1: a before b in this order. Ties on every key go by id, ascending."""
    for name, descending in order + [("id", False)]:
        if a[name] != b[name]:
            result = -1 if a[name] < b[name] else 1
            return -result if descending else result
    return 0


def position_keys(order):
    return {"id", *(name for name, _ in order)}


def position(book, order):
    """What a cursor needs to find its place again: the book's sort values and id."""
    return {name: book[name] for name in position_keys(order)}


def encode_cursor(direction, book, order):
    text = json.dumps({direction: position(book, order)})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(text, order):
    """(direction, place) from a cursor this server made; 400 for anything else."""
    bad = Problem(400, "this cursor was not made by this server: follow the Link header")
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(data, dict) or len(data) != 1:
        raise bad
    direction, place = next(iter(data.items()))
    if direction not in ("after", "before") or not isinstance(place, dict):
        raise bad
    if set(place) != position_keys(order):
        raise bad
    for name, value in place.items():
        if not (is_integer(value) if name in ("id", "year") else isinstance(value, str)):
            raise bad
    return direction, place


def page_link(rel, cursor):
    params = {name: value for name, value in request.args.items() if name != "cursor"}
    params["cursor"] = cursor
    return f'</v1/books?{urlencode(params)}>; rel="{rel}"'


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/v1/books")
def create_book():
    fields = read_body("application/json")
    check_fields(fields)
    key = request.headers.get("Idempotency-Key")
    with lock:
        if key is not None and key in remembered:
            first = remembered[key]
            if first["body"] != fields:  # dicts compare as JSON values: key order aside
                raise Problem(422, "this Idempotency-Key was used with another body")
            book = first["book"]
        else:
            book = {"id": next(new_ids), "title": fields["title"], "author": fields["author"], "year": fields["year"]}
            if fields.get("notes") is not None:
                book["notes"] = fields["notes"]
            books[book["id"]] = book
            book = dict(book)  # the answer as it is now, whatever happens to the book later
            if key is not None:
                remembered[key] = {"body": fields, "book": book}
    response = book_response(book, 201)
    response.headers["Location"] = f"/v1/books/{book['id']}"
    return response


@app.get("/v1/books")
def list_books():
    limit = parse_limit(request.args.get("limit"))
    order = parse_sort(request.args.get("sort"))
    cursor = request.args.get("cursor")
    place = decode_cursor(cursor, order) if cursor is not None else None
    author = request.args.get("author")
    year = request.args.get("year")
    if year is not None and not INTEGER.fullmatch(year):
        raise Problem(400, "year must be an integer")

    matching = [
        book
        for book in books.values()
        if (author is None or book["author"] == author) and (year is None or book["year"] == int(year))
    ]
    ordered = sorted(matching, key=cmp_to_key(lambda a, b: compare(a, b, order)))

    # The page is ordered[start:end]: right after the cursor's book, or right before it.
    if place is None:
        start, end = 0, min(limit, len(ordered))
    elif place[0] == "after":
        start = sum(1 for book in ordered if compare(book, place[1], order) <= 0)
        end = min(start + limit, len(ordered))
    else:
        end = sum(1 for book in ordered if compare(book, place[1], order) < 0)
        start = max(0, end - limit)
    page = ordered[start:end]

    response = jsonify(items=page, total=len(matching))
    links = []
    if page and end < len(ordered):
        links.append(page_link("next", encode_cursor("after", page[-1], order)))
    if page and start > 0:
        links.append(page_link("prev", encode_cursor("before", page[0], order)))
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


@app.get("/v1/books/<int:book_id>")
def get_book(book_id):
    book = find_book(book_id)
    current = etag(book)
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and none_match(if_none_match, current):
        return Response(status=304, headers={"ETag": current})
    return book_response(book)


@app.patch("/v1/books/<int:book_id>")
def patch_book(book_id):
    with lock:
        book = find_book(book_id)
        check_if_match(book)
        patch = read_body("application/merge-patch+json")
        check_fields(patch, patch=True)  # all or nothing: check every field first
        for name in FIELDS:
            if name not in patch:
                continue  # absent: left alone
            if patch[name] is None:
                book.pop(name, None)  # null removes (only notes may be null)
            else:
                book[name] = patch[name]
        return book_response(book)


@app.delete("/v1/books/<int:book_id>")
def delete_book(book_id):
    with lock:
        check_if_match(find_book(book_id))
        del books[book_id]
    return "", 204


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
