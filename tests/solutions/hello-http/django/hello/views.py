import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

GREETING = "Hello, world!"


@require_GET
def index(request):
    return HttpResponse("Hello from my first server!")


@require_GET
def health(request):
    return JsonResponse({"status": "ok"})


# Django calls one view per path, whatever the method: /echo answers GET and
# POST, so its view hands the request on to the function for its method.
@require_http_methods(["GET", "POST"])
def echo(request):
    if request.method == "POST":
        return echo_body(request)
    return echo_query(request)


def echo_query(request):
    # Django has already decoded the query string: %20 is a space again.
    return JsonResponse({"msg": request.GET.get("msg")})


def echo_body(request):
    return JsonResponse(json.loads(request.body))


@require_GET
def headers(request):
    return JsonResponse({"userAgent": request.headers.get("User-Agent")})


@require_GET
def greeting(request):
    # The types the client named, weights cut off: "text/plain;q=0.5,
    # application/json" gives ["text/plain", "application/json"]. JSON only
    # when application/json is one of them, not when */* ("anything") merely
    # lets it through.
    wanted = [f"{media.main_type}/{media.sub_type}" for media in request.accepted_types]
    if "application/json" in wanted:
        return JsonResponse({"greeting": GREETING})
    return HttpResponse(GREETING, content_type="text/plain; charset=utf-8")


def not_found(request, exception):
    """handler404 (see config/urls.py): a path no route matches."""
    return JsonResponse({"error": "not found"}, status=404)


# Django answers 405 with an Allow header by itself: each view above
# declares the methods it accepts.
