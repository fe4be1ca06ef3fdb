// Log in with a provider: OAuth 2.0 and OpenID Connect, every forged answer refused.
// Read README.md for the task, then run `learn check`.

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

// TODO: the users table: `id ${db.ID_COLUMN},` then sub (text, not null, unique), email
// (text) and name (text), as README.md describes. Use CREATE TABLE IF NOT EXISTS: this
// runs at every start of the server. After you change the schema, delete your local
// oauth.sqlite3.
const SCHEMA = `
`;

// throw new HttpError(400, "...") answers 400 {"error": "..."}, through the error handler
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
  // TODO (README.md, "1. The redirect to the provider"): make a new code verifier
  // (client.randomPKCECodeVerifier()), its challenge
  // (await client.calculatePKCECodeChallenge(codeVerifier)), a state
  // (client.randomState()) and a nonce (client.randomNonce()). Keep the verifier, the
  // state and the nonce in this browser's session (req.session.login = { ... }), then
  // redirect (res.redirect(302, url.href)) to the URL that
  // client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope:
  // "openid email profile", state, nonce, code_challenge, code_challenge_method: "S256" })
  // answers.
  notImplemented(req, res);
});

app.get("/auth/callback", async (req, res) => {
  // TODO (README.md, "2. The callback" and "3. The ID token"): refuse a callback with an
  // error (req.query.error), and one in a session that holds no login (400). Take the
  // login out of the session (delete req.session.login): a state works once. Then
  // exchange the code and verify the ID token, in one call:
  // await client.authorizationCodeGrant(config, callbackUrl(req),
  // { pkceCodeVerifier, expectedState, expectedNonce }). It throws when anything is
  // wrong (the state, the code, the token): catch it and answer 400.
  //
  // Then (README.md, "4. Logging the person in"): tokens.claims() holds sub, email and
  // name. Find or add the user by sub (INSERT ... ON CONFLICT (sub) DO UPDATE ...
  // RETURNING id), start a new session (await regenerateSession(req)), put the user's id
  // in it (req.session.userId = ...) and redirect to /me.
  notImplemented(req, res);
});

app.get("/me", async (req, res) => {
  // TODO (README.md, "4. Logging the person in"): answer the user whose id the session
  // holds (req.session.userId) as {"id", "sub", "email", "name"}, from the table; 401
  // when nobody is logged in.
  notImplemented(req, res);
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
