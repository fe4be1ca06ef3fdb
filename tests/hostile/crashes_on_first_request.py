import os
from hostile_base import listen, read_request, record_pid
record_pid()
s = listen()
conn, _ = s.accept()
read_request(conn)
print("Segmentation fault (pretend)", flush=True)
os._exit(139)
