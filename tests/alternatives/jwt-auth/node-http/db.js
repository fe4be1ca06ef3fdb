// One small interface over SQLite (a file path) and PostgreSQL (a URL):
// write each statement once with `?` placeholders, get rows back as objects.
const url = process.env.DATABASE_URL || "auth.sqlite3";
const isPostgres = /^postgres(ql)?:\/\//.test(url);

let all;
let run;
let script;
let close;
if (isPostgres) {
  const { Pool } = require("pg");
  const pool = new Pool({ connectionString: url });
  const numbered = (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  all = async (sql, params) => (await pool.query(numbered(sql), params)).rows;
  run = async (sql, params) => (await pool.query(numbered(sql), params)).rowCount;
  script = async (sql) => {
    await pool.query(sql);
  };
  close = () => pool.end();
} else {
  const { Database } = require("node-sqlite3-wasm");
  const sqlite = new Database(url);
  sqlite.exec("PRAGMA foreign_keys = ON");
  all = async (sql, params) => sqlite.all(sql, params);
  run = async (sql, params) => sqlite.run(sql, params).changes;
  script = async (sql) => sqlite.exec(sql);
  close = async () => sqlite.close();
}

// A UNIQUE constraint said no: PostgreSQL's code 23505, SQLite's message.
const isUniqueViolation = (err) =>
  Boolean(err) && (err.code === "23505" || /UNIQUE constraint failed/i.test(String(err.message)));

module.exports = {
  isPostgres,
  ID_COLUMN: isPostgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT",
  query: (sql, params = []) => all(sql, params),
  one: async (sql, params = []) => (await all(sql, params))[0],
  execute: (sql, params = []) => run(sql, params),
  script: (sql) => script(sql),
  isUniqueViolation,
  close,
};
