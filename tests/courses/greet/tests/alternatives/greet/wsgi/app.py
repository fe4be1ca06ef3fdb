"""The greeting server as a WSGI app, on the standard library's wsgiref."""
import json, os
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server


def app(environ, start_response):
    def answer(status, value):
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(value).encode()]

    path, query = environ["PATH_INFO"], parse_qs(environ["QUERY_STRING"])
    if path == "/health":
        return answer("200 OK", {"up": True})
    if path == "/greet" and "name" in query:
        return answer("200 OK", {"greeting": f"Hello, {query['name'][0]}!", "lang": "en"})
    if path == "/greet":
        return answer("400 Bad Request", {"error": "say your name"})
    return answer("404 Not Found", {})


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


make_server("127.0.0.1", int(os.environ["PORT"]), app, handler_class=QuietHandler).serve_forever()
