"""`python manage.py create_tables`: create the posts table if it does not exist yet.

The run command of learn.toml runs it before it starts the server: the table is
there before the first request arrives.
"""

from django.core.management.base import BaseCommand

from posts import db

# TODO: the posts table, with the columns README.md lists. Use `id {db.AUTO_ID}`
# for the id: the database numbers the rows itself. Keep IF NOT EXISTS: when the
# server restarts, the table (and its posts) is already there.
SCHEMA = """
CREATE TABLE IF NOT EXISTS ...
"""


class Command(BaseCommand):
    help = "Create the posts table if it does not exist yet."

    def handle(self, *args, **options):
        # TODO: create the table: db.execute(SCHEMA)
        pass
