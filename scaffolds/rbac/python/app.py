"""Roles and permissions: users, editors and admins. Read README.md for the task, then run `learn check`."""

import os
import time

import jwt  # PyJWT
from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

import db  # SQLite or PostgreSQL, from DATABASE_URL: see db.py (no need to change it)

app = Flask(__name__)

# learn always sets these, JWT_SECRET and ADMIN_PASSWORD new at every run; the
# fallbacks are only for trying the server by hand.
JWT_SECRET = os.environ.get("JWT_SECRET", "only-for-trying-by-hand-learn-always-sets-JWT_SECRET")
ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@example.com")
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "change-me-please")

# TODO: the users table: id, email (text, not null, unique), password_hash (text, not
# null) and role (text, not null: 'user', 'editor' or 'admin'); then the documents
# table: id, title, body and owner_id (README.md, "People and roles" and "Documents").
# Use CREATE TABLE IF NOT EXISTS: this runs at every start of the server.
# For an id column numbered by the database, write `id {db.ID_COLUMN},`.
SCHEMA = f"""
"""

ACCESS_TOKEN_SECONDS = 900  # 15 minutes, the most README.md allows


@app.errorhandler(HTTPException)
def http_error(error):
    """Answer abort(403, description="..."), 404, 405 and friends with JSON."""
    return jsonify(error=error.description), error.code


def not_implemented():
    return jsonify(error="not implemented yet"), 501


def current_user():
    """The user whose access token the Authorization header holds; 401 without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, description="send an access token: Authorization: Bearer <access_token>")
    try:
        # algorithms=["HS256"]: the server decides how a token is checked, never the
        # token's own header (which may say "none").
        claims = jwt.decode(token.strip(), JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:
        abort(401, description="the access token is not valid")
    # TODO: load the row of users whose id claims["sub"] names (a string: "2"), with
    # its role, and answer it; no such user: 401. Read it here, at every request: an
    # admin may have changed the role since the token was made.
    abort(501, description=f"current_user() does not load user {claims['sub']} yet")


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/auth/register")
def register():
    # TODO: as in jwt-auth: check email and password, INSERT the user with the email
    # lower-cased, generate_password_hash(password) and the role 'user' (never the
    # body's), answer 201 with {"id", "email", "role"}; a taken email: 409
    # (except db.IntegrityError).
    return not_implemented()


@app.post("/auth/login")
def login():
    # TODO: as in jwt-auth: check_password_hash(stored_hash, password), then answer
    # {"access_token": jwt.encode(claims, JWT_SECRET, algorithm="HS256")} with the
    # claims sub (the id as a string) and exp (int(time.time()) + ACCESS_TOKEN_SECONDS).
    return not_implemented()


@app.get("/me")
def me():
    # TODO: {"id", "email", "role"} of current_user().
    return not_implemented()


# TODO: the documents (README.md, "Documents"). Every route starts with
# user = current_user(). Decide 404 before 403: a user who may not see a document
# must not learn that it exists (abort(404, description="...")).


@app.post("/documents")
def create_document():
    return not_implemented()


@app.get("/documents")
def list_documents():
    return not_implemented()


@app.get("/documents/<int:document_id>")
def get_document(document_id):
    return not_implemented()


@app.put("/documents/<int:document_id>")
def update_document(document_id):
    return not_implemented()


@app.delete("/documents/<int:document_id>")
def delete_document(document_id):
    return not_implemented()


@app.put("/users/<int:user_id>/role")
def change_role(user_id):
    # TODO: admins only, never their own role (README.md, "Changing roles").
    return not_implemented()


db.script(SCHEMA)

# TODO: make sure the first admin exists (README.md, "People and roles"): look
# ADMIN_EMAIL up in users; INSERT it with the hash of ADMIN_PASSWORD and the role
# 'admin' when it is missing, else UPDATE its password_hash and role.

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
