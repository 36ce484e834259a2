"""Attachments on the pages: the plain form (no JavaScript), previews, delete, counts."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.attachments.conftest import multipart
from tests.attachments.conftest import png
from tests.conftest import csrf_token


def task_url(team: Any) -> str:
    return f"/o/{team.org.slug}/tasks/{team.task.id}"


def upload_form(client: FlaskClient, team: Any, files: list[tuple[str, str, bytes]]) -> Any:
    """Post the task page's form as a browser does: the CSRF token first, then the files."""
    token = csrf_token(client, task_url(team))
    body, content_type = multipart(files, fields={"csrf_token": token})
    return client.post(f"{task_url(team)}/attachments", data=body, content_type=content_type)


def test_the_plain_form_uploads_several_files_and_the_task_page_lists_them(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    client = as_user(team.people["member"])
    answer = upload_form(
        client, team, [("file", "photo.png", png(8, 6)), ("file", "notes.txt", b"hello\n")]
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#attachments")
    page = client.get(task_url(team)).get_data(as_text=True)
    assert "Attached photo.png, notes.txt." in page
    assert 'alt="Preview of photo.png"' in page  # a thumbnail for the picture
    assert "notes.txt" in page
    assert page.count("attachment-thumb") == 1  # none for the text file
    assert len(list(local_storage.list())) == 2


def test_an_empty_form_says_to_choose_a_file(team: Any, as_user: Any, local_storage: Any) -> None:
    client = as_user(team.people["member"])
    answer = upload_form(client, team, [("file", "", b"")])
    assert answer.status_code == 303
    page = client.get(task_url(team)).get_data(as_text=True)
    assert "Choose one or more files to attach." in page


def test_the_form_without_its_csrf_token_stores_nothing(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    client = as_user(team.people["member"])
    body, content_type = multipart([("file", "a.txt", b"a")])
    answer = client.post(f"{task_url(team)}/attachments", data=body, content_type=content_type)
    assert answer.status_code == 400
    assert list(local_storage.list()) == []


def test_the_scripted_upload_sends_the_token_in_a_header(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    client = as_user(team.people["member"])
    token = csrf_token(client, task_url(team))
    body, content_type = multipart([("file", "a.txt", b"words\n")])
    answer = client.post(
        f"{task_url(team)}/attachments",
        data=body,
        content_type=content_type,
        headers={"X-CSRFToken": token, "X-Upload": "1"},
    )
    assert answer.status_code == 201
    assert answer.get_data(as_text=True) == "a.txt"
    refused = client.post(
        f"{task_url(team)}/attachments",
        data=body,
        content_type=content_type,
        headers={"X-CSRFToken": "forged", "X-Upload": "1"},
    )
    assert refused.status_code == 400
    assert len(list(local_storage.list())) == 1


def test_a_scripted_upload_too_large_answers_a_plain_sentence(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    client = as_user(team.people["member"])
    token = csrf_token(client, task_url(team))
    body, content_type = multipart([("file", "big.bin", b"\x01" * (10 * 1024 * 1024 + 1))])
    answer = client.post(
        f"{task_url(team)}/attachments",
        data=body,
        content_type=content_type,
        headers={"X-CSRFToken": token, "X-Upload": "1"},
    )
    assert answer.status_code == 413
    assert "up to 10 MB" in answer.get_data(as_text=True)
    assert list(local_storage.list()) == []


def test_preview_is_inline_for_pictures_only_and_downloads_are_attachments(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    client = as_user(team.people["member"])
    upload_form(client, team, [("file", "photo.png", png()), ("file", "x.svg", b"<svg/>")])
    page = client.get(task_url(team)).get_data(as_text=True)
    import re

    ids = [int(n) for n in re.findall(r"/attachments/(\d+)/preview", page)]
    preview = client.get(f"/o/{team.org.slug}/attachments/{ids[0]}/preview")
    assert preview.status_code == 200
    assert preview.headers["Content-Type"] == "image/png"
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    all_ids = [int(n) for n in re.findall(r"/attachments/(\d+)\"", page)]
    svg_id = max(all_ids)
    assert client.get(f"/o/{team.org.slug}/attachments/{svg_id}/preview").status_code == 404
    download = client.get(f"/o/{team.org.slug}/attachments/{svg_id}")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Type"] == "application/octet-stream"


def test_the_uploader_deletes_from_the_page(team: Any, as_user: Any, local_storage: Any) -> None:
    client = as_user(team.people["member"])
    upload_form(client, team, [("file", "a.txt", b"words\n")])
    page = client.get(task_url(team)).get_data(as_text=True)
    import re

    [attachment_id] = re.findall(r"/attachments/(\d+)/delete", page)
    answer = client.post(
        f"/o/{team.org.slug}/attachments/{attachment_id}/delete",
        data={"csrf_token": csrf_token(client, task_url(team))},
    )
    assert answer.status_code == 303
    page = client.get(task_url(team)).get_data(as_text=True)
    assert "Deleted a.txt." in page
    assert "No attachments yet." in page
    assert "deleted attachment" in page  # in the history


def test_a_viewer_sees_files_but_no_upload_form_and_cannot_post_one(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    upload_form(as_user(team.people["member"]), team, [("file", "a.txt", b"words\n")])
    viewer = as_user(team.people["viewer"])
    page = viewer.get(task_url(team)).get_data(as_text=True)
    assert "a.txt" in page
    assert "Attach files" not in page
    assert "/delete" not in page.split('id="attachments"')[1].split("</section>")[0]
    answer = upload_form(viewer, team, [("file", "b.txt", b"b")])
    assert answer.status_code == 303
    assert "cannot do that" in viewer.get(task_url(team)).get_data(as_text=True)
    assert len(list(local_storage.list())) == 1


def test_another_organizations_attachment_pages_are_404(
    team: Any, stranger: Any, as_user: Any, api_as: Any, local_storage: Any
) -> None:
    theirs = api_as(stranger.owner).upload(stranger.task.id, "s.png", png()).get_json()
    client = as_user(team.people["owner"])
    slug = team.org.slug
    assert client.get(f"/o/{slug}/attachments/{theirs['id']}").status_code == 404
    assert client.get(f"/o/{slug}/attachments/{theirs['id']}/preview").status_code == 404
    token = csrf_token(client, task_url(team))
    deleted = client.post(
        f"/o/{slug}/attachments/{theirs['id']}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 404
    body, content_type = multipart([("file", "x.txt", b"x")], fields={"csrf_token": token})
    posted = client.post(
        f"/o/{slug}/tasks/{stranger.task.id}/attachments", data=body, content_type=content_type
    )
    assert posted.status_code == 404
    assert len(list(local_storage.list())) == 1


def test_counts_on_the_task_list_and_storage_on_the_org_page(
    team: Any, as_user: Any, local_storage: Any
) -> None:
    client = as_user(team.people["owner"])
    upload_form(client, team, [("file", "a.txt", b"x" * 2048), ("file", "b.txt", b"y" * 1024)])
    listing = client.get(f"/o/{team.org.slug}/projects/{team.project.id}").get_data(as_text=True)
    assert '2<span class="visually-hidden"> attachments</span>' in listing
    home = client.get(f"/o/{team.org.slug}").get_data(as_text=True)
    # The plan's usage panel: 3 KB stored against the free plan's 100 MB.
    storage = home[home.index("Attachment storage") :][:400]
    assert "3.0 KB" in storage and "100.0 MB" in storage
