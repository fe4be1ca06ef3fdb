"""The database: SQLite or PostgreSQL, whichever DATABASE_URL names.

This module is complete: you do not need to change it. Write your SQL once, with `?`
for each value, and it runs on both databases:

    db.script(SCHEMA)                                        # CREATE TABLE ... (several statements)
    db.query("SELECT * FROM users WHERE id > ?", [10])        # -> a list of dicts
    db.one("SELECT * FROM users WHERE email = ?", [email])    # -> a dict, or None
    db.execute("DELETE FROM users WHERE id = ?", [user_id])   # -> how many rows changed

Every call opens its own connection and saves (commits) its statement right away,
so it is safe from the many threads of Flask's server.
"""

import os
import sqlite3
from contextlib import closing

import psycopg
from psycopg.rows import dict_row

# A SQLite file path, or a postgres:// (postgresql://) URL. Without it (when you start
# the server by hand), a SQLite file next to this one.
DATABASE_URL = os.environ.get("DATABASE_URL", "rbac.sqlite3")

# "postgres" or "sqlite": which database this is.
DIALECT = "postgres" if DATABASE_URL.startswith(("postgres://", "postgresql://")) else "sqlite"

# The column type of an id that the database numbers by itself: 1, 2, 3, ...
ID_COLUMN = "SERIAL PRIMARY KEY" if DIALECT == "postgres" else "INTEGER PRIMARY KEY AUTOINCREMENT"

# What an INSERT or UPDATE raises when a UNIQUE constraint (or index) says no, on
# either database: `except db.IntegrityError:`.
IntegrityError = (sqlite3.IntegrityError, psycopg.IntegrityError)


def connect():
    """A new connection that saves every statement as soon as it runs (autocommit)."""
    if DIALECT == "postgres":
        return psycopg.connect(DATABASE_URL, autocommit=True, row_factory=dict_row)
    conn = sqlite3.connect(DATABASE_URL, timeout=10, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _translate(sql):
    """`?` placeholders as the database wants them: psycopg uses %s (and %% for %)."""
    if DIALECT == "postgres":
        return sql.replace("%", "%%").replace("?", "%s")
    return sql


def query(sql, params=()):
    """Run one statement and answer its rows as a list of dicts (maybe empty)."""
    with closing(connect()) as conn:
        cursor = conn.execute(_translate(sql), list(params))
        rows = cursor.fetchall() if cursor.description else []
        return [dict(row) for row in rows]


def one(sql, params=()):
    """Run one statement and answer its first row as a dict, or None when there is none."""
    rows = query(sql, params)
    return rows[0] if rows else None


def execute(sql, params=()):
    """Run one statement that answers no rows; answer how many rows it changed."""
    with closing(connect()) as conn:
        return conn.execute(_translate(sql), list(params)).rowcount


def script(sql):
    """Run several statements separated by `;`, like a schema. No `?` values here."""
    with closing(connect()) as conn:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)
