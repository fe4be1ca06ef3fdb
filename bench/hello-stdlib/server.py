"""hello-http with nothing but Python's http.server: the server the benchmark checks."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def quality(accept, ranges):
    best = 0.0
    for part in accept.split(","):
        range_, *params = [piece.strip() for piece in part.lower().split(";")]
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        if range_ in ranges:
            best = max(best, float(q))
    return best


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes = {
        "/": ["GET"],
        "/health": ["GET"],
        "/echo": ["GET", "POST"],
        "/headers": ["GET"],
        "/greeting": ["GET"],
    }

    def send(self, status, body, content_type, extra=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def json(self, status, value, extra=()):
        self.send(status, json.dumps(value), "application/json", extra)

    def route(self, method):
        url = urlsplit(self.path)
        methods = self.routes.get(url.path)
        if methods is None:
            return self.json(404, {"error": "not found"})
        if method not in methods:
            return self.json(405, {"error": "method not allowed"}, [("Allow", ", ".join(methods))])
        if url.path == "/":
            return self.send(200, "Hello from http.server!", "text/plain; charset=utf-8")
        if url.path == "/health":
            return self.json(200, {"status": "ok"})
        if url.path == "/headers":
            return self.json(200, {"userAgent": self.headers.get("User-Agent", "")})
        if url.path == "/greeting":
            accept = self.headers.get("Accept", "")
            wants = quality(accept, ["application/json"])
            if wants > 0 and wants >= quality(accept, ["text/plain", "text/*", "*/*"]):
                return self.json(200, {"greeting": "Hello, world!"})
            return self.send(200, "Hello, world!", "text/plain; charset=utf-8")
        if method == "GET":
            return self.json(200, {"msg": parse_qs(url.query).get("msg", [""])[0]})
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return self.json(200, json.loads(self.rfile.read(length)))
        except ValueError:
            return self.json(400, {"error": "the body is not valid JSON"})

    def log_message(self, *args):
        pass


for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]:
    setattr(Handler, f"do_{method}", lambda self, m=method: self.route(m))

ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
