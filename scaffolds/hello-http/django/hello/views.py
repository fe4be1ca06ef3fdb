from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods


# This view already works: open http://127.0.0.1:8000/ after starting the server.
@require_GET
def index(request):
    return HttpResponse("Hello from my first server!")


@require_GET
def health(request):
    # TODO: answer exactly {"status": "ok"} as JSON (JsonResponse does that).
    return HttpResponse("Not implemented yet", status=501)


# Django calls one view per path, whatever the method: /echo answers GET and
# POST, so its view hands the request on to the function for its method.
@require_http_methods(["GET", "POST"])
def echo(request):
    if request.method == "POST":
        return echo_body(request)
    return echo_query(request)


def echo_query(request):
    # TODO: answer {"msg": ...} with the msg query parameter (see request.GET).
    return HttpResponse("Not implemented yet", status=501)


def echo_body(request):
    # TODO: answer the JSON body you received, unchanged (request.body holds its
    # bytes: json.loads turns them into a dict).
    return HttpResponse("Not implemented yet", status=501)


@require_GET
def headers(request):
    # TODO: answer {"userAgent": ...} with the User-Agent header (see request.headers).
    return HttpResponse("Not implemented yet", status=501)


@require_GET
def greeting(request):
    # TODO: look at the Accept header (request.accepted_types lists its types, each
    # with a main_type and a sub_type): answer {"greeting": "Hello, world!"} as JSON
    # when the client asks for application/json, and the text Hello, world! as
    # text/plain otherwise (HttpResponse(..., content_type="text/plain")).
    return HttpResponse("Not implemented yet", status=501)


# Unknown paths answer 404, and a known path called with the wrong method
# answers 405 with an Allow header: Django does both for you, as long as each
# view above declares its methods (@require_GET, @require_http_methods).
