"""Roles and permissions: users, editors and admins over a documents API, with the
role read from the database at every request."""

import os
import re
import time

import jwt
from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter
from werkzeug.security import check_password_hash, generate_password_hash

import db

app = Flask(__name__)

# learn sets all three, JWT_SECRET and ADMIN_PASSWORD new at every run; the fallbacks
# are only for trying by hand.
JWT_SECRET = os.environ.get("JWT_SECRET", "only-for-trying-by-hand-learn-always-sets-JWT_SECRET")
ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@example.com")
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "change-me-please")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    id {db.ID_COLUMN},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id {db.ID_COLUMN},
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users (id)
)
"""

ROLES = ("user", "editor", "admin")
# The roles that read and change every document; a user only their own.
SEES_EVERY_DOCUMENT = ("editor", "admin")

ACCESS_TOKEN_SECONDS = 900  # 15 minutes, the most README.md allows
CLOCK_LEEWAY_SECONDS = 30

MIN_PASSWORD_LENGTH = 8
CREDENTIALS_EXAMPLE = '{"email": "ada@example.com", "password": "correct horse"}'
DOCUMENT_EXAMPLE = '{"title": "Plans", "body": "..."}'
WRONG_CREDENTIALS = "wrong email or password"

# The hash of a password nobody knows. Log-in checks it when the email is unknown, so
# that an unknown email takes as long to answer as a wrong password.
UNKNOWN_USER_PASSWORD_HASH = (
    "scrypt:32768:8:1$tn9QTMAXvfIjT912$f72571dd2095cb98bd7cfcb4bc031c9da7dd23f229752ddaff2df7"
    "55cbd6f5921d6403759315b6acbf8da1053c90ba545b31fc36b690966fcdbb4f4f8daa83cb"
)

# A user id as an access token names it: "1", "42".
USER_ID_PATTERN = re.compile(r"[0-9]{1,9}")
# The largest id an id column holds (PostgreSQL's SERIAL): a bigger one in a path is a
# 404, never an error of the database.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:...>` in a route: a whole number from 0 to MAX_ID, else the route does not match."""

    def __init__(self, url_map):
        super().__init__(url_map, max=MAX_ID)


app.url_map.converters["id"] = IdConverter


class NotAuthenticated(Exception):
    """No valid access token; the message says why."""


@app.errorhandler(NotAuthenticated)
def not_authenticated(error):
    return jsonify(error=str(error)), 401, {"WWW-Authenticate": "Bearer"}


@app.errorhandler(UnicodeEncodeError)
def unencodable_string(error):
    """JSON can escape half of a UTF-16 pair ("\\ud800"): Python keeps it in the string,
    but hashing or storing it cannot encode it. A bad request, not a crash."""
    return jsonify(error="the body holds a string that is not valid Unicode"), 400


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer 403, 404, 405 and friends with JSON instead of Flask's HTML pages."""
    return jsonify(error=error.description), error.code


def body_object(example):
    """The JSON body, which must be an object like `example`."""
    data = request.get_json(silent=True)  # None when the body is not JSON
    if not isinstance(data, dict):
        abort(400, description=f"the body must be a JSON object like {example}")
    return data


def user_json(row):
    return {"id": row["id"], "email": row["email"], "role": row["role"]}


def current_user():
    """The user whose access token the Authorization header holds, read from the table
    now: the role is the one it has at this request, whatever it was at log-in."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("send an access token: Authorization: Bearer <access_token>")
    try:
        # algorithms=["HS256"]: the server decides how a token is checked, never the
        # token's own header (which may say "none").
        claims = jwt.decode(
            token,
            JWT_SECRET,
            algorithms=["HS256"],
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["exp", "sub"]},
        )
    except jwt.InvalidTokenError as error:
        raise NotAuthenticated(f"the access token is not valid: {error}") from None
    if not USER_ID_PATTERN.fullmatch(claims["sub"]):  # PyJWT has checked that it is a string
        raise NotAuthenticated("the access token names no user")
    user = db.one("SELECT id, email, role FROM users WHERE id = ?", [int(claims["sub"])])
    if user is None:
        raise NotAuthenticated("the access token names no user")
    return user


def require_role(user, role):
    """403 unless the user has the role: they are known, but may not do this."""
    if user["role"] != role:
        abort(403, description=f"only an {role} may do this")


def visible_document(user, document_id):
    """The document, when the user may see it. A user sees their own only: another
    person's is a 404, exactly as if it did not exist, so that nobody learns it is there."""
    if user["role"] in SEES_EVERY_DOCUMENT:
        document = db.one("SELECT id, title, body, owner_id FROM documents WHERE id = ?", [document_id])
    else:
        document = db.one(
            "SELECT id, title, body, owner_id FROM documents WHERE id = ? AND owner_id = ?",
            [document_id, user["id"]],
        )
    if document is None:
        abort(404, description=f"no document {document_id}")
    return document


def document_fields():
    """The title and body of the JSON body; any other field, owner_id included, is ignored."""
    data = body_object(DOCUMENT_EXAMPLE)
    title = data.get("title")
    body = data.get("body")
    if not isinstance(title, str) or not title:
        abort(400, description="title must be a string that is not empty")
    if not isinstance(body, str):
        abort(400, description="body must be a string")
    return title, body


def ensure_first_admin():
    """ADMIN_EMAIL is an admin whose password is ADMIN_PASSWORD: added at the first
    start, its password and role set again at every restart."""
    email = ADMIN_EMAIL.lower()
    password_hash = generate_password_hash(ADMIN_PASSWORD)
    if db.one("SELECT id FROM users WHERE email = ?", [email]) is None:
        db.execute(
            "INSERT INTO users (email, password_hash, role) VALUES (?, ?, 'admin')",
            [email, password_hash],
        )
    else:
        db.execute(
            "UPDATE users SET password_hash = ?, role = 'admin' WHERE email = ?",
            [password_hash, email],
        )


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/auth/register")
def register():
    data = body_object(CREDENTIALS_EXAMPLE)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or "@" not in email:
        abort(400, description="email must be an address like ada@example.com")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        abort(400, description=f"password must be a string of at least {MIN_PASSWORD_LENGTH} characters")
    try:
        user = db.one(
            "INSERT INTO users (email, password_hash, role) VALUES (?, ?, 'user') RETURNING id, email, role",
            [email.lower(), generate_password_hash(password)],
        )
    except db.IntegrityError:  # the unique email: someone signed up with it already
        abort(409, description="an account with this email already exists")
    return jsonify(user_json(user)), 201


@app.post("/auth/login")
def login():
    data = body_object(CREDENTIALS_EXAMPLE)
    email = data.get("email")
    password = data.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        abort(400, description="email and password must be strings")
    user = db.one("SELECT id, password_hash FROM users WHERE email = ?", [email.lower()])
    if user is None:
        check_password_hash(UNKNOWN_USER_PASSWORD_HASH, password)
        abort(401, description=WRONG_CREDENTIALS)
    if not check_password_hash(user["password_hash"], password):
        abort(401, description=WRONG_CREDENTIALS)
    issued_at = int(time.time())
    # No role in the token: it is read from the table at every request.
    claims = {"sub": str(user["id"]), "iat": issued_at, "exp": issued_at + ACCESS_TOKEN_SECONDS}
    return jsonify(access_token=jwt.encode(claims, JWT_SECRET, algorithm="HS256"))


@app.get("/me")
def me():
    return jsonify(user_json(current_user()))


@app.post("/documents")
def create_document():
    user = current_user()
    title, body = document_fields()
    document = db.one(
        "INSERT INTO documents (title, body, owner_id) VALUES (?, ?, ?) RETURNING id, title, body, owner_id",
        [title, body, user["id"]],
    )
    return jsonify(document), 201


@app.get("/documents")
def list_documents():
    user = current_user()
    if user["role"] in SEES_EVERY_DOCUMENT:
        documents = db.query("SELECT id, title, body, owner_id FROM documents ORDER BY id")
    else:
        documents = db.query(
            "SELECT id, title, body, owner_id FROM documents WHERE owner_id = ? ORDER BY id",
            [user["id"]],
        )
    return jsonify(documents)


@app.get("/documents/<id:document_id>")
def get_document(document_id):
    return jsonify(visible_document(current_user(), document_id))


@app.put("/documents/<id:document_id>")
def update_document(document_id):
    user = current_user()
    document = visible_document(user, document_id)
    title, body = document_fields()
    changed = db.one(
        "UPDATE documents SET title = ?, body = ? WHERE id = ? RETURNING id, title, body, owner_id",
        [title, body, document["id"]],
    )
    return jsonify(changed)


@app.delete("/documents/<id:document_id>")
def delete_document(document_id):
    user = current_user()
    document = visible_document(user, document_id)
    require_role(user, "admin")
    db.execute("DELETE FROM documents WHERE id = ?", [document["id"]])
    return "", 204


@app.put("/users/<id:user_id>/role")
def change_role(user_id):
    caller = current_user()
    require_role(caller, "admin")
    if user_id == caller["id"]:
        abort(403, description="an admin cannot change their own role")
    role = body_object('{"role": "editor"}').get("role")
    if role not in ROLES:
        abort(400, description=f"role must be one of {', '.join(ROLES)}")
    user = db.one("UPDATE users SET role = ? WHERE id = ? RETURNING id, email, role", [role, user_id])
    if user is None:
        abort(404, description=f"no user {user_id}")
    return jsonify(user_json(user))


db.script(SCHEMA)
ensure_first_admin()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
