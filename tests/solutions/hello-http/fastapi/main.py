import os
from typing import Annotated, Any

import uvicorn
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

app = FastAPI()

GREETING = "Hello, world!"


@app.get("/", response_class=PlainTextResponse)
def index():
    return "Hello from my first server!"


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/echo")
def echo_query(msg: str):
    # FastAPI has already decoded the query string: %20 is a space again.
    return {"msg": msg}


@app.post("/echo")
def echo_body(body: dict[str, Any]):
    return body


@app.get("/headers")
def headers(user_agent: Annotated[str | None, Header()] = None):
    return {"userAgent": user_agent}


@app.get("/greeting")
def greeting(accept: Annotated[str, Header()] = ""):
    # The types the client named, weights cut off: "text/plain;q=0.5,
    # application/json" gives ["text/plain", "application/json"]. JSON only
    # when application/json is one of them, not when */* ("anything") merely
    # lets it through.
    wanted = [item.split(";")[0].strip() for item in accept.split(",")]
    if "application/json" in wanted:
        return {"greeting": GREETING}
    return PlainTextResponse(GREETING)


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
    port = int(os.environ.get("PORT", "8000"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
