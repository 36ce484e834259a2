"""Bounds every request meets before a view reads it: body size, JSON depth, NUL, passwords.

Each bound is one mechanism for every route, so a new view cannot forget it:

- Body size: ``MAX_CONTENT_LENGTH`` (16 MB) for every body, ``MAX_FORM_MEMORY_SIZE``
  for the non-file fields of a form: 413 before anything reads past them (Werkzeug
  for a Content-Length, ``bound_streamed_body`` for a chunked JSON or form body).
  A route that takes more (an upload) raises its own bound *before touching the
  body*, in the view or a ``before_request`` of its blueprint:
  ``request.max_content_length = 100 * 1024 * 1024`` (Flask 3.1).
- JSON depth: the parser recurses once per level; the app's JSON provider
  (jsonprovider.py) turns running out of stack into "not valid JSON" (a ValueError,
  which ``get_json`` maps to 400) instead of a RecursionError and a 500.
- NUL (U+0000): PostgreSQL text cannot hold it and SQLite's LIKE stops at it, so a NUL
  in the path, the query string or a form field is a 400 before any view or query
  runs. The API checks its JSON bodies itself (api/http.py ``refuse_nul``), naming the
  field; multipart bodies are left to the upload views, which stream them.
- Passwords: the API allows ``MAX_PASSWORD_LENGTH`` characters; the sign-in,
  registration and password pages get the same rule here, before a password hasher
  refuses (or spends seconds on) a huge one.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from taskmanager.errors import ValidationFailed

# The same limit as the API's Credentials and RegisterIn schemas.
MAX_PASSWORD_LENGTH = 1000
PASSWORD_FIELDS = ("password", "new_password", "new_password_confirm", "password_confirm")
FORM_TYPES = ("application/x-www-form-urlencoded",)


def _has_nul(values: Any) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul() -> None:
    """400 for a NUL in the path, the query string or a urlencoded form.

    Raises:
        ValidationFailed: saying which part holds it.
    """
    if "\x00" in request.path:
        raise ValidationFailed("The address contains a NUL character (U+0000); remove it.")
    if request.path.startswith("/api/"):
        return  # the API checks its query and body itself, naming the field
    if _has_nul(request.args):
        raise ValidationFailed("The address contains a NUL character (U+0000); remove it.")
    if request.mimetype in FORM_TYPES and _has_nul(request.form):
        raise ValidationFailed("A field contains a NUL character (U+0000); remove it and retry.")


def bound_passwords() -> None:
    """Passwords on pages follow the API's length rule: 400 past it.

    Raises:
        ValidationFailed: a password field longer than ``MAX_PASSWORD_LENGTH``.
    """
    if request.method != "POST" or request.blueprint != "security":
        return
    sent: Any = request.form if request.mimetype in FORM_TYPES else {}
    if request.is_json:
        body = request.get_json(silent=True)
        sent = body if isinstance(body, dict) else {}
    for name in PASSWORD_FIELDS:
        value = sent.get(name)
        if isinstance(value, str) and len(value) > MAX_PASSWORD_LENGTH:
            raise ValidationFailed(
                f"Use a password of at most {MAX_PASSWORD_LENGTH:,} characters.",
                details={name: f"At most {MAX_PASSWORD_LENGTH:,} characters."},
            )


def bound_streamed_body() -> None:
    """413 for a JSON or form body sent without Content-Length that fills the bound.

    With a Content-Length Werkzeug answers 413 before reading. A chunked body it cuts
    at the bound instead, and the truncated JSON would read as merely invalid (400).
    Uploads (multipart) are left alone: their views stream them under their own bound.

    Raises:
        RequestEntityTooLarge: the body reached ``request.max_content_length``.
    """
    limit = request.max_content_length
    if request.content_length is not None or limit is None:
        return
    if not (request.is_json or request.mimetype in FORM_TYPES):
        return
    if len(request.get_data(cache=True)) >= limit:
        raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    # Flask 3.1's default (500 kB) for the text fields of a form, said out loud.
    app.config.setdefault("MAX_FORM_MEMORY_SIZE", 500_000)
    # First of the app's before_request functions: nothing may read a NUL before this.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul)
    app.before_request_funcs[None].insert(0, bound_streamed_body)
    app.before_request(bound_passwords)
