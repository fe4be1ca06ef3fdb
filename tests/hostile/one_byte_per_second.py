import time
from hostile_base import serve
def drip(conn):
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello":
        conn.sendall(bytes([byte]))
        time.sleep(1)
serve(first=drip)
