"""A build step that starts a daemon (double fork, a session of its own) and returns;
the build then fails."""
import os, time
from hostile_base import record_pid

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        record_pid()
        print("daemon started", flush=True)
        time.sleep(300)
    os._exit(0)
