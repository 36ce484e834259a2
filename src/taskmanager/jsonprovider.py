"""The app's one JSON provider: answers written by orjson, bodies read with a depth bound.

Writing: Flask's ``DefaultJSONProvider`` sorts keys and writes compactly; so does this
one, in C, and it hands what orjson does not write itself (datetimes, as HTTP dates,
Decimals, ``__html__`` objects) to Flask's own ``default``, so every answer reads as
before.

Reading stays with the standard library: it accepts integers of any size, which the
schemas then judge, where orjson would refuse the whole body as not JSON. Its parser
recurses once per level, so running out of stack is turned into "not valid JSON" (a
ValueError, which ``get_json`` maps to 400) instead of a RecursionError and a 500
(guards.py lists this bound with the others every request meets).

One class does both: the app sets one provider, and a second ``init_app`` replacing it
would silently undo the first (it did: a depth-guarding subclass of Flask's provider
set after this one had every answer written by the standard library again).
"""

from __future__ import annotations

import json
from typing import Any
from typing import cast

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


class TooDeep(ValueError):
    """JSON nested deeper than the parser's recursion allows."""


class OrjsonProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            # ValueError: Request.get_json turns it into 400 (or None when silent).
            raise TooDeep("The JSON is nested too deeply.") from None

    def _default(self, value: Any) -> Any:
        # The passed-through subclasses of str, int, dict and list are plain JSON
        # values, as they are to the standard library.
        kinds: tuple[type[Any], ...] = (str, int, float, dict, list)
        for kind in kinds:
            if isinstance(value, kind):
                return kind(value)
        return self.default(value)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # a caller asking for indent or other options gets the stdlib's
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self._default, option=OPTIONS).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if self._app.debug and self.compact is None:
            return cast(Response, super().response(*args, **kwargs))  # indented, for people
        obj = self._prepare_response_obj(args, kwargs)
        body = orjson.dumps(obj, default=self._default, option=OPTIONS) + b"\n"
        response_class: Any = self._app.response_class
        return cast(Response, response_class(body, mimetype=self.mimetype))
