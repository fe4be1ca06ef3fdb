// A task-management API served as GraphQL. Read README.md for the task, then run `learn check`.

const express = require("express");
const { GraphQLError, buildSchema, graphql } = require("graphql");

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

// TODO (README "The schema"): the whole schema, in SDL. This one has a single field.
const SCHEMA = `
type Query {
  health: String!
}
`;

// TODO: store projects and tasks here, keyed by id (ids are strings: see "IDs are strings").
const projects = new Map();
const tasks = new Map();

// TODO (README "Resolvers"): one function per field that needs more than reading a
// property of its parent. Each gets (parent, args): task: (_, { id }) => ...
// Throw new GraphQLError("...") for an error.
const resolvers = {
  Query: {
    health: () => "ok",
  },
};

// The schema from its SDL, each resolver attached to its field.
function makeSchema(sdl, resolvers) {
  const schema = buildSchema(sdl);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    for (const [fieldName, resolve] of Object.entries(fields)) {
      schema.getType(typeName).getFields()[fieldName].resolve = resolve;
    }
  }
  return schema;
}

const schema = makeSchema(SCHEMA, resolvers);

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

app.post("/graphql", async (req, res) => {
  // TODO (README "Requests that are not GraphQL"): answer 400 when the body is not a
  // JSON object with a "query" string (req.body is undefined without a JSON body).
  const { query, variables, operationName } = req.body;
  const result = await graphql({ schema, source: query, variableValues: variables, operationName });
  res.json(result);
});

// TODO (README "GET requests"): GET /graphql?query=... runs queries too; a mutation
// sent with GET answers 405 without running. Look up parse() and getOperationAST().

// TODO (README "Requests that are not GraphQL"): Express answers a body that is not
// valid JSON with an HTML page. Add an error handler app.use((err, req, res, next) => ...).

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
