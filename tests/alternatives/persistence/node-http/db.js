// One small interface over SQLite (a file path) and PostgreSQL (a URL):
// write each statement once with `?` placeholders, get rows back as objects.
const url = process.env.DATABASE_URL || "blog.sqlite3";
const isPostgres = /^postgres(ql)?:\/\//.test(url);

let all;
let close;
if (isPostgres) {
  const { Pool } = require("pg");
  const pool = new Pool({ connectionString: url });
  all = async (sql, params) => {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    return (await pool.query(text, params)).rows;
  };
  close = () => pool.end();
} else {
  const { Database } = require("node-sqlite3-wasm");
  const sqlite = new Database(url);
  all = async (sql, params) => sqlite.all(sql, params);
  close = async () => sqlite.close();
}

module.exports = {
  AUTO_ID: isPostgres ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT",
  query: (sql, params = []) => all(sql, params),
  one: async (sql, params = []) => (await all(sql, params))[0],
  close,
};
