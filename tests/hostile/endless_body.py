from hostile_base import serve
def endless(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    chunk = b"all work and no play " * 4096
    try:
        while True:
            conn.sendall(chunk)
    except OSError:
        conn.close()
serve(first=endless)
