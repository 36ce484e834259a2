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
