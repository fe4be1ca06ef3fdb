"""An inventory API, kept in memory, that describes itself: its OpenAPI document at
/openapi.json, and a page that shows it at /docs."""

import itertools
import os
import re
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_file
from werkzeug.exceptions import HTTPException

app = Flask(__name__)

HERE = Path(__file__).parent

items = {}  # id -> item, in the order they were created
new_ids = itertools.count(1)  # 1, 2, 3, ... never reused, even after a delete

# max_price: decimal digits, maybe a "." and more digits ("20", "9.99").
DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def is_number(value):
    # bool is a kind of int in Python: True must not pass for 1.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def item_fields():
    """The fields of an item, read from the JSON body and checked (400 if not valid)."""
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        abort(400, description="the body must be a JSON object")
    for name in ("sku", "name", "price", "quantity"):
        if data.get(name) is None:
            abort(400, description=f"{name} is required")
    for name in ("sku", "name"):
        if not isinstance(data[name], str) or data[name] == "":
            abort(400, description=f"{name} must be a non-empty string")
    if not is_number(data["price"]) or data["price"] < 0:
        abort(400, description="price must be a number, 0 or more")
    if not is_integer(data["quantity"]) or data["quantity"] < 0:
        abort(400, description="quantity must be an integer, 0 or more")
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        abort(400, description="description must be a string or null")
    return {
        "sku": data["sku"],
        "name": data["name"],
        "price": data["price"],
        "quantity": data["quantity"],
        "description": description,
    }


def check_sku_free(sku, item_id=None):
    """409 when another item (not item_id) has this sku."""
    if any(item["sku"] == sku and item["id"] != item_id for item in items.values()):
        abort(409, description=f"another item has the sku {sku}")


def find_item(item_id):
    if item_id not in items:
        abort(404, description=f"item {item_id} not found")
    return items[item_id]


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 400, 404, 409 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/items")
def list_items():
    found = list(items.values())
    q = request.args.get("q")
    if q:
        found = [item for item in found if q.lower() in item["name"].lower()]
    max_price = request.args.get("max_price")
    if max_price is not None:
        if not DECIMAL.fullmatch(max_price):
            abort(400, description="max_price must be a decimal number, like 20 or 9.99")
        found = [item for item in found if item["price"] <= float(max_price)]
    return jsonify(found)


@app.post("/items")
def create_item():
    fields = item_fields()
    check_sku_free(fields["sku"])
    item = {"id": next(new_ids), **fields}
    items[item["id"]] = item
    return jsonify(item), 201


@app.get("/items/<int:item_id>")
def get_item(item_id):
    return jsonify(find_item(item_id))


@app.put("/items/<int:item_id>")
def update_item(item_id):
    item = find_item(item_id)
    fields = item_fields()
    check_sku_free(fields["sku"], item_id)
    item.update(fields)
    return jsonify(item)


@app.delete("/items/<int:item_id>")
def delete_item(item_id):
    find_item(item_id)
    del items[item_id]
    return "", 204


@app.get("/openapi.json")
def openapi_document():
    # The document is a file of its own: the same whatever the framework, and read at
    # every request, so an edit shows at once.
    return send_file(HERE / "openapi.json", mimetype="application/json")


@app.get("/docs")
def docs_page():
    return send_file(HERE / "docs.html", mimetype="text/html")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
