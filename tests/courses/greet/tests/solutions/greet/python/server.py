import json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/health":
            self.answer(200, {"status": "ok"})
        elif url.path == "/greet":
            name = parse_qs(url.query).get("name", [None])[0]
            if name is None:
                self.answer(400, {"error": "name is missing"})
            else:
                self.answer(200, {"greeting": f"Hello, {name}!"})
        else:
            self.answer(404, {"error": "not found"})


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
