import signal
from hostile_base import serve
signal.signal(signal.SIGTERM, signal.SIG_IGN)
serve()
