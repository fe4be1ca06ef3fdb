"""A small notes API on the standard library; `store` decides where notes live."""
import json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(store):
    class Handler(BaseHTTPRequestHandler):
        def answer(self, status, value):
            body = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            text = json.loads(self.rfile.read(length))["text"]
            self.answer(201, {"id": store.add(text), "text": text})

        def do_GET(self):
            note = store.get(self.path.rsplit("/", 1)[-1])
            if note is None:
                self.answer(404, {"error": "no such note"})
            else:
                self.answer(200, note)

    ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
