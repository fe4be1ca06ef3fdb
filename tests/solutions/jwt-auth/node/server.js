// Sign-up with hashed passwords, log-in that hands out short-lived JWTs and rotating
// refresh tokens, and a /me that refuses every forged token.

const crypto = require("node:crypto");
const express = require("express");
const bcrypt = require("bcryptjs");
const jwt = require("jsonwebtoken");
const db = require("./db");

const app = express();
app.use(express.json());

// learn always sets JWT_SECRET; the fixed key is only for trying the server by hand.
const JWT_SECRET = process.env.JWT_SECRET ?? "dev-only-secret-never-use-it-for-real";

// A refresh token is stored as its SHA-256, never as itself: someone who reads the table
// cannot use what they read. (A fast hash is enough here: the token is 32 random bytes,
// not a password a person chose.)
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
    id ${db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
)
`;

const BCRYPT_COST = 10;
const ACCESS_TOKEN_SECONDS = 900;
const CLOCK_LEEWAY_SECONDS = 30;
const MIN_PASSWORD_LENGTH = 8;

// One @, something before it, a domain with a dot that has something on both sides, and
// no white space anywhere.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// A user id as the access tokens carry it in sub: digits only, and small enough for an
// INTEGER column, so that no signed but odd sub ("abc", "1e99") reaches the database.
const USER_ID_PATTERN = /^[1-9][0-9]{0,8}$/;

const WRONG_CREDENTIALS = "wrong email or password";

// Compared against when the email is unknown, so that an unknown email takes as long to
// refuse as a wrong password: the time of the answer tells nothing either.
const UNKNOWN_USER_HASH = bcrypt.hashSync("no user has this password", BCRYPT_COST);

// An error with the HTTP status (and headers) to answer; the error handler below sends
// it as JSON.
class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

// A 401 for /me: the header tells the client which kind of credentials to send.
function unauthorized(message) {
  return new HttpError(401, message, { "WWW-Authenticate": "Bearer" });
}

function isObject(body) {
  return typeof body === "object" && body !== null && !Array.isArray(body);
}

// The email and password of a sign-up, checked; the email lower-cased.
function registrationFromBody(body) {
  if (!isObject(body)) {
    throw new HttpError(400, 'the body must be a JSON object like {"email": "...", "password": "..."}');
  }
  const { email, password } = body;
  if (typeof email !== "string") {
    throw new HttpError(400, "email is required, as a string");
  }
  if (!EMAIL_PATTERN.test(email)) {
    throw new HttpError(400, "email must look like ada@example.com, with no white space");
  }
  if (typeof password !== "string") {
    throw new HttpError(400, "password is required, as a string");
  }
  // Array.from counts characters, not UTF-16 halves: an emoji is one character.
  if (Array.from(password).length < MIN_PASSWORD_LENGTH) {
    throw new HttpError(400, `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return { email: email.toLowerCase(), password };
}

// The email and password of a log-in: two strings, not checked further (a malformed
// email simply has no account).
function credentialsFromBody(body) {
  if (!isObject(body) || typeof body.email !== "string" || typeof body.password !== "string") {
    throw new HttpError(400, 'the body must be a JSON object like {"email": "...", "password": "..."}');
  }
  return { email: body.email.toLowerCase(), password: body.password };
}

function refreshTokenFromBody(body) {
  if (!isObject(body) || typeof body.refresh_token !== "string") {
    throw new HttpError(400, 'the body must be a JSON object like {"refresh_token": "..."}');
  }
  return body.refresh_token;
}

function userJson(user) {
  return { id: user.id, email: user.email };
}

function sha256(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}

// A new access token and a new refresh token for the user, the refresh token stored.
async function tokenPair(userId) {
  const accessToken = jwt.sign({ sub: String(userId) }, JWT_SECRET, {
    algorithm: "HS256",
    expiresIn: ACCESS_TOKEN_SECONDS,
  });
  const refreshToken = crypto.randomBytes(32).toString("base64url");
  await db.execute(
    "INSERT INTO refresh_tokens (token_hash, user_id) VALUES (?, ?)",
    [sha256(refreshToken), userId],
  );
  return {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: refreshToken,
  };
}

// The token of the header `Authorization: Bearer <token>`, or a 401.
function bearerToken(req) {
  const header = req.get("Authorization") ?? "";
  // The scheme's name is case-insensitive (RFC 7235); the token is one run of non-spaces.
  const match = /^Bearer +(\S+)$/i.exec(header);
  if (match === null) {
    throw unauthorized("send an access token in the header Authorization: Bearer <token>");
  }
  return match[1];
}

// The user whose access token came with the request, or a 401.
async function authenticatedUser(req) {
  const token = bearerToken(req);
  let claims;
  try {
    // The algorithm is ours to choose, never the token header's: HS256 and nothing else
    // (so "alg": "none" is refused). jwt.verify also checks the signature, exp and nbf.
    claims = jwt.verify(token, JWT_SECRET, { algorithms: ["HS256"], clockTolerance: CLOCK_LEEWAY_SECONDS });
  } catch {
    throw unauthorized("the access token is invalid or expired");
  }
  if (typeof claims.exp !== "number") {
    throw unauthorized("the access token has no expiry");
  }
  if (typeof claims.sub !== "string" || !USER_ID_PATTERN.test(claims.sub)) {
    throw unauthorized("the access token names no user");
  }
  const user = await db.one("SELECT id, email FROM users WHERE id = ?", [Number(claims.sub)]);
  if (user === null) {
    throw unauthorized("the user of this access token no longer exists");
  }
  return user;
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/auth/register", async (req, res) => {
  const { email, password } = registrationFromBody(req.body);
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  try {
    const user = await db.one(
      "INSERT INTO users (email, password_hash) VALUES (?, ?) RETURNING id, email",
      [email, passwordHash],
    );
    res.status(201).json(userJson(user));
  } catch (err) {
    if (!db.isUniqueViolation(err)) throw err;
    // Emails are stored lower-cased, so the unique index compares them without case.
    throw new HttpError(409, "an account with this email already exists");
  }
});

app.post("/auth/login", async (req, res) => {
  const { email, password } = credentialsFromBody(req.body);
  const user = await db.one("SELECT id, password_hash FROM users WHERE email = ?", [email]);
  if (user === null) {
    await bcrypt.compare(password, UNKNOWN_USER_HASH);
    throw new HttpError(401, WRONG_CREDENTIALS);
  }
  if (!(await bcrypt.compare(password, user.password_hash))) {
    throw new HttpError(401, WRONG_CREDENTIALS);
  }
  res.json(await tokenPair(user.id));
});

app.get("/me", async (req, res) => {
  res.json(userJson(await authenticatedUser(req)));
});

app.post("/auth/refresh", async (req, res) => {
  const refreshToken = refreshTokenFromBody(req.body);
  // Find and use up the token in one statement: of two requests with the same token at
  // the same time, only one gets its row back.
  const used = await db.one(
    "DELETE FROM refresh_tokens WHERE token_hash = ? RETURNING user_id",
    [sha256(refreshToken)],
  );
  if (used === null) {
    throw new HttpError(401, "this refresh token is unknown, used up or revoked");
  }
  res.json(await tokenPair(used.user_id));
});

app.post("/auth/logout", async (req, res) => {
  const refreshToken = refreshTokenFromBody(req.body);
  await db.execute("DELETE FROM refresh_tokens WHERE token_hash = ?", [sha256(refreshToken)]);
  res.status(204).end();
});

// No route matched: answer 404 as JSON, not Express's HTML page.
app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

// Errors thrown in the routes (async ones too), and bodies that express.json() could
// not parse, end up here.
app.use((err, req, res, next) => {
  if (err instanceof HttpError) {
    return res.status(err.status).set(err.headers).json({ error: err.message });
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
