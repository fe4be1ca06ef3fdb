import os, time
from hostile_base import listen, record_pid
record_pid()
# A port next to PORT that is free (other tests take ports too).
for offset in list(range(1, 50)) + list(range(-1, -50, -1)):
    try:
        s = listen(int(os.environ["PORT"]) + offset)
        break
    except (OSError, OverflowError):  # taken, or past 65535
        continue
print("listening on a port next to PORT", flush=True)
time.sleep(120)
