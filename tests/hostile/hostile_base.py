"""Shared by the hostile servers: listen on PORT, note pids, answer 404 quickly."""
import os
import socket


def record_pid(pid=None):
    with open("pids", "a") as f:
        f.write(f"{pid or os.getpid()}\n")


def listen(port=None):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port or int(os.environ["PORT"])))
    s.listen(64)
    return s


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    return line


def not_found(conn):
    body = b'{"error": "not found"}'
    conn.sendall(
        b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    conn.close()


def serve(first=None):
    """Answer 404 to everything; `first(conn)` handles the first request instead."""
    record_pid()
    s = listen()
    handled_first = False
    while True:
        conn, _ = s.accept()
        line = read_request(conn)
        if first and not handled_first and line.startswith("GET / "):
            handled_first = True
            first(conn)
        else:
            not_found(conn)
