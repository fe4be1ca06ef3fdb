// An orders API that checks everything it is sent. Read README.md for the task, then run `learn check`.

const express = require("express");

const app = express();
app.use(express.json()); // parses bodies sent as application/json into req.body

// TODO (README "Configuration lives in the environment"): read APP_MAX_ITEMS and
// APP_MAX_QUANTITY from process.env, as whole numbers, with their defaults (10 and 99),
// and add both to .env.example.

// All orders live here while the server runs, keyed by id.
const orders = new Map();

function notImplemented(req, res) {
  res.status(501).json({ error: "not implemented yet" });
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/orders", (req, res) => {
  // TODO (README "An order" and "Errors"): answer 415 when the body was not sent as
  // application/json (req.is(...); req.body is then undefined), check every field of
  // req.body, collect every problem as { field, message }, and answer 422 with all of
  // them. Only an order without errors is stored: answer it with 201.
  notImplemented(req, res);
});

app.get("/orders", (req, res) => {
  // TODO: every stored order, oldest first.
  notImplemented(req, res);
});

app.get("/orders/:id", (req, res) => {
  // TODO: the order with this id (req.params.id), or 404.
  notImplemented(req, res);
});

// TODO (README "Errors"): Express answers unknown paths, wrong methods, and bodies
// that are not valid JSON with HTML pages. Answer 405 for the methods a path does not
// support, add a last app.use((req, res) => ...) for 404s and an error handler
// app.use((err, req, res, next) => ...), so that every error is JSON in one shape.

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
