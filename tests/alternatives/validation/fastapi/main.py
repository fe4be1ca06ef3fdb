"""A tea shop's orders API that trusts nothing (FastAPI + Pydantic v2, strict models).

The body is read by hand (Content-Type, else 415; JSON, an object: else 400), then checked
by strict Pydantic models that forbid unknown keys; every Pydantic error becomes
one {"field", "message"} entry of a 422 answer. Orders live in memory.
"""
import json
import os
import re
import sys
from datetime import date
from typing import Annotated, Any, Optional

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException as StarletteHTTPException


def env_int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) < minimum:
        sys.exit(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


PORT = env_int("PORT", 8000, 1)
MAX_ITEMS = env_int("APP_MAX_ITEMS", 10, 1)
MAX_QUANTITY = env_int("APP_MAX_QUANTITY", 99, 1)


# ---- field rules --------------------------------------------------------------------

def fail(message: str):
    raise PydanticCustomError("invalid", message)


def check_name(value: str) -> str:
    if not 2 <= len(value) <= 40:  # len counts code points
        fail("must be 2 to 40 characters")
    if value[0].isspace() or value[-1].isspace():
        fail("must not start or end with white space")
    return value


def check_email(value: str) -> str:
    if any(c.isspace() for c in value):
        fail("must not contain white space")
    if value.count("@") != 1:
        fail("must contain exactly one @")
    local, domain = value.split("@")
    if not local:
        fail("must have something before the @")
    if "." not in domain or domain.startswith(".") or domain.endswith("."):
        fail("the domain needs a . that is not its first or last character")
    return value.lower()


WEBSITE = re.compile(r"https?://[^/?#]+(?:[/?#].*)?", re.IGNORECASE | re.DOTALL)


def check_website(value: str) -> str:
    if any(c.isspace() for c in value):
        fail("must not contain white space")
    if not WEBSITE.fullmatch(value):
        fail("must be an http:// or https:// address with a host")
    return value


FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2030, 12, 31)


def check_date(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        fail("must be written YYYY-MM-DD")
    try:
        day = date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        fail("must be a real day")
    if not FIRST_DAY <= day <= LAST_DAY:
        fail("must be from 2026-01-01 to 2030-12-31")
    return value


def check_sku(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}-[0-9]{3}", value):
        fail("must be three capital letters, a hyphen and three digits, like TEA-001")
    return value


def whole_number(value: Any) -> Any:
    """JSON has one kind of number: 2.0 is the whole number 2. Everything else
    goes on to the strict int check (which refuses bools, strings, 2.5, ...)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_quantity(value: int) -> int:
    if not 1 <= value <= MAX_QUANTITY:
        fail(f"must be a whole number from 1 to {MAX_QUANTITY}")
    return value


def items_not_too_long(value: Any) -> Any:
    """A list that is too long is not looked into: refuse it before its items."""
    if isinstance(value, list) and len(value) > MAX_ITEMS:
        fail(f"must have 1 to {MAX_ITEMS} items")
    return value


def items_not_empty(value: list) -> list:
    if not value:
        fail(f"must have 1 to {MAX_ITEMS} items")
    return value


Name = Annotated[str, AfterValidator(check_name)]
Email = Annotated[str, AfterValidator(check_email)]
Website = Annotated[str, AfterValidator(check_website)]
DeliveryDate = Annotated[str, AfterValidator(check_date)]
Sku = Annotated[str, AfterValidator(check_sku)]
Quantity = Annotated[int, BeforeValidator(whole_number), AfterValidator(check_quantity)]
Note = Annotated[str, Field(max_length=200)]

STRICT = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=False)


class Customer(BaseModel):
    model_config = STRICT
    name: Name
    email: Email
    website: Optional[Website] = None


class Item(BaseModel):
    model_config = STRICT
    sku: Sku
    quantity: Quantity


class Order(BaseModel):
    model_config = STRICT
    customer: Customer
    delivery_date: DeliveryDate
    items: Annotated[
        list[Item], BeforeValidator(items_not_too_long), AfterValidator(items_not_empty)
    ]
    note: Optional[Note] = None


def path_of(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not an allowed key",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "model_type": "must be an object",
    "list_type": "must be an array",
    "string_too_long": "must be at most 200 characters",
}


def errors_of(exc: ValidationError) -> list[dict]:
    errors = []
    for err in exc.errors(include_url=False, include_input=False):
        field = path_of(err["loc"])
        message = MESSAGES.get(err["type"]) or err["msg"] or "is invalid"
        if err["type"] == "int_type" and field.endswith("quantity"):
            message = f"must be a whole number from 1 to {MAX_QUANTITY}"
        errors.append({"field": field, "message": message})
    return errors


# ---- the app ------------------------------------------------------------------------

def error(status: int, message: str, field: str = "", headers=None) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": field, "message": message}]}, status_code=status, headers=headers
    )


app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False)
orders: dict[str, dict] = {}
next_id = 1


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, exc: StarletteHTTPException):
    messages = {404: "no such path", 405: "method not allowed on this path"}
    return error(exc.status_code, messages.get(exc.status_code, str(exc.detail)),
                 headers=exc.headers)


@app.exception_handler(Exception)
async def crash(request: Request, exc: Exception):
    return error(500, "internal error")


@app.get("/health")
async def health():
    return {"status": "ok"}


def reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


@app.post("/orders")
async def create_order(request: Request):
    global next_id
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return error(415, "send the order as JSON, with Content-Type: application/json")
    raw = await request.body()
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return error(400, "the body is not valid JSON")
    if not isinstance(body, dict):
        return error(400, "the body must be a JSON object")

    try:
        order = Order.model_validate(body, strict=True)
    except ValidationError as exc:
        return JSONResponse({"errors": errors_of(exc)}, status_code=422)

    stored = {"id": next_id, **order.model_dump()}
    orders[str(next_id)] = stored
    next_id += 1
    return JSONResponse(stored, status_code=201)


@app.get("/orders")
async def list_orders():
    return list(orders.values())


@app.get("/orders/{order_id}")
async def get_order(order_id: str):
    order = orders.get(order_id)
    if order is None:
        return error(404, "no order has this id")
    return order


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning")
