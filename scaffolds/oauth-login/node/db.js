// The database: SQLite or PostgreSQL, whichever DATABASE_URL names.
//
// This module is complete: you do not need to change it. Write your SQL once, with `?`
// for each value, and it runs on both databases. Every function is async (await it):
//
//   await db.script(SCHEMA);                                      // CREATE TABLE ... (several statements)
//   await db.query("SELECT * FROM users WHERE id > ?", [10]);     // -> an array of row objects
//   await db.one("SELECT * FROM users WHERE email = ?", [email]); // -> a row object, or null
//   await db.execute("DELETE FROM users WHERE id = ?", [id]);     // -> how many rows changed
//
// Every statement is saved (committed) as soon as it runs.

const { Database } = require("node-sqlite3-wasm");
const pg = require("pg");

// A SQLite file path, or a postgres:// (postgresql://) URL. Without it (when you start
// the server by hand), a SQLite file next to this one.
const DATABASE_URL = process.env.DATABASE_URL ?? "oauth.sqlite3";

// "postgres" or "sqlite": which database this is.
const dialect = /^postgres(ql)?:\/\//.test(DATABASE_URL) ? "postgres" : "sqlite";

// The column type of an id that the database numbers by itself: 1, 2, 3, ...
const ID_COLUMN = dialect === "postgres" ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";

let pool = null; // PostgreSQL: a pool of connections
let sqlite = null; // SQLite: one connection (Node runs one statement at a time)
if (dialect === "postgres") {
  pool = new pg.Pool({ connectionString: DATABASE_URL });
} else {
  sqlite = new Database(DATABASE_URL);
  sqlite.exec("PRAGMA foreign_keys = ON");
}

// `?` placeholders as PostgreSQL wants them: $1, $2, ...
function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// Run one statement and answer its rows as an array of objects (maybe empty).
async function query(sql, params = []) {
  if (dialect === "postgres") {
    const result = await pool.query(numbered(sql), params);
    return result.rows;
  }
  return sqlite.all(sql, params);
}

// Run one statement and answer its first row, or null when there is none.
async function one(sql, params = []) {
  const rows = await query(sql, params);
  return rows.length > 0 ? rows[0] : null;
}

// Run one statement that answers no rows; answer how many rows it changed.
async function execute(sql, params = []) {
  if (dialect === "postgres") {
    const result = await pool.query(numbered(sql), params);
    return result.rowCount;
  }
  return sqlite.run(sql, params).changes;
}

// Run several statements separated by `;`, like a schema. No `?` values here.
async function script(sql) {
  for (const statement of sql.split(";")) {
    if (statement.trim() !== "") {
      await execute(statement);
    }
  }
}

// True when an INSERT or UPDATE failed because a UNIQUE constraint (or index) said no.
function isUniqueViolation(err) {
  return err?.code === "23505" || /UNIQUE constraint failed/.test(err?.message ?? "");
}

module.exports = { dialect, ID_COLUMN, query, one, execute, script, isUniqueViolation };
