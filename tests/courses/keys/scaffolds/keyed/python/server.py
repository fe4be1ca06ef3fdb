"""A locked door: see README.md."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/private":
            # TODO: answer 200 only when X-Api-Key equals os.environ["API_KEY"].
            status, body = 200, {}
        elif self.path == "/signing-key":
            status, body = 200, {"length": len(os.environ.get("SIGNING_KEY", ""))}
        else:
            status, body = 404, {"error": "not found"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
