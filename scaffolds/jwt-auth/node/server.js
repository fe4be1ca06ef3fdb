// Sign-up, log-in and the tokens that prove who is calling. Read README.md for the task,
// then run `learn check`.

const crypto = require("node:crypto");
const express = require("express");
const bcrypt = require("bcryptjs"); // password hashing: bcrypt.hash, bcrypt.compare
const jwt = require("jsonwebtoken"); // JSON Web Tokens: jwt.sign, jwt.verify
const db = require("./db"); // SQLite or PostgreSQL, from DATABASE_URL: see db.js (no need to change it)

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// The key that signs the access tokens. learn always sets JWT_SECRET (a new one at every
// run); the fixed key after ?? is only for trying the server by hand.
const JWT_SECRET = process.env.JWT_SECRET ?? "dev-only-secret-never-use-it-for-real";

// TODO: the users table: `id ${db.ID_COLUMN},` then email (text, not null, unique) and
// password_hash (text, not null), as README.md describes. Then a table for the refresh
// tokens, shaped as you like. Use CREATE TABLE IF NOT EXISTS: this runs at every start of
// the server. After you change the schema, delete your local auth.sqlite3.
const SCHEMA = `
`;

// throw new HttpError(409, "...") answers 409 {"error": "..."}, through the error handler
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
  // TODO (README.md, "Signing up"): check email and password in req.body (400 naming the
  // field), hash the password with await bcrypt.hash(password, 10), INSERT the user with
  // the email lower-cased (... RETURNING id, email) and answer 201. A taken email makes
  // the INSERT throw: db.isUniqueViolation(err) tells you so, answer 409.
  notImplemented(req, res);
});

app.post("/auth/login", async (req, res) => {
  // TODO (README.md, "Logging in"): find the user by email, check the password with
  // await bcrypt.compare(password, user.password_hash), and answer a token pair. The
  // access token: jwt.sign({ sub: String(user.id) }, JWT_SECRET, { algorithm: "HS256",
  // expiresIn: 900 }). The refresh token: crypto.randomBytes(32).toString("base64url"),
  // stored in your table. A wrong email and a wrong password answer the same 401.
  notImplemented(req, res);
});

app.get("/me", async (req, res) => {
  // TODO (README.md, "The access token"): take the token from the header
  // `Authorization: Bearer <token>` (req.get("Authorization")), check it with
  // jwt.verify(token, JWT_SECRET, { algorithms: ["HS256"] }) (it throws when the token is
  // bad), and answer the user its sub names. Every refusal answers 401 with the header
  // res.set("WWW-Authenticate", "Bearer").
  notImplemented(req, res);
});

app.post("/auth/refresh", async (req, res) => {
  // TODO (README.md, "Refresh tokens"): take req.body.refresh_token, use it up (it works
  // only once) and answer a new token pair for its user, or 401.
  notImplemented(req, res);
});

app.post("/auth/logout", async (req, res) => {
  // TODO (README.md, "Refresh tokens"): revoke req.body.refresh_token and answer 204
  // with an empty body (res.status(204).end()), even when the token was unknown.
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
