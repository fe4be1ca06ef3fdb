"""The database, ready to use: you do not need to change this file.

DATABASE_URL says which database: a PostgreSQL URL (postgres://... or
postgresql://...) or else the path of a SQLite file (created if it does not exist).
Write every query once, with ? for each value, and pass the values apart:

    db.query("SELECT * FROM posts WHERE id = ?", (post_id,))  # a list of dicts
    db.one("SELECT * FROM posts WHERE id = ?", (post_id,))    # one dict, or None
    db.execute("DELETE FROM posts WHERE id = ?", (post_id,))  # how many rows changed

Each call opens its own connection, runs the statement, commits and closes, so
requests served at the same time never share a connection.
"""

import os
import sqlite3

URL = os.environ.get("DATABASE_URL", "blog.sqlite3")
DIALECT = "postgresql" if URL.startswith(("postgres://", "postgresql://")) else "sqlite"

# The type of an id column that the database numbers by itself, never reusing a
# number: CREATE TABLE things (id {db.AUTO_ID}, ...).
AUTO_ID = "SERIAL PRIMARY KEY" if DIALECT == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"

if DIALECT == "postgresql":
    import psycopg
    from psycopg.rows import dict_row


def connect():
    """A new connection to the database (close it when done)."""
    if DIALECT == "postgresql":
        return psycopg.connect(URL, row_factory=dict_row)
    connection = sqlite3.connect(URL, timeout=10)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def run(sql, params=()):
    """Run one statement and commit: (the rows it returned, how many rows it changed)."""
    if DIALECT == "postgresql":
        sql = sql.replace("%", "%%").replace("?", "%s")  # psycopg's placeholders
    connection = connect()
    try:
        cursor = connection.execute(sql, tuple(params))
        rows = [dict(row) for row in cursor.fetchall()] if cursor.description else []
        changed = cursor.rowcount
        connection.commit()
        return rows, changed
    finally:
        connection.close()


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
