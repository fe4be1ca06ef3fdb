"""A task-management API served as GraphQL. Read README.md for the task, then run `learn check`."""

import os

from flask import Flask, jsonify, request
from graphql import GraphQLError, build_schema, graphql_sync

app = Flask(__name__)
app.json.sort_keys = False  # GraphQL answers fields in the order the query asks for them

# TODO (README "The schema"): the whole schema, in SDL. This one has a single field.
SCHEMA = """
type Query {
  health: String!
}
"""

# TODO: store projects and tasks here, keyed by id (ids are strings: see "IDs are strings").
projects = {}
tasks = {}


# TODO (README "Resolvers"): one function per field that needs more than reading a key
# of its parent. Each gets the parent object, `info`, and the field's arguments by
# their GraphQL names: def task(_, info, id): ... Raise GraphQLError("...") for an error.
RESOLVERS = {
    "Query": {
        "health": lambda _, info: "ok",
    },
}


def make_schema(sdl, resolvers):
    """The schema from its SDL, each resolver attached to its field."""
    schema = build_schema(sdl)
    for type_name, fields in resolvers.items():
        for field_name, resolve in fields.items():
            schema.type_map[type_name].fields[field_name].resolve = resolve
    return schema


schema = make_schema(SCHEMA, RESOLVERS)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/graphql")
def graphql_endpoint():
    # TODO (README "Requests that are not GraphQL"): answer 400 when the body is not a
    # JSON object with a "query" string.
    body = request.get_json(silent=True)
    result = graphql_sync(
        schema,
        body["query"],
        variable_values=body.get("variables"),
        operation_name=body.get("operationName"),
    )
    # TODO (README "Errors"): a request that cannot run at all has no "data" key, but
    # result.formatted always has one. Look up parse() and validate() in graphql-core.
    return jsonify(result.formatted)


# TODO (README "GET requests"): GET /graphql?query=... runs queries too; a mutation
# sent with GET answers 405 without running.


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
