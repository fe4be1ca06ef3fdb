// Sign in with learn's mock OpenID Connect provider, with nothing but Node's own modules.
const crypto = require("node:crypto");
const http = require("node:http");

const { OAUTH_ISSUER, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, PORT } = process.env;
const CALLBACK = `http://127.0.0.1:${PORT}/auth/callback`;
const logins = new Map(); // login cookie -> { state, nonce, verifier }
const sessions = new Map(); // sid -> { sub, email }

const random = () => crypto.randomBytes(24).toString("base64url");
const b64json = (part) => JSON.parse(Buffer.from(part, "base64url").toString());

function cookies(req) {
  const out = {};
  for (const pair of (req.headers.cookie || "").split(";")) {
    const [name, ...rest] = pair.trim().split("=");
    if (name) out[name] = rest.join("=");
  }
  return out;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function verifyIdToken(idToken, nonce, config) {
  const [header, payload, signature] = idToken.split(".");
  const { keys } = await (await fetch(config.jwks_uri)).json();
  const jwk = keys.find((key) => key.kid === b64json(header).kid);
  const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
  const signed = crypto.verify("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"));
  const claims = b64json(payload);
  const fresh = claims.exp > Date.now() / 1000;
  const ok = signed && claims.iss === OAUTH_ISSUER && claims.aud === OAUTH_CLIENT_ID && fresh && claims.nonce === nonce;
  return ok ? claims : null;
}

async function handle(req, res, config) {
  const url = new URL(req.url, `http://127.0.0.1:${PORT}`);
  if (url.pathname === "/auth/login") {
    const login = { state: random(), nonce: random(), verifier: random() + random() };
    const id = random();
    logins.set(id, login);
    const target = new URL(config.authorization_endpoint);
    const challenge = crypto.createHash("sha256").update(login.verifier).digest("base64url");
    for (const [name, value] of Object.entries({
      response_type: "code", client_id: OAUTH_CLIENT_ID, redirect_uri: CALLBACK, scope: "openid email",
      state: login.state, nonce: login.nonce, code_challenge: challenge, code_challenge_method: "S256",
    })) target.searchParams.set(name, value);
    return send(res, 302, {}, { Location: target.toString(), "Set-Cookie": `login=${id}; HttpOnly; Path=/` });
  }
  if (url.pathname === "/auth/callback") {
    const login = logins.get(cookies(req).login);
    if (!login || url.searchParams.get("state") !== login.state) return send(res, 400, { error: "bad state" });
    logins.delete(cookies(req).login);
    const answer = await fetch(config.token_endpoint, {
      method: "POST",
      headers: {
        Authorization: "Basic " + Buffer.from(`${OAUTH_CLIENT_ID}:${OAUTH_CLIENT_SECRET}`).toString("base64"),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code", code: url.searchParams.get("code") || "",
        redirect_uri: CALLBACK, code_verifier: login.verifier,
      }),
    });
    if (!answer.ok) return send(res, 401, { error: "the provider refused the code" });
    const claims = await verifyIdToken((await answer.json()).id_token, login.nonce, config);
    if (!claims) return send(res, 401, { error: "the ID token is not valid" });
    const sid = random();
    sessions.set(sid, { sub: claims.sub, email: claims.email });
    return send(res, 302, {}, { Location: "/me", "Set-Cookie": `sid=${sid}; HttpOnly; Path=/` });
  }
  if (url.pathname === "/me") {
    const session = sessions.get(cookies(req).sid);
    return session ? send(res, 200, session) : send(res, 401, { error: "not signed in" });
  }
  if (url.pathname === "/elsewhere") return send(res, 302, {}, { Location: "https://example.com/" });
  send(res, 404, { error: "not found" });
}

fetch(`${OAUTH_ISSUER}/.well-known/openid-configuration`)
  .then((answer) => answer.json())
  .then((config) => {
    http.createServer((req, res) => handle(req, res, config).catch((error) => send(res, 500, { error: String(error) })))
      .listen(Number(PORT), "127.0.0.1");
  });
