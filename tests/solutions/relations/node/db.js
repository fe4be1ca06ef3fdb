// The database: SQLite or PostgreSQL, whichever DATABASE_URL names.
//
// This module is complete: you do not need to change it. Write your SQL once, with `?`
// for every value (every `?` is a value, even inside quotes), and it runs on both
// databases. Every function is async:
//
//   await db.query("SELECT * FROM posts WHERE author_id = ?", [7])  // an array of objects
//   await db.one("SELECT * FROM authors WHERE id = ?", [7])         // one object, or null
//   await db.execute("DELETE FROM authors WHERE id = ?", [7])       // how many rows changed
//   await db.runScript("CREATE TABLE ...; CREATE INDEX ...;")       // several statements
//
// A broken constraint throws db.UniqueViolation or db.ForeignKeyViolation, the same on
// both databases.

const DATABASE_URL = process.env.DATABASE_URL ?? "blog.sqlite3";
const isPostgres = /^postgres(ql)?:\/\//.test(DATABASE_URL);
const DIALECT = isPostgres ? "postgresql" : "sqlite";

// An auto-numbered primary key, for `id ${db.PRIMARY_KEY}` in CREATE TABLE.
const PRIMARY_KEY = isPostgres ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";

// An INSERT or UPDATE broke a UNIQUE constraint.
class UniqueViolation extends Error {}

// A row points at a row that does not exist (or a row that others point at went).
class ForeignKeyViolation extends Error {}

let pool;
let sqlite;
if (isPostgres) {
  const { Pool } = require("pg");
  pool = new Pool({ connectionString: DATABASE_URL });
} else {
  const { Database } = require("node-sqlite3-wasm");
  sqlite = new Database(DATABASE_URL);
  sqlite.exec("PRAGMA foreign_keys = ON"); // SQLite ignores foreign keys without it
}

// The same error for a broken constraint on both databases.
function translate(err) {
  const message = String(err?.message ?? err);
  if (err?.code === "23505" || message.includes("UNIQUE constraint failed")) {
    return new UniqueViolation(message);
  }
  if (err?.code === "23503" || message.includes("FOREIGN KEY constraint failed")) {
    return new ForeignKeyViolation(message);
  }
  return err;
}

// PostgreSQL numbers its placeholders: `a = ? AND b = ?` becomes `a = $1 AND b = $2`.
function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// All the rows the statement answers, as an array of objects.
async function query(sql, params = []) {
  try {
    if (isPostgres) {
      return (await pool.query(numbered(sql), params)).rows;
    }
    return sqlite.all(sql, params);
  } catch (err) {
    throw translate(err);
  }
}

// The first row the statement answers, as an object, or null when there is none.
async function one(sql, params = []) {
  return (await query(sql, params))[0] ?? null;
}

// Run an INSERT, UPDATE or DELETE: the number of rows it changed.
async function execute(sql, params = []) {
  try {
    if (isPostgres) {
      return (await pool.query(numbered(sql), params)).rowCount;
    }
    return sqlite.run(sql, params).changes;
  } catch (err) {
    throw translate(err);
  }
}

// Run several statements separated by `;` (no `?` values), like a schema.
async function runScript(sql) {
  if (isPostgres) {
    await pool.query(sql);
  } else {
    sqlite.exec(sql);
  }
}

module.exports = {
  DIALECT,
  PRIMARY_KEY,
  UniqueViolation,
  ForeignKeyViolation,
  query,
  one,
  execute,
  runScript,
};
