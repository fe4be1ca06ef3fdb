"""A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.

db.py is ready: db.query / db.one / db.execute run SQL on the database that
DATABASE_URL names (SQLite or PostgreSQL), with ? for each value. The table is
made by management/commands/create_tables.py, which learn.toml's run command
runs before it starts the server.
"""

import json
from datetime import datetime, timezone

from django.http import JsonResponse

from . import db


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def not_implemented():
    return JsonResponse({"error": "not implemented yet"}, status=501)


def health(request):
    if request.method != "GET":
        return method_not_allowed(["GET"])
    return JsonResponse({"status": "ok"})


def create_post(request):
    # TODO: check the body as in the crud-app (json.loads(request.body) raises
    # ValueError when it is not valid JSON), INSERT a row (tags as JSON text:
    # json.dumps(tags)), RETURNING * to get the row with its new id, and answer
    # the post with 201 and a Location header.
    return not_implemented()


def list_posts(request):
    # TODO: SELECT the rows (only those matching ?term=, request.GET.get("term"))
    # and answer them as posts: tags back as a list (json.loads), createdAt,
    # updatedAt. JsonResponse sends a list only with safe=False.
    return not_implemented()


def get_post(request, post_id):
    # TODO: SELECT the row with this id and answer it as a post, or 404 with a JSON error.
    return not_implemented()


def update_post(request, post_id):
    # TODO: check the body, UPDATE that row (and refresh updated_at), answer the post.
    return not_implemented()


def delete_post(request, post_id):
    # TODO: DELETE that row and answer 204 with an empty body (404 if there was none).
    return not_implemented()


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
    """/posts/<id>"""
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
