// Log-in with a session cookie kept on the server, a real log-out, and CSRF tokens on
// every change. Read README.md for the task, then run `learn check`.

const crypto = require("node:crypto"); // random ids: crypto.randomBytes; crypto.timingSafeEqual
const express = require("express");
const cookieParser = require("cookie-parser");
const bcrypt = require("bcryptjs"); // password hashing: bcrypt.hash, bcrypt.compare
const db = require("./db"); // SQLite or PostgreSQL, from DATABASE_URL: see db.js (no need to change it)

const app = express();
app.use(express.json()); // parses JSON bodies into req.body
app.use(cookieParser()); // parses the Cookie header into req.cookies

// No express-session here: its default store (MemoryStore) keeps the sessions in the
// memory of this process, so a restart forgets them all. Yours live in a table.

// TODO: the users table: `id ${db.ID_COLUMN},` then email (text, not null, unique) and
// password_hash (text, not null), as README.md describes. Then a table for the sessions
// (its random id, its user, its CSRF token) and one for the notes, shaped as you like.
// Use CREATE TABLE IF NOT EXISTS: this runs at every start of the server. After you
// change the schema, delete your local sessions.sqlite3.
const SCHEMA = `
`;

// throw new HttpError(401, "...") answers 401 {"error": "..."}, through the error handler
// at the end of this file.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function notImplemented(req, res) {
  res.status(501).json({ error: "not implemented yet" });
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/auth/register", async (req, res) => {
  // TODO (README.md, "Users"): check email and password in req.body (400), hash the
  // password with await bcrypt.hash(password, 10), INSERT the user with the email
  // lower-cased (... RETURNING id, email) and answer 201. A taken email makes the INSERT
  // throw: db.isUniqueViolation(err) tells you so, answer 409.
  notImplemented(req, res);
});

app.post("/auth/login", async (req, res) => {
  // TODO (README.md, "Sessions"): find the user by email and check the password with
  // await bcrypt.compare(password, user.password_hash): a wrong email and a wrong
  // password answer the same 401. Then INSERT a new session: a new id from
  // crypto.randomBytes(32).toString("base64url"), the user's id, and a CSRF token made
  // the same way. Set the cookie with
  // res.cookie("sid", id, { httpOnly: true, sameSite: "lax", path: "/" }) and answer the
  // user with its csrf_token.
  notImplemented(req, res);
});

app.get("/me", async (req, res) => {
  // TODO (README.md, "Sessions"): find the session whose id is the cookie req.cookies.sid
  // and answer its user; no cookie, or no such session, answers 401.
  notImplemented(req, res);
});

app.post("/auth/logout", async (req, res) => {
  // TODO (README.md, "Sessions"): with a valid session and its CSRF token (as in
  // POST /notes), DELETE this session and answer 204 with an empty body
  // (res.status(204).end()).
  notImplemented(req, res);
});

app.get("/notes", async (req, res) => {
  // TODO (README.md, "Notes, protected from CSRF"): the session's user's notes, oldest
  // first, as [{"id": ..., "text": ...}]; 401 without a valid session.
  notImplemented(req, res);
});

app.post("/notes", async (req, res) => {
  // TODO (README.md, "Notes, protected from CSRF"): the session first (401), then the
  // header req.get("X-CSRF-Token") against this session's token with
  // crypto.timingSafeEqual over two Buffers of the same length (403), then the text
  // (400). INSERT the note and answer 201 with {"id": ..., "text": ...}.
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
  if (err.status >= 400 && err.status < 500) {
    // express.json() refused the body for another reason: too large, unknown charset, ...
    return res.status(err.status).json({ error: err.message });
  }
  console.error(err);
  res.status(500).json({ error: "something went wrong on the server" });
});

db.script(SCHEMA).then(() => {
  const port = Number(process.env.PORT ?? 8000);
  app.listen(port, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${port}`);
  });
});
