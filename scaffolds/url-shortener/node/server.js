// A URL shortener kept in a database. Read README.md for the task, then run `learn check`.

const crypto = require("node:crypto");
const express = require("express");
const db = require("./db"); // SQLite or PostgreSQL, from DATABASE_URL: see db.js (no need to change it)

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// TODO: the links table: code, url, hits and created_at (see README.md), with a unique
// index on code. Use CREATE TABLE IF NOT EXISTS: this runs at every start of the server.
// For an id column numbered by the database, write `id ${db.ID_COLUMN},`.
const SCHEMA = `
`;

const CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// The current UTC time as a string, like 2026-01-31T12:00:00.123Z.
function now() {
  return new Date().toISOString();
}

// A random short code of 7 letters and digits, like "aZ3kP9q".
function newCode() {
  let code = "";
  for (let i = 0; i < 7; i++) {
    code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  }
  return code;
}

function notImplemented(req, res) {
  res.status(501).json({ error: "not implemented yet" });
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/shorten", async (req, res) => {
  // TODO: check req.body.url, insert a link with a new code, answer 201 with the link.
  // If the unique index says the code is taken (db.isUniqueViolation(err)), try another.
  notImplemented(req, res);
});

app.get("/shorten/:code/stats", async (req, res) => {
  // TODO: answer the link with its hits, or 404.
  notImplemented(req, res);
});

app.put("/shorten/:code", async (req, res) => {
  // TODO: check the url like in POST, change the link's url, answer the link.
  notImplemented(req, res);
});

app.delete("/shorten/:code", async (req, res) => {
  // TODO: delete the link and answer 204 with an empty body, or 404.
  notImplemented(req, res);
});

// Keep this route after the other GETs: "/:code" also matches "/health", and Express
// answers with the first route that matches.
app.get("/:code", async (req, res) => {
  // TODO: count the hit and redirect to the link's url (res.redirect), or 404.
  notImplemented(req, res);
});

// TODO: Express answers unknown paths, and bodies that are not valid JSON, with
// HTML pages. Add a last app.use((req, res) => ...) for 404s and an error handler
// app.use((err, req, res, next) => ...) so that every error is JSON.

db.script(SCHEMA).then(() => {
  const port = Number(process.env.PORT ?? 8000);
  app.listen(port, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${port}`);
  });
});
