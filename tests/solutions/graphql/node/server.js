// A task-management API served as GraphQL, kept in memory.

const express = require("express");
const {
  GraphQLError,
  buildSchema,
  execute,
  getOperationAST,
  parse,
  validate,
} = require("graphql");

const app = express();
app.use(express.json()); // parses JSON bodies into req.body

const SCHEMA = `
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

// Everything lives here while the server runs, keyed by id (a string: "1", "2", ...).
const projects = new Map(); // id -> { id, name }
const tasks = new Map(); // id -> { id, title, status, priority, projectId }
let lastId = 0;

// A new id. GraphQL ids are strings, and so are the keys they are looked up by.
function newId() {
  lastId += 1;
  return String(lastId);
}

function nonBlank(text, field) {
  if (text.trim() === "") {
    throw new GraphQLError(`${field} must not be empty`);
  }
  return text;
}

// The tasks, oldest first, of one project and with one status when those are given.
function tasksOf(projectId, status) {
  return [...tasks.values()].filter(
    (task) => (projectId == null || task.projectId === projectId) && (status == null || task.status === status),
  );
}

function taskPage({ projectId, status, first, after }) {
  if (first < 0) {
    throw new GraphQLError("first must not be negative");
  }
  const matching = tasksOf(projectId, status);
  let rest = matching;
  if (after != null) {
    // A cursor is the id of the last task of a page: the next page starts after it.
    if (!/^\d+$/.test(after)) {
      throw new GraphQLError("after must be a nextCursor from an earlier page");
    }
    rest = matching.filter((task) => Number(task.id) > Number(after));
  }
  const items = rest.slice(0, first);
  const more = rest.length > items.length;
  return {
    items,
    total: matching.length,
    nextCursor: more && items.length > 0 ? items.at(-1).id : null,
  };
}

function createTask({ input }) {
  if (!projects.has(input.projectId)) {
    throw new GraphQLError(`project ${input.projectId} not found`);
  }
  const task = {
    id: newId(),
    title: nonBlank(input.title, "title"),
    status: input.status,
    priority: input.priority,
    projectId: input.projectId,
  };
  tasks.set(task.id, task);
  return task;
}

function updateTask({ id, input }) {
  const task = tasks.get(id);
  if (!task) {
    throw new GraphQLError(`task ${id} not found`);
  }
  if ("title" in input) {
    nonBlank(input.title ?? "", "title");
  }
  for (const field of ["status", "priority"]) {
    if (field in input && input[field] === null) {
      throw new GraphQLError(`${field} must not be null`);
    }
  }
  Object.assign(task, input); // only the fields the client sent
  return task;
}

// Resolvers: one function per field that needs more than reading a property of its
// parent. Each gets (parent, args, context, info); args holds the field's arguments.
const resolvers = {
  Query: {
    health: () => "ok",
    project: (_, { id }) => projects.get(id) ?? null,
    projects: () => [...projects.values()],
    task: (_, { id }) => tasks.get(id) ?? null,
    tasks: (_, args) => taskPage(args),
  },
  Mutation: {
    createProject: (_, { name }) => {
      const project = { id: newId(), name: nonBlank(name, "name") };
      projects.set(project.id, project);
      return project;
    },
    createTask: (_, args) => createTask(args),
    updateTask: (_, args) => updateTask(args),
    deleteTask: (_, { id }) => tasks.delete(id),
  },
  Project: {
    tasks: (project, { status }) => tasksOf(project.id, status),
  },
  Task: {
    project: (task) => projects.get(task.projectId),
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

// The HTTP request is not a GraphQL request; the message says why.
class BadRequest extends Error {}

// query, variables and operationName, from the JSON body (POST) or the URL (GET).
function graphqlParams(req) {
  let params = req.body;
  if (req.method === "GET") {
    params = { ...req.query };
    if (params.variables !== undefined) {
      try {
        params.variables = JSON.parse(params.variables);
      } catch {
        throw new BadRequest("variables must be JSON");
      }
    }
  }
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new BadRequest("the body must be a JSON object");
  }
  const { query, variables, operationName } = params;
  if (typeof query !== "string") {
    throw new BadRequest("query must be a string");
  }
  if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) {
    throw new BadRequest("variables must be an object");
  }
  if (operationName != null && typeof operationName !== "string") {
    throw new BadRequest("operationName must be a string");
  }
  return { query, variables, operationName };
}

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

async function graphqlEndpoint(req, res) {
  const { query, variables, operationName } = graphqlParams(req);

  // A request that cannot run answers errors only: no "data" key.
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return res.json({ errors: [error] });
  }
  const errors = validate(schema, document);
  if (errors.length > 0) {
    return res.json({ errors });
  }

  const operation = getOperationAST(document, operationName);
  if (req.method === "GET" && operation?.operation === "mutation") {
    return res.status(405).json({ errors: [{ message: "mutations need POST" }] });
  }

  // Errors in resolvers land in result.errors, next to the data: still 200.
  const result = await execute({ schema, document, variableValues: variables, operationName });
  res.json(result);
}

app.get("/graphql", graphqlEndpoint);
app.post("/graphql", graphqlEndpoint);

// Bad requests, and bodies that express.json() could not parse, end up here.
app.use((err, req, res, next) => {
  if (err instanceof BadRequest || err.type === "entity.parse.failed") {
    return res.status(400).json({ errors: [{ message: err.message }] });
  }
  console.error(err);
  res.status(500).json({ errors: [{ message: "something went wrong on the server" }] });
});

const port = Number(process.env.PORT ?? 8000);
app.listen(port, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${port}`);
});
