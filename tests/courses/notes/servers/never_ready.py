import os, time

with open("database_url.txt", "w") as f:
    f.write(os.environ["DATABASE_URL"])
open(os.environ["DATABASE_URL"], "w").close()
time.sleep(120)
