import os
from typing import Annotated, Any

import uvicorn
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

app = FastAPI()


# This route already works: open http://127.0.0.1:8000/ after starting the server.
@app.get("/", response_class=PlainTextResponse)
def index():
    return "Hello from my first server!"


@app.get("/health")
def health():
    # TODO: answer exactly {"status": "ok"} as JSON (return a dict: FastAPI
    # sends it as JSON).
    return PlainTextResponse("Not implemented yet", status_code=501)


@app.get("/echo")
def echo_query():
    # TODO: answer {"msg": ...} with the msg query parameter (declare a
    # parameter msg: str, and FastAPI fills it from the query string).
    return PlainTextResponse("Not implemented yet", status_code=501)


@app.post("/echo")
def echo_body():
    # TODO: answer the JSON body you received, unchanged (declare a parameter
    # body: dict[str, Any], and FastAPI fills it from the JSON body).
    return PlainTextResponse("Not implemented yet", status_code=501)


@app.get("/headers")
def headers():
    # TODO: answer {"userAgent": ...} with the User-Agent header (declare a
    # parameter user_agent: Annotated[str | None, Header()] = None, and FastAPI
    # fills it from the User-Agent header).
    return PlainTextResponse("Not implemented yet", status_code=501)


@app.get("/greeting")
def greeting():
    # TODO: look at the Accept header (a parameter accept: Annotated[str,
    # Header()] = "" holds it). It lists types, each maybe with a weight, like
    # "text/plain;q=0.5, application/json": answer {"greeting": "Hello, world!"}
    # as JSON when application/json is one of the types, and the text
    # Hello, world! as text/plain (PlainTextResponse) otherwise.
    return PlainTextResponse("Not implemented yet", status_code=501)


# Unknown paths answer 404 by themselves. A known path called with the wrong
# method answers 405, but FastAPI's Allow header names the methods of the first
# route at that path only (GET for /echo, forgetting POST): this handler lists
# the methods of every route at the path.
@app.exception_handler(405)
async def method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
    allowed = [
        method
        for route in app.routes
        if isinstance(route, APIRoute) and route.path_regex.match(request.url.path)
        for method in sorted(route.methods)
    ]
    return JSONResponse(
        {"detail": "Method Not Allowed"},
        status_code=405,
        headers={"Allow": ", ".join(allowed)},
    )


if __name__ == "__main__":
    # learn check tells the server which port to use in the PORT variable.
    port = int(os.environ.get("PORT", "8000"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
