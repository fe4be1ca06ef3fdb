import os, time
from hostile_base import record_pid, serve
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        record_pid()
        os.chdir("/")
        for fd in (0, 1, 2):
            os.close(fd)
        time.sleep(300)
    os._exit(0)
serve()
