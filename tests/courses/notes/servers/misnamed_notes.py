# Stores notes in the column `body`, where the README asks for `text`.
import os, sqlite3
from notes_base import serve

with open("database_url.txt", "w") as f:
    f.write(os.environ["DATABASE_URL"])


class Store:
    def __init__(self, path):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")

    def add(self, text):
        return self.db.execute("INSERT INTO notes (body) VALUES (?)", (text,)).lastrowid

    def get(self, note_id):
        row = self.db.execute("SELECT id, body FROM notes WHERE id = ?", (note_id,)).fetchone()
        return row and {"id": row[0], "text": row[1]}


serve(Store(os.environ["DATABASE_URL"]))
