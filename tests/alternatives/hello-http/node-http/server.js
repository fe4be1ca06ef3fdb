// hello-http with nothing but node:http.
const http = require("node:http");

const PORT = Number(process.env.PORT) || 8000;

function sendJson(res, status, value, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

function sendText(res, status, text) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

// The highest q value the Accept header gives to any of the media ranges
// (0 when none of them is listed).
function quality(accept, ranges) {
  let best = 0;
  for (const part of accept.split(",")) {
    const [range, ...params] = part.toLowerCase().split(";").map((s) => s.trim());
    const q = params.find((p) => p.startsWith("q="));
    if (ranges.includes(range)) best = Math.max(best, q ? Number(q.slice(2)) : 1);
  }
  return best;
}

// JSON when the client names application/json and likes it at least as much
// as text; anything else (text/plain, text/html, */*, no Accept) gets text.
function wantsJson(req) {
  const accept = req.headers.accept ?? "";
  const json = quality(accept, ["application/json"]);
  return json > 0 && json >= quality(accept, ["text/plain", "text/*", "*/*"]);
}

// Each path maps its methods to a handler.
const routes = {
  "/": {
    GET: (req, res) => sendText(res, 200, "Hello from a plain node:http server!"),
  },
  "/health": {
    GET: (req, res) => sendJson(res, 200, { status: "ok" }),
  },
  "/echo": {
    GET: (req, res, url) => sendJson(res, 200, { msg: url.searchParams.get("msg") }),
    POST: async (req, res) => {
      let body;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, { error: "the body is not valid JSON" });
      }
      sendJson(res, 200, body);
    },
  },
  "/headers": {
    GET: (req, res) => sendJson(res, 200, { userAgent: req.headers["user-agent"] ?? "" }),
  },
  "/greeting": {
    GET: (req, res) =>
      wantsJson(req)
        ? sendJson(res, 200, { greeting: "Hello, world!" })
        : sendText(res, 200, "Hello, world!"),
  },
};

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  const methods = routes[url.pathname];
  if (!methods) return sendJson(res, 404, { error: "not found" });
  const handler = methods[req.method];
  if (!handler) {
    return sendJson(res, 405, { error: "method not allowed" }, {
      Allow: Object.keys(methods).join(", "),
    });
  }
  await handler(req, res, url);
});

server.listen(PORT, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${PORT}`);
});
