"""An orders API that checks everything it is sent. Read README.md for the task, then run `learn check`."""

import os

from flask import Flask, jsonify, request

app = Flask(__name__)

# TODO (README "Configuration lives in the environment"): read APP_MAX_ITEMS and
# APP_MAX_QUANTITY from os.environ, as whole numbers, with their defaults (10 and 99),
# and add both to .env.example.

# All orders live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
orders = {}


def not_implemented():
    return jsonify(error="not implemented yet"), 501


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/orders")
def create_order():
    # TODO (README "An order" and "Errors"): answer 415 when the body was not sent as
    # application/json (request.mimetype), read the body (request.get_json(silent=True)
    # gives None when it is not valid JSON), check every field, collect every problem
    # as {"field": ..., "message": ...}, and answer 422 with all of them. Only an order
    # without errors is stored: answer it with 201.
    return not_implemented()


@app.get("/orders")
def list_orders():
    # TODO: every stored order, oldest first.
    return not_implemented()


@app.get("/orders/<order_id>")
def get_order(order_id):
    # TODO: the order with this id, or 404.
    return not_implemented()


# TODO (README "Errors"): Flask answers unknown paths (404) and wrong methods (405)
# with HTML pages. Make every error JSON, in the same shape as the others
# (look up @app.errorhandler).


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
