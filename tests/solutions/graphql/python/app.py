"""A task-management API served as GraphQL, kept in memory."""

import itertools
import json
import os

from flask import Flask, jsonify, request
from graphql import (
    GraphQLError,
    OperationType,
    build_schema,
    execute,
    get_operation_ast,
    parse,
    validate,
)

app = Flask(__name__)
app.json.sort_keys = False  # GraphQL answers fields in the order the query asks for them

SCHEMA = """
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
"""

# Everything lives here while the server runs, keyed by id (a string: "1", "2", ...).
projects = {}  # id -> {"id", "name"}
tasks = {}  # id -> {"id", "title", "status", "priority", "projectId"}
counter = itertools.count(1)


def new_id():
    """A new id. GraphQL ids are strings, and so are the keys they are looked up by."""
    return str(next(counter))


def non_blank(text, field):
    if not text.strip():
        raise GraphQLError(f"{field} must not be empty")
    return text


def tasks_of(project_id=None, status=None):
    """The tasks, oldest first, of one project and with one status when those are given."""
    return [
        task
        for task in tasks.values()
        if project_id in (None, task["projectId"]) and status in (None, task["status"])
    ]


# Resolvers: one function per field that needs more than reading a key of its parent.
# Each gets the parent object, `info`, and the field's arguments by their GraphQL names.


def find_project(_, info, id):
    return projects.get(id)


def list_projects(_, info):
    return list(projects.values())


def find_task(_, info, id):
    return tasks.get(id)


def task_page(_, info, first, projectId=None, status=None, after=None):
    if first < 0:
        raise GraphQLError("first must not be negative")
    matching = tasks_of(projectId, status)
    rest = matching
    if after is not None:
        # A cursor is the id of the last task of a page: the next page starts after it.
        if not after.isdigit():
            raise GraphQLError("after must be a nextCursor from an earlier page")
        rest = [task for task in matching if int(task["id"]) > int(after)]
    items = rest[:first]
    more = len(rest) > len(items)
    return {
        "items": items,
        "total": len(matching),
        "nextCursor": items[-1]["id"] if more and items else None,
    }


def project_tasks(project, info, status=None):
    return tasks_of(project["id"], status)


def task_project(task, info):
    return projects[task["projectId"]]


def create_project(_, info, name):
    new = {"id": new_id(), "name": non_blank(name, "name")}
    projects[new["id"]] = new
    return new


def create_task(_, info, input):
    if input["projectId"] not in projects:
        raise GraphQLError(f"project {input['projectId']} not found")
    new = {
        "id": new_id(),
        "title": non_blank(input["title"], "title"),
        "status": input["status"],
        "priority": input["priority"],
        "projectId": input["projectId"],
    }
    tasks[new["id"]] = new
    return new


def update_task(_, info, id, input):
    if id not in tasks:
        raise GraphQLError(f"task {id} not found")
    if "title" in input:
        non_blank(input["title"] or "", "title")
    for field in ("status", "priority"):
        if field in input and input[field] is None:
            raise GraphQLError(f"{field} must not be null")
    tasks[id].update(input)  # only the fields the client sent
    return tasks[id]


def delete_task(_, info, id):
    return tasks.pop(id, None) is not None


RESOLVERS = {
    "Query": {
        "health": lambda _, info: "ok",
        "project": find_project,
        "projects": list_projects,
        "task": find_task,
        "tasks": task_page,
    },
    "Mutation": {
        "createProject": create_project,
        "createTask": create_task,
        "updateTask": update_task,
        "deleteTask": delete_task,
    },
    "Project": {"tasks": project_tasks},
    "Task": {"project": task_project},
}


def make_schema(sdl, resolvers):
    """The schema from its SDL, each resolver attached to its field."""
    schema = build_schema(sdl)
    for type_name, fields in resolvers.items():
        for field_name, resolve in fields.items():
            schema.type_map[type_name].fields[field_name].resolve = resolve
    return schema


schema = make_schema(SCHEMA, RESOLVERS)


class BadRequest(Exception):
    """The HTTP request is not a GraphQL request; the message says why."""


def graphql_params():
    """query, variables and operationName, from the JSON body (POST) or the URL (GET)."""
    if request.method == "GET":
        params = request.args.to_dict()
        if "variables" in params:
            try:
                params["variables"] = json.loads(params["variables"])
            except ValueError:
                raise BadRequest("variables must be JSON") from None
    else:
        params = request.get_json(silent=True)  # None when the body is not JSON
        if not isinstance(params, dict):
            raise BadRequest("the body must be a JSON object")
    query = params.get("query")
    variables = params.get("variables")
    operation_name = params.get("operationName")
    if not isinstance(query, str):
        raise BadRequest("query must be a string")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("variables must be an object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("operationName must be a string")
    return query, variables, operation_name


@app.errorhandler(BadRequest)
def bad_request(error):
    return jsonify(errors=[{"message": str(error)}]), 400


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.route("/graphql", methods=["GET", "POST"])
def graphql_endpoint():
    query, variables, operation_name = graphql_params()

    # A request that cannot run answers errors only: no "data" key.
    try:
        document = parse(query)
    except GraphQLError as error:
        return jsonify(errors=[error.formatted])
    errors = validate(schema, document)
    if errors:
        return jsonify(errors=[error.formatted for error in errors])

    operation = get_operation_ast(document, operation_name)
    if request.method == "GET" and operation and operation.operation == OperationType.MUTATION:
        return jsonify(errors=[{"message": "mutations need POST"}]), 405

    # Errors in resolvers land in result.errors, next to the data: still 200.
    result = execute(schema, document, variable_values=variables, operation_name=operation_name)
    return jsonify(result.formatted)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
