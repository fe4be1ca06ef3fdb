"""A build step that starts a daemon (double fork, a session of its own) and returns
once the daemon is up; the build then fails."""
import os, time
from hostile_base import record_pid

ready_r, ready_w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        record_pid()
        print("daemon started", flush=True)
        os.write(ready_w, b"x")
        time.sleep(300)
    os._exit(0)
# The build goes on (and fails) only once the daemon runs.
os.read(ready_r, 1)
