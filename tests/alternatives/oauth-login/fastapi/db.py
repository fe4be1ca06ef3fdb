"""One small interface over SQLite (a file path) and PostgreSQL (a URL).

Every statement is written once with `?` placeholders and runs on a connection
of its own, committed straight away.
"""
import os
import sqlite3
from contextlib import closing

import psycopg
from psycopg.rows import dict_row

URL = os.environ.get("DATABASE_URL", "oauth.sqlite3")
POSTGRES = URL.startswith(("postgres://", "postgresql://"))
ID_COLUMN = "SERIAL PRIMARY KEY" if POSTGRES else "INTEGER PRIMARY KEY AUTOINCREMENT"


def _connect():
    if POSTGRES:
        return psycopg.connect(URL, autocommit=True, row_factory=dict_row)
    conn = sqlite3.connect(URL, isolation_level=None, timeout=30)
    conn.row_factory = lambda cursor, row: {col[0]: value for col, value in zip(cursor.description, row)}
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _run(sql, params):
    if POSTGRES:
        sql = sql.replace("%", "%%").replace("?", "%s")
    with closing(_connect()) as conn:
        cursor = conn.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.rowcount


def query(sql, params=()):
    return _run(sql, params)[0]


def one(sql, params=()):
    rows = query(sql, params)
    return rows[0] if rows else None


def execute(sql, params=()):
    return _run(sql, params)[1]


def script(sql):
    with closing(_connect()) as conn:
        if POSTGRES:
            conn.execute(sql)
        else:
            conn.executescript(sql)
