const express = require("express");

const app = express();
const PORT = Number(process.env.PORT) || 8000;
const GREETING = "Hello, world!";

// Parses JSON request bodies into req.body.
app.use(express.json());

// Answers 405 with an Allow header: Express does not do this by itself.
function methodNotAllowed(allowed) {
  return (req, res) => {
    res.set("Allow", allowed);
    res.status(405).send("Method Not Allowed");
  };
}

app
  .route("/")
  .get((req, res) => {
    res.send("Hello from my first server!");
  })
  .all(methodNotAllowed("GET"));

app
  .route("/health")
  .get((req, res) => {
    res.json({ status: "ok" });
  })
  .all(methodNotAllowed("GET"));

app
  .route("/echo")
  .get((req, res) => {
    // Express has already decoded the query string: %20 is a space again.
    res.json({ msg: req.query.msg });
  })
  .post((req, res) => {
    res.json(req.body);
  })
  .all(methodNotAllowed("GET, POST"));

app
  .route("/headers")
  .get((req, res) => {
    res.json({ userAgent: req.get("User-Agent") });
  })
  .all(methodNotAllowed("GET"));

app
  .route("/greeting")
  .get((req, res) => {
    // Plain text is listed first, so it wins when the client accepts anything (*/*).
    const wanted = req.accepts(["text/plain", "application/json"]);
    if (wanted === "application/json") {
      res.json({ greeting: GREETING });
    } else {
      res.type("text/plain").send(GREETING);
    }
  })
  .all(methodNotAllowed("GET"));

// Runs only when no route above matched the path.
app.use((req, res) => {
  res.status(404).json({ error: "not found" });
});

app.listen(PORT, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${PORT}`);
});
