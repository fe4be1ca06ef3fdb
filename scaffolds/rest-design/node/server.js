// A bookshelf API, kept in memory. Read README.md for the task, then run `learn check`.

const express = require("express");

const app = express();
// Express would put a weak ETag on every answer and answer 304 by itself. Off: this
// API makes its own strong tags (README: Conditional requests).
app.set("etag", false);
// Parses these two types into req.body; a body of any other type is left unparsed
// (req.body is undefined): answer 415 for it (README: Media types).
app.use(express.json({ type: ["application/json", "application/merge-patch+json"] }));

const books = new Map(); // id -> book: {id, title, author, year, notes?}
let lastId = 0; // the last id given: the next book gets lastId + 1

// TODO: a GET or HEAD whose Accept rules out JSON answers 406 (README: Media types).

function notImplemented(req, res) {
  res.status(501).json({ error: "not implemented yet" });
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/v1/books", (req, res) => {
  // TODO: 415 unless the body is application/json (req.is); check the fields
  // (README: A book); answer 201 with a Location header. Then the Idempotency-Key
  // (README: Retries).
  notImplemented(req, res);
});

app.get("/v1/books", (req, res) => {
  // TODO: {"items": [...], "total": N}, filtered, sorted and cut into pages, with a
  // Link header (README: Lists).
  notImplemented(req, res);
});

app.get("/v1/books/:id", (req, res) => {
  // TODO: the book with its ETag, or 304 for a matching If-None-Match
  // (README: Conditional requests), or 404.
  notImplemented(req, res);
});

app.patch("/v1/books/:id", (req, res) => {
  // TODO: a merge patch (README: Changing a book), after checking If-Match.
  notImplemented(req, res);
});

app.delete("/v1/books/:id", (req, res) => {
  // TODO: 204 with no body, after checking If-Match.
  notImplemented(req, res);
});

// TODO: OPTIONS and 405 with an Allow header for each path (README: Methods).

// TODO: every error is application/problem+json (README: Errors): unknown paths, and
// bodies that do not parse (an error handler app.use((err, req, res, next) => ...)).

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
