"""A blog posts API, kept in memory. Read README.md for the task, then run `learn check`."""

from datetime import datetime, timezone

from django.http import HttpResponseNotAllowed, JsonResponse

# All posts live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
posts = {}


def now():
    """The current UTC time as a string, like 2026-01-31T12:00:00.123Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def not_implemented():
    return JsonResponse({"error": "not implemented yet"}, status=501)


def create_post(request):
    # TODO: read the JSON body (json.loads(request.body) raises ValueError when it is
    # not valid JSON), check every field, give the post an id and timestamps, store
    # it, and answer 201 with a Location header (JsonResponse takes status= and headers=).
    return not_implemented()


def list_posts(request):
    # TODO: answer every stored post, or only those matching ?term=
    # (request.GET.get("term")). JsonResponse sends a list only with safe=False.
    return JsonResponse([], safe=False)


def get_post(request, post_id):
    # TODO: answer the post with this id, or 404 with a JSON error.
    return not_implemented()


def update_post(request, post_id):
    # TODO: check the body like in create_post, replace the fields, refresh updatedAt.
    return not_implemented()


def delete_post(request, post_id):
    # TODO: remove the post and answer 204 with an empty body (HttpResponse(status=204)).
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
    # TODO: Django's HttpResponseNotAllowed has an empty text/html body. Every error
    # is JSON: answer {"error": "method not allowed"} with status 405 and the same
    # Allow header (", ".join(allowed)).
    return HttpResponseNotAllowed(allowed)
