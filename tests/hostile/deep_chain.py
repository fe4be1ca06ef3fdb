"""Starts a chain of 40 processes, each in a session of its own (so no group kill
reaches the next), deeper than any fixed number of sweeps; then answers 404s."""
import os, time
from hostile_base import record_pid, serve

if os.fork() == 0:
    for _ in range(40):
        os.setsid()
        if os.fork() != 0:
            record_pid()
            time.sleep(300)
            os._exit(0)
    record_pid()
    time.sleep(300)
    os._exit(0)
serve()
