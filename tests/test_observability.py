"""Every request has an id that reaches the response, the error page and the logs."""

import json
import logging

from taskmanager.observability import ACCESS_LOGGER
from taskmanager.observability import JSONFormatter
from tests.test_errors import failing_app  # noqa: F401 - fixture


def test_every_response_carries_a_request_id(client):
    first = client.get("/livez").headers["X-Request-ID"]
    second = client.get("/livez").headers["X-Request-ID"]
    assert first and second and first != second


def test_an_incoming_request_id_is_ignored_without_a_proxy_in_front(client):
    response = client.get("/livez", headers={"X-Request-ID": "from-the-client"})
    assert response.headers["X-Request-ID"] != "from-the-client"


def test_the_500_page_quotes_the_request_id(failing_app):  # noqa: F811
    response = failing_app.test_client().get("/boom")
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_the_access_log_names_request_user_status_and_duration(auth_client, user, caplog):
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        response = auth_client.get("/dashboard")
        response.close()  # the server closes the body; the line is written then
    (record,) = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert record.request_id == response.headers["X-Request-ID"]
    assert record.user_id == user.id
    assert record.status == 200
    assert record.duration_ms >= 0
    assert "GET /dashboard 200" in record.getMessage()


def test_json_logs_are_one_object_per_line_without_secrets():
    record = logging.LogRecord("taskmanager", logging.INFO, __file__, 1, "signed in", None, None)
    record.request_id = "abc123"
    record.password = "hunter2 hunter2"
    line = JSONFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "signed in"
    assert entry["request_id"] == "abc123"
    assert "hunter2" not in line


def test_production_writes_json_logs_unless_told_otherwise(app):
    from taskmanager.observability import json_logs_enabled

    assert not json_logs_enabled(app)
    production = type("App", (), {"config": {"ENV": "production", "JSON_LOGS": None}})()
    assert json_logs_enabled(production)  # type: ignore[arg-type]
    production.config["JSON_LOGS"] = False
    assert not json_logs_enabled(production)  # type: ignore[arg-type]


def test_one_time_tokens_in_urls_never_reach_the_access_log(client, caplog):
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        response = client.get("/reset/secret-reset-token-123")
        response.close()
    (record,) = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    assert record.path == "/reset/[redacted]"
    assert "secret-reset-token-123" not in record.getMessage()


def test_a_job_published_during_a_request_carries_the_request_id(app):
    from foundations.middleware import REQUEST_ID_KEY
    from taskmanager.observability import REQUEST_ID_HEADER
    from taskmanager.observability import _send_request_id

    headers: dict[str, str] = {}
    with app.test_request_context(environ_base={REQUEST_ID_KEY: "req-abc"}):
        _send_request_id(headers=headers)
    assert headers[REQUEST_ID_HEADER] == "req-abc"
