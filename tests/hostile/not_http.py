from hostile_base import serve
def garbage(conn):
    conn.sendall(b"\x00\xffSSH-2.0-OpenSSH_9.0\r\nthis is not HTTP at all\r\n\r\n")
    conn.close()
serve(first=garbage)
