// An orders API that checks everything it is sent, and reads its limits from the environment.

const express = require("express");

const app = express();
app.use(express.json()); // parses bodies sent as application/json into req.body

// A whole number from the environment, or the default when the variable is not set.
function intFromEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value)) {
    // Fail fast: a server that guesses its settings misbehaves later, far from the cause.
    console.error(`${name} must be a whole number, not ${JSON.stringify(text)}`);
    process.exit(1);
  }
  return value;
}

const MAX_ITEMS = intFromEnv("APP_MAX_ITEMS", 10);
const MAX_QUANTITY = intFromEnv("APP_MAX_QUANTITY", 99);

// Sets, not plain objects: `"constructor" in {}` is true.
const ORDER_KEYS = new Set(["customer", "delivery_date", "items", "note"]);
const CUSTOMER_KEYS = new Set(["name", "email", "website"]);
const ITEM_KEYS = new Set(["sku", "quantity"]);

const SKU = /^[A-Z]{3}-[0-9]{3}$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const WEBSITE = /^https?:\/\/[^\/?#\s]+([\/?#]\S*)?$/i;
const WHITE_SPACE = /\s/;

const EARLIEST_DELIVERY = "2026-01-01"; // YYYY-MM-DD texts compare like the dates they name
const LATEST_DELIVERY = "2030-12-31";
const MAX_NOTE = 200;

// All orders live here while the server runs, keyed by id (as the text of the URL).
const orders = new Map();
let nextId = 1;

// An error with the HTTP status to answer; the error handler below sends it as JSON.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Characters are code points: "🍵".length is 2, [..."🍵"].length is 1.
function characters(text) {
  return [...text].length;
}

// Each ...Problem function gets a value of the right type and answers what is wrong
// with it, or null when nothing is.

function nameProblem(name) {
  if (characters(name) < 2 || characters(name) > 40) {
    return "must be 2 to 40 characters long";
  }
  if (name !== name.trim()) {
    return "must not start or end with white space";
  }
  return null;
}

function emailProblem(email) {
  if (WHITE_SPACE.test(email)) {
    return "must not contain white space";
  }
  const parts = email.split("@");
  if (parts.length !== 2) {
    return "must contain exactly one @";
  }
  const [local, domain] = parts;
  if (local === "") {
    return "needs at least one character before the @";
  }
  if (!domain.includes(".") || domain.startsWith(".") || domain.endsWith(".")) {
    return "needs a domain with a dot after the @, like example.com";
  }
  return null;
}

function websiteProblem(website) {
  if (!WEBSITE.test(website)) {
    return "must be an http:// or https:// URL with a host, without white space";
  }
  return null;
}

// True when year-month-day is a day of the calendar. new Date("2026-02-30") is March 2,
// so build the date and check that it kept the year, month and day it was given.
function isRealDay(year, month, day) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function deliveryDateProblem(text) {
  if (!DATE.test(text)) {
    return "must be a date written YYYY-MM-DD";
  }
  const [year, month, day] = text.split("-").map(Number);
  if (!isRealDay(year, month, day)) {
    return "is not a day of the calendar";
  }
  if (text < EARLIEST_DELIVERY || text > LATEST_DELIVERY) {
    return `must be from ${EARLIEST_DELIVERY} to ${LATEST_DELIVERY}`;
  }
  return null;
}

function skuProblem(sku) {
  if (!SKU.test(sku)) {
    return "must be three capital letters, a hyphen and three digits, like TEA-001";
  }
  return null;
}

function noteProblem(note) {
  if (characters(note) > MAX_NOTE) {
    return `must be at most ${MAX_NOTE} characters long`;
  }
  return null;
}

// Walks an order and collects every problem, each with the path of its field.
class Checker {
  constructor() {
    this.errors = [];
  }

  error(field, message) {
    this.errors.push({ field, message });
  }

  // True when value is an object; else reports it (missing, or not an object).
  object(value, field) {
    if (value === undefined || value === null) {
      this.error(field, "is required");
      return false;
    }
    if (!isPlainObject(value)) {
      this.error(field, "must be an object");
      return false;
    }
    return true;
  }

  unknownKeys(obj, allowed, prefix) {
    for (const key of Object.keys(obj)) {
      if (!allowed.has(key)) {
        this.error(prefix + key, "is not a field of an order");
      }
    }
  }

  string(obj, key, field, problem, required = true) {
    const value = obj[key]; // a missing key and null are the same
    if (value === undefined || value === null) {
      if (required) this.error(field, "is required");
    } else if (typeof value !== "string") {
      this.error(field, "must be a string");
    } else {
      const message = problem(value);
      if (message !== null) this.error(field, message);
    }
  }

  quantity(item, field) {
    const value = item.quantity;
    if (value === undefined || value === null) {
      this.error(field, "is required");
    } else if (typeof value !== "number" || !Number.isInteger(value)) {
      this.error(field, "must be a whole number");
    } else if (value < 1 || value > MAX_QUANTITY) {
      this.error(field, `must be from 1 to ${MAX_QUANTITY}`);
    }
  }

  items(items) {
    if (items === undefined || items === null) {
      this.error("items", "is required");
    } else if (!Array.isArray(items)) {
      this.error("items", "must be an array");
    } else if (items.length < 1 || items.length > MAX_ITEMS) {
      // Too many: say so, and do not spend work looking inside.
      this.error("items", `must hold 1 to ${MAX_ITEMS} items`);
    } else {
      items.forEach((item, index) => {
        const field = `items[${index}]`;
        if (this.object(item, field)) {
          this.unknownKeys(item, ITEM_KEYS, `${field}.`);
          this.string(item, "sku", `${field}.sku`, skuProblem);
          this.quantity(item, `${field}.quantity`);
        }
      });
    }
  }

  order(body) {
    this.unknownKeys(body, ORDER_KEYS, "");
    if (this.object(body.customer, "customer")) {
      const customer = body.customer;
      this.unknownKeys(customer, CUSTOMER_KEYS, "customer.");
      this.string(customer, "name", "customer.name", nameProblem);
      this.string(customer, "email", "customer.email", emailProblem);
      this.string(customer, "website", "customer.website", websiteProblem, false);
    }
    this.string(body, "delivery_date", "delivery_date", deliveryDateProblem);
    this.items(body.items);
    this.string(body, "note", "note", noteProblem, false);
    return this.errors;
  }
}

// The order as stored: every field as sent, the email lowercased, optional fields null.
function storedOrder(id, body) {
  const { customer } = body;
  return {
    id,
    customer: { name: customer.name, email: customer.email.toLowerCase(), website: customer.website ?? null },
    delivery_date: body.delivery_date,
    items: body.items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
    note: body.note ?? null,
  };
}

function errorBody(message, field = "") {
  return { errors: [{ field, message }] };
}

function methodNotAllowed(req, res) {
  res.status(405).json(errorBody(`${req.method} is not allowed on ${req.path}`));
}

app
  .route("/health")
  .get((req, res) => {
    res.json({ status: "ok" });
  })
  .all(methodNotAllowed);

app
  .route("/orders")
  .post((req, res) => {
    // The Content-Type says how to read the body: an order comes as JSON, or not at all.
    // (req.is leaves out parameters like "; charset=utf-8".)
    if (!req.is("application/json")) {
      throw new HttpError(415, "send the order as JSON, with Content-Type: application/json");
    }
    // express.json() parsed it: a body it could not parse went to the error handler.
    if (!isPlainObject(req.body)) {
      throw new HttpError(400, "the body must be a JSON object");
    }
    const errors = new Checker().order(req.body);
    if (errors.length > 0) {
      return res.status(422).json({ errors });
    }
    const order = storedOrder(nextId++, req.body);
    orders.set(String(order.id), order);
    res.status(201).json(order);
  })
  .get((req, res) => {
    res.json([...orders.values()]); // a Map keeps the order of insertion
  })
  .all(methodNotAllowed);

app
  .route("/orders/:id")
  .get((req, res) => {
    const order = orders.get(req.params.id);
    if (order === undefined) {
      throw new HttpError(404, `no order has the id ${req.params.id}`);
    }
    res.json(order);
  })
  .all(methodNotAllowed);

// No route matched: answer 404 as JSON, not Express's HTML page.
app.use((req, res) => {
  res.status(404).json(errorBody(`no route for ${req.method} ${req.path}`));
});

// Errors thrown above, and bodies that express.json() could not parse, end up here.
app.use((err, req, res, next) => {
  if (err instanceof HttpError) {
    return res.status(err.status).json(errorBody(err.message));
  }
  if (err.type === "entity.parse.failed") {
    return res.status(400).json(errorBody("the body is not valid JSON"));
  }
  if (err.status >= 400 && err.status < 500) {
    return res.status(err.status).json(errorBody(err.message)); // like a body too large (413)
  }
  console.error(err);
  res.status(500).json(errorBody("something went wrong on the server"));
});

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
