"""Django settings for this exercise: a small server that learn check starts with
`manage.py runserver 127.0.0.1:$PORT` (see learn.toml). You do not need to change them.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Django signs cookies with this key. This server sets none, and the key never
# leaves your machine; a real deployment reads its key from its environment.
SECRET_KEY = "django-insecure-learn-hello-http"

# Off, as in production: errors get short pages instead of Django's debugging
# pages, or the answers of the views that config/urls.py names (handler404 and
# friends: Django only uses them while DEBUG is off). A crash still prints its
# traceback in the server's output (see LOGGING).
DEBUG = False

# The host names this server answers to: any other Host header gets 400.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "hello",
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

# No database in this exercise.
DATABASES = {}

# The paths of this API have no trailing slash: never redirect /health to /health/.
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
