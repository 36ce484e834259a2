"""The served OpenAPI document, as a mobile developer meets it: valid, and good
enough to generate a client that keeps every model and works against the server."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.factories import PASSWORD
from tests.support.live_server import LiveServer

BIN = Path(sys.executable).parent


@pytest.fixture
def server(committed_app: Any) -> Iterator[LiveServer]:
    with LiveServer(committed_app) as running:
        yield running


@pytest.fixture
def document(server: LiveServer) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=10) as response:
        served: dict[str, Any] = json.load(response)
    return served


def test_the_served_document_is_valid_openapi(document):
    validate(document)  # raises, naming the place, if it is not


def test_the_document_defines_each_schema_once(document):
    names = document["components"]["schemas"]
    assert [name for name in names if "." in name] == []  # no TaskPage.TaskOut copies
    if_match = [
        parameter
        for path in document["paths"].values()
        for operation in path.values()
        for parameter in operation.get("parameters", [])
        if parameter.get("name") == "If-Match"
    ]
    assert if_match and all("default" not in p["schema"] for p in if_match)


def generate(document: dict[str, Any], into: Path) -> tuple[str, Any]:
    """Generate a client package from ``document`` into ``into``; its output and module."""
    spec = into / "openapi.json"
    spec.write_text(json.dumps(document))
    config = into / "config.json"
    config.write_text(json.dumps({"project_name_override": "tm_client", "post_hooks": []}))
    result = subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", spec, "--config", config,
         "--meta", "none", "--output-path", into / "tm_client"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(into))
    return result.stdout + result.stderr, importlib.import_module("tm_client")


def test_a_generated_client_keeps_every_model_and_drives_a_journey(
    document, server, tmp_path, make_user
):
    output, _client = generate(document, tmp_path)
    assert "duplicate" not in output.lower() and "warning" not in output.lower(), output
    models = importlib.import_module("tm_client.models")
    for name in document["components"]["schemas"]:
        if name != "HTTPError":  # the error shape: generated as Error, from its title
            assert hasattr(models, name), f"the client dropped {name}"

    from tm_client import AuthenticatedClient
    from tm_client import Client
    from tm_client.api.auth import post_api_v1_auth_tokens as sign_in
    from tm_client.api.organizations import post_api_v1_orgs as create_org
    from tm_client.api.projects import post_api_v1_orgs_org_id_projects as create_project
    from tm_client.api.projects import post_api_v1_projects_project_id_tasks as create_task
    from tm_client.api.tasks import get_api_v1_tasks_task_id as get_task

    user = make_user()
    tokens = sign_in.sync(
        client=Client(base_url=server.url),
        body=models.Credentials(email=user.email, password=PASSWORD),
    )
    assert isinstance(tokens, models.TokenPairOut), tokens
    me = AuthenticatedClient(base_url=server.url, token=tokens.access_token)
    org = create_org.sync(client=me, body=models.OrgCreate(name="Generated"))
    assert isinstance(org, models.OrgOut), org
    project = create_project.sync(org.id, client=me, body=models.ProjectIn(name="Mobile"))
    assert isinstance(project, models.ProjectOut), project
    task = create_task.sync(
        project.id,
        client=me,
        body=models.TaskCreate(title="Ship it", priority=models.Priority.HIGH),
    )
    assert isinstance(task, models.TaskOut), task
    read = get_task.sync(task.id, client=me)
    assert isinstance(read, models.TaskOut)
    assert (read.title, read.priority, read.project.name) == (
        "Ship it",
        models.Priority.HIGH,
        "Mobile",
    )
