"""Rate limiting with Flask-Limiter, one limiter per app.

Flask-Limiter keeps its storage on the Limiter object, so a module-level limiter
shared by several apps (tests build many) would leave every app on the storage of
the last one configured. Each app gets its own, kept in ``app.extensions``.

On Redis the limits are kept by ``WindowRedisStorage``: the moving window's hit
returns the window too, so a request costs one round trip to Redis instead of two.
"""

from __future__ import annotations

import time

from flask import Flask
from flask import Response
from flask import current_app
from flask import has_request_context
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import RedisStorage

KEY = "taskmanager.limiter"
_WINDOWS = "taskmanager.rate_limit_windows"

# The moving window's acquire (limits' acquire_moving_window.lua) and, in the same
# call, the window as limits' moving_window.lua reads it: the oldest entry still in it
# and how many there are. The list holds the newest entry first.
_ACQUIRE_AND_READ = """
local timestamp = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local expiry = tonumber(ARGV[3])
local amount = tonumber(ARGV[4])
local acquired = 0
if amount <= limit then
    local entry = redis.call('lindex', KEYS[1], limit - amount)
    if not (entry and tonumber(entry) >= timestamp - expiry) then
        for i = 1, amount do
            redis.call('lpush', KEYS[1], ARGV[1])
        end
        redis.call('ltrim', KEYS[1], 0, limit - 1)
        redis.call('expire', KEYS[1], expiry)
        acquired = 1
    end
end
local oldest = nil
local low, high = 0, math.min(limit, redis.call('llen', KEYS[1])) - 1
while low <= high do
    local middle = math.floor((low + high) / 2)
    local value = tonumber(redis.call('lindex', KEYS[1], middle))
    if value and value >= timestamp - expiry then
        oldest = middle
        low = middle + 1
    else
        high = middle - 1
    end
end
if oldest then
    return {acquired, redis.call('lindex', KEYS[1], oldest), oldest + 1}
end
return {acquired, ARGV[1], 0}
"""


class WindowRedisStorage(RedisStorage):
    """limits' Redis storage, whose moving-window hit also reads the window.

    Flask-Limiter hits each limit before the view, then reads the window of one of
    them again for the ``X-RateLimit-*`` headers: a second round trip to Redis on every
    API request (a tenth of a task read's CPU). The hit's script here returns the
    window as well, and the request keeps it (in its WSGI environ, which no other
    request shares; ``g`` can outlive a request) for that read. A window read without
    a hit earlier in the same request, or outside one, still asks Redis.

    Its scheme is the Redis URL's with ``window+`` in front (``window_uri``).
    """

    STORAGE_SCHEME = ["window+redis", "window+rediss"]

    def __init__(self, uri: str, **options: float | str | bool) -> None:
        super().__init__(uri.removeprefix("window+"), **options)  # type: ignore[arg-type]

    def initialize_storage(self, _uri: str) -> None:
        super().initialize_storage(_uri)
        self.lua_acquire_and_read = self.get_connection().register_script(
            _ACQUIRE_AND_READ.encode()
        )

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        timestamp = time.time()
        acquired, oldest, count = self.lua_acquire_and_read(
            [self.prefixed_key(key)], [timestamp, limit, expiry, amount]
        )
        if has_request_context():
            request.environ.setdefault(_WINDOWS, {})[key] = (float(oldest), int(count))
        return bool(acquired)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        kept: dict[str, tuple[float, int]] = (
            request.environ.get(_WINDOWS, {}) if has_request_context() else {}
        )
        window = kept.pop(key, None)
        return window if window is not None else super().get_moving_window(key, limit, expiry)


def window_uri(uri: str) -> str:
    """The limiter's storage URI for ``RATELIMIT_STORAGE_URI``: Redis as ``WindowRedisStorage``."""
    return f"window+{uri}" if uri.startswith(("redis://", "rediss://")) else uri


def _retry_after_only_when_limited(response: Response) -> Response:
    """Flask-Limiter adds ``Retry-After`` to every answer; it means "wait" only on a 429.

    Registered before the limiter, so it runs after the limiter's own hook (Flask
    calls after-request functions in reverse order of registration).
    """
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_app(app: Flask) -> Limiter:
    app.after_request(_retry_after_only_when_limited)
    # Storage comes from RATELIMIT_STORAGE_URI: Redis in production, memory in development.
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        default_limits=[],
        storage_uri=window_uri(app.config["RATELIMIT_STORAGE_URI"]),
    )
    app.extensions[KEY] = limiter
    return limiter


def limiter_for(app: Flask | None = None) -> Limiter:
    limiter: Limiter = (app or current_app).extensions[KEY]
    return limiter
