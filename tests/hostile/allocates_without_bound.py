from hostile_base import serve
hog = []
def grow(conn):
    for _ in range(60):  # 3 GB at most, were there no limit
        hog.append(bytearray(50 * 1024 * 1024))
    conn.close()
serve(first=grow)
