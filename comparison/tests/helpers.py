"""What the tests share besides fixtures: accounts, token forging, error assertions."""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

FRAMEWORKS = ["flask", "django", "fastapi"]
# The servers get this key and lifetime, so tests can forge, expire and check tokens.
SECRET_KEY = "comparison-tests-only-secret-key-" + "0123456789abcdef" * 2
TOKEN_TTL = 900
PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass
class Account:
    id: int
    username: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unique_name(prefix: str = "user") -> str:
    """A valid username no other test uses (3-32 of ``[A-Za-z0-9_]``)."""
    return f"{prefix}_{next(_counter)}_{uuid.uuid4().hex[:8]}"


def sign(payload: dict[str, Any], *, key: str = SECRET_KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def token_for(user_id: int | str, *, expires_in: int = 300, **claims: Any) -> str:
    now = int(time.time())
    return sign({"sub": str(user_id), "iat": now, "exp": now + expires_in, **claims})


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The contract's error shape: status, JSON, ``error`` code and a ``message``."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"error", "message", "details"}
    return body


def assert_validation_error(response: httpx.Response, *fields: str) -> dict[str, list[str]]:
    """A 400 ``validation_error`` whose details name exactly ``fields``."""
    details = assert_error(response, 400, "validation_error")["details"]
    assert set(details) == set(fields), details
    for messages in details.values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    return details
