// The blog posts API on node:http, kept in a database table.
const http = require("node:http");
const db = require("./db");

const PORT = Number(process.env.PORT || 8000);
const FIELDS = ["title", "content", "category"];

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const notAllowed = (allow) => new HttpError(405, "method not allowed", { Allow: allow });

function send(res, status, body, headers = {}) {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function toPost(row) {
  return {
    id: Number(row.id),
    title: row.title,
    content: row.content,
    category: row.category,
    tags: JSON.parse(row.tags),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "the body is not valid JSON");
  }
  return body;
}

// The four fields a client sends, checked before anything touches the table.
function validPost(body) {
  for (const field of [...FIELDS, "tags"]) {
    if (!(field in body)) throw new HttpError(400, `${field} is required`);
  }
  for (const field of FIELDS) {
    if (typeof body[field] !== "string") throw new HttpError(400, `${field} must be a string`);
  }
  if (!Array.isArray(body.tags) || !body.tags.every((tag) => typeof tag === "string")) {
    throw new HttpError(400, "tags must be an array of strings");
  }
  return [body.title, body.content, body.category, JSON.stringify(body.tags)];
}

// An id in the path is a positive integer that fits the id column; anything else names no row.
function postId(text) {
  const id = Number(text);
  if (!/^\d+$/.test(text) || id < 1 || id > 2147483647) throw new HttpError(404, `post ${text} not found`);
  return id;
}

async function listPosts(url) {
  const term = url.searchParams.get("term");
  if (term === null) return db.query("SELECT * FROM posts ORDER BY id");
  return db.query(
    "SELECT * FROM posts WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ? ORDER BY id",
    Array(3).fill(`%${term.toLowerCase()}%`),
  );
}

async function handle(req, res) {
  const url = new URL(req.url, "http://localhost");
  const path = url.pathname;
  const method = req.method;

  if (path === "/health") {
    if (method !== "GET") throw notAllowed("GET");
    return send(res, 200, { status: "ok" });
  }

  if (path === "/posts") {
    if (method === "GET") return send(res, 200, (await listPosts(url)).map(toPost));
    if (method === "POST") {
      const values = validPost(await readJson(req));
      const now = new Date().toISOString();
      const row = await db.one(
        "INSERT INTO posts (title, content, category, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        [...values, now, now],
      );
      return send(res, 201, toPost(row), { Location: `/posts/${row.id}` });
    }
    throw notAllowed("GET, POST");
  }

  const match = path.match(/^\/posts\/([^/]+)$/);
  if (!match) throw new HttpError(404, "not found");
  if (!["GET", "PUT", "DELETE"].includes(method)) throw notAllowed("GET, PUT, DELETE");
  const id = postId(match[1]);
  const notFound = new HttpError(404, `post ${id} not found`);

  if (method === "GET") {
    const row = await db.one("SELECT * FROM posts WHERE id = ?", [id]);
    if (!row) throw notFound;
    return send(res, 200, toPost(row));
  }
  if (method === "PUT") {
    const values = validPost(await readJson(req));
    const row = await db.one(
      "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ? WHERE id = ? RETURNING *",
      [...values, new Date().toISOString(), id],
    );
    if (!row) throw notFound;
    return send(res, 200, toPost(row));
  }
  const deleted = await db.one("DELETE FROM posts WHERE id = ? RETURNING id", [id]);
  if (!deleted) throw notFound;
  return send(res, 204);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (err instanceof HttpError) return send(res, err.status, { error: err.message }, err.headers);
    console.error(err);
    send(res, 500, { error: "internal server error" });
  });
});

async function main() {
  await db.query(
    `CREATE TABLE IF NOT EXISTS posts (
      id ${db.AUTO_ID},
      title TEXT NOT NULL,
      content TEXT NOT NULL,
      category TEXT NOT NULL,
      tags TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  );
  server.listen(PORT, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${PORT}`));
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, async () => {
      await db.close();
      process.exit(0);
    });
  }
}

main();
