"""The database: SQLite or PostgreSQL, whichever DATABASE_URL names.

This module is complete: you do not need to change it. Write your SQL once, with `?`
for every value (every `?` is a value, even inside quotes), and it runs on both
databases:

    db.query("SELECT * FROM posts WHERE author_id = ?", [7])   # a list of dicts
    db.one("SELECT * FROM authors WHERE id = ?", [7])          # one dict, or None
    db.execute("DELETE FROM authors WHERE id = ?", [7])        # how many rows changed
    db.run_script("CREATE TABLE ...; CREATE INDEX ...;")       # several statements

Every call opens its own connection and commits when it is done, so it is safe from
Flask's threads. A broken constraint raises db.UniqueViolation or
db.ForeignKeyViolation, the same on both databases.
"""

import os
import sqlite3

DATABASE_URL = os.environ.get("DATABASE_URL", "blog.sqlite3")
IS_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
DIALECT = "postgresql" if IS_POSTGRES else "sqlite"

# An auto-numbered primary key, for `id {db.PRIMARY_KEY}` in CREATE TABLE.
PRIMARY_KEY = "SERIAL PRIMARY KEY" if IS_POSTGRES else "INTEGER PRIMARY KEY AUTOINCREMENT"

if IS_POSTGRES:
    import psycopg
    from psycopg.rows import dict_row


class UniqueViolation(Exception):
    """An INSERT or UPDATE broke a UNIQUE constraint."""


class ForeignKeyViolation(Exception):
    """A row points at a row that does not exist (or a row that others point at went)."""


def _connect():
    if IS_POSTGRES:
        return psycopg.connect(DATABASE_URL, row_factory=dict_row)
    connection = sqlite3.connect(DATABASE_URL, timeout=10)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")  # SQLite ignores foreign keys without it
    return connection


def _translate(error):
    """The same exception for a broken constraint on both databases."""
    if IS_POSTGRES:
        if isinstance(error, psycopg.errors.UniqueViolation):
            return UniqueViolation(str(error))
        if isinstance(error, psycopg.errors.ForeignKeyViolation):
            return ForeignKeyViolation(str(error))
    elif isinstance(error, sqlite3.IntegrityError):
        if "UNIQUE constraint failed" in str(error):
            return UniqueViolation(str(error))
        if "FOREIGN KEY constraint failed" in str(error):
            return ForeignKeyViolation(str(error))
    return error


def _run(sql, params):
    """Run one statement: (rows as dicts, rowcount)."""
    params = list(params)
    if IS_POSTGRES:
        sql = sql.replace("%", "%%").replace("?", "%s")
    connection = _connect()
    try:
        cursor = connection.execute(sql, params)
        rows = [dict(row) for row in cursor.fetchall()] if cursor.description else []
        count = cursor.rowcount
        connection.commit()
        return rows, count
    except Exception as error:
        translated = _translate(error)
        if translated is error:
            raise
        raise translated from error
    finally:
        connection.close()


def query(sql, params=()):
    """All the rows the statement answers, as a list of dicts."""
    return _run(sql, params)[0]


def one(sql, params=()):
    """The first row the statement answers, as a dict, or None when there is none."""
    rows = query(sql, params)
    return rows[0] if rows else None


def execute(sql, params=()):
    """Run an INSERT, UPDATE or DELETE: the number of rows it changed."""
    return _run(sql, params)[1]


def run_script(sql):
    """Run several statements separated by `;` (no `?` values), like a schema."""
    connection = _connect()
    try:
        if IS_POSTGRES:
            connection.execute(sql)
        else:
            connection.executescript(sql)
        connection.commit()
    finally:
        connection.close()
