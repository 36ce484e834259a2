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
