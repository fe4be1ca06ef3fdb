import os, socket, time
from hostile_base import record_pid
record_pid()
s = socket.socket()
s.bind(("127.0.0.2", int(os.environ["PORT"])))
s.listen()
time.sleep(120)
