"""Per-user budgets for writes and reads, with X-RateLimit-* headers and 429 past them."""

import time

import pytest
from redis import Redis

from taskmanager import create_app
from taskmanager.extensions import db
from tests.api.conftest import Api
from tests.conftest import base_config
from tests.support.redis_server import RedisServer

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def small_limits(app, monkeypatch):
    """Budgets of 3 writes and 5 reads a minute; read per request, so no new app."""
    monkeypatch.setitem(app.config, "API_WRITE_RATE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "API_READ_RATE_LIMIT", "5 per minute")


def rename(api, n):
    return api.patch("/me", json={"name": f"Name {n}"})


def test_the_write_past_the_budget_is_429_in_the_error_shape(small_limits, user, api_as):
    api = api_as(user)
    allowed = [rename(api, n) for n in range(3)]

    refused = rename(api, 4)

    assert [r.status_code for r in allowed] == [200] * 3
    assert refused.status_code == 429
    assert refused.json["error"] == "rate_limited"
    assert "Retry-After" in refused.json["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert api.get("/me").json["name"] == "Name 2"


def test_reads_keep_their_own_budget_after_writes_run_out(small_limits, user, api_as):
    api = api_as(user)
    for n in range(4):
        rename(api, n)

    reads = [api.get("/me") for _ in range(6)]

    assert [r.status_code for r in reads] == [200] * 5 + [429]
    assert reads[-1].json["error"] == "rate_limited"


def test_every_answer_carries_the_headers_and_remaining_counts_down(small_limits, user, api_as):
    api = api_as(user)
    reads = [api.get("/me"), api.get("/orgs"), api.get("/tokens")]
    writes = [rename(api, 1), api.post("/orgs", json={})]  # a 400 counts too

    for response in reads + writes:
        assert all(name in response.headers for name in RATE_HEADERS), response.headers
        assert int(response.headers["X-RateLimit-Reset"]) >= int(time.time())
    assert [r.headers["X-RateLimit-Limit"] for r in reads] == ["5"] * 3
    assert [r.headers["X-RateLimit-Remaining"] for r in reads] == ["4", "3", "2"]
    assert [r.headers["X-RateLimit-Limit"] for r in writes] == ["3"] * 2
    assert [r.headers["X-RateLimit-Remaining"] for r in writes] == ["2", "1"]
    # "Wait this long" belongs to the 429 alone: a client honouring it must not stall.
    assert not any("Retry-After" in r.headers for r in reads + writes)


def test_budgets_are_per_user(small_limits, make_user, api_as):
    spent, fresh = api_as(make_user()), api_as(make_user())
    for n in range(3):
        rename(spent, n)

    assert rename(spent, 9).status_code == 429
    assert rename(fresh, 9).status_code == 200
    assert rename(fresh, 9).headers["X-RateLimit-Remaining"] == "1"


def test_a_personal_token_spends_its_owners_budget(small_limits, client, user, api_as):
    api = api_as(user)
    secret = api.post("/tokens", json={"name": "CI"}).json["token"]
    script = Api(client, secret)

    rename(api, 1)
    rename(script, 2)

    assert rename(api, 3).headers["X-RateLimit-Remaining"] == "0"
    assert rename(script, 4).status_code == 429


def test_requests_without_a_token_count_against_their_address(small_limits, anonymous):
    answers = [anonymous.get("/me") for _ in range(6)]

    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[0].headers["X-RateLimit-Remaining"] == "4"


def test_the_token_endpoint_keeps_its_own_limit_and_headers(small_limits, client, user):
    answer = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "wrong"})

    assert answer.status_code == 401
    assert answer.headers["X-RateLimit-Limit"] == "10"
    assert answer.headers["X-RateLimit-Remaining"] == "9"


def test_the_default_budgets_are_the_contracts(app, user, api_as):
    api = api_as(user)
    assert api.get("/me").headers["X-RateLimit-Limit"] == "1200"
    assert rename(api, 1).headers["X-RateLimit-Limit"] == "600"


@pytest.fixture
def limiter_redis(tmp_path):
    """A Redis of our own for the limiter, to stop without touching the shared one."""
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()


@pytest.fixture
def outage_app(app, limiter_redis, tmp_path_factory):
    limited = create_app(
        base_config(
            tmp_path_factory,
            RATELIMIT_STORAGE_URI=limiter_redis.url(),
            API_READ_RATE_LIMIT="3 per minute",
        )
    )
    yield limited
    with limited.app_context():
        db.engine.dispose()
    # create_app made its Celery the process default; give it back.
    app.extensions["celery"].set_default()


def evalsha_calls(server: RedisServer) -> int:
    stats = Redis.from_url(server.url()).info("commandstats")
    return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))


def test_each_request_costs_one_round_trip_to_the_limiter_redis(outage_app, limiter_redis):
    # The hit's script returns the window too (rate_limits.WindowRedisStorage): the
    # headers no longer read it again. Unauthenticated reads: no database needed.
    api = Api(outage_app.test_client())
    api.get("/me")  # the scripts are loaded (SCRIPT LOAD, then EVALSHA) on first use
    before = evalsha_calls(limiter_redis)

    answers = [api.get("/me") for _ in range(3)]

    assert evalsha_calls(limiter_redis) - before == 3
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert int(answers[0].headers["X-RateLimit-Reset"]) >= int(time.time())


def test_with_the_limiter_redis_down_answers_are_not_500_and_limits_still_hold(
    outage_app, limiter_redis
):
    # Unauthenticated reads: answered without the database, so nothing to clean up.
    api = Api(outage_app.test_client())
    assert api.get("/me").headers["X-RateLimit-Remaining"] == "2"

    limiter_redis.stop()
    answers = [api.get("/me") for _ in range(4)]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert all("X-RateLimit-Limit" in a.headers for a in answers)
    assert answers[-1].json["error"] == "rate_limited"
