"""Settings for the blog project, read from the environment (see CONTRACT.md)."""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("BLOG_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set BLOG_SECRET_KEY: the app signs its bearer tokens with it.")
BLOG_TOKEN_TTL = int(os.environ.get("BLOG_TOKEN_TTL", "3600"))

DEBUG = False
ALLOWED_HOSTS = os.environ.get("BLOG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "blog",
]

# The stock stack (the admin needs sessions, CSRF, auth and messages), plus the
# middleware that renders the API's errors.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blog.errors.APIErrorMiddleware",
]

ROOT_URLCONF = "blogsite.urls"
WSGI_APPLICATION = "blogsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# One URL for all three apps: `sqlite:///path` or `postgresql+psycopg://...`; Django
# picks its driver itself (psycopg 3 when installed), so the `+driver` part goes.
_url = os.environ.get(
    "DATABASE_URL", f"sqlite:///{BASE_DIR.parent / 'instance' / 'django_blog.sqlite3'}"
)
DATABASES = {
    # Persistent connections, as in production: without them every request reconnects.
    "default": dj_database_url.parse(re.sub(r"^(\w+)\+\w+:", r"\1:", _url), conn_max_age=60)
}

AUTH_USER_MODEL = "blog.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# BLOG_CHEAP_PASSWORD_HASHING=1 (the black-box tests only): still Argon2, at its
# cheapest cost (blogsite/hashers.py); otherwise Django's own.
if os.environ.get("BLOG_CHEAP_PASSWORD_HASHING") == "1":
    PASSWORD_HASHERS = ["blogsite.hashers.CheapArgon2PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# The contract's body limit; beyond it reading `request.body` raises RequestDataTooBig.
DATA_UPLOAD_MAX_MEMORY_SIZE = 65_536

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
