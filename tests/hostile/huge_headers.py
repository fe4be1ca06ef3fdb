from hostile_base import serve
def huge(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
    try:
        for i in range(1024):
            conn.sendall(b"X-Filler-%d: " % i + b"a" * 1024 + b"\r\n")
        conn.sendall(b"Content-Length: 2\r\n\r\nhi")
    except OSError:
        pass
    conn.close()
serve(first=huge)
