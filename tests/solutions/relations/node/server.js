// Authors, posts and comments in a relational database.

const express = require("express");
const db = require("./db");

const app = express();
app.use(express.json());

const SCHEMA = `
CREATE TABLE IF NOT EXISTS authors (
    id ${db.PRIMARY_KEY},
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS posts (
    id ${db.PRIMARY_KEY},
    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS comments (
    id ${db.PRIMARY_KEY},
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_author_id ON posts (author_id);
CREATE INDEX IF NOT EXISTS comments_post_id ON comments (post_id);
`;

// One post with its author's name and its number of comments, in one query.
const POST_WITH_AUTHOR = `
SELECT posts.*, authors.name AS author_name,
       (SELECT CAST(COUNT(*) AS INTEGER) FROM comments
         WHERE comments.post_id = posts.id) AS comment_count
FROM posts JOIN authors ON authors.id = posts.author_id
WHERE posts.id = ?
`;

// Column names cannot be `?` values: only these ever reach ORDER BY.
const SORTABLE = ["title", "created_at"];
const ORDERS = ["asc", "desc"];
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

// The largest id an INTEGER column holds on PostgreSQL. A bigger number is no row's
// id, and PostgreSQL answers it with an error instead of with no row.
const MAX_ID = 2147483647;

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

function jsonBody(req) {
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "the body must be a JSON object");
  }
  return body;
}

function textField(data, name) {
  const value = data[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new HttpError(400, `${name} is required and must be a non-empty string`);
  }
  return value;
}

// A whole number from the query string, within bounds, or a 400.
function intParam(query, name, fallback, minimum, maximum = Infinity) {
  const raw = query[name];
  if (raw === undefined) {
    return fallback;
  }
  if (!/^-?[0-9]+$/.test(String(raw))) {
    throw new HttpError(400, `${name} must be a whole number`);
  }
  const value = Number(raw);
  if (value < minimum || value > maximum) {
    const bounds = maximum === Infinity ? `at least ${minimum}` : `between ${minimum} and ${maximum}`;
    throw new HttpError(400, `${name} must be ${bounds}`);
  }
  return value;
}

// The id in the path, as a number. An id that is not a whole number, or is too big
// for the id column, finds nothing.
function pathId(req, what) {
  const id = req.params.id;
  if (!/^[0-9]{1,10}$/.test(id) || Number(id) > MAX_ID) {
    throw new HttpError(404, `${what} ${id} not found`);
  }
  return Number(id);
}

// The text as a LIKE pattern that matches only itself: \, % and _ escaped by \.
function likeEscape(text) {
  return text.replace(/[\\%_]/g, "\\$&");
}

async function findAuthor(id) {
  const author = await db.one("SELECT * FROM authors WHERE id = ?", [id]);
  if (!author) {
    throw new HttpError(404, `author ${id} not found`);
  }
  return author;
}

async function findPost(id) {
  const post = await db.one("SELECT * FROM posts WHERE id = ?", [id]);
  if (!post) {
    throw new HttpError(404, `post ${id} not found`);
  }
  return post;
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/authors", async (req, res) => {
  const data = jsonBody(req);
  const name = textField(data, "name");
  const email = textField(data, "email");
  try {
    const author = await db.one(
      "INSERT INTO authors (name, email) VALUES (?, ?) RETURNING *",
      [name, email],
    );
    res.status(201).json(author);
  } catch (err) {
    if (err instanceof db.UniqueViolation) {
      throw new HttpError(409, `an author with email ${email} already exists`);
    }
    throw err;
  }
});

app.get("/authors/:id", async (req, res) => {
  res.json(await findAuthor(pathId(req, "author")));
});

app.delete("/authors/:id", async (req, res) => {
  // ON DELETE CASCADE removes the author's posts, and their comments, with it.
  const id = pathId(req, "author");
  if ((await db.execute("DELETE FROM authors WHERE id = ?", [id])) === 0) {
    throw new HttpError(404, `author ${id} not found`);
  }
  res.status(204).end();
});

app.post("/posts", async (req, res) => {
  const data = jsonBody(req);
  const authorId = data.author_id;
  if (!Number.isInteger(authorId)) {
    throw new HttpError(400, "author_id is required and must be an integer");
  }
  if (authorId < 1 || authorId > MAX_ID) {
    throw new HttpError(400, `author_id ${authorId} is not an existing author`);
  }
  const title = textField(data, "title");
  const body = textField(data, "body");
  try {
    const post = await db.one(
      "INSERT INTO posts (author_id, title, body, created_at) VALUES (?, ?, ?, ?) RETURNING *",
      [authorId, title, body, now()],
    );
    res.status(201).json(post);
  } catch (err) {
    if (err instanceof db.ForeignKeyViolation) {
      throw new HttpError(400, `author_id ${authorId} is not an existing author`);
    }
    throw err;
  }
});

app.get("/posts", async (req, res) => {
  const conditions = [];
  const params = [];
  const authorId = intParam(req.query, "author_id", null, 1);
  if (authorId !== null && authorId > MAX_ID) {
    conditions.push("1 = 0"); // nobody's id, and PostgreSQL would refuse it: no posts
  } else if (authorId !== null) {
    conditions.push("author_id = ?");
    params.push(authorId);
  }
  const q = String(req.query.q ?? "");
  if (q) {
    conditions.push("LOWER(title) LIKE ? ESCAPE '\\'");
    params.push(`%${likeEscape(q.toLowerCase())}%`);
  }
  const sort = req.query.sort ?? "created_at";
  if (!SORTABLE.includes(sort)) {
    throw new HttpError(400, "sort must be title or created_at");
  }
  const order = req.query.order ?? "asc";
  if (!ORDERS.includes(order)) {
    throw new HttpError(400, "order must be asc or desc");
  }
  const limit = intParam(req.query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = intParam(req.query, "offset", 0, 0);

  const where = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  const { n: total } = await db.one(
    `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM posts${where}`,
    params,
  );
  const items = await db.query(
    `SELECT * FROM posts${where} ORDER BY ${sort} ${order}, id ${order} LIMIT ? OFFSET ?`,
    [...params, limit, offset],
  );
  res.json({ items, total });
});

app.get("/posts/:id", async (req, res) => {
  const id = pathId(req, "post");
  const row = await db.one(POST_WITH_AUTHOR, [id]);
  if (!row) {
    throw new HttpError(404, `post ${id} not found`);
  }
  const { author_name: name, ...post } = row;
  res.json({ ...post, author: { id: post.author_id, name } });
});

app.post("/posts/:id/comments", async (req, res) => {
  const id = pathId(req, "post");
  const body = textField(jsonBody(req), "body");
  try {
    const comment = await db.one(
      "INSERT INTO comments (post_id, body) VALUES (?, ?) RETURNING *",
      [id, body],
    );
    res.status(201).json(comment);
  } catch (err) {
    if (err instanceof db.ForeignKeyViolation) {
      throw new HttpError(404, `post ${id} not found`);
    }
    throw err;
  }
});

app.get("/posts/:id/comments", async (req, res) => {
  const id = pathId(req, "post");
  await findPost(id);
  res.json(await db.query("SELECT * FROM comments WHERE post_id = ? ORDER BY id", [id]));
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

const port = Number(process.env.PORT ?? 8000);
db.runScript(SCHEMA).then(() => {
  app.listen(port, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${port}`);
  });
});
