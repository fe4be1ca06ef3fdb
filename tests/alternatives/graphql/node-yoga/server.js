// A GraphQL task API (projects and tasks, kept in memory), served by graphql-yoga
// mounted on node:http. Yoga parses the HTTP request (POST JSON, GET query string),
// validates and runs the query with graphql-js, and refuses mutations sent with GET.
const http = require("node:http");
const { createYoga, createSchema } = require("graphql-yoga");
const { GraphQLError } = require("graphql");

const typeDefs = /* GraphQL */ `
  type Query {
    health: String!
    project(id: ID!): Project
    projects: [Project!]!
    task(id: ID!): Task
    tasks(projectId: ID, status: Status, first: Int = 10, after: String): TaskPage!
  }

  type Mutation {
    createProject(name: String!): Project
    createTask(input: CreateTaskInput!): Task
    updateTask(id: ID!, input: UpdateTaskInput!): Task
    deleteTask(id: ID!): Boolean!
  }

  type Project {
    id: ID!
    name: String!
    tasks(status: Status): [Task!]!
  }

  type Task {
    id: ID!
    title: String!
    status: Status!
    priority: Int!
    project: Project!
  }

  enum Status {
    TODO
    DOING
    DONE
  }

  input CreateTaskInput {
    projectId: ID!
    title: String!
    status: Status = TODO
    priority: Int = 0
  }

  input UpdateTaskInput {
    title: String
    status: Status
    priority: Int
  }

  type TaskPage {
    items: [Task!]!
    total: Int!
    nextCursor: String
  }
`;

// Maps keep insertion order, which is creation order: oldest first.
const projects = new Map(); // id -> {id, name}
const tasks = new Map(); // id -> {id, title, status, priority, projectId}
let nextProjectId = 1;
let nextTaskId = 1;

const isBlank = (s) => typeof s !== "string" || s.trim() === "";

function tasksOf(projectId, status) {
  const out = [];
  for (const t of tasks.values()) {
    if (projectId != null && t.projectId !== projectId) continue;
    if (status != null && t.status !== status) continue;
    out.push(t);
  }
  return out;
}

// A cursor is the id of the last task a page held; the next page starts with the
// first matching task whose (numeric) id is greater. Ids only grow, so a task
// deleted between two pages never makes the next one skip or repeat.
function decodeCursor(after) {
  if (!/^[0-9]+$/.test(after)) {
    throw new GraphQLError(`after: "${after}" is not a cursor this API gave`);
  }
  return Number(after);
}

const resolvers = {
  Query: {
    health: () => "ok",
    project: (_, { id }) => projects.get(id) ?? null,
    projects: () => [...projects.values()],
    task: (_, { id }) => tasks.get(id) ?? null,
    tasks: (_, { projectId, status, first, after }) => {
      if (first == null) first = 10;
      if (first < 0) throw new GraphQLError("first must not be negative");
      const matching = tasksOf(projectId, status);
      let start = 0;
      if (after != null) {
        const afterId = decodeCursor(after);
        start = matching.findIndex((t) => Number(t.id) > afterId);
        if (start < 0) start = matching.length;
      }
      const items = matching.slice(start, start + first);
      const end = start + items.length;
      let nextCursor = null;
      if (end < matching.length) {
        // the id of this page's last task; with an empty page (first: 0), the cursor
        // that points right before the first task of the next page
        nextCursor = items.length
          ? items[items.length - 1].id
          : start > 0
            ? matching[start - 1].id
            : "0";
      }
      return { items, total: matching.length, nextCursor };
    },
  },
  Mutation: {
    createProject: (_, { name }) => {
      if (isBlank(name)) throw new GraphQLError("name must not be blank");
      const project = { id: String(nextProjectId++), name };
      projects.set(project.id, project);
      return project;
    },
    createTask: (_, { input }) => {
      if (isBlank(input.title)) throw new GraphQLError("title must not be blank");
      if (!projects.has(input.projectId)) {
        throw new GraphQLError(`project ${input.projectId} not found`);
      }
      // an explicit null for a defaulted field: the default still applies
      const task = {
        id: String(nextTaskId++),
        title: input.title,
        status: input.status ?? "TODO",
        priority: input.priority ?? 0,
        projectId: input.projectId,
      };
      tasks.set(task.id, task);
      return task;
    },
    updateTask: (_, { id, input }) => {
      const task = tasks.get(id);
      if (!task) throw new GraphQLError(`task ${id} not found`);
      // check everything before changing anything: a refused mutation changes nothing
      for (const key of ["title", "status", "priority"]) {
        if (key in input && input[key] === null) {
          throw new GraphQLError(`${key} must not be null`);
        }
      }
      if ("title" in input && isBlank(input.title)) {
        throw new GraphQLError("title must not be blank");
      }
      for (const key of ["title", "status", "priority"]) {
        if (key in input) task[key] = input[key];
      }
      return task;
    },
    deleteTask: (_, { id }) => tasks.delete(id),
  },
  Project: {
    tasks: (project, { status }) => tasksOf(project.id, status),
  },
  Task: {
    project: (task) => projects.get(task.projectId),
  },
};

// Yoga's own HTTP habits differ from the README in a few places; this plugin (user
// plugins run after Yoga's request parsers and before its parameter checks) brings
// them in line:
//  - a POST not labelled application/json: Yoga would also run form-encoded and
//    application/graphql bodies, and answers an unknown type with an empty 415;
//  - GET variables that are not JSON: Yoga's JSON.parse throws and it answers 500;
//  - a missing query: Yoga answers 200 to an Accept: application/json client;
//  - keys other than query/variables/operationName/extensions: Yoga refuses them,
//    the README does not, so they are dropped.
function badRequest(message, status = 400) {
  return new GraphQLError(message, { extensions: { http: { status } } });
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function parseGet(request) {
  const params = new URL(request.url, "http://localhost").searchParams;
  let variables;
  const text = params.get("variables");
  if (text != null && text !== "") {
    try {
      variables = JSON.parse(text);
    } catch {
      throw badRequest("variables is not JSON text");
    }
  }
  return {
    query: params.get("query") ?? undefined,
    variables,
    operationName: params.get("operationName") || undefined,
  };
}

const readmeHttpRules = {
  onRequestParse({ request, setRequestParser, endResponse, fetchAPI }) {
    if (request.method === "GET") {
      setRequestParser(parseGet);
    } else if (request.method === "POST") {
      const type = (request.headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
      if (type !== "application/json") {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: "send the request as Content-Type: application/json" }] }),
            { status: 415, headers: { "Content-Type": "application/json" } },
          ),
        );
      }
    }
  },
  onParams({ params, setParams }) {
    if (!isObject(params)) throw badRequest("the body must be a JSON object");
    if (typeof params.query !== "string") throw badRequest("query must be a string");
    if (params.variables != null && !isObject(params.variables)) {
      throw badRequest("variables must be an object or null");
    }
    const { query, variables, operationName, extensions } = params;
    setParams({ query, variables, operationName, extensions });
  },
};

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  graphqlEndpoint: "/graphql",
  landingPage: false,
  graphiql: false,
  logging: false,
  plugins: [readmeHttpRules],
});

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, "http://localhost").pathname;
  if (path === "/health" && req.method === "GET") {
    return sendJson(res, 200, { status: "ok" });
  }
  if (path === "/graphql") return yoga(req, res);
  sendJson(res, 404, { errors: [{ message: `no route for ${req.method} ${path}` }] });
});

const port = Number(process.env.PORT || 8000);
server.listen(port, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});
