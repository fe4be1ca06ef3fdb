import os, sys

if os.path.exists("started-before"):
    print("refusing to start twice", file=sys.stderr)
    sys.exit(1)
open("started-before", "w").close()
import memory_notes  # noqa: E402,F401  (serves until stopped)
