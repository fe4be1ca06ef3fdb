"""Accepts every connection and never answers: the Express handler that forgot
`res.json(...)`, on every route."""
from hostile_base import listen, record_pid
record_pid()
s = listen()
kept = []
while True:
    conn, _ = s.accept()
    kept.append(conn)  # never answered, never closed
