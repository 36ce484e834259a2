"""Refresh rotation is atomic: of parallel refreshes with one token, exactly one wins."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from taskmanager import create_app
from taskmanager.extensions import db
from tests.api.conftest import sign_in
from tests.factories import make_user
from tests.support.sqlite_app import migrate

PARALLEL = 8


def race(app, refresh_token):
    """PARALLEL refreshes with the same token at once; their status codes."""
    barrier = Barrier(PARALLEL)

    def one(_):
        client = app.test_client()
        barrier.wait()
        return client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})

    with ThreadPoolExecutor(PARALLEL) as pool:
        responses = list(pool.map(one, range(PARALLEL)))
    return sorted(r.status_code for r in responses)


def test_parallel_refreshes_give_one_pair_on_postgresql(committed_app, make_user):
    user = make_user()
    pair = sign_in(committed_app.test_client(), user)
    assert race(committed_app, pair["refresh_token"]) == [200] + [401] * (PARALLEL - 1)


@pytest.mark.sqlite
def test_parallel_refreshes_give_one_pair_on_sqlite(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "sqlite-test-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path}/taskmanager.sqlite3",
            "BROKER_URL": f"sqla+sqlite:///{tmp_path}/broker.sqlite3",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    migrate(app)
    try:
        user = make_user(app)
        pair = sign_in(app.test_client(), user)
        assert race(app, pair["refresh_token"]) == [200] + [401] * (PARALLEL - 1)
    finally:
        with app.app_context():
            db.engine.dispose()
