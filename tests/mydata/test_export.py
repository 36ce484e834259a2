"""A person's data export: a real worker builds it, a real email links to it."""

from __future__ import annotations

import json
import re

from taskmanager.tasks import comments
from taskmanager.tasks.schemas import CommentFields
from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.factories import sign_in
from tests.support.smtp import text_of
from tests.support.waiting import wait_until

LINK = re.compile(r"http://localhost(/account/data/download/\S+)")


def test_the_archive_holds_my_data_and_nobody_elses(
    committed_app, worker, make_user, api_as, inbox
):
    me = make_user(name="Mia Mine")
    other = make_user(name="Otto Other")
    org = make_org(committed_app, me, name="Shared team")
    add_member(committed_app, org, other, "member")
    project = make_project(committed_app, org, name="Common project")
    mine = make_task(committed_app, project, me, title="My own task")
    theirs = make_task(committed_app, project, other, title="Their private task")
    with committed_app.app_context():
        from taskmanager import tenancy
        from taskmanager.extensions import db
        from taskmanager.orgs.services import member
        from taskmanager.tasks.models import Task

        with tenancy.system():
            comments.add_comment(
                actor=member(org.id, me.id), task=db.session.get(Task, theirs.id),
                data=CommentFields(body="My remark"),
            )  # fmt: skip
            comments.add_comment(
                actor=member(org.id, other.id), task=db.session.get(Task, mine.id),
                data=CommentFields(body="Their remark"),
            )  # fmt: skip
    api = api_as(me)

    started = api.post("/me/export")
    assert started.status_code == 202
    export_id = started.json["id"]
    wait_until(
        lambda: api.get(f"/me/export/{export_id}").json["state"] == "done",
        timeout=30, what="the export is built",
    )  # fmt: skip
    [email] = inbox.wait_for(
        lambda m: me.email in str(m["To"]) and "ready to download" in str(m["Subject"])
    )
    path = LINK.search(text_of(email)).group(1)

    client = committed_app.test_client()
    sign_in(committed_app, client, me)
    download = client.get(path)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    archive = json.loads(download.get_data())
    text = json.dumps(archive)
    assert archive["profile"]["email"] == me.email
    assert [t["title"] for t in archive["tasks"]] == ["My own task"]
    assert [c["body"] for c in archive["comments"]] == ["My remark"]
    assert archive["organizations"][0]["name"] == "Shared team"
    assert "Their private task" not in text and "Their remark" not in text
    assert other.email not in text and "Otto Other" not in text
    assert api.get(f"/me/export/{export_id}/archive").json["tasks"] == archive["tasks"]

    # The link is only for me: signed in as someone else it is a 404, signed out a login.
    intruder = committed_app.test_client()
    sign_in(committed_app, intruder, other)
    assert intruder.get(path).status_code == 404
    assert api_as(other).get(f"/me/export/{export_id}").status_code == 404
    assert api_as(other).get(f"/me/export/{export_id}/archive").status_code == 404
    assert committed_app.test_client().get(path).status_code in (302, 303, 401)
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 404


def test_the_export_is_asked_for_on_the_your_data_page(app, user, auth_client, enqueued):
    from tests.conftest import post

    page = auth_client.get("/account/data").get_data(as_text=True)
    assert "Download your data" in page and "Delete your account" in page
    assert "/account/data" in auth_client.get("/account/settings").get_data(as_text=True)
    response = post(auth_client, "/account/data/export", follow_redirects=True)
    assert "we will email you a download link" in response.get_data(as_text=True)
    assert [name for name, _ in enqueued if name.endswith("build_export")]


def test_an_export_lost_on_the_way_is_replaced_not_waited_for_forever(
    app, user, api_as, monkeypatch
):
    api = api_as(user)
    first = api.post("/me/export").json
    assert api.post("/me/export").json["id"] == first["id"]  # still on its way
    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 0)
    second = api.post("/me/export").json
    assert second["id"] != first["id"]
    assert api.get(f"/me/export/{first['id']}").json["state"] == "failed"
