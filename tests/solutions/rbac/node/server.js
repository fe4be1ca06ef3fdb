// Roles and permissions over a documents API: the caller's role read from the users
// table at every request, and one helper that decides between 404 and 403.

const express = require("express");
const bcrypt = require("bcryptjs");
const jwt = require("jsonwebtoken");
const db = require("./db");

const app = express();
app.use(express.json());

// learn always sets these three; the fixed values are only for trying the server by hand.
const JWT_SECRET = process.env.JWT_SECRET ?? "dev-only-secret-never-use-it-for-real";
const ADMIN_EMAIL = (process.env.ADMIN_EMAIL ?? "admin@example.com").toLowerCase();
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? "change-me-please";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
    id ${db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'editor', 'admin'))
);
CREATE TABLE IF NOT EXISTS documents (
    id ${db.ID_COLUMN},
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
)
`;

const ROLES = ["user", "editor", "admin"];
const BCRYPT_COST = 10;
const ACCESS_TOKEN_SECONDS = 900;
const MIN_PASSWORD_LENGTH = 8;

// An id as the database numbers them: digits only, and small enough for an INTEGER
// column, so that no odd text ("abc", "1e99") reaches a query.
const ID_PATTERN = /^[1-9][0-9]{0,8}$/;

const WRONG_CREDENTIALS = "wrong email or password";

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

// The email and password of a sign-up, checked; the email lower-cased.
function registrationFromBody(body) {
  if (!isObject(body)) {
    throw new HttpError(400, 'the body must be a JSON object like {"email": "...", "password": "..."}');
  }
  const { email, password } = body;
  if (typeof email !== "string" || !email.includes("@")) {
    throw new HttpError(400, "email is required, as a string with an @");
  }
  // Array.from counts characters, not UTF-16 halves: an emoji is one character.
  if (typeof password !== "string" || Array.from(password).length < MIN_PASSWORD_LENGTH) {
    throw new HttpError(400, `password is required, as a string of at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return { email: email.toLowerCase(), password };
}

// The email and password of a log-in: two strings, not checked further.
function credentialsFromBody(body) {
  if (!isObject(body) || typeof body.email !== "string" || typeof body.password !== "string") {
    throw new HttpError(400, 'the body must be a JSON object like {"email": "...", "password": "..."}');
  }
  return { email: body.email.toLowerCase(), password: body.password };
}

// The title and body of a new or changed document, checked. Any other field (owner_id
// first) is left out.
function documentFromBody(body) {
  if (!isObject(body)) {
    throw new HttpError(400, 'the body must be a JSON object like {"title": "...", "body": "..."}');
  }
  const { title, body: text } = body;
  if (typeof title !== "string" || title === "") {
    throw new HttpError(400, "title is required, as a string that is not empty");
  }
  if (typeof text !== "string") {
    throw new HttpError(400, "body is required, as a string");
  }
  return { title, body: text };
}

function roleFromBody(body) {
  if (!isObject(body) || !ROLES.includes(body.role)) {
    throw new HttpError(400, `role must be one of ${ROLES.join(", ")}`);
  }
  return body.role;
}

// The id in a path, as a number; any other text names nothing: 404.
function idFromPath(text, thing) {
  if (!ID_PATTERN.test(text)) {
    throw new HttpError(404, `no ${thing} has this id`);
  }
  return Number(text);
}

// The first admin: added at the first start; at a restart (the email is unique), given
// back the password and the role.
async function ensureFirstAdmin() {
  const passwordHash = await bcrypt.hash(ADMIN_PASSWORD, BCRYPT_COST);
  const admin = await db.one("SELECT id FROM users WHERE email = ?", [ADMIN_EMAIL]);
  if (admin === null) {
    await db.execute(
      "INSERT INTO users (email, password_hash, role) VALUES (?, ?, 'admin')",
      [ADMIN_EMAIL, passwordHash],
    );
  } else {
    await db.execute("UPDATE users SET password_hash = ?, role = 'admin' WHERE id = ?", [passwordHash, admin.id]);
  }
}

// The token of the header `Authorization: Bearer <token>`, or a 401.
function bearerToken(req) {
  const match = /^Bearer +(\S+)$/i.exec(req.get("Authorization") ?? "");
  if (match === null) {
    throw new HttpError(401, "send an access token in the header Authorization: Bearer <token>");
  }
  return match[1];
}

// The user whose access token came with the request, { id, email, role }, or a 401.
async function currentUser(req) {
  const token = bearerToken(req);
  let claims;
  try {
    // HS256 and nothing else, whatever the token's header says: "alg": "none" is refused.
    claims = jwt.verify(token, JWT_SECRET, { algorithms: ["HS256"] });
  } catch {
    throw new HttpError(401, "the access token is invalid or expired");
  }
  if (typeof claims.sub !== "string" || !ID_PATTERN.test(claims.sub)) {
    throw new HttpError(401, "the access token names no user");
  }
  // The role comes from this row, at every request: a role changed a second ago counts,
  // and a role written in a token counts for nothing.
  const user = await db.one("SELECT id, email, role FROM users WHERE id = ?", [Number(claims.sub)]);
  if (user === null) {
    throw new HttpError(401, "the user of this access token does not exist");
  }
  return user;
}

function requireRole(user, role) {
  if (user.role !== role) {
    throw new HttpError(403, `only an ${role} may do this`);
  }
}

// Editors and admins read and change every document; a user only their own.
function seesEveryDocument(user) {
  return user.role === "editor" || user.role === "admin";
}

// The document with this id, if the user may see it; else a 404. To a user, another
// person's document is one that does not exist: a 403 would tell them it does.
async function visibleDocument(user, idText) {
  const id = idFromPath(idText, "document");
  const document = seesEveryDocument(user)
    ? await db.one("SELECT id, title, body, owner_id FROM documents WHERE id = ?", [id])
    : await db.one("SELECT id, title, body, owner_id FROM documents WHERE id = ? AND owner_id = ?", [id, user.id]);
  if (document === null) {
    throw new HttpError(404, "no document has this id");
  }
  return document;
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/auth/register", async (req, res) => {
  const { email, password } = registrationFromBody(req.body);
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  try {
    const user = await db.one(
      "INSERT INTO users (email, password_hash, role) VALUES (?, ?, 'user') RETURNING id, email, role",
      [email, passwordHash],
    );
    res.status(201).json(user);
  } catch (err) {
    if (!db.isUniqueViolation(err)) throw err;
    // Emails are stored lower-cased, so the unique index compares them without case.
    throw new HttpError(409, "an account with this email already exists");
  }
});

app.post("/auth/login", async (req, res) => {
  const { email, password } = credentialsFromBody(req.body);
  const user = await db.one("SELECT id, password_hash FROM users WHERE email = ?", [email]);
  if (user === null || !(await bcrypt.compare(password, user.password_hash))) {
    throw new HttpError(401, WRONG_CREDENTIALS);
  }
  const accessToken = jwt.sign({ sub: String(user.id) }, JWT_SECRET, {
    algorithm: "HS256",
    expiresIn: ACCESS_TOKEN_SECONDS,
  });
  res.json({ access_token: accessToken });
});

app.get("/me", async (req, res) => {
  res.json(await currentUser(req));
});

app.post("/documents", async (req, res) => {
  const user = await currentUser(req);
  const { title, body } = documentFromBody(req.body);
  const document = await db.one(
    "INSERT INTO documents (title, body, owner_id) VALUES (?, ?, ?) RETURNING id, title, body, owner_id",
    [title, body, user.id],
  );
  res.status(201).json(document);
});

app.get("/documents", async (req, res) => {
  const user = await currentUser(req);
  const documents = seesEveryDocument(user)
    ? await db.query("SELECT id, title, body, owner_id FROM documents ORDER BY id")
    : await db.query("SELECT id, title, body, owner_id FROM documents WHERE owner_id = ? ORDER BY id", [user.id]);
  res.json(documents);
});

app.get("/documents/:id", async (req, res) => {
  const user = await currentUser(req);
  res.json(await visibleDocument(user, req.params.id));
});

app.put("/documents/:id", async (req, res) => {
  const user = await currentUser(req);
  const document = await visibleDocument(user, req.params.id);
  const { title, body } = documentFromBody(req.body);
  const changed = await db.one(
    "UPDATE documents SET title = ?, body = ? WHERE id = ? RETURNING id, title, body, owner_id",
    [title, body, document.id],
  );
  res.json(changed);
});

app.delete("/documents/:id", async (req, res) => {
  const user = await currentUser(req);
  const document = await visibleDocument(user, req.params.id);
  requireRole(user, "admin"); // the owner and editors see it, but may not delete it
  await db.execute("DELETE FROM documents WHERE id = ?", [document.id]);
  res.status(204).end();
});

app.put("/users/:id/role", async (req, res) => {
  const user = await currentUser(req);
  requireRole(user, "admin"); // nobody else changes a role, their own least of all
  const id = idFromPath(req.params.id, "user");
  if (id === user.id) {
    throw new HttpError(403, "an admin cannot change their own role");
  }
  const role = roleFromBody(req.body);
  const changed = await db.one("UPDATE users SET role = ? WHERE id = ? RETURNING id, email, role", [role, id]);
  if (changed === null) {
    throw new HttpError(404, "no user has this id");
  }
  res.json(changed);
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
