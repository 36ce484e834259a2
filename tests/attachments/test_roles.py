"""Who may upload and delete attachments, generated from policy.POLICY for every role.

Uploading is WRITE_TASKS; deleting a file someone else uploaded is
DELETE_ANY_ATTACHMENT; deleting one's own needs WRITE_TASKS (a viewer cannot).
"""

from __future__ import annotations

from typing import Any

import pytest

from taskmanager.policy import POLICY
from taskmanager.policy import Action
from taskmanager.policy import Role
from tests.attachments.conftest import multipart
from tests.conftest import csrf_token


@pytest.mark.parametrize("role", list(Role))
def test_upload_through_the_api(team: Any, api_as: Any, local_storage: Any, role: Role) -> None:
    answer = api_as(team.people[role.value]).upload(team.task.id, "a.txt", b"words\n")
    assert answer.status_code == (201 if Action.WRITE_TASKS in POLICY[role] else 403)


@pytest.mark.parametrize("role", list(Role))
def test_delete_anothers_file_through_the_api(
    team: Any, api_as: Any, local_storage: Any, role: Role
) -> None:
    # Uploaded by someone other than the person in the role.
    uploader = team.people["member"] if role != Role.MEMBER else team.people["admin"]
    created = api_as(uploader).upload(team.task.id, "a.txt", b"words\n").get_json()
    answer = api_as(team.people[role.value]).delete(f"/attachments/{created['id']}")
    assert answer.status_code == (204 if Action.DELETE_ANY_ATTACHMENT in POLICY[role] else 403)


@pytest.mark.parametrize("role", list(Role))
def test_delete_anothers_file_on_the_page(
    team: Any, as_user: Any, api_as: Any, local_storage: Any, role: Role
) -> None:
    uploader = team.people["member"] if role != Role.MEMBER else team.people["admin"]
    created = api_as(uploader).upload(team.task.id, "a.txt", b"words\n").get_json()
    client = as_user(team.people[role.value])
    task_url = f"/o/{team.org.slug}/tasks/{team.task.id}"
    page = client.get(task_url).get_data(as_text=True)
    shows_button = f"/attachments/{created['id']}/delete" in page
    client.post(
        f"/o/{team.org.slug}/attachments/{created['id']}/delete",
        data={"csrf_token": csrf_token(client, task_url)},
    )
    still_there = f'/attachments/{created["id"]}"' in client.get(task_url).get_data(as_text=True)
    allowed = Action.DELETE_ANY_ATTACHMENT in POLICY[role]
    assert shows_button is allowed
    assert still_there is not allowed


@pytest.mark.parametrize("role", list(Role))
def test_upload_on_the_page(team: Any, as_user: Any, local_storage: Any, role: Role) -> None:
    client = as_user(team.people[role.value])
    task_url = f"/o/{team.org.slug}/tasks/{team.task.id}"
    page = client.get(task_url).get_data(as_text=True)
    assert ("Attach files" in page) is (Action.WRITE_TASKS in POLICY[role])
    body, content_type = multipart(
        [("file", "a.txt", b"words\n")], fields={"csrf_token": csrf_token(client, task_url)}
    )
    client.post(f"{task_url}/attachments", data=body, content_type=content_type)
    stored = len(list(local_storage.list()))
    assert stored == (1 if Action.WRITE_TASKS in POLICY[role] else 0)
