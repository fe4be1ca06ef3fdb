"""Starts a "PID hopper" in a session of its own: it forks and exits in a loop, so every
pid a sweep lists is gone when it is killed; then answers 404s."""
import os, time
from hostile_base import record_pid, serve

if os.fork() == 0:
    os.setsid()
    # Ends by itself after a minute, should learn ever fail to stop it.
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.fork() != 0:
            os._exit(0)
        record_pid()
        time.sleep(0.01)
    os._exit(0)
serve()
