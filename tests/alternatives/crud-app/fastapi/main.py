"""crud-app with FastAPI: blog posts kept in memory."""

import os
from datetime import datetime, timezone
from itertools import count

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictStr
from starlette.exceptions import HTTPException

app = FastAPI()

posts: dict[int, dict] = {}
next_id = count(1)


class PostIn(BaseModel):
    title: StrictStr
    content: StrictStr
    category: StrictStr
    tags: list[StrictStr]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def not_found(post_id) -> JSONResponse:
    return JSONResponse({"error": f"post {post_id} not found"}, status_code=404)


@app.exception_handler(HTTPException)
async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    error = exc.errors()[0]
    where, *path = error["loc"]
    if where == "path":
        return not_found(request.path_params.get("post_id"))
    if error["type"] == "json_invalid":
        message = "the body is not valid JSON"
    elif not path:
        message = "the body must be a JSON object"
    elif error["type"] == "missing":
        message = f"{path[0]} is required"
    elif path[0] == "tags":
        message = "tags must be an array of strings"
    else:
        message = f"{path[0]} must be a string"
    return JSONResponse({"error": message}, status_code=400)


@app.post("/posts", status_code=201)
def create_post(body: PostIn, response: Response) -> dict:
    post_id = next(next_id)
    created = now()
    post = {"id": post_id, **body.model_dump(), "createdAt": created, "updatedAt": created}
    posts[post_id] = post
    response.headers["Location"] = f"/posts/{post_id}"
    return post


@app.get("/posts")
def list_posts(term: str | None = None) -> list[dict]:
    if term is None:
        return list(posts.values())
    needle = term.casefold()
    return [
        post
        for post in posts.values()
        if any(needle in post[field].casefold() for field in ("title", "content", "category"))
    ]


@app.get("/posts/{post_id}")
def get_post(post_id: int):
    return posts.get(post_id) or not_found(post_id)


@app.put("/posts/{post_id}")
def update_post(post_id: int, body: PostIn):
    post = posts.get(post_id)
    if post is None:
        return not_found(post_id)
    post.update(body.model_dump(), updatedAt=now())
    return post


@app.delete("/posts/{post_id}", status_code=204)
def delete_post(post_id: int):
    if posts.pop(post_id, None) is None:
        return not_found(post_id)
    return Response(status_code=204)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
