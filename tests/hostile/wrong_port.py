import os, time
from hostile_base import listen, record_pid
record_pid()
s = listen(int(os.environ["PORT"]) + 1)
print("listening on the port after PORT", flush=True)
time.sleep(120)
