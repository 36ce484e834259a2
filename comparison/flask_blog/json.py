"""orjson for responses, behind Flask's documented JSON provider hook (``app.json``)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask.json.provider import JSONProvider


class OrjsonProvider(JSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        # Requests are read by the standard library: orjson refuses a lone surrogate
        # escape ("\ud800") as bad JSON, where the contract wants a validation error.
        return json.loads(s)
