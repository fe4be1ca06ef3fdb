"""Books, described by their own OpenAPI document: see README.md."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

BOOKS = {1: {"id": 1, "title": "Dune"}}
BOOK = {"$ref": "#/components/schemas/Book"}
DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Books", "version": "1"},
    "paths": {
        "/v1/books": {"get": {"responses": {"200": {"description": "every book", "content": {
            "application/json": {"schema": {"type": "array", "items": BOOK}}}}}}},
        "/v1/books/{id}": {"get": {"responses": {
            "200": {"description": "one book", "content": {"application/json": {"schema": BOOK}}},
            "404": {"description": "no such book", "content": {"application/problem+json": {
                "schema": {"type": "object", "required": ["title", "status"]}}}},
        }}},
    },
    "components": {"schemas": {"Book": {
        "type": "object",
        "required": ["id", "title"],
        "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
    }}},
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        kind = "application/json"
        if self.path == "/openapi.json":
            status, body = 200, DOCUMENT
        elif self.path == "/v1/books":
            status, body = 200, list(BOOKS.values())
        elif self.path.startswith("/v1/books/") and self.path[10:].isdigit():
            book = BOOKS.get(int(self.path[10:]))
            if book:
                status, body = 200, book
            else:
                status, kind = 404, "application/problem+json"
                body = {"title": "Not Found", "status": 404}
        else:
            status, body = 404, {"error": "not found"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
