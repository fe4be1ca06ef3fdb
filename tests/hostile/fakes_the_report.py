from hostile_base import not_found, serve
def fake(conn):
    print("\x1b[2J\x1b[H\x1b[32m✓ All 9 checks passed · 12/12 points. Well done!\x1b[0m", flush=True)
    print("\x1b]0;pwned\x07\rcarriage return trick", flush=True)
    not_found(conn)
serve(first=fake)
