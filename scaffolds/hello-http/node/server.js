const express = require("express");

const app = express();
// learn check tells the server which port to use in the PORT variable.
const PORT = Number(process.env.PORT) || 8000;

// Parses JSON request bodies into req.body.
app.use(express.json());

// This route already works: open http://127.0.0.1:8000/ after starting the server.
app.get("/", (req, res) => {
  res.send("Hello from my first server!");
});

app.get("/health", (req, res) => {
  // TODO: answer exactly {"status": "ok"} as JSON (res.json does that).
  res.status(501).send("Not implemented yet");
});

app.get("/echo", (req, res) => {
  // TODO: answer {"msg": ...} with the msg query parameter (see req.query).
  res.status(501).send("Not implemented yet");
});

app.post("/echo", (req, res) => {
  // TODO: answer the JSON body you received, unchanged (see req.body).
  res.status(501).send("Not implemented yet");
});

app.get("/headers", (req, res) => {
  // TODO: answer {"userAgent": ...} with the User-Agent header (see req.get).
  res.status(501).send("Not implemented yet");
});

app.get("/greeting", (req, res) => {
  // TODO: look at the Accept header (see req.accepts):
  // answer {"greeting": "Hello, world!"} as JSON when the client asks for
  // application/json, and the text Hello, world! as text/plain otherwise.
  res.status(501).send("Not implemented yet");
});

// TODO: a known path called with the wrong method (like DELETE /health)
// must answer 405 with an Allow header listing the methods it does support.
// Express does not do this for you: add a handler for the other methods of
// every path above, / included (see app.all or app.route(...).all).

// Unknown paths already answer 404: Express does that for you.

app.listen(PORT, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${PORT}`);
});
