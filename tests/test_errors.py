"""Errors answer with a friendly page (or the API's JSON shape), never a traceback."""

import pytest
from flask import Blueprint

from taskmanager import create_app
from tests.conftest import base_config


@pytest.fixture
def failing_app(database, smtp_server, tmp_path_factory):
    app = create_app(base_config(tmp_path_factory, PROPAGATE_EXCEPTIONS=False))
    boom = Blueprint("boom", __name__)

    @boom.get("/boom")
    @boom.get("/api/v1/boom")
    def explode():
        raise RuntimeError("secret internals /srv/app/settings.py")

    app.register_blueprint(boom)
    return app


def test_an_unexpected_error_is_a_friendly_500_page_without_internals(failing_app):
    response = failing_app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_an_unexpected_api_error_is_json_without_internals(failing_app):
    response = failing_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json["error"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)


def test_an_oversized_body_is_refused_with_413(app, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data={"email": big})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_wrong_method_on_the_api_is_405_json_with_allow(client):
    response = client.post("/livez")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
