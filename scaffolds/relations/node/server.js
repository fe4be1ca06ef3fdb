// Authors, posts and comments in a relational database.
//
// Read README.md for the task, then run `learn check`. db.js is complete: use it, no
// need to change it.

const express = require("express");
const db = require("./db");

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// The schema, created every time the server starts. CREATE TABLE IF NOT EXISTS leaves
// a table that is already there alone: after you change the schema, delete your local
// database file (blog.sqlite3) so that the new one takes effect.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS authors (
    id ${db.PRIMARY_KEY},
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);
-- TODO: the posts table: id, author_id (a foreign key to authors that cascades
-- on delete), title, body, created_at.
-- TODO: the comments table: id, post_id (a foreign key to posts that cascades
-- on delete), body.
-- TODO: an index on posts (author_id).
`;

// throw new HttpError(404, "post 7 not found") answers 404 {"error": "post 7 not found"}.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

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

app.post("/authors", async (req, res) => {
  // TODO: check name and email in req.body, INSERT the author (... RETURNING *),
  // answer 201. A taken email throws db.UniqueViolation: 409.
  notImplemented(req, res);
});

app.get("/authors/:id", async (req, res) => {
  // TODO: answer the author (req.params.id is a string), or 404.
  notImplemented(req, res);
});

app.delete("/authors/:id", async (req, res) => {
  // TODO: DELETE the author (the foreign keys cascade to posts and comments),
  // answer 204 with an empty body, or 404 when no row was deleted.
  notImplemented(req, res);
});

app.post("/posts", async (req, res) => {
  // TODO: check author_id, title and body, INSERT the post with created_at: now(),
  // answer 201. An unknown author throws db.ForeignKeyViolation: 400.
  notImplemented(req, res);
});

app.get("/posts", async (req, res) => {
  // TODO: read author_id, q, sort, order, limit and offset from req.query,
  // answer { items: [...], total: N }.
  notImplemented(req, res);
});

app.get("/posts/:id", async (req, res) => {
  // TODO: answer the post with author: { id, name } and comment_count, or 404.
  notImplemented(req, res);
});

app.post("/posts/:id/comments", async (req, res) => {
  // TODO: check body, INSERT the comment, answer 201, or 404 when the post does
  // not exist.
  notImplemented(req, res);
});

app.get("/posts/:id/comments", async (req, res) => {
  // TODO: answer the post's comments, oldest first, or 404.
  notImplemented(req, res);
});

// No route matched: answer 404 as JSON, not Express's HTML page.
app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

// Errors thrown in the routes (async ones too), and bodies that express.json() could
// not parse, end up here.
app.use((err, req, res, next) => {
  if (err instanceof HttpError) {
    return res.status(err.status).json({ error: err.message });
  }
  if (err.type === "entity.parse.failed") {
    return res.status(400).json({ error: "the body is not valid JSON" });
  }
  console.error(err);
  res.status(500).json({ error: "something went wrong on the server" });
});

const port = Number(process.env.PORT ?? 8000);
db.runScript(SCHEMA).then(() => {
  app.listen(port, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${port}`);
  });
});
