import pytest

from taskmanager import create_app
from taskmanager.config import ConfigError

PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "a-production-secret-key-of-forty-characters!!",
    "DATABASE_URL": "postgresql://db.internal/taskmanager",
    "BROKER_URL": "redis://redis.internal:6379/0",
    "BASE_URL": "https://tasks.example.com",
}


def without(key):
    return {k: v for k, v in PRODUCTION.items() if k != key}


def test_production_without_a_secret_key_refuses_to_start_and_names_the_variable(monkeypatch):
    monkeypatch.delenv("TASKMANAGER_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="TASKMANAGER_SECRET_KEY"):
        create_app(without("SECRET_KEY"))


@pytest.mark.parametrize(
    ("key", "variable"),
    [("DATABASE_URL", "TASKMANAGER_DATABASE_URL"), ("BROKER_URL", "TASKMANAGER_BROKER_URL")],
)
def test_production_names_each_missing_url(monkeypatch, key, variable):
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ConfigError, match=variable):
        create_app(without(key))


def test_production_starts_with_everything_set():
    app = create_app(PRODUCTION)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("TASKMANAGER_LOGIN_RATE_LIMIT", "3 per minute")
    monkeypatch.setenv("TASKMANAGER_PROXY_COUNT", "1")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["LOGIN_RATE_LIMIT"] == "3 per minute"
    assert app.config["PROXY_COUNT"] == 1


def development_app(monkeypatch, instance):
    monkeypatch.delenv("TASKMANAGER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TASKMANAGER_INSTANCE_PATH", str(instance))
    return create_app({"DATABASE_URL": f"sqlite:///{instance}/x.db"})


def test_development_signs_with_a_key_of_its_own_instance(monkeypatch, tmp_path):
    from taskmanager.config import DEV_SECRET_KEY

    first = development_app(monkeypatch, tmp_path / "one")
    key = first.config["SECRET_KEY"]
    assert key != DEV_SECRET_KEY
    assert len(key) >= 32
    assert (tmp_path / "one" / "secret_key").read_text().strip() == key
    assert development_app(monkeypatch, tmp_path / "one").config["SECRET_KEY"] == key
    assert development_app(monkeypatch, tmp_path / "two").config["SECRET_KEY"] != key
