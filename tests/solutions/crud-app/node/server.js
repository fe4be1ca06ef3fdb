// A blog posts API, kept in memory.

const crypto = require("node:crypto");
const express = require("express");

const app = express();
app.use(express.json());

const posts = new Map(); // id -> post

const TEXT_FIELDS = ["title", "content", "category"];
const SEARCHED_FIELDS = ["title", "content", "category"];

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

function findPost(id) {
  const post = posts.get(id);
  if (!post) {
    throw new HttpError(404, `post ${id} not found`);
  }
  return post;
}

// True when term appears in the post's title, content or category, ignoring case.
function matches(post, term) {
  return SEARCHED_FIELDS.some((field) => post[field].toLowerCase().includes(term));
}

app.post("/posts", (req, res) => {
  const fields = postFields(req.body);
  const stamp = now();
  const post = { id: crypto.randomUUID(), ...fields, createdAt: stamp, updatedAt: stamp };
  posts.set(post.id, post);
  res.status(201).location(`/posts/${post.id}`).json(post);
});

app.get("/posts", (req, res) => {
  const term = String(req.query.term ?? "").toLowerCase();
  res.json([...posts.values()].filter((post) => matches(post, term)));
});

app.get("/posts/:id", (req, res) => {
  res.json(findPost(req.params.id));
});

app.put("/posts/:id", (req, res) => {
  const post = findPost(req.params.id);
  Object.assign(post, postFields(req.body));
  post.updatedAt = now();
  res.json(post);
});

app.delete("/posts/:id", (req, res) => {
  findPost(req.params.id);
  posts.delete(req.params.id);
  res.status(204).end();
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
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
