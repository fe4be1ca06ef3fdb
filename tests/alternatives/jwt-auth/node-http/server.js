// Sign-up, log-in and who-am-I on bare node:http. The JWTs are made and checked
// here by hand (HS256 over node:crypto); passwords go through bcryptjs; users and
// refresh tokens live in SQLite or PostgreSQL (see db.js).
const http = require("node:http");
const crypto = require("node:crypto");
const bcrypt = require("bcryptjs");
const db = require("./db");

const PORT = Number(process.env.PORT || 8000);
const SECRET = process.env.JWT_SECRET || "dev-only-secret-do-not-use-in-production-0000000000000000";

const ACCESS_LIFETIME = 10 * 60; // seconds: under the README's 15-minute ceiling
const REFRESH_LIFETIME = 14 * 24 * 60 * 60; // seconds
const LEEWAY = 30; // seconds of clock skew forgiven on exp and nbf
const BCRYPT_COST = 11;
const MAX_BODY = 64 * 1024;

// ---------------------------------------------------------------- HTTP plumbing

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const REASONS = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Authentication Required",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Email Already Registered",
  413: "Payload Too Large",
  500: "Internal Server Error",
};

// Reason phrases of this server's own wording (clients read the code, not the text).
// Bodies go out chunked (no Content-Length), with a charset on the type.
function send(res, status, body, headers = {}) {
  const reason = REASONS[status] || http.STATUS_CODES[status];
  if (body === undefined) {
    res.writeHead(status, reason, headers).end();
    return;
  }
  res.writeHead(status, reason, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    ...headers,
  });
  res.write(JSON.stringify(body));
  res.end();
}

function fail(status, message, headers) {
  return new HttpError(status, message, headers);
}

// 401 for a bearer problem: RFC 6750 parameters after the scheme.
function bearerError(message, withError = true) {
  const challenge = withError
    ? `Bearer realm="api", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`
    : 'Bearer realm="api"';
  return fail(401, message, { "WWW-Authenticate": challenge });
}

async function readJsonObject(req, complaint) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw fail(413, "the body is too large");
    chunks.push(chunk);
  }
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw fail(400, complaint);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw fail(400, complaint);
  return body;
}

// ---------------------------------------------------------------- JWT by hand

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const b64json = (value) => b64url(JSON.stringify(value));
const hmac = (input) => crypto.createHmac("sha256", Buffer.from(SECRET, "utf8")).update(input).digest("base64url");
const now = () => Math.floor(Date.now() / 1000);

// The header never names a "typ": just the algorithm this server always uses.
function sign(payload) {
  const head = `${b64json({ alg: "HS256" })}.${b64json(payload)}`;
  return `${head}.${hmac(head)}`;
}

function sameText(a, b) {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment) {
  const value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
  return value;
}

// Returns the payload of a token this server signed and that is in its time window,
// or throws a message for the 401. The algorithm is decided here, never by the token.
function verify(token) {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new Error("the token is not a JWT");
  let header;
  let payload;
  try {
    header = decodeSegment(parts[0]);
    payload = decodeSegment(parts[1]);
  } catch {
    throw new Error("the token is not a JWT");
  }
  if (header.alg !== "HS256") throw new Error("the token must be signed with HS256");
  if ("crit" in header) throw new Error("the token has critical header parameters this server does not know");
  // Compare the canonical encoding: a signature re-spelled with other padding bits is refused too.
  if (!sameText(parts[2], hmac(`${parts[0]}.${parts[1]}`))) throw new Error("the token signature is invalid");

  const t = now();
  if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp)) throw new Error("the token has no expiry");
  if (t > payload.exp + LEEWAY) throw new Error("the token has expired");
  if ("nbf" in payload) {
    if (typeof payload.nbf !== "number" || !Number.isFinite(payload.nbf)) throw new Error("the token has a bad nbf");
    if (payload.nbf > t + LEEWAY) throw new Error("the token is not valid yet");
  }
  if ("iat" in payload && (typeof payload.iat !== "number" || !Number.isFinite(payload.iat))) {
    throw new Error("the token has a bad iat");
  }
  if (typeof payload.sub !== "string" || !/^[1-9][0-9]{0,14}$/.test(payload.sub)) {
    throw new Error("the token names no user");
  }
  return payload;
}

function newJti() {
  return crypto.randomBytes(18).toString("base64url");
}

// Claims in this server's own order; extra jti and nbf, and a token_use marker
// that keeps refresh tokens (which are JWTs too) out of /me.
function accessToken(userId, t) {
  return sign({
    exp: t + ACCESS_LIFETIME,
    token_use: "access",
    sub: String(userId),
    jti: newJti(),
    nbf: t,
    iat: t,
  });
}

// A refresh token is a JWT of its own kind, signed with the same key; it only works
// while its jti has an active row in refresh_tokens, so the database can take it back.
async function issuePair(user) {
  const t = now();
  const jti = newJti();
  const refresh = sign({
    token_use: "refresh",
    jti,
    sub: String(user.id),
    iat: t,
    exp: t + REFRESH_LIFETIME,
  });
  await db.execute(
    "INSERT INTO refresh_tokens (jti, user_id, issued_at, expires_at, state) VALUES (?, ?, ?, ?, 'active')",
    [jti, user.id, t, t + REFRESH_LIFETIME],
  );
  return {
    token_type: "Bearer",
    access_token: accessToken(user.id, t),
    expires_in: ACCESS_LIFETIME,
    refresh_token: refresh,
    refresh_expires_in: REFRESH_LIFETIME,
    user: toUser(user),
  };
}

// ---------------------------------------------------------------- users

const toUser = (row) => ({ id: Number(row.id), email: row.email });

// One @, something before it, a domain with a dot between two non-dot characters,
// and no white space anywhere (any Unicode space counts).
function validEmail(value) {
  if (typeof value !== "string" || /\s/u.test(value)) return false;
  const at = value.split("@");
  if (at.length !== 2) return false;
  const [local, domain] = at;
  return local.length > 0 && /[^.]\.[^.]/u.test(domain);
}

// "At least 8 characters" counts characters (code points), not UTF-16 units.
const validPassword = (value) => typeof value === "string" && [...value].length >= 8;

const DUMMY_HASH = bcrypt.hashSync(crypto.randomBytes(16).toString("hex"), BCRYPT_COST);

async function register(req) {
  const body = await readJsonObject(req, "send a JSON object with an email and a password");
  if (!("email" in body)) throw fail(400, "email is required");
  if (!validEmail(body.email)) throw fail(400, "email is not a valid address");
  if (!("password" in body)) throw fail(400, "password is required");
  if (!validPassword(body.password)) throw fail(400, "password must be a string of at least 8 characters");
  const email = body.email.toLowerCase();
  if (await db.one("SELECT id FROM users WHERE email = ?", [email])) {
    throw fail(409, "an account with this email already exists");
  }
  const hash = await bcrypt.hash(body.password, BCRYPT_COST);
  let row;
  try {
    row = await db.one(
      "INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?) RETURNING id, email, created_at",
      [email, hash, new Date().toISOString()],
    );
  } catch (err) {
    if (db.isUniqueViolation(err)) throw fail(409, "an account with this email already exists");
    throw err;
  }
  return { ...toUser(row), created_at: row.created_at };
}

async function login(req) {
  const body = await readJsonObject(req, "send a JSON object with an email and a password");
  if (typeof body.email !== "string") throw fail(400, "email must be a string");
  if (typeof body.password !== "string") throw fail(400, "password must be a string");
  const user = await db.one("SELECT id, email, password_hash FROM users WHERE email = ?", [body.email.toLowerCase()]);
  // Unknown email or wrong password: the same bcrypt work, the same answer.
  const ok = await bcrypt.compare(body.password, user ? user.password_hash : DUMMY_HASH);
  if (!user || !ok) throw fail(401, "wrong email or password");
  return issuePair(user);
}

async function me(req) {
  const header = req.headers.authorization;
  if (header === undefined) throw bearerError("an Authorization header is required", false);
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw bearerError("the Authorization header must be: Bearer <access token>", false);
  let payload;
  try {
    payload = verify(match[1]);
  } catch (err) {
    throw bearerError(err.message);
  }
  if (payload.token_use !== undefined && payload.token_use !== "access") {
    throw bearerError("this is not an access token");
  }
  const user = await db.one("SELECT id, email FROM users WHERE id = ?", [Number(payload.sub)]);
  if (!user) throw bearerError("the token's user does not exist");
  return toUser(user);
}

function refreshClaims(token) {
  let payload;
  try {
    payload = verify(token);
  } catch {
    return null;
  }
  if (payload.token_use !== "refresh" || typeof payload.jti !== "string") return null;
  return payload;
}

async function refreshBody(req) {
  const body = await readJsonObject(req, "send a JSON object with a refresh_token");
  if (typeof body.refresh_token !== "string") throw fail(400, "refresh_token must be a string");
  return body.refresh_token;
}

async function refresh(req) {
  const claims = refreshClaims(await refreshBody(req));
  const refused = fail(401, "the refresh token is invalid, expired, used or revoked");
  if (!claims) throw refused;
  // One conditional UPDATE: of two racing requests with the same token, one wins.
  const row = await db.one(
    "UPDATE refresh_tokens SET state = 'used', used_at = ? WHERE jti = ? AND state = 'active' AND expires_at > ? RETURNING user_id",
    [now(), claims.jti, now()],
  );
  if (!row) throw refused;
  const user = await db.one("SELECT id, email FROM users WHERE id = ?", [row.user_id]);
  if (!user) throw refused;
  return issuePair(user);
}

async function logout(req) {
  const claims = refreshClaims(await refreshBody(req));
  if (claims) {
    await db.execute("UPDATE refresh_tokens SET state = 'revoked', used_at = ? WHERE jti = ? AND state = 'active'", [
      now(),
      claims.jti,
    ]);
  }
}

// ---------------------------------------------------------------- routing

const ROUTES = {
  "/health": { GET: async () => [200, { status: "ok" }] },
  "/auth/register": { POST: async (req) => [201, await register(req)] },
  "/auth/login": { POST: async (req) => [200, await login(req)] },
  "/auth/refresh": { POST: async (req) => [200, await refresh(req)] },
  "/auth/logout": {
    POST: async (req) => {
      await logout(req);
      return [204, undefined];
    },
  },
  "/me": { GET: async (req) => [200, await me(req)] },
};

async function handle(req, res) {
  const path = new URL(req.url, "http://localhost").pathname;
  const route = ROUTES[path];
  if (!route) throw fail(404, `nothing at ${path}`);
  const action = route[req.method];
  if (!action) throw fail(405, `use ${Object.keys(route).join(" or ")} on ${path}`, { Allow: Object.keys(route).join(", ") });
  const [status, body] = await action(req);
  send(res, status, body);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (err instanceof HttpError) {
      return send(res, err.status, { error: err.message, status: err.status }, err.headers);
    }
    console.error(err);
    send(res, 500, { error: "internal server error", status: 500 });
  });
});

async function main() {
  await db.script(`
    CREATE TABLE IF NOT EXISTS users (
      id ${db.ID_COLUMN},
      email TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS refresh_tokens (
      jti TEXT PRIMARY KEY,
      user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      issued_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      state TEXT NOT NULL,
      used_at BIGINT
    );
  `);
  server.listen(PORT, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${PORT}`));
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, async () => {
      server.close();
      await db.close();
      process.exit(0);
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
