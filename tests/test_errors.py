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


def test_the_status_table_is_read_off_the_error_classes():
    from taskmanager import errors

    defining = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.DomainError) and "status" in vars(cls)
    ]
    assert {cls.status: cls.code for cls in defining} == errors.HTTP_CODES
    assert errors.HTTP_CODES[400] == "bad_request"  # validation_error only refines 400
    assert errors.HTTP_CODES[409] == "conflict"


def test_the_error_translator_uses_no_private_names_of_flask_or_apiflask():
    import ast
    import inspect

    from taskmanager import errors

    tree = ast.parse(inspect.getsource(errors))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private and "._" not in module and ".globals" not in module, module
