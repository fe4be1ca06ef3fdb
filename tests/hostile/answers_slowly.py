"""Answers every request 404, each after 0.3 s: a run of many checks takes seconds."""
import time
from hostile_base import serve, not_found
def slow(conn):
    time.sleep(0.3)
    not_found(conn)
import hostile_base
hostile_base.not_found = slow
serve()
