// Roles and permissions: users, editors and admins, and a documents API that lets each do
// exactly what their role allows. Read README.md for the task, then run `learn check`.

const express = require("express");
const bcrypt = require("bcryptjs"); // password hashing: bcrypt.hash, bcrypt.compare
const jwt = require("jsonwebtoken"); // JSON Web Tokens: jwt.sign, jwt.verify
const db = require("./db"); // SQLite or PostgreSQL, from DATABASE_URL: see db.js (no need to change it)

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// learn always sets these three (JWT_SECRET and ADMIN_PASSWORD new at every run); the
// fixed values after ?? are only for trying the server by hand.
const JWT_SECRET = process.env.JWT_SECRET ?? "dev-only-secret-never-use-it-for-real";
const ADMIN_EMAIL = process.env.ADMIN_EMAIL ?? "admin@example.com";
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? "change-me-please";

// TODO: the users table: `id ${db.ID_COLUMN},` then email (text, not null, unique),
// password_hash (text, not null) and role (text, not null: 'user', 'editor' or 'admin'),
// as README.md describes. Then the documents table: an id, a title, a body and the
// owner_id of the user who made it. Use CREATE TABLE IF NOT EXISTS: this runs at every
// start of the server. After you change the schema, delete your local rbac.sqlite3.
const SCHEMA = `
`;

// throw new HttpError(403, "...") answers 403 {"error": "..."}, through the error handler
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

// Runs at every start, after the schema, before the server listens.
async function ensureFirstAdmin() {
  // TODO (README.md, "People and roles"): look the user ADMIN_EMAIL up. Missing: INSERT
  // it with await bcrypt.hash(ADMIN_PASSWORD, 10) and the role 'admin'. There already (a
  // restart): UPDATE its password_hash and role instead, for the email is unique.
}

// The user whose access token came with the request: the row { id, email, role }, or a
// 401. Every route but /health, register and login starts with
// `const user = await currentUser(req);`.
async function currentUser(req) {
  // TODO (README.md, "People and roles"): take the token from the header
  // `Authorization: Bearer <token>` (req.get("Authorization")), check it with
  // jwt.verify(token, JWT_SECRET, { algorithms: ["HS256"] }) (it throws when the token is
  // bad), then SELECT id, email, role FROM users WHERE id = ? with the token's sub. The
  // role comes from this row, at every request: never from the token. No token, a bad
  // one, or no such user: throw new HttpError(401, "...").
  throw new HttpError(401, "currentUser is not written yet");
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/auth/register", async (req, res) => {
  // TODO (README.md, "People and roles"): check email (with an @) and password (8
  // characters or more) in req.body (400), hash the password, INSERT the user with the
  // email lower-cased and the role 'user', whatever the body says (... RETURNING id,
  // email, role) and answer 201. A taken email makes the INSERT throw:
  // db.isUniqueViolation(err) tells you so, answer 409.
  notImplemented(req, res);
});

app.post("/auth/login", async (req, res) => {
  // TODO (README.md, "People and roles"): find the user by email, check the password with
  // await bcrypt.compare(password, user.password_hash) (else 401), and answer
  // { access_token: jwt.sign({ sub: String(user.id) }, JWT_SECRET, { algorithm: "HS256",
  // expiresIn: 900 }) }. No role in the token.
  notImplemented(req, res);
});

app.get("/me", async (req, res) => {
  // TODO (README.md, "People and roles"): answer { id, email, role } of currentUser(req).
  notImplemented(req, res);
});

// TODO (README.md, "401, 403 or 404?"): one helper for the three routes of one document
// that answers the document the caller may see, or throws a 404: for a user, look it up
// WHERE id = ? AND owner_id = ?, so that another person's document is not found; for an
// editor or an admin, WHERE id = ?. A 403 is then only for what the role may not do.

app.post("/documents", async (req, res) => {
  // TODO (README.md, "Documents"): title a non-empty string and body a string (400);
  // INSERT with owner_id the caller's id, never the body's; answer 201 with
  // { id, title, body, owner_id }.
  notImplemented(req, res);
});

app.get("/documents", async (req, res) => {
  // TODO (README.md, "Documents"): a user's own documents, or every one for an editor or
  // an admin, ORDER BY id.
  notImplemented(req, res);
});

app.get("/documents/:id", async (req, res) => {
  // TODO (README.md, "Documents"): the document, if the caller may see it (else 404).
  notImplemented(req, res);
});

app.put("/documents/:id", async (req, res) => {
  // TODO (README.md, "Documents"): the document, if the caller may see it (404), then the
  // same checks as POST (400); UPDATE title and body only, and answer the document.
  notImplemented(req, res);
});

app.delete("/documents/:id", async (req, res) => {
  // TODO (README.md, "Documents"): the document, if the caller may see it (404); then
  // only an admin deletes it (else 403). Answer 204 with an empty body
  // (res.status(204).end()).
  notImplemented(req, res);
});

app.put("/users/:id/role", async (req, res) => {
  // TODO (README.md, "Changing roles"): an admin only (403), never on their own id (403);
  // req.body.role one of 'user', 'editor', 'admin' (400); UPDATE it and answer
  // { id, email, role }, or 404 when no user has this id.
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

db.script(SCHEMA)
  .then(ensureFirstAdmin)
  .then(() => {
    const port = Number(process.env.PORT ?? 8000);
    app.listen(port, "127.0.0.1", () => {
      console.log(`Listening on http://127.0.0.1:${port}`);
    });
  });
