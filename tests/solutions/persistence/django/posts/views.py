"""A blog posts API, kept in a database: SQLite or PostgreSQL (see db.py)."""

import json
from datetime import datetime, timezone

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, JsonResponse

from . import db

# The largest id PostgreSQL's SERIAL holds. A bigger number is no post's id, and
# PostgreSQL answers it with an error instead of with no row: it never reaches a query.
MAX_ID = 2**31 - 1

TEXT_FIELDS = ("title", "content", "category")


def now():
    """The current UTC time, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def post_fields(request):
    """Read and validate the fields of a post from the JSON body (BadRequest if it is not one)."""
    try:
        data = json.loads(request.body)
    except ValueError:  # not JSON (or not UTF-8 text)
        raise BadRequest("the body is not valid JSON")
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    for name in TEXT_FIELDS:
        if data.get(name) is None:
            raise BadRequest(f"{name} is required")
        if not isinstance(data[name], str):
            raise BadRequest(f"{name} must be a string")
    tags = data.get("tags")
    if tags is None:
        raise BadRequest("tags is required")
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise BadRequest("tags must be an array of strings")
    return {name: data[name] for name in (*TEXT_FIELDS, "tags")}


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


def find_post(post_id):
    row = db.one("SELECT * FROM posts WHERE id = ?", (post_id,))
    if row is None:
        raise Http404(f"post {post_id} not found")
    return to_post(row)


def health(request):
    if request.method != "GET":
        return method_not_allowed(["GET"])
    return JsonResponse({"status": "ok"})


def create_post(request):
    fields = post_fields(request)
    stamp = now()
    row = db.one(
        "INSERT INTO posts (title, content, category, tags, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        (fields["title"], fields["content"], fields["category"], json.dumps(fields["tags"]), stamp, stamp),
    )
    post = to_post(row)
    return JsonResponse(post, status=201, headers={"Location": f"/posts/{post['id']}"})


def list_posts(request):
    term = request.GET.get("term", "")
    pattern = f"%{term.lower()}%"  # no term: %% matches every post
    rows = db.query(
        "SELECT * FROM posts"
        " WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ?"
        " ORDER BY id",
        (pattern, pattern, pattern),
    )
    return JsonResponse([to_post(row) for row in rows], safe=False)


def get_post(request, post_id):
    return JsonResponse(find_post(post_id))


def update_post(request, post_id):
    fields = post_fields(request)
    row = db.one(
        "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ?"
        " WHERE id = ? RETURNING *",
        (fields["title"], fields["content"], fields["category"], json.dumps(fields["tags"]), now(), post_id),
    )
    if row is None:
        raise Http404(f"post {post_id} not found")
    return JsonResponse(to_post(row))


def delete_post(request, post_id):
    if db.execute("DELETE FROM posts WHERE id = ?", (post_id,)) == 0:
        raise Http404(f"post {post_id} not found")
    return HttpResponse(status=204)


# Django calls one view per path, whatever the method (see config/urls.py): these
# two hand the request on to the function for its method.


def post_list(request):
    """/posts"""
    if request.method == "GET":
        return list_posts(request)
    if request.method == "POST":
        return create_post(request)
    return method_not_allowed(["GET", "POST"])


def post_detail(request, post_id):
    """/posts/<id> (<int:...> already sends /posts/abc to 404)"""
    if post_id > MAX_ID:
        raise Http404(f"post {post_id} not found")
    if request.method == "GET":
        return get_post(request, post_id)
    if request.method == "PUT":
        return update_post(request, post_id)
    if request.method == "DELETE":
        return delete_post(request, post_id)
    return method_not_allowed(["GET", "PUT", "DELETE"])


def method_not_allowed(allowed):
    return JsonResponse(
        {"error": "method not allowed"}, status=405, headers={"Allow": ", ".join(allowed)}
    )


# The error views that config/urls.py names: JSON instead of Django's HTML pages.


def bad_request(request, exception):
    """handler400: a view raised BadRequest, whose message says what is wrong."""
    return JsonResponse({"error": str(exception)}, status=400)


def not_found(request, exception):
    """handler404: a view raised Http404, or no route matches the path."""
    message = exception.args[0] if exception.args else None
    if not isinstance(message, str):  # no route matched: Django gives the routes it tried
        message = "not found"
    return JsonResponse({"error": message}, status=404)


def server_error(request):
    """handler500: a view crashed (its traceback is in the server's output)."""
    return JsonResponse({"error": "internal server error"}, status=500)
