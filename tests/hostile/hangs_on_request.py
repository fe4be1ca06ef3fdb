import time
from hostile_base import serve
kept = []
def hang(conn):
    kept.append(conn)  # never answered, never closed
serve(first=hang)
