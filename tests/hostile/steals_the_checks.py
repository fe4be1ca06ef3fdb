"""A generic answer-replayer's first step: find the hidden checks in learn itself
(its binary, through /proc or on disk), its command line (the seed) and its
environment, and list the submission as it was handed in. argv: the path of learn's
binary, the submission's own folder."""
import os, sys
from hostile_base import serve
# Built at run time, so this file itself does not hold what it looks for.
needle = b"[[" + b"check]]"
found = []
def holds(path, limit=1 << 27):
    try:
        with open(path, "rb") as f:
            return needle in f.read(limit)
    except OSError:
        return False
if holds(sys.argv[1]):
    found.append("binary")
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    if holds(f"/proc/{pid}/exe"):
        found.append(f"exe of {pid}")
    for what in ["cmdline", "environ"]:
        try:
            with open(f"/proc/{pid}/{what}", "rb") as f:
                if b"--seed" in f.read() and what == "cmdline":
                    found.append(f"seed in {pid}")
        except OSError:
            pass
try:
    if os.listdir(sys.argv[2]):
        found.append("the submission as handed in")
except OSError:
    pass
print(f"stolen: {len(found)} {found[:4]}", flush=True)
serve()
