"""An orders API that checks everything it is sent, and reads its limits from the environment."""

import os
import re
from datetime import date
from itertools import count

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

app = Flask(__name__)


def int_from_env(name, default):
    """A whole number from the environment, or the default when the variable is not set."""
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        # Fail fast: a server that guesses its settings misbehaves later, far from the cause.
        raise SystemExit(f"{name} must be a whole number, not {text!r}") from None


MAX_ITEMS = int_from_env("APP_MAX_ITEMS", 10)
MAX_QUANTITY = int_from_env("APP_MAX_QUANTITY", 99)

ORDER_KEYS = {"customer", "delivery_date", "items", "note"}
CUSTOMER_KEYS = {"name", "email", "website"}
ITEM_KEYS = {"sku", "quantity"}

# fullmatch() and [0-9], never match() with $ (which allows a final line break) or \d
# (which matches the digits of every script).
SKU = re.compile(r"[A-Z]{3}-[0-9]{3}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WEBSITE = re.compile(r"https?://[^/?#\s]+([/?#]\S*)?", re.IGNORECASE)
WHITE_SPACE = re.compile(r"\s")

EARLIEST_DELIVERY = date(2026, 1, 1)
LATEST_DELIVERY = date(2030, 12, 31)
MAX_NOTE = 200

# All orders live here while the server runs, keyed by id: {1: {...}, 2: {...}}.
orders = {}
order_ids = count(1)


# Each *_problem function gets a value of the right type and answers what is wrong
# with it, or None when nothing is.


def name_problem(name):
    if not 2 <= len(name) <= 40:  # len() counts characters (code points), not bytes
        return "must be 2 to 40 characters long"
    if name != name.strip():
        return "must not start or end with white space"
    return None


def email_problem(email):
    if WHITE_SPACE.search(email):
        return "must not contain white space"
    if email.count("@") != 1:
        return "must contain exactly one @"
    local, domain = email.split("@")
    if not local:
        return "needs at least one character before the @"
    if "." not in domain or domain.startswith(".") or domain.endswith("."):
        return "needs a domain with a dot after the @, like example.com"
    return None


def website_problem(website):
    if not WEBSITE.fullmatch(website):
        return "must be an http:// or https:// URL with a host, without white space"
    return None


def delivery_date_problem(text):
    if not DATE.fullmatch(text):
        return "must be a date written YYYY-MM-DD"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return "is not a day of the calendar"
    if not EARLIEST_DELIVERY <= day <= LATEST_DELIVERY:
        return f"must be from {EARLIEST_DELIVERY} to {LATEST_DELIVERY}"
    return None


def sku_problem(sku):
    if not SKU.fullmatch(sku):
        return "must be three capital letters, a hyphen and three digits, like TEA-001"
    return None


def note_problem(note):
    if len(note) > MAX_NOTE:
        return f"must be at most {MAX_NOTE} characters long"
    return None


def whole_number(value):
    """The value as an int when it is a JSON whole number (2 or 2.0), else None."""
    # bool is a kind of int in Python (True == 1): refuse it before anything else.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class Checker:
    """Walks an order and collects every problem, each with the path of its field."""

    def __init__(self):
        self.errors = []

    def error(self, field, message):
        self.errors.append({"field": field, "message": message})

    def object(self, value, field):
        """True when value is an object; else reports it (missing, or not an object)."""
        if value is None:
            self.error(field, "is required")
        elif not isinstance(value, dict):
            self.error(field, "must be an object")
        else:
            return True
        return False

    def unknown_keys(self, obj, allowed, prefix):
        for key in obj:
            if key not in allowed:
                self.error(prefix + key, "is not a field of an order")

    def string(self, obj, key, field, problem, required=True):
        value = obj.get(key)  # a missing key and null are the same
        if value is None:
            if required:
                self.error(field, "is required")
        elif not isinstance(value, str):
            self.error(field, "must be a string")
        elif (message := problem(value)) is not None:
            self.error(field, message)

    def quantity(self, item, field):
        value = item.get("quantity")
        quantity = whole_number(value)
        if value is None:
            self.error(field, "is required")
        elif quantity is None:
            self.error(field, "must be a whole number")
        elif not 1 <= quantity <= MAX_QUANTITY:
            self.error(field, f"must be from 1 to {MAX_QUANTITY}")

    def items(self, items):
        if items is None:
            self.error("items", "is required")
        elif not isinstance(items, list):
            self.error("items", "must be an array")
        elif not 1 <= len(items) <= MAX_ITEMS:
            # Too many: say so, and do not spend work looking inside.
            self.error("items", f"must hold 1 to {MAX_ITEMS} items")
        else:
            for index, item in enumerate(items):
                field = f"items[{index}]"
                if self.object(item, field):
                    self.unknown_keys(item, ITEM_KEYS, field + ".")
                    self.string(item, "sku", field + ".sku", sku_problem)
                    self.quantity(item, field + ".quantity")

    def order(self, body):
        self.unknown_keys(body, ORDER_KEYS, "")
        customer = body.get("customer")
        if self.object(customer, "customer"):
            self.unknown_keys(customer, CUSTOMER_KEYS, "customer.")
            self.string(customer, "name", "customer.name", name_problem)
            self.string(customer, "email", "customer.email", email_problem)
            self.string(customer, "website", "customer.website", website_problem, required=False)
        self.string(body, "delivery_date", "delivery_date", delivery_date_problem)
        self.items(body.get("items"))
        self.string(body, "note", "note", note_problem, required=False)
        return self.errors


def stored_order(order_id, body):
    """The order as stored: every field as sent, the email lowercased, quantities as ints."""
    customer = body["customer"]
    return {
        "id": order_id,
        "customer": {
            "name": customer["name"],
            "email": customer["email"].lower(),
            "website": customer.get("website"),
        },
        "delivery_date": body["delivery_date"],
        "items": [{"sku": item["sku"], "quantity": whole_number(item["quantity"])} for item in body["items"]],
        "note": body.get("note"),
    }


def error_response(status, message, field=""):
    return jsonify(errors=[{"field": field, "message": message}]), status


@app.errorhandler(HTTPException)
def http_error(error):
    """404, 405 and friends as JSON, in the same shape as every other error."""
    return error_response(error.code, error.description)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/orders")
def create_order():
    # The Content-Type says how to read the body: an order comes as JSON, or not at all.
    # (mimetype leaves out parameters like "; charset=utf-8".)
    if request.mimetype != "application/json":
        return error_response(415, "send the order as JSON, with Content-Type: application/json")
    body = request.get_json(silent=True)  # None when the body is not valid JSON
    if not isinstance(body, dict):
        return error_response(400, "the body must be a JSON object")
    errors = Checker().order(body)
    if errors:
        return jsonify(errors=errors), 422
    order = stored_order(next(order_ids), body)
    orders[order["id"]] = order
    return jsonify(order), 201


@app.get("/orders")
def list_orders():
    return jsonify(list(orders.values()))  # a dict keeps the order of insertion


@app.get("/orders/<int:order_id>")
def get_order(order_id):
    order = orders.get(order_id)
    if order is None:
        return error_response(404, f"no order has the id {order_id}")
    return jsonify(order)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
