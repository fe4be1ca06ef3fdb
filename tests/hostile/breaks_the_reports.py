"""Answers GET / with workflow commands of its own, and GET /health with text no report may carry raw: DEL, a C1 control, U+FFFF
(not allowed in XML), an escape sequence, and a GitHub workflow command."""
import json
from hostile_base import listen, not_found, read_request, record_pid

record_pid()
s = listen()
while True:
    conn, _ = s.accept()
    line = read_request(conn)
    if line.startswith("GET / "):
        body = b"oops\n::error title=forged::Points 16/16\n::stop-commands::x\n"
        conn.sendall(
            b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        conn.close()
    elif line.startswith("GET /health "):
        status = "ok\x7f\x85\uffff\x1b]0;pwned\x07\n::error title=forged::Points 16/16"
        body = json.dumps({"status": status}, ensure_ascii=False).encode()
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        conn.close()
    else:
        not_found(conn)
