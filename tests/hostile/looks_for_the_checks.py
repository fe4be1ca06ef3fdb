import os
from hostile_base import serve
# Built at run time, so this file itself does not hold what it looks for.
needles = [b"[[" + b"check]]", b"[[" + b"check.step]]"]
found = []
for name, value in os.environ.items():
    if any(needle.decode() in value for needle in needles):
        found.append("env:" + name)
start = os.getcwd()
for root in [start] + [os.path.dirname(start)]:
    for dirpath, dirnames, filenames in os.walk(root):
        for filename in filenames:
            path = os.path.join(dirpath, filename)
            try:
                with open(path, "rb") as f:
                    data = f.read(1 << 20)
            except OSError:
                continue
            if any(needle in data for needle in needles):
                found.append(path)
print(f"checks found: {len(found)} {found[:3]}", flush=True)
serve()
