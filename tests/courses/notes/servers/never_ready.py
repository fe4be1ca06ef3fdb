import os, time

url = os.environ["DATABASE_URL"]
with open("database_url.txt", "w") as f:
    f.write(url)
if not url.startswith("postgresql://"):
    open(url, "w").close()
time.sleep(120)
