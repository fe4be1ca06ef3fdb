from hostile_base import serve
def cut(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly ten b")
    conn.close()
serve(first=cut)
