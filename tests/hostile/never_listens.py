import time
from hostile_base import record_pid
record_pid()
print("starting up...", flush=True)
time.sleep(120)
