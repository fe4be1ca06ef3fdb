"""Session cookies and CSRF tokens, with notes to protect (FastAPI).

The session lives in the `sessions` table: the cookie `sid` holds only its
random id. Every request that changes something must also send the session's
CSRF token in the `X-CSRF-Token` header.
"""
import base64
import hashlib
import hmac
import os
import secrets
import time
from datetime import datetime, timezone
from typing import Annotated

import bcrypt
import uvicorn
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictStr, ValidationError
from starlette.exceptions import HTTPException

import db

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    id {db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    token TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    started_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    id {db.ID_COLUMN},
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_user_id ON web_sessions (user_id);
CREATE INDEX IF NOT EXISTS notes_owner_id ON notes (owner_id)
"""

COOKIE = "sid"
SESSION_SECONDS = 14 * 24 * 3600  # two weeks, on the server and in the cookie's Max-Age
BCRYPT_ROUNDS = 11
NOTE_MAX = 500

app = FastAPI()


def fail(status, message):
    raise HTTPException(status, message)


@app.exception_handler(HTTPException)
def http_error(request, exc):
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


@app.exception_handler(RequestValidationError)
def validation_error(request, exc):
    return JSONResponse({"error": describe(exc.errors())}, 400)


@app.exception_handler(Exception)
def server_error(request, exc):
    return JSONResponse({"error": "internal server error"}, 500)


def describe(errors):
    first = errors[0] if errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = first.get("msg", "invalid request body")
    return f"{where}: {message}" if where else message


def now_iso(epoch=None):
    moment = datetime.fromtimestamp(epoch if epoch is not None else time.time(), timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# ---- bodies -------------------------------------------------------------------------

class Registration(BaseModel):
    email: StrictStr
    password: Annotated[StrictStr, Field(min_length=8)]


class Credentials(BaseModel):
    email: StrictStr
    password: StrictStr


class NewNote(BaseModel):
    text: Annotated[StrictStr, Field(min_length=1, max_length=NOTE_MAX)]


def body_of(model):
    """A dependency that parses the JSON body into `model`; declared after the
    session dependencies, so a missing session or token is reported first."""

    async def parse(request: Request):
        try:
            return model.model_validate_json(await request.body())
        except ValidationError as err:
            fail(400, describe(err.errors()))

    return parse


def storable(value, field):
    """PostgreSQL's text cannot hold NUL, and no database stores a lone surrogate."""
    if "\x00" in value:
        fail(400, f"{field} must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        fail(400, f"{field} is not valid Unicode text")
    return value


# ---- passwords ----------------------------------------------------------------------
# bcrypt reads at most 72 bytes (bcrypt 5 refuses longer input), so the password is
# first reduced to a fixed 44-byte SHA-256 digest in base64, which bcrypt then hashes.

def _prehash(password):
    return base64.b64encode(hashlib.sha256(password.encode("utf-8", "surrogatepass")).digest())


def hash_password(password):
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def password_matches(password, stored):
    return bcrypt.checkpw(_prehash(password), stored.encode("ascii"))


DUMMY_HASH = hash_password(secrets.token_hex(16))  # compared against for unknown emails


# ---- sessions -----------------------------------------------------------------------

def current_session(request: Request) -> dict:
    token = request.cookies.get(COOKIE)
    if not token:
        fail(401, "not logged in")
    row = db.one(
        """SELECT s.token, s.csrf, s.expires_at, u.id AS user_id, u.email, u.created_at
           FROM web_sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token = ?""",
        [token],
    )
    if row is None:
        fail(401, "not logged in")
    if row["expires_at"] <= time.time():
        db.execute("DELETE FROM web_sessions WHERE token = ?", [token])
        fail(401, "the session has expired")
    return row


def csrf_protected(request: Request, session: dict = Depends(current_session)) -> dict:
    sent = request.headers.get("x-csrf-token")
    # Starlette decodes header bytes as Latin-1; compare bytes so that any header compares.
    if sent is None or not hmac.compare_digest(sent.encode("latin-1"), session["csrf"].encode("ascii")):
        fail(403, "missing or wrong X-CSRF-Token")
    return session


# ---- routes -------------------------------------------------------------------------

@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/auth/register", status_code=201)
def register(body: Registration = Depends(body_of(Registration))):
    email = storable(body.email, "email").lower()
    if "@" not in email:
        fail(400, "email must contain an @")
    password_hash = hash_password(body.password)
    try:
        user = db.one(
            "INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?) RETURNING id, email, created_at",
            [email, password_hash, now_iso()],
        )
    except db.UniqueViolation:
        fail(409, "that email already has an account")
    return user


@app.post("/auth/login")
def login(body: Credentials = Depends(body_of(Credentials))):
    # Whatever cookie came with this request is ignored: the id is always made here.
    email = body.email.lower()
    user = None
    if "\x00" not in email:
        try:
            email.encode("utf-8")
            user = db.one("SELECT id, email, password_hash FROM users WHERE email = ?", [email])
        except UnicodeEncodeError:
            user = None
    if user is None:
        password_matches(body.password, DUMMY_HASH)  # take as long as a real check
        fail(401, "wrong email or password")
    if not password_matches(body.password, user["password_hash"]):
        fail(401, "wrong email or password")

    token = secrets.token_hex(24)  # 192 bits, 48 hex digits
    csrf = secrets.token_urlsafe(24)  # 192 bits, a different random string
    expires = int(time.time()) + SESSION_SECONDS
    db.execute(
        "INSERT INTO web_sessions (token, user_id, csrf, started_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        [token, user["id"], csrf, now_iso(), expires],
    )
    response = JSONResponse(
        {"id": user["id"], "email": user["email"], "csrf_token": csrf, "expires_at": now_iso(expires)}
    )
    response.set_cookie(
        COOKIE, token, max_age=SESSION_SECONDS, path="/", secure=True, httponly=True, samesite="strict"
    )
    return response


@app.get("/me")
def me(session: dict = Depends(current_session)):
    return {"id": session["user_id"], "email": session["email"], "created_at": session["created_at"]}


@app.post("/auth/logout", status_code=204)
def logout(session: dict = Depends(csrf_protected)):
    db.execute("DELETE FROM web_sessions WHERE token = ?", [session["token"]])
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@app.get("/notes")
def list_notes(session: dict = Depends(current_session)):
    return db.query(
        "SELECT id, text, created_at FROM notes WHERE owner_id = ? ORDER BY id", [session["user_id"]]
    )


@app.post("/notes", status_code=201)
def create_note(
    session: dict = Depends(csrf_protected),
    body: NewNote = Depends(body_of(NewNote)),
):
    text = storable(body.text, "text")
    return db.one(
        "INSERT INTO notes (owner_id, text, created_at) VALUES (?, ?, ?) RETURNING id, text, created_at",
        [session["user_id"], text, now_iso()],
    )


if __name__ == "__main__":
    db.script(SCHEMA)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
