"""`python manage.py create_tables`: create the posts table if it does not exist yet.

The run command of learn.toml runs it before it starts the server: the table is
there before the first request arrives.
"""

from django.core.management.base import BaseCommand

from posts import db

# IF NOT EXISTS: a restarted server finds the table, and its posts, still there.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS posts (
    id {db.AUTO_ID},
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    category TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


class Command(BaseCommand):
    help = "Create the posts table if it does not exist yet."

    def handle(self, *args, **options):
        db.execute(SCHEMA)
