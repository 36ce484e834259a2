from taskmanager import create_app


def test_livez_answers_without_touching_anything(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ok_when_database_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ok"


def test_readyz_names_the_broker_when_it_is_unreachable(app, tmp_path):
    config = {key: app.config[key] for key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")}
    broken = create_app({**config, "TESTING": True, "BROKER_URL": "redis://127.0.0.1:1/0"})
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert "broker" in response.json["failed"]
    assert "database" not in response.json["failed"]


def test_livez_with_a_session_cookie_runs_no_sql(app, as_user, make_user):
    from sqlalchemy import event

    from taskmanager.extensions import db

    client = as_user(make_user())
    assert client.get("/dashboard").status_code == 200  # the cookie is live
    seen = []
    with app.app_context():
        engine = db.engines[None]

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/livez")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert seen == []


def test_readyz_answers_503_at_once_while_the_process_drains(app, client):
    from taskmanager.health import DRAINING
    from taskmanager.health import start_draining

    start_draining(app)
    try:
        response = client.get("/readyz")
    finally:
        app.extensions.pop(DRAINING)
    assert response.status_code == 503
    assert response.json["failed"] == {"process": "shutting down"}
    assert client.get("/livez").status_code == 200


def test_readyz_answers_503_once_the_launcher_touches_the_drain_file(app, client, tmp_path):
    drain_file = tmp_path / "draining"
    app.config["DRAIN_FILE"] = str(drain_file)
    try:
        assert client.get("/readyz").status_code == 200
        drain_file.touch()
        assert client.get("/readyz").status_code == 503
    finally:
        app.config["DRAIN_FILE"] = ""


def test_probes_answer_plain_http_in_production_where_pages_redirect_to_https():
    production = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "a-production-secret-key-long-enough-0123456789",
            "DATABASE_URL": "sqlite://",
            "BROKER_URL": "memory://",
            "BASE_URL": "https://tasks.example.com",
        }
    )
    client = production.test_client()
    host = "http://127.0.0.1:8000"  # a probe inside the container or host network
    assert client.get("/livez", base_url=host).status_code == 200
    assert client.get("/readyz", base_url=host).status_code in (200, 503)
    assert client.get("/login", base_url=host).headers["Location"].startswith("https://")
