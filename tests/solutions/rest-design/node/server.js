// A bookshelf API that clients, caches and proxies can rely on.

const crypto = require("node:crypto");
const http = require("node:http");
const { isDeepStrictEqual } = require("node:util");
const express = require("express");

const app = express();
// Express would put a weak ETag on every answer and answer 304 by itself: this API
// makes its own strong tags, and answers If-None-Match itself.
app.set("etag", false);
app.use(express.json({ type: ["application/json", "application/merge-patch+json"] }));

const books = new Map(); // id -> book, exactly as answered: {id, title, author, year, notes?}
let lastId = 0; // ids are 1, 2, 3, ... never reused, even after a delete
const remembered = new Map(); // Idempotency-Key -> { body: the request body, book: the 201's book }

const SORT_KEYS = ["id", "title", "author", "year"];
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const ID = /^[1-9][0-9]*$/;
const DIGITS = /^[0-9]+$/;
const INTEGER = /^-?[0-9]+$/;

// An error, answered as application/problem+json (RFC 9457) by the error handler below.
class Problem extends Error {
  constructor(status, detail, { headers = {}, ...members } = {}) {
    super(detail);
    this.status = status;
    this.headers = headers;
    this.members = members; // extra members, like errors
  }
}

function sendProblem(res, status, detail, members = {}) {
  const title = http.STATUS_CODES[status];
  res.status(status).type("application/problem+json");
  res.json({ type: "about:blank", title, status, detail, ...members });
}

// 406 for a GET or HEAD whose Accept header rules JSON out (no Accept at all is fine).
app.use((req, res, next) => {
  if ((req.method === "GET" || req.method === "HEAD") && !req.accepts("application/json")) {
    throw new Problem(406, "this API answers application/json only");
  }
  next();
});

// Reading requests

// The request's JSON object, sent as mediaType (415 otherwise, 400 if it is no object).
function readBody(req, mediaType) {
  if (!req.is(mediaType)) {
    const headers = req.method === "PATCH" ? { "Accept-Patch": mediaType } : {};
    throw new Problem(415, `send the body as ${mediaType}`, { headers });
  }
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Problem(400, "the body must be a JSON object");
  }
  return body;
}

// What is wrong with a book's fields, as RFC 9457 errors entries: [] when nothing.
// A patch may leave fields out; null is a value like any other (only notes allows it).
function fieldErrors(fields, { patch = false } = {}) {
  const errors = [];
  const invalid = (name, detail) => errors.push({ pointer: `#/${name}`, detail });
  for (const name of ["title", "author", "year"]) {
    if (!(name in fields)) {
      if (!patch) invalid(name, `${name} is required`);
    } else if (name === "year") {
      if (!Number.isInteger(fields.year)) invalid(name, "year must be an integer, like 1937");
    } else if (typeof fields[name] !== "string" || fields[name] === "") {
      invalid(name, `${name} must be a string that is not empty`);
    }
  }
  if (fields.notes !== undefined && fields.notes !== null && typeof fields.notes !== "string") {
    invalid("notes", "notes must be a string, or null for none");
  }
  return errors;
}

function checkFields(fields, options) {
  const errors = fieldErrors(fields, options);
  if (errors.length > 0) {
    throw new Problem(400, `the book has ${errors.length} invalid field(s)`, { errors });
  }
}

function findBook(idText) {
  const book = ID.test(idText) ? books.get(Number(idText)) : undefined;
  if (book === undefined) {
    throw new Problem(404, `there is no book with id ${idText}`);
  }
  return book;
}

// Entity tags

// A strong tag: a fingerprint of the book's JSON, so it changes with any field.
function etag(book) {
  const json = JSON.stringify([book.id, book.title, book.author, book.year, book.notes ?? null]);
  return `"${crypto.createHash("sha256").update(json).digest("hex").slice(0, 20)}"`;
}

// The tags of an If-Match / If-None-Match header ("*" stays "*").
function listedTags(header) {
  return header.split(",").map((tag) => tag.trim()).filter((tag) => tag !== "");
}

// If-None-Match compares weakly: W/"x" and "x" are the same tag.
function noneMatch(header, current) {
  const tags = listedTags(header);
  return tags.includes("*") || tags.map((tag) => tag.replace(/^W\//, "")).includes(current);
}

// If-Match compares strongly: only the exact current tag (or *) lets a write go on.
function checkIfMatch(req, book) {
  const header = req.get("If-Match");
  if (header === undefined) return;
  const tags = listedTags(header);
  if (!tags.includes("*") && !tags.includes(etag(book))) {
    throw new Problem(412, "the book has changed since you read it: read it again");
  }
}

function sendBook(res, book, status = 200) {
  res.status(status).set("ETag", etag(book)).json(book);
}

// Lists: filters, sorting, cursors

function parseLimit(text) {
  if (text === undefined) return DEFAULT_LIMIT;
  if (typeof text !== "string" || !DIGITS.test(text) || Number(text) < 1 || Number(text) > MAX_LIMIT) {
    throw new Problem(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return Number(text);
}

// sort=-year,title -> [["year", true], ["title", false]]: [key, descending].
function parseSort(text) {
  if (text === undefined) return [["id", false]];
  if (typeof text !== "string") throw new Problem(400, "give sort once");
  return text.split(",").map((key) => {
    const descending = key.startsWith("-");
    const name = descending ? key.slice(1) : key;
    if (!SORT_KEYS.includes(name)) {
      throw new Problem(400, `cannot sort by "${name}": sort keys are ${SORT_KEYS.join(", ")}`);
    }
    return [name, descending];
  });
}

// -1, 0 or 1: a before b in this order. Ties on every key go by id, ascending.
// < on strings compares code units: "Zebra" before "apple" (localeCompare would not).
function compare(a, b, order) {
  for (const [name, descending] of [...order, ["id", false]]) {
    if (a[name] !== b[name]) {
      const result = a[name] < b[name] ? -1 : 1;
      return descending ? -result : result;
    }
  }
  return 0;
}

function positionKeys(order) {
  return [...new Set(["id", ...order.map(([name]) => name)])].sort();
}

// What a cursor needs to find its place again: the book's sort values and id.
function encodeCursor(direction, book, order) {
  const place = Object.fromEntries(positionKeys(order).map((name) => [name, book[name]]));
  return Buffer.from(JSON.stringify({ [direction]: place })).toString("base64url");
}

// [direction, place] from a cursor this server made; 400 for anything else.
function decodeCursor(text, order) {
  const bad = new Problem(400, "this cursor was not made by this server: follow the Link header");
  let data;
  try {
    data = JSON.parse(Buffer.from(String(text), "base64url").toString("utf8"));
  } catch {
    throw bad;
  }
  if (typeof data !== "object" || data === null || Object.keys(data).length !== 1) throw bad;
  const [direction, place] = Object.entries(data)[0];
  if (!["after", "before"].includes(direction) || typeof place !== "object" || place === null) throw bad;
  if (!isDeepStrictEqual(Object.keys(place).sort(), positionKeys(order))) throw bad;
  for (const [name, value] of Object.entries(place)) {
    const fits = name === "id" || name === "year" ? Number.isInteger(value) : typeof value === "string";
    if (!fits) throw bad;
  }
  return [direction, place];
}

function pageLink(req, rel, cursor) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) {
    if (name !== "cursor") params.set(name, value);
  }
  params.set("cursor", cursor);
  return `</v1/books?${params}>; rel="${rel}"`;
}

// Methods: each path answers its own methods, OPTIONS, and 405 for the rest.

function methods(allow) {
  return {
    options: (req, res) => res.set("Allow", allow).status(204).end(),
    notAllowed: (req, res) => {
      res.set("Allow", allow);
      throw new Problem(405, `${req.method} is not allowed here: use ${allow}`);
    },
  };
}

const collection = methods("GET, HEAD, POST, OPTIONS");
const single = methods("GET, HEAD, PATCH, DELETE, OPTIONS");

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app
  .route("/v1/books")
  .get((req, res) => {
    const limit = parseLimit(req.query.limit);
    const order = parseSort(req.query.sort);
    const place = req.query.cursor === undefined ? null : decodeCursor(req.query.cursor, order);
    const { author, year } = req.query;
    if (year !== undefined && (typeof year !== "string" || !INTEGER.test(year))) {
      throw new Problem(400, "year must be an integer");
    }

    const matching = [...books.values()].filter(
      (book) => (author === undefined || book.author === author) && (year === undefined || book.year === Number(year)),
    );
    const ordered = matching.sort((a, b) => compare(a, b, order));

    // The page is ordered[start:end]: right after the cursor's book, or right before it.
    let start;
    let end;
    if (place === null) {
      start = 0;
      end = Math.min(limit, ordered.length);
    } else if (place[0] === "after") {
      start = ordered.filter((book) => compare(book, place[1], order) <= 0).length;
      end = Math.min(start + limit, ordered.length);
    } else {
      end = ordered.filter((book) => compare(book, place[1], order) < 0).length;
      start = Math.max(0, end - limit);
    }
    const page = ordered.slice(start, end);

    const links = [];
    if (page.length > 0 && end < ordered.length) {
      links.push(pageLink(req, "next", encodeCursor("after", page.at(-1), order)));
    }
    if (page.length > 0 && start > 0) {
      links.push(pageLink(req, "prev", encodeCursor("before", page[0], order)));
    }
    if (links.length > 0) res.set("Link", links.join(", "));
    res.json({ items: page, total: matching.length });
  })
  .post((req, res) => {
    const fields = readBody(req, "application/json");
    checkFields(fields);
    const key = req.get("Idempotency-Key");
    let book;
    // No await between the look-up and the write: no other request runs in between.
    if (key !== undefined && remembered.has(key)) {
      const first = remembered.get(key);
      if (!isDeepStrictEqual(first.body, fields)) {
        throw new Problem(422, "this Idempotency-Key was used with another body");
      }
      book = first.book;
    } else {
      lastId += 1;
      const stored = { id: lastId, title: fields.title, author: fields.author, year: fields.year };
      if (fields.notes !== undefined && fields.notes !== null) stored.notes = fields.notes;
      books.set(stored.id, stored);
      book = { ...stored }; // the answer as it is now, whatever happens to the book later
      if (key !== undefined) remembered.set(key, { body: fields, book });
    }
    res.location(`/v1/books/${book.id}`);
    sendBook(res, book, 201);
  })
  .options(collection.options)
  .all(collection.notAllowed);

app
  .route("/v1/books/:id")
  .get((req, res) => {
    const book = findBook(req.params.id);
    const current = etag(book);
    const ifNoneMatch = req.get("If-None-Match");
    if (ifNoneMatch !== undefined && noneMatch(ifNoneMatch, current)) {
      return res.status(304).set("ETag", current).end();
    }
    sendBook(res, book);
  })
  .patch((req, res) => {
    const book = findBook(req.params.id);
    checkIfMatch(req, book);
    const patch = readBody(req, "application/merge-patch+json");
    checkFields(patch, { patch: true }); // all or nothing: check every field first
    for (const name of ["title", "author", "year", "notes"]) {
      if (!(name in patch)) continue; // absent: left alone
      if (patch[name] === null) {
        delete book[name]; // null removes (only notes may be null)
      } else {
        book[name] = patch[name];
      }
    }
    sendBook(res, book);
  })
  .delete((req, res) => {
    const book = findBook(req.params.id);
    checkIfMatch(req, book);
    books.delete(book.id);
    res.status(204).end();
  })
  .options(single.options)
  .all(single.notAllowed);

// No route matched: 404, as a problem.
app.use((req, res) => {
  throw new Problem(404, `nothing here: ${req.method} ${req.path}`);
});

// Every error ends here and leaves as application/problem+json.
app.use((err, req, res, next) => {
  if (err instanceof Problem) {
    res.set(err.headers);
    return sendProblem(res, err.status, err.message, err.members);
  }
  if (err.type === "entity.parse.failed") {
    return sendProblem(res, 400, "the body is not valid JSON");
  }
  if (err.status >= 400 && err.status < 500) {
    return sendProblem(res, err.status, err.message);
  }
  console.error(err);
  sendProblem(res, 500, "something went wrong on the server");
});

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
