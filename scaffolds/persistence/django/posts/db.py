"""The database, ready to use: you do not need to change this file.

Django connects to the database that DATABASE_URL names (see DATABASES in
config/settings.py): a PostgreSQL URL (postgres://... or postgresql://...) or else
the path of a SQLite file (created if it does not exist). This module runs plain
SQL on Django's connection. Write every query once, with ? for each value, and
pass the values apart:

    db.query("SELECT * FROM posts WHERE id = ?", (post_id,))  # a list of dicts
    db.one("SELECT * FROM posts WHERE id = ?", (post_id,))    # one dict, or None
    db.execute("DELETE FROM posts WHERE id = ?", (post_id,))  # how many rows changed

Django commits each statement straight away (autocommit), and every thread of the
server has a connection of its own, closed at the end of each request: requests
served at the same time never share a connection.
"""

from django.db import connection

# The type of an id column that the database numbers by itself, never reusing a
# number: CREATE TABLE things (id {db.AUTO_ID}, ...).
if connection.vendor == "postgresql":
    AUTO_ID = "SERIAL PRIMARY KEY"
else:
    AUTO_ID = "INTEGER PRIMARY KEY AUTOINCREMENT"


def run(sql, params=()):
    """Run one statement: (the rows it returned, as dicts; how many rows it changed)."""
    # Django writes a value's place as %s on every database, and a % of the SQL as %%.
    sql = sql.replace("%", "%%").replace("?", "%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(params))
        if cursor.description is None:  # a statement that returns no rows
            return [], cursor.rowcount
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()], cursor.rowcount


def query(sql, params=()):
    """The rows a statement returns, as a list of dicts."""
    return run(sql, params)[0]


def one(sql, params=()):
    """The first row a statement returns, as a dict, or None when there is none."""
    rows = query(sql, params)
    return rows[0] if rows else None


def execute(sql, params=()):
    """Run a statement that returns no rows; how many rows it changed."""
    return run(sql, params)[1]
