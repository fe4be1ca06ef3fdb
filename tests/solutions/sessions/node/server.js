// Log-in with a session cookie kept on the server: a new random id at every log-in, a
// log-out that deletes the session, and a CSRF token on every change.

const crypto = require("node:crypto");
const express = require("express");
const cookieParser = require("cookie-parser");
const bcrypt = require("bcryptjs");
const db = require("./db");

const app = express();
app.use(express.json());
app.use(cookieParser());

// No express-session: its default store (MemoryStore) keeps the sessions in the memory
// of this process, so a restart forgets them all. They live in the sessions table.
//
// A session's id is the random value of its cookie; its csrf_token is a second random
// value, which only the log-in's answer carries.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
    id ${db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    id ${db.ID_COLUMN},
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text TEXT NOT NULL
)
`;

const BCRYPT_COST = 10;
const MIN_PASSWORD_LENGTH = 8;
const MAX_NOTE_LENGTH = 500;

// A session id as newRandomToken makes them: 32 bytes in base64url, 43 characters. Any
// other cookie value is no session, and never reaches the database.
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const COOKIE_OPTIONS = { httpOnly: true, sameSite: "lax", path: "/" };

const WRONG_CREDENTIALS = "wrong email or password";

// Compared against when the email is unknown, so that an unknown email takes as long to
// refuse as a wrong password: the time of the answer tells nothing either.
const UNKNOWN_USER_HASH = bcrypt.hashSync("no user has this password", BCRYPT_COST);

// An error with the HTTP status to answer; the error handler below sends it as JSON.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function isObject(body) {
  return typeof body === "object" && body !== null && !Array.isArray(body);
}

// Array.from counts characters, not UTF-16 halves: an emoji is one character.
function characterCount(text) {
  return Array.from(text).length;
}

// The email and password of a sign-up, checked; the email lower-cased.
function registrationFromBody(body) {
  if (!isObject(body)) {
    throw new HttpError(400, 'the body must be a JSON object like {"email": "...", "password": "..."}');
  }
  const { email, password } = body;
  if (typeof email !== "string" || !email.includes("@")) {
    throw new HttpError(400, "email is required, as a string with an @");
  }
  if (typeof password !== "string" || characterCount(password) < MIN_PASSWORD_LENGTH) {
    throw new HttpError(400, `password is required, as a string of at least ${MIN_PASSWORD_LENGTH} characters`);
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

function noteTextFromBody(body) {
  if (!isObject(body) || typeof body.text !== "string") {
    throw new HttpError(400, 'the body must be a JSON object like {"text": "..."}');
  }
  const length = characterCount(body.text);
  if (length < 1 || length > MAX_NOTE_LENGTH) {
    throw new HttpError(400, `text must be 1 to ${MAX_NOTE_LENGTH} characters`);
  }
  return body.text;
}

// 256 random bits, in characters that a cookie and a header carry as they are.
function newRandomToken() {
  return crypto.randomBytes(32).toString("base64url");
}

// The session that the cookie sid names, with its user's email, or a 401.
async function currentSession(req) {
  const sessionId = req.cookies.sid;
  // cookie-parser turns a value starting with j: into an object: no session either.
  if (typeof sessionId !== "string" || !SESSION_ID_PATTERN.test(sessionId)) {
    throw new HttpError(401, "log in first: this request has no session cookie");
  }
  const session = await db.one(
    `SELECT sessions.id, sessions.user_id, sessions.csrf_token, users.email
     FROM sessions JOIN users ON users.id = sessions.user_id
     WHERE sessions.id = ?`,
    [sessionId],
  );
  if (session === null) {
    throw new HttpError(401, "this session is unknown or has ended: log in again");
  }
  return session;
}

// A 403 unless the header X-CSRF-Token holds this session's token.
function requireCsrf(req, session) {
  const given = Buffer.from(req.get("X-CSRF-Token") ?? "");
  const expected = Buffer.from(session.csrf_token);
  // timingSafeEqual throws on Buffers of different lengths; the length of a token is no
  // secret, so a different length is simply a wrong token.
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new HttpError(403, "send this session's csrf_token in the header X-CSRF-Token");
  }
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
    res.status(201).json({ id: user.id, email: user.email });
  } catch (err) {
    if (!db.isUniqueViolation(err)) throw err;
    // Emails are stored lower-cased, so the unique index compares them without case.
    throw new HttpError(409, "an account with this email already exists");
  }
});

app.post("/auth/login", async (req, res) => {
  const { email, password } = credentialsFromBody(req.body);
  const user = await db.one("SELECT id, email, password_hash FROM users WHERE email = ?", [email]);
  if (user === null) {
    await bcrypt.compare(password, UNKNOWN_USER_HASH);
    throw new HttpError(401, WRONG_CREDENTIALS);
  }
  if (!(await bcrypt.compare(password, user.password_hash))) {
    throw new HttpError(401, WRONG_CREDENTIALS);
  }
  // A new session of our own making, whatever sid the request carried: a planted id
  // (session fixation) stays worthless.
  const sessionId = newRandomToken();
  const csrfToken = newRandomToken();
  await db.execute(
    "INSERT INTO sessions (id, user_id, csrf_token) VALUES (?, ?, ?)",
    [sessionId, user.id, csrfToken],
  );
  res.cookie("sid", sessionId, COOKIE_OPTIONS);
  res.json({ id: user.id, email: user.email, csrf_token: csrfToken });
});

app.get("/me", async (req, res) => {
  const session = await currentSession(req);
  res.json({ id: session.user_id, email: session.email });
});

app.post("/auth/logout", async (req, res) => {
  const session = await currentSession(req);
  requireCsrf(req, session);
  await db.execute("DELETE FROM sessions WHERE id = ?", [session.id]);
  res.clearCookie("sid", COOKIE_OPTIONS);
  res.status(204).end();
});

app.get("/notes", async (req, res) => {
  const session = await currentSession(req);
  const notes = await db.query(
    "SELECT id, text FROM notes WHERE user_id = ? ORDER BY id",
    [session.user_id],
  );
  res.json(notes);
});

app.post("/notes", async (req, res) => {
  const session = await currentSession(req);
  requireCsrf(req, session);
  const text = noteTextFromBody(req.body);
  const note = await db.one(
    "INSERT INTO notes (user_id, text) VALUES (?, ?) RETURNING id, text",
    [session.user_id, text],
  );
  res.status(201).json(note);
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
