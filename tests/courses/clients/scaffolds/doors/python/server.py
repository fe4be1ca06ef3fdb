"""Two doors: see README.md."""
import json
import os
import secrets
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SESSIONS = {}
COOKIE = "sid={sid}; HttpOnly; SameSite=Lax; Path=/"


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body, cookie=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(data)

    def session(self):
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        return cookies["sid"].value if "sid" in cookies else None

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path == "/login":
            name = parse_qs(url.query)["name"][0]
            sid = secrets.token_hex(16)
            SESSIONS[sid] = name
            self.answer(200, {"name": name}, COOKIE.format(sid=sid))
        elif url.path == "/logout":
            SESSIONS.pop(self.session(), None)
            self.answer(200, {}, "sid=; Max-Age=0; Path=/")
        else:
            self.answer(404, {"error": "not found"})

    def do_GET(self):
        if self.path == "/whoami":
            name = SESSIONS.get(self.session())
            self.answer(200, {"name": name}) if name else self.answer(401, {"error": "who?"})
        else:
            self.answer(404, {"error": "not found"})


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
