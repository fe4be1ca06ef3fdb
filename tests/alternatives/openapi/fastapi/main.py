"""Inventory API with an OpenAPI document that FastAPI generates.

Nothing in the document is written by hand: the schemas come from the Pydantic models
below, the statuses from `status_code=` and `responses={...}` on each route. FastAPI
serves it at /openapi.json and Swagger UI at /docs.
"""

import os
import re
from typing import Annotated

import uvicorn
from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException


# ---------------------------------------------------------------- models

class ItemIn(BaseModel):
    """The body of POST /items and PUT /items/{id}. Other keys are ignored."""

    sku: Annotated[str, Field(strict=True, min_length=1, description="The stock code.")]
    name: Annotated[str, Field(strict=True, min_length=1)]
    price: Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
    quantity: Annotated[int, Field(strict=True, ge=0)]
    description: Annotated[str | None, Field(strict=True)] = None


class Item(BaseModel):
    """An item, as the server answers it."""

    id: Annotated[int, Field(ge=1)]
    sku: str
    name: str
    price: Annotated[float, Field(ge=0)]
    quantity: Annotated[int, Field(ge=0)]
    description: str | None


class Error(BaseModel):
    error: str


class Health(BaseModel):
    status: str


def err(description: str) -> dict:
    return {"model": Error, "description": description}


# ---------------------------------------------------------------- app

app = FastAPI(title="Inventory API", version="1.0.0")

items: dict[int, dict] = {}
next_id = 1


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message


@app.exception_handler(ApiError)
async def api_error(_: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse({"error": exc.message}, status_code=exc.status)


@app.exception_handler(StarletteHTTPException)
async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code)
    return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


FIELD_RULES = {
    "sku": "sku must be a non-empty string",
    "name": "name must be a non-empty string",
    "price": "price must be a number, 0 or more",
    "quantity": "quantity must be an integer, 0 or more",
    "description": "description must be a string or null",
    "max_price": "max_price must be a decimal number, like 20 or 9.99",
}


@app.exception_handler(RequestValidationError)
async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI answers 422 by default; the API answers 400 with {"error": ...}.
    messages = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        field = loc[-1] if loc else ""
        if e.get("type") == "json_invalid":
            msg = "the body is not valid JSON"
        elif e.get("type") == "model_attributes_type" or loc == ["body"]:
            msg = "the body must be a JSON object, sent with Content-Type: application/json"
        elif e.get("type") == "missing":
            msg = f"{field} is required"
        else:
            msg = FIELD_RULES.get(field, f"{'.'.join(loc)}: {e.get('msg')}")
        if msg not in messages:
            messages.append(msg)
    return JSONResponse({"error": "; ".join(messages) or "invalid request"}, status_code=400)


def find(id: str) -> dict:
    # Any {id} that is no item's id (999999, abc) answers 404.
    if re.fullmatch(r"[0-9]+", id) and int(id) in items:
        return items[int(id)]
    raise ApiError(404, "no item has this id")


def check_sku(sku: str, own_id: int | None = None) -> None:
    for other in items.values():
        if other["sku"] == sku and other["id"] != own_id:
            raise ApiError(409, "another item has this sku")


@app.get("/health", response_model=Health)
def health():
    return {"status": "ok"}


@app.get(
    "/items",
    response_model=list[Item],
    responses={400: err("max_price is not valid.")},
    summary="List and search items",
)
def list_items(
    q: Annotated[str | None, Query(description="Only items whose name contains this, ignoring case.")] = None,
    max_price: Annotated[
        str | None,
        Query(pattern=r"^[0-9]+(\.[0-9]+)?$", description="Only items whose price is at most this."),
    ] = None,
):
    result = list(items.values())
    if q is not None:
        needle = q.lower()
        result = [i for i in result if needle in i["name"].lower()]
    if max_price is not None:
        limit = float(max_price)
        result = [i for i in result if i["price"] <= limit]
    return result


@app.post(
    "/items",
    status_code=201,
    response_model=Item,
    responses={400: err("The body is not valid."), 409: err("Another item has this sku.")},
    summary="Create an item",
)
def create_item(body: Annotated[ItemIn, Body()]):
    global next_id
    check_sku(body.sku)
    item = {"id": next_id, **body.model_dump()}
    items[next_id] = item
    next_id += 1
    return item


@app.get(
    "/items/{id}",
    response_model=Item,
    responses={404: err("No item has this id.")},
    summary="One item",
)
def get_item(id: str):
    return find(id)


@app.put(
    "/items/{id}",
    response_model=Item,
    responses={
        400: err("The body is not valid."),
        404: err("No item has this id."),
        409: err("Another item has this sku."),
    },
    summary="Replace an item",
)
def put_item(id: str, body: Annotated[ItemIn, Body()]):
    item = find(id)
    check_sku(body.sku, own_id=item["id"])
    item.update(body.model_dump())
    return item


@app.delete(
    "/items/{id}",
    status_code=204,
    response_class=Response,
    responses={404: err("No item has this id.")},
    summary="Delete an item",
)
def delete_item(id: str):
    item = find(id)
    del items[item["id"]]
    return Response(status_code=204)


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")), log_level="warning")
