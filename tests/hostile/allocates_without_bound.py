import mmap
from hostile_base import serve
hog = []
def grow(conn):
    # 3 GB of address space at most, were there no limit; untouched, so a broken limit
    # cannot hurt the machine, yet each map counts against RLIMIT_AS.
    for _ in range(60):
        hog.append(mmap.mmap(-1, 50 * 1024 * 1024))
    conn.close()
serve(first=grow)
