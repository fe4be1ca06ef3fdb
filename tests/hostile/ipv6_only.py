import os, socket, time
from hostile_base import record_pid
record_pid()
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::1", int(os.environ["PORT"])))
s.listen()
time.sleep(120)
