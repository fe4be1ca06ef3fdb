"""Django settings for this exercise: a small server that learn check starts with
`manage.py runserver 127.0.0.1:$PORT` (see learn.toml). You do not need to change them.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent

# Django signs cookies with this key. This server sets none, and the key never
# leaves your machine; a real deployment reads its key from its environment.
SECRET_KEY = "django-insecure-learn-persistence"

# Off, as in production: errors get short pages instead of Django's debugging
# pages, or the answers of the views that config/urls.py names (handler404 and
# friends: Django only uses them while DEBUG is off). A crash still prints its
# traceback in the server's output (see LOGGING).
DEBUG = False

# The host names this server answers to: any other Host header gets 400.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "posts",
]

# startproject's list without what a JSON API with no logins leaves out: sessions,
# auth, messages, and CSRF protection (it guards the forms of a logged-in browser,
# and would answer every POST, PUT and DELETE here with 403 Forbidden).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"


def database(url):
    """Django's DATABASES entry for DATABASE_URL: a PostgreSQL URL, like
    postgresql://user:password@host:5432/name, or else the path of a SQLite file."""
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.removeprefix("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": parts.port or "",
            "OPTIONS": dict(parse_qsl(parts.query)),  # like ?sslmode=require
        }
    # SQLite lets one write happen at a time: the others wait, up to 10 s.
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": url, "OPTIONS": {"timeout": 10}}


# learn check sets DATABASE_URL; when you run the server yourself without it,
# the posts go to the file blog.sqlite3 in the current folder.
DATABASES = {"default": database(os.environ.get("DATABASE_URL", "blog.sqlite3"))}

# The paths of this API have no trailing slash: never redirect /posts to /posts/.
APPEND_SLASH = False

USE_TZ = True
TIME_ZONE = "UTC"

# With DEBUG off, Django would send a crash's traceback (and a refused Host) only
# by email: print them in the server's output instead.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "django.security": {"handlers": ["console"], "level": "ERROR"},
    },
}
