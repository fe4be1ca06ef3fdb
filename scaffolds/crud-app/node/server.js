// A blog posts API, kept in memory. Read README.md for the task, then run `learn check`.

const express = require("express");

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// All posts live here while the server runs, keyed by id.
const posts = new Map();

// The current UTC time as a string, like 2026-01-31T12:00:00.123Z.
function now() {
  return new Date().toISOString();
}

function notImplemented(req, res) {
  res.status(501).json({ error: "not implemented yet" });
}

app.post("/posts", (req, res) => {
  // TODO: check every field of req.body, give the post an id and timestamps,
  // store it, and answer 201 with a Location header.
  notImplemented(req, res);
});

app.get("/posts", (req, res) => {
  // TODO: answer every stored post, or only those matching ?term= (req.query.term).
  res.json([]);
});

app.get("/posts/:id", (req, res) => {
  // TODO: answer the post with this id (req.params.id), or 404 with a JSON error.
  notImplemented(req, res);
});

app.put("/posts/:id", (req, res) => {
  // TODO: check the body like in POST, replace the fields, refresh updatedAt.
  notImplemented(req, res);
});

app.delete("/posts/:id", (req, res) => {
  // TODO: remove the post and answer 204 with an empty body.
  notImplemented(req, res);
});

// TODO: Express answers unknown paths, and bodies that are not valid JSON, with
// HTML pages. Add a last app.use((req, res) => ...) for 404s and an error handler
// app.use((err, req, res, next) => ...) so that every error is JSON.

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
