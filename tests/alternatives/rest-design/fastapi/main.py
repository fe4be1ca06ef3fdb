"""A bookshelf API that clients, caches and proxies can rely on (FastAPI + uvicorn).

Books live in memory. Handlers are `async def`, so they all run on uvicorn's one
event loop: nothing awaits between "is this idempotency key known?" and "remember
it", which makes that check-then-create atomic without a lock.

FastAPI defaults overridden here, because they break a README rule:
- errors are `application/problem+json` (FastAPI answers `{"detail": ...}` as JSON);
- bodies are read by hand: the Content-Type decides (415), not a Pydantic model (422);
- ids, limits and years are parsed by hand: `int` parameters answer 422, and accept
  text the README refuses;
- FastAPI does not add HEAD to GET routes: each GET route also lists HEAD (uvicorn
  drops the body of a HEAD answer and keeps its headers);
- a 405 from Starlette's router carries the Allow of the first route of that path
  only: the handler below replaces it with the path's whole list.
"""
import base64
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from http import HTTPStatus
from typing import Any, Optional
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

PORT = int(os.environ.get("PORT", "8000"))

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

COLLECTION_METHODS = "GET, HEAD, POST, OPTIONS"
ITEM_METHODS = "GET, HEAD, PATCH, DELETE, OPTIONS"
FIELDS = ("title", "author", "year", "notes")
SORT_KEYS = ("id", "title", "author", "year")
MERGE_PATCH = "application/merge-patch+json"

books: dict[int, dict[str, Any]] = {}
next_id = 1
idempotency: dict[str, dict[str, Any]] = {}
CURSOR_SECRET = secrets.token_bytes(32)


# ---- problems ------------------------------------------------------------------------

class Problem(Exception):
    def __init__(self, status: int, detail: str, headers: Optional[dict] = None,
                 errors: Optional[list] = None):
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.errors = errors


def problem_response(status: int, detail: str, headers: Optional[dict] = None,
                     errors: Optional[list] = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Unprocessable Content" if status == 422 else HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/problem+json")


@app.exception_handler(Problem)
async def on_problem(request: Request, exc: Problem):
    return problem_response(exc.status, exc.detail, exc.headers, exc.errors)


def allow_for(path: str) -> Optional[str]:
    if path == "/v1/books":
        return COLLECTION_METHODS
    if re.fullmatch(r"/v1/books/[^/]+", path):
        return ITEM_METHODS
    return None


@app.exception_handler(StarletteHTTPException)
async def on_http_exception(request: Request, exc: StarletteHTTPException):
    headers = dict(exc.headers or {})
    path = request.url.path
    if exc.status_code == 405 and re.fullmatch(r"/v1/books/[^/]*[^0-9/][^/]*", path):
        return problem_response(404, f"nothing at {path}")  # /v1/books/abc is no book's path
    if exc.status_code == 405:
        allow = allow_for(path)
        if allow:
            headers["Allow"] = allow
        detail = f"{request.method} is not allowed on {request.url.path}"
    elif exc.status_code == 404:
        detail = f"nothing at {request.url.path}"
    else:
        detail = str(exc.detail)
    if exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=headers)
    return problem_response(exc.status_code, detail, headers)


@app.exception_handler(RequestValidationError)
async def on_validation_error(request: Request, exc: RequestValidationError):
    return problem_response(400, "the request is not valid")


# ---- media types ---------------------------------------------------------------------

def media_type(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    return value.split(";", 1)[0].strip().lower()


def accepts_json(request: Request) -> bool:
    header = request.headers.get("accept")
    if header is None or header.strip() == "":
        return True
    best_rank, best_q = -1, 0.0
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        rng = pieces[0].lower()
        if not rng:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if rng == "application/json":
            rank = 2
        elif rng == "application/*":
            rank = 1
        elif rng == "*/*":
            rank = 0
        else:
            continue
        if rank > best_rank:
            best_rank, best_q = rank, q
    return best_rank >= 0 and best_q > 0


def require_json_accept(request: Request) -> None:
    if not accepts_json(request):
        raise Problem(406, "this API answers application/json only")


def reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


async def read_object(request: Request, allowed: str, headers: Optional[dict] = None) -> dict:
    mtype = media_type(request.headers.get("content-type"))
    if mtype != allowed:
        raise Problem(415, f"send the body as {allowed}, not {mtype or 'no Content-Type'}",
                      headers)
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Problem(400, "the body is not valid JSON")
    if not isinstance(data, dict):
        raise Problem(400, "the body must be a JSON object")
    return data


# ---- books ---------------------------------------------------------------------------

def field_error(name: str, value: Any, partial: bool) -> Optional[str]:
    if name in ("title", "author"):
        if value is None:
            return f"{name} is required"
        if not isinstance(value, str):
            return f"{name} must be a string"
        if value == "":
            return f"{name} must not be empty"
    elif name == "year":
        if value is None:
            return "year is required"
        if isinstance(value, bool) or not isinstance(value, int):
            return "year must be an integer"
    elif name == "notes":
        if value is not None and not isinstance(value, str):
            return "notes must be a string"
    return None


def validate(body: dict, partial: bool) -> list:
    errors = []
    for name in FIELDS:
        if partial and name not in body:
            continue
        message = field_error(name, body.get(name), partial)
        if message:
            errors.append({"pointer": f"#/{name}", "detail": message})
    return errors


def invalid_book(errors: list) -> Problem:
    n = len(errors)
    return Problem(400, f"the book has {n} invalid field{'s' if n != 1 else ''}",
                   errors=errors)


def etag_of(book: dict) -> str:
    digest = hashlib.sha256(json.dumps(book, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:32]}"'


def parse_tags(header: str) -> tuple[bool, list[tuple[bool, str]]]:
    """(is_star, [(weak, opaque-tag)]) of an If-Match / If-None-Match value."""
    if header.strip() == "*":
        return True, []
    tags = re.findall(r'(W/)?("[^"]*")', header)
    return False, [(bool(weak), tag) for weak, tag in tags]


def book_id_of(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text):
        raise Problem(404, f"{text!r} is not a book id")
    return int(text)


def find_book(text: str) -> dict:
    book = books.get(book_id_of(text))
    if book is None:
        raise Problem(404, f"there is no book with id {text}")
    return book


def book_response(book: dict, status: int = 200, headers: Optional[dict] = None) -> JSONResponse:
    return JSONResponse(book, status_code=status, headers=headers)


# ---- lists and cursors ---------------------------------------------------------------

def parse_sort(text: Optional[str]) -> list[tuple[str, bool]]:
    if text is None:
        return []
    spec = []
    for part in text.split(","):
        desc = part.startswith("-")
        key = part[1:] if desc else part
        if key not in SORT_KEYS:
            raise Problem(400, f"unknown sort key {part!r}: use {', '.join(SORT_KEYS)}")
        spec.append((key, desc))
    return spec


def key_of(book: dict, spec) -> list:
    return [book[k] for k, _ in spec] + [book["id"]]


def compare_keys(a: list, b: list, spec) -> int:
    for (_, desc), x, y in zip(spec, a, b):
        if x != y:
            result = -1 if x < y else 1
            return -result if desc else result
    x, y = a[-1], b[-1]
    return (x > y) - (x < y)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_cursor(direction: str, key: list, inclusive: bool, sort_text: str) -> str:
    payload = b64(json.dumps({"d": direction, "k": key, "i": inclusive, "s": sort_text},
                             separators=(",", ":")).encode())
    sig = b64(hmac.new(CURSOR_SECRET, payload.encode(), hashlib.sha256).digest()[:16])
    return f"{payload}.{sig}"


def read_cursor(text: str, spec, sort_text: str) -> dict:
    bad = Problem(400, "this cursor was not made by this server: follow the Link header")
    payload, _, sig = text.partition(".")
    expected = b64(hmac.new(CURSOR_SECRET, payload.encode(), hashlib.sha256).digest()[:16])
    if not payload or not hmac.compare_digest(sig, expected):
        raise bad
    try:
        data = json.loads(unb64(payload))
    except ValueError:
        raise bad
    if (not isinstance(data, dict) or data.get("s") != sort_text
            or data.get("d") not in ("a", "b") or not isinstance(data.get("k"), list)
            or len(data["k"]) != len(spec) + 1):
        raise bad
    return data


def parse_limit(text: Optional[str]) -> int:
    if text is None:
        return 20
    if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= 100:
        raise Problem(400, "limit must be a whole number from 1 to 100")
    return int(text)


# ---- routes --------------------------------------------------------------------------

@app.get("/health")
async def health():
    return {"status": "ok"}


@app.api_route("/v1/books", methods=["GET", "HEAD"])
async def list_books(request: Request):
    require_json_accept(request)
    q = request.query_params
    limit = parse_limit(q.get("limit"))
    author = q.get("author")
    year_text = q.get("year")
    year = None
    if year_text is not None:
        if not re.fullmatch(r"-?[0-9]+", year_text):
            raise Problem(400, "year must be an integer")
        year = int(year_text)
    sort_text = q.get("sort")
    spec = parse_sort(sort_text)
    norm_sort = sort_text or ""
    cursor = read_cursor(q["cursor"], spec, norm_sort) if "cursor" in q else None

    matching = [b for b in books.values()
                if (author is None or b["author"] == author)
                and (year is None or b["year"] == year)]
    cmp = functools.cmp_to_key(lambda a, b: compare_keys(key_of(a, spec), key_of(b, spec), spec))
    matching.sort(key=cmp)
    keys = [key_of(b, spec) for b in matching]

    def after(i, k, inclusive):
        c = compare_keys(keys[i], k, spec)
        return c >= 0 if inclusive else c > 0

    if cursor is None:
        start, end = 0, min(limit, len(matching))
    elif cursor["d"] == "a":
        start = next((i for i in range(len(matching)) if after(i, cursor["k"], cursor["i"])),
                     len(matching))
        end = min(start + limit, len(matching))
    else:  # before
        end = next((i for i in range(len(matching)) if after(i, cursor["k"], not cursor["i"])),
                   len(matching))
        start = max(0, end - limit)
    page = matching[start:end]

    params = {}
    if author is not None:
        params["author"] = author
    if year_text is not None:
        params["year"] = year_text
    if sort_text is not None:
        params["sort"] = sort_text
    params["limit"] = str(limit)

    def link(cur: str, rel: str) -> str:
        return f'</v1/books?{urlencode({**params, "cursor": cur})}>; rel="{rel}"'

    links = []
    if end < len(matching):
        if page:
            links.append(link(make_cursor("a", keys[end - 1], False, norm_sort), "next"))
        else:  # an empty page: the next one starts where this one stood
            links.append(link(make_cursor("a", cursor["k"], cursor["d"] == "b", norm_sort), "next"))
    if start > 0:
        if page:
            links.append(link(make_cursor("b", keys[start], False, norm_sort), "prev"))
        else:
            links.append(link(make_cursor("b", cursor["k"], cursor["d"] == "a", norm_sort), "prev"))
    headers = {"Link": ", ".join(links)} if links else None
    return JSONResponse({"items": page, "total": len(matching)}, headers=headers)


@app.post("/v1/books")
async def create_book(request: Request):
    global next_id
    body = await read_object(request, "application/json")
    key = request.headers.get("idempotency-key")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    # No await from here on: concurrent retries with one key are serialized.
    if key is not None and key in idempotency:
        seen = idempotency[key]
        if seen["body"] != canonical:
            raise Problem(422, "this Idempotency-Key was already used with another body")
        return book_response(seen["book"], 201, {"Location": seen["location"]})
    errors = validate(body, partial=False)
    if errors:
        raise invalid_book(errors)
    book = {"id": next_id, "title": body["title"], "author": body["author"], "year": body["year"]}
    if body.get("notes") is not None:
        book["notes"] = body["notes"]
    next_id += 1
    books[book["id"]] = book
    location = f"/v1/books/{book['id']}"
    if key is not None:
        idempotency[key] = {"body": canonical, "book": dict(book), "location": location}
    return book_response(book, 201, {"Location": location})


@app.options("/v1/books")
async def options_books():
    return Response(status_code=204, headers={"Allow": COLLECTION_METHODS})


@app.api_route("/v1/books/{book_id}", methods=["GET", "HEAD"])
async def get_book(book_id: str, request: Request):
    book_id_of(book_id)
    require_json_accept(request)
    book = find_book(book_id)
    tag = etag_of(book)
    inm = request.headers.get("if-none-match")
    if inm is not None:
        star, tags = parse_tags(inm)
        if star or any(t == tag for _, t in tags):
            return Response(status_code=304, headers={"ETag": tag})
    return book_response(book, headers={"ETag": tag})


def check_if_match(request: Request, book: dict) -> None:
    header = request.headers.get("if-match")
    if header is None:
        return
    star, tags = parse_tags(header)
    tag = etag_of(book)
    if star or any(not weak and t == tag for weak, t in tags):
        return
    raise Problem(412, "the book has changed since you read it: read it again")


@app.patch("/v1/books/{book_id}")
async def patch_book(book_id: str, request: Request):
    book = find_book(book_id)
    check_if_match(request, book)
    body = await read_object(request, MERGE_PATCH, {"Accept-Patch": MERGE_PATCH})
    book = find_book(book_id)  # the body was awaited: read the book again
    check_if_match(request, book)
    errors = validate(body, partial=True)
    if errors:
        raise invalid_book(errors)
    for name in FIELDS:
        if name in body:
            if body[name] is None:
                book.pop(name, None)
            else:
                book[name] = body[name]
    return book_response(book, headers={"ETag": etag_of(book)})


@app.delete("/v1/books/{book_id}")
async def delete_book(book_id: str, request: Request):
    book = find_book(book_id)
    check_if_match(request, book)
    del books[book["id"]]
    return Response(status_code=204)


@app.options("/v1/books/{book_id}")
async def options_book(book_id: str):
    book_id_of(book_id)
    return Response(status_code=204, headers={"Allow": ITEM_METHODS})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning")
