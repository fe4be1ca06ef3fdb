// A URL shortener: links kept in a database, redirects that count their hits.

const crypto = require("node:crypto");
const express = require("express");
const db = require("./db");

const app = express();
app.use(express.json());

// The table of links. IF NOT EXISTS: the server runs this at every start, and after a
// restart the table (and its links) are already there.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS links (
    id ${db.ID_COLUMN},
    code TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
)
`;

const CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const CODE_LENGTH = 7;
const ALLOWED_PROTOCOLS = ["http:", "https:"];

// An error with the HTTP status to answer; the error handler below sends it as JSON.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// The current UTC time as a string, like 2026-01-31T12:00:00.123Z.
function now() {
  return new Date().toISOString();
}

// A random short code, like "aZ3kP9q".
function newCode() {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) {
    code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  }
  return code;
}

// new URL() repairs some URLs that have no host: it reads "http:///page" as
// "http://page/". So the text itself must have "//" and a host right after the scheme.
const HOST_AFTER_SCHEME = /^[a-z][a-z0-9+.-]*:\/\/[^\/?#\\]/i;

// True when the text is an http:// or https:// URL with a host.
function isWebUrl(text) {
  let parsed;
  try {
    parsed = new URL(text);
  } catch {
    return false; // not an absolute URL at all, like "example.com/page" or "http://:8080/"
  }
  if (!ALLOWED_PROTOCOLS.includes(parsed.protocol)) {
    return false; // javascript:, ftp:, mailto:, ...
  }
  return HOST_AFTER_SCHEME.test(text);
}

// The url of the JSON body, checked: a string, an http(s) URL with a host.
function urlFromBody(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'the body must be a JSON object like {"url": "https://..."}');
  }
  const url = body.url;
  if (url === undefined || url === null || url === "") {
    throw new HttpError(400, "url is required");
  }
  if (typeof url !== "string") {
    throw new HttpError(400, "url must be a string");
  }
  if (url !== url.trim()) {
    // never trim it: refuse " https://..." instead of tidying it up
    throw new HttpError(400, "url must not start or end with white space");
  }
  if (!isWebUrl(url)) {
    throw new HttpError(400, "url must be an http:// or https:// URL with a host");
  }
  return url;
}

function linkJson(row) {
  return { code: row.code, url: row.url, hits: row.hits, createdAt: row.created_at };
}

async function findLink(code) {
  const link = await db.one("SELECT * FROM links WHERE code = ?", [code]);
  if (link === null) {
    throw new HttpError(404, `no link with code ${code}`);
  }
  return link;
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/shorten", async (req, res) => {
  const url = urlFromBody(req.body);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const link = await db.one(
        "INSERT INTO links (code, url, hits, created_at) VALUES (?, ?, 0, ?) RETURNING *",
        [newCode(), url, now()],
      );
      return res.status(201).json(linkJson(link));
    } catch (err) {
      if (!db.isUniqueViolation(err)) throw err;
      // the unique index says this code is taken: draw another one
    }
  }
  throw new HttpError(503, "no free code found, try again");
});

app.get("/shorten/:code/stats", async (req, res) => {
  res.json(linkJson(await findLink(req.params.code)));
});

app.put("/shorten/:code", async (req, res) => {
  const url = urlFromBody(req.body);
  const link = await db.one("UPDATE links SET url = ? WHERE code = ? RETURNING *", [url, req.params.code]);
  if (link === null) {
    throw new HttpError(404, `no link with code ${req.params.code}`);
  }
  res.json(linkJson(link));
});

app.delete("/shorten/:code", async (req, res) => {
  const deleted = await db.execute("DELETE FROM links WHERE code = ?", [req.params.code]);
  if (deleted === 0) {
    throw new HttpError(404, `no link with code ${req.params.code}`);
  }
  res.status(204).end();
});

// Keep this route after the other GETs: "/:code" also matches "/health", and Express
// answers with the first route that matches.
app.get("/:code", async (req, res) => {
  // One statement, so two visits at the same time can never lose a hit.
  const link = await db.one("UPDATE links SET hits = hits + 1 WHERE code = ? RETURNING url", [req.params.code]);
  if (link === null) {
    throw new HttpError(404, `no link with code ${req.params.code}`);
  }
  res.redirect(302, link.url);
});

// No route matched: answer 404 as JSON, not Express's HTML page.
app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

// Errors thrown above, and bodies that express.json() could not parse, end up here.
app.use((err, req, res, next) => {
  if (err instanceof HttpError) {
    return res.status(err.status).json({ error: err.message });
  }
  if (err.type === "entity.parse.failed") {
    return res.status(400).json({ error: "the body is not valid JSON" });
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
