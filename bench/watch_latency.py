#!/usr/bin/env python3
"""`learn watch` from save to new verdict: runs `learn watch` in WORKSPACE under a
pseudo-terminal (util-linux `script`), saves FILE again RUNS times, and prints the
median and the spread of the time from each save until the new report is on screen.

usage: bench/watch_latency.py LEARN WORKSPACE FILE [RUNS]"""
import os, statistics, subprocess, sys, threading, time

learn, workspace, changed = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
DONE = b"Watching for changes"
env = dict(os.environ, NO_COLOR="1")
child = subprocess.Popen(
    ["script", "-qfec", f"{learn} watch", "/dev/null"],
    cwd=workspace, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
)
seen = []
lock = threading.Condition()
def read():
    buffer = b""
    while chunk := os.read(child.stdout.fileno(), 4096):
        buffer += chunk
        while DONE in buffer:
            _, buffer = buffer.split(DONE, 1)
            with lock:
                seen.append(time.monotonic())
                lock.notify_all()
threading.Thread(target=read, daemon=True).start()

def wait_for(count, limit=60):
    with lock:
        if not lock.wait_for(lambda: len(seen) >= count, timeout=limit):
            sys.exit(f"no verdict within {limit} s")

wait_for(1)  # the first run: build, start, check
path = os.path.join(workspace, changed)
text = open(path, "rb").read()
latencies = []
for run in range(runs):
    time.sleep(0.5)
    saved = time.monotonic()
    with open(path, "wb") as f:
        f.write(text)
    wait_for(len(latencies) + 2)
    latencies.append(seen[len(latencies) + 1] - saved)
child.stdin.write(b"q")
child.stdin.flush()
child.wait(timeout=10)
ms = sorted(round(latency * 1000) for latency in latencies)
print(f"save to verdict: median {statistics.median(ms)} ms, min {ms[0]} ms, max {ms[-1]} ms ({runs} saves)")
