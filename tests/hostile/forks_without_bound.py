import os, time
from hostile_base import record_pid, serve
for _ in range(300):
    if os.fork() == 0:
        record_pid()
        time.sleep(300)
        os._exit(0)
    time.sleep(0.005)
serve()
