// A blog posts API, kept in a database: SQLite or PostgreSQL (see db.js).

const express = require("express");
const db = require("./db");

const app = express();
app.use(express.json());

// IF NOT EXISTS: a restarted server finds the table, and its posts, still there.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS posts (
  id ${db.AUTO_ID},
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  category TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`;

const TEXT_FIELDS = ["title", "content", "category"];

// An error with the HTTP status to answer; the error handler below sends it as JSON.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// The current UTC time, like 2026-01-31T12:00:00.123Z.
function now() {
  return new Date().toISOString();
}

// Read and validate the fields of a post from the JSON body.
function postFields(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "the body must be a JSON object");
  }
  for (const name of TEXT_FIELDS) {
    if (body[name] === undefined || body[name] === null) {
      throw new HttpError(400, `${name} is required`);
    }
    if (typeof body[name] !== "string") {
      throw new HttpError(400, `${name} must be a string`);
    }
  }
  const { title, content, category, tags } = body;
  if (tags === undefined || tags === null) {
    throw new HttpError(400, "tags is required");
  }
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) {
    throw new HttpError(400, "tags must be an array of strings");
  }
  return { title, content, category, tags };
}

// A row of the posts table as the API shows it.
function toPost(row) {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    category: row.category,
    tags: JSON.parse(row.tags), // stored as JSON text: '["a","b"]'
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// The largest id PostgreSQL's SERIAL holds: a bigger number is no post's id, and
// PostgreSQL answers it with an error instead of with no row.
const MAX_ID = 2147483647;

// The id in the path as a number, or 404 when it cannot be a post's id.
function postId(req) {
  const id = req.params.id;
  if (!/^[0-9]{1,10}$/.test(id) || Number(id) > MAX_ID) {
    throw new HttpError(404, `post ${id} not found`);
  }
  return Number(id);
}

async function findPost(id) {
  const row = await db.one("SELECT * FROM posts WHERE id = ?", [id]);
  if (!row) {
    throw new HttpError(404, `post ${id} not found`);
  }
  return toPost(row);
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/posts", async (req, res) => {
  const { title, content, category, tags } = postFields(req.body);
  const stamp = now();
  const row = await db.one(
    "INSERT INTO posts (title, content, category, tags, created_at, updated_at)" +
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
    [title, content, category, JSON.stringify(tags), stamp, stamp],
  );
  const post = toPost(row);
  res.status(201).location(`/posts/${post.id}`).json(post);
});

app.get("/posts", async (req, res) => {
  const term = String(req.query.term ?? "");
  const pattern = `%${term.toLowerCase()}%`; // no term: %% matches every post
  const rows = await db.query(
    "SELECT * FROM posts" +
      " WHERE LOWER(title) LIKE ? OR LOWER(content) LIKE ? OR LOWER(category) LIKE ?" +
      " ORDER BY id",
    [pattern, pattern, pattern],
  );
  res.json(rows.map(toPost));
});

app.get("/posts/:id", async (req, res) => {
  res.json(await findPost(postId(req)));
});

app.put("/posts/:id", async (req, res) => {
  const id = postId(req);
  const { title, content, category, tags } = postFields(req.body);
  const row = await db.one(
    "UPDATE posts SET title = ?, content = ?, category = ?, tags = ?, updated_at = ?" +
      " WHERE id = ? RETURNING *",
    [title, content, category, JSON.stringify(tags), now(), id],
  );
  if (!row) {
    throw new HttpError(404, `post ${id} not found`);
  }
  res.json(toPost(row));
});

app.delete("/posts/:id", async (req, res) => {
  const id = postId(req);
  if ((await db.execute("DELETE FROM posts WHERE id = ?", [id])) === 0) {
    throw new HttpError(404, `post ${id} not found`);
  }
  res.status(204).end();
});

// No route matched: answer 404 as JSON, not Express's HTML page.
app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

// Errors thrown above (Express 5 catches those of async handlers too), and bodies
// that express.json() could not parse, end up here.
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

// Create the table first, then listen.
db.execute(SCHEMA).then(() => {
  const port = Number(process.env.PORT ?? 8000);
  app.listen(port, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${port}`);
  });
});
