// An inventory API, kept in memory, that describes itself: its OpenAPI document at
// /openapi.json, and a page that shows it at /docs.

const fs = require("node:fs");
const path = require("node:path");
const express = require("express");

const app = express();
app.use(express.json()); // parses JSON bodies (Content-Type: application/json) into req.body

const items = new Map(); // id -> item, in the order they were created
let lastId = 0; // ids count up: 1, 2, 3, ... never reused, even after a delete

// max_price: decimal digits, maybe a "." and more digits ("20", "9.99").
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

// An error with the HTTP status to answer; the error handler below sends it as JSON.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

// The fields of an item, read from the JSON body and checked (400 if not valid).
function itemFields(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "the body must be a JSON object");
  }
  for (const name of ["sku", "name", "price", "quantity"]) {
    if (body[name] === undefined || body[name] === null) {
      throw new HttpError(400, `${name} is required`);
    }
  }
  for (const name of ["sku", "name"]) {
    if (typeof body[name] !== "string" || body[name] === "") {
      throw new HttpError(400, `${name} must be a non-empty string`);
    }
  }
  if (!isNumber(body.price) || body.price < 0) {
    throw new HttpError(400, "price must be a number, 0 or more");
  }
  if (!Number.isInteger(body.quantity) || body.quantity < 0) {
    throw new HttpError(400, "quantity must be an integer, 0 or more");
  }
  const description = body.description ?? null;
  if (description !== null && typeof description !== "string") {
    throw new HttpError(400, "description must be a string or null");
  }
  return { sku: body.sku, name: body.name, price: body.price, quantity: body.quantity, description };
}

// 409 when another item (not the one with itemId) has this sku.
function checkSkuFree(sku, itemId = null) {
  for (const item of items.values()) {
    if (item.sku === sku && item.id !== itemId) {
      throw new HttpError(409, `another item has the sku ${sku}`);
    }
  }
}

// The item whose id is the text rawId ("7"), or 404 ("abc" is no item's id).
function findItem(rawId) {
  const item = /^[0-9]+$/.test(rawId) ? items.get(Number(rawId)) : undefined;
  if (item === undefined) {
    throw new HttpError(404, `item ${rawId} not found`);
  }
  return item;
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.get("/items", (req, res) => {
  let found = [...items.values()];
  const q = req.query.q;
  if (q) {
    const wanted = String(q).toLowerCase();
    found = found.filter((item) => item.name.toLowerCase().includes(wanted));
  }
  const maxPrice = req.query.max_price;
  if (maxPrice !== undefined) {
    if (typeof maxPrice !== "string" || !DECIMAL.test(maxPrice)) {
      throw new HttpError(400, "max_price must be a decimal number, like 20 or 9.99");
    }
    found = found.filter((item) => item.price <= Number(maxPrice));
  }
  res.json(found);
});

app.post("/items", (req, res) => {
  const fields = itemFields(req.body);
  checkSkuFree(fields.sku);
  lastId += 1;
  const item = { id: lastId, ...fields };
  items.set(item.id, item);
  res.status(201).json(item);
});

app.get("/items/:id", (req, res) => {
  res.json(findItem(req.params.id));
});

app.put("/items/:id", (req, res) => {
  const item = findItem(req.params.id);
  const fields = itemFields(req.body);
  checkSkuFree(fields.sku, item.id);
  Object.assign(item, fields);
  res.json(item);
});

app.delete("/items/:id", (req, res) => {
  const item = findItem(req.params.id);
  items.delete(item.id);
  res.status(204).end();
});

// The document is a file of its own: the same whatever the framework, and read at every
// request, so an edit shows at once. (Not res.sendFile: it refuses a path with a folder
// whose name starts with a dot, like ~/.local/course, and answers an error instead.)
app.get("/openapi.json", (req, res) => {
  res.type("application/json").send(fs.readFileSync(path.join(__dirname, "openapi.json")));
});

app.get("/docs", (req, res) => {
  res.type("text/html").send(fs.readFileSync(path.join(__dirname, "docs.html")));
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
