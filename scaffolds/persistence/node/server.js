// A blog posts API, kept in a database. Read README.md for the task, then run `learn check`.
//
// db.js is ready: await db.query / db.one / db.execute run SQL on the database that
// DATABASE_URL names (SQLite or PostgreSQL), with ? for each value.

const express = require("express");
const db = require("./db");

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// TODO: the posts table, with the columns README.md lists. Use `id ${db.AUTO_ID}`
// for the id: the database numbers the rows itself. Keep IF NOT EXISTS: when the
// server restarts, the table (and its posts) is already there.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ...
`;

// The current UTC time as a string, like 2026-01-31T12:00:00.123Z.
function now() {
  return new Date().toISOString();
}

function notImplemented(req, res) {
  res.status(501).json({ error: "not implemented yet" });
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/posts", async (req, res) => {
  // TODO: check req.body as in the crud-app, INSERT a row (tags as JSON text:
  // JSON.stringify(tags)), RETURNING * to get the row with its new id, and answer
  // the post with 201 and a Location header. Remember to await every db call.
  notImplemented(req, res);
});

app.get("/posts", async (req, res) => {
  // TODO: SELECT the rows (only those matching ?term=, req.query.term) and answer
  // them as posts: tags back as an array (JSON.parse), createdAt, updatedAt.
  notImplemented(req, res);
});

app.get("/posts/:id", async (req, res) => {
  // TODO: SELECT the row with this id (req.params.id is a string) and answer it as
  // a post, or 404 with a JSON error.
  notImplemented(req, res);
});

app.put("/posts/:id", async (req, res) => {
  // TODO: check the body, UPDATE that row (and refresh updated_at), answer the post.
  notImplemented(req, res);
});

app.delete("/posts/:id", async (req, res) => {
  // TODO: DELETE that row and answer 204 with an empty body (404 if there was none).
  notImplemented(req, res);
});

// TODO: Express answers unknown paths, and bodies that are not valid JSON, with
// HTML pages. Add a last app.use((req, res) => ...) for 404s and an error handler
// app.use((err, req, res, next) => ...) so that every error is JSON. In Express 5,
// an error thrown in an async route handler reaches that error handler too.

// TODO: create the table before listening: await db.execute(SCHEMA) first.
const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
