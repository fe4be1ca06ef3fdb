// The database, ready to use: you do not need to change this file.
//
// DATABASE_URL says which database: a PostgreSQL URL (postgres://... or
// postgresql://...) or else the path of a SQLite file (created if it does not exist).
// Write every query once, with ? for each value, and pass the values apart. Every
// function is async: await it.
//
//   await db.query("SELECT * FROM posts WHERE id = ?", [id])  // an array of row objects
//   await db.one("SELECT * FROM posts WHERE id = ?", [id])    // one row object, or undefined
//   await db.execute("DELETE FROM posts WHERE id = ?", [id])  // how many rows changed
//
// Each statement commits on its own.

const URL = process.env.DATABASE_URL ?? "blog.sqlite3";
const dialect = /^postgres(ql)?:\/\//.test(URL) ? "postgresql" : "sqlite";

// The type of an id column that the database numbers by itself, never reusing a
// number: `CREATE TABLE things (id ${db.AUTO_ID}, ...)`.
const AUTO_ID = dialect === "postgresql" ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";

let pool; // PostgreSQL: a pool of connections, shared by all requests
let sqlite; // SQLite: one connection (node runs one statement at a time)
if (dialect === "postgresql") {
  const { Pool } = require("pg");
  pool = new Pool({ connectionString: URL });
} else {
  const { Database } = require("node-sqlite3-wasm");
  sqlite = new Database(URL);
  sqlite.exec("PRAGMA foreign_keys = ON");
}

// pg numbers its placeholders: the first ? becomes $1, the second $2, ...
function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// The rows a statement returns, as an array of objects.
async function query(sql, params = []) {
  if (pool) {
    return (await pool.query(numbered(sql), params)).rows;
  }
  return sqlite.all(sql, params);
}

// The first row a statement returns, or undefined when there is none.
async function one(sql, params = []) {
  const rows = await query(sql, params);
  return rows[0];
}

// Run a statement that returns no rows; how many rows it changed.
async function execute(sql, params = []) {
  if (pool) {
    return (await pool.query(numbered(sql), params)).rowCount ?? 0;
  }
  return sqlite.run(sql, params).changes;
}

module.exports = { dialect, AUTO_ID, query, one, execute };
