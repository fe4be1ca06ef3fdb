from hostile_base import serve
hog = []
def grow(conn):
    # 3 GB of memory at most, were there no limit; zeroed pages never touched, so a
    # broken limit cannot hurt the machine, yet each one counts against RLIMIT_DATA.
    for _ in range(60):
        hog.append(bytearray(50 * 1024 * 1024))
    conn.close()
serve(first=grow)
