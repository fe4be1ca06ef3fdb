// Log in with a provider: the authorization code flow with PKCE, state and nonce, an ID
// token verified with the provider's keys, and every forged callback refused.

const express = require("express");
const session = require("express-session"); // a session per browser: req.session
const db = require("./db"); // SQLite or PostgreSQL, from DATABASE_URL: see db.js (no need to change it)

// learn check sets the provider's address and your app's credentials at every run, for
// the provider it starts. To try the login by hand, run `learn provider`: it starts one
// and prints the three lines to export before you start this server.
function providerSetting(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: run \`learn provider\` and export what it prints, or run \`learn check\`.`);
    process.exit(1);
  }
  return value;
}

const PORT = Number(process.env.PORT ?? 8000);
const OAUTH_ISSUER = providerSetting("OAUTH_ISSUER");
const OAUTH_CLIENT_ID = providerSetting("OAUTH_CLIENT_ID");
const OAUTH_CLIENT_SECRET = providerSetting("OAUTH_CLIENT_SECRET");

// The key that signs the session cookies. learn always sets SESSION_SECRET (a new one at
// every run); the fixed key after ?? is only for trying the server by hand.
const SESSION_SECRET = process.env.SESSION_SECRET ?? "dev-only-secret-never-use-it-for-real";

// Your app's callback: the provider sends the browser back here, and accepts no other.
const REDIRECT_URI = `http://127.0.0.1:${PORT}/auth/callback`;

// openid-client is an ES module: this CommonJS file loads it with import() at start (see
// the end of this file). `client` is the library (client.discovery,
// client.buildAuthorizationUrl, ...), `config` the provider as its discovery document
// describes it, with your client id and secret.
let client;
let config;

const app = express();

// express-session keeps each browser's session (req.session, an object you write to) in
// the memory of this process, and only its id in a signed cookie. A restart forgets the
// sessions: fine for this exercise. sameSite "lax" sends the cookie when the provider
// sends the browser back (a link followed), not with forms posted from other sites.
app.use(
  session({
    secret: SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "lax" },
  }),
);

// A person is their sub at the provider, for good; email and name may change there.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
    id ${db.ID_COLUMN},
    sub TEXT NOT NULL UNIQUE,
    email TEXT,
    name TEXT
)
`;

// throw new HttpError(400, "...") answers 400 {"error": "..."}, through the error handler
// at the end of this file.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// A new session for this browser (a new id in its cookie), the old one dropped: do it
// when someone logs in, so that a session id known before the login is worth nothing
// after it. express-session's regenerate takes a callback; this is it as a promise.
function regenerateSession(req) {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => (err ? reject(err) : resolve()));
  });
}

// The URL the browser asked for at the callback, code and state included, as
// client.authorizationCodeGrant wants it. (The library sends the same URL, without its
// query, as the redirect_uri of the exchange: it must be REDIRECT_URI.)
function callbackUrl(req) {
  return new URL(req.originalUrl, REDIRECT_URI);
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.get("/auth/login", async (req, res) => {
  // New values at every login, kept in this browser's session until its callback.
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  req.session.login = { codeVerifier, state, nonce };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  res.redirect(302, url.href);
});

app.get("/auth/callback", async (req, res) => {
  if (req.query.error !== undefined) {
    throw new HttpError(400, `the provider did not log anyone in: ${req.query.error}`);
  }
  const login = req.session.login;
  if (login === undefined) {
    throw new HttpError(400, "this browser started no login: start at /auth/login");
  }
  // A state works once: the login leaves the session before its code is used, so the
  // same callback loaded again finds none.
  delete req.session.login;
  let tokens;
  try {
    // Checks the state, sends the code with the PKCE verifier and the client secret, and
    // verifies the ID token: its signature (the provider's JWKS), iss, aud, exp, nonce.
    tokens = await client.authorizationCodeGrant(config, callbackUrl(req), {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
    });
  } catch (err) {
    // openid-client says what it found wrong in err.cause, when it can.
    throw new HttpError(400, `the login was refused: ${err.cause?.message ?? err.message}`);
  }
  const { sub, email, name } = tokens.claims();
  const user = await db.one(
    `INSERT INTO users (sub, email, name) VALUES (?, ?, ?)
     ON CONFLICT (sub) DO UPDATE SET email = excluded.email, name = excluded.name
     RETURNING id`,
    [sub, email ?? null, name ?? null],
  );
  await regenerateSession(req);
  req.session.userId = user.id;
  res.redirect(302, "/me");
});

app.get("/me", async (req, res) => {
  if (req.session.userId === undefined) {
    throw new HttpError(401, "nobody is logged in: start at /auth/login");
  }
  const user = await db.one("SELECT id, sub, email, name FROM users WHERE id = ?", [req.session.userId]);
  if (user === null) {
    throw new HttpError(401, "the user of this session no longer exists");
  }
  res.json(user);
});

// No route matched: answer 404 as JSON, not Express's HTML page.
app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

// Errors thrown in the routes (async ones too) end up here.
app.use((err, req, res, next) => {
  if (err instanceof HttpError) {
    return res.status(err.status).json({ error: err.message });
  }
  console.error(err);
  res.status(500).json({ error: "something went wrong on the server" });
});

// Load openid-client, read the provider's discovery document
// (OAUTH_ISSUER/.well-known/openid-configuration), make the tables, then listen.
async function start() {
  client = await import("openid-client");
  config = await client.discovery(new URL(OAUTH_ISSUER), OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, undefined, {
    execute: [
      // Verify the signature of every ID token with the provider's keys (its JWKS).
      // openid-client skips it by default for ID tokens from the token endpoint, trusting
      // that the https:// connection proves who answered; here there is no https://.
      client.enableNonRepudiationChecks,
      // openid-client refuses http:// providers unless told otherwise. learn's provider
      // is on loopback, on this machine, for one run: never allow this in production,
      // where the provider is https:// and this line must go.
      client.allowInsecureRequests,
    ],
  });
  await db.script(SCHEMA);
  app.listen(PORT, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${PORT}`);
  });
}

start();
