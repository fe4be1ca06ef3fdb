import sys, threading
from hostile_base import serve
def flood():
    line = "x" * 999 + "\n"
    for _ in range(50_000):  # 50 MB to each stream
        sys.stdout.write(line)
        sys.stderr.write(line)
    sys.stdout.write("no newline at the end " * 100_000)
    sys.stdout.flush()
threading.Thread(target=flood, daemon=True).start()
serve()
